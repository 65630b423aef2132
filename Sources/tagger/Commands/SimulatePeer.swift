import Foundation
import TaggerBench
import TaggerCore

/// The peer of `tagger simulate --peer SCRIPT`: a program (Tests/reference/simulate_peer.py,
/// scikit-learn) that retrains another classifier on exactly the messages the simulated user
/// corrected, at the same points, and scores the same held-out messages.
///
/// tagger writes a plan (JSON: `labels`, `held_out` and `stream` as `{path, labels}`,
/// `corrected` as stream positions in the order they were corrected, `points` as
/// `{corrections}`), runs `python3 SCRIPT PLAN` and reads one JSON line per point:
/// `{"corrections": N, "micro_f1": F, "macro_f1": F, "peer": NAME}` (NAME describes the peer)..
struct SimulationPeer {
    /// A message of the plan.
    struct Message: Encodable {
        var path: String
        var labels: [String]
    }

    /// What the script printed for one point.
    struct Result: Decodable {
        var corrections: Int
        var microF1: Float
        var macroF1: Float
        var peer: String?
        enum CodingKeys: String, CodingKey { case corrections, microF1 = "micro_f1", macroF1 = "macro_f1", peer }
    }

    private struct Plan: Encodable {
        var labels: [String]
        var heldOut: [Message]
        var stream: [Message]
        var corrected: [Int]
        var points: [[String: Int]]
        enum CodingKeys: String, CodingKey { case labels, heldOut = "held_out", stream, corrected, points }
    }

    /// Why the peer gave no curve.
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// The script to run.
    var script: String

    /// Runs the peer on the plan and returns its points in the order of `points`.
    /// - Throws: `Failure` when python3 cannot be started, the script fails (exit 3: no
    ///   scikit-learn) or prints something else than a result for every point.
    func run(labels: [String], heldOut: [Message], stream: [Message], corrected: [Int],
             points: [LearningCurveSimulation.Point]) throws -> (name: String, points: [LearningCurveSimulation.Point]) {
        let plan = Plan(labels: labels, heldOut: heldOut, stream: stream, corrected: corrected,
                        points: points.map { ["corrections": $0.corrections] })
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tagger-simulate-\(getpid())")
        try? FileManager.default.removeItem(at: folder)
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        } catch {
            throw Failure(description: "cannot create \(folder.path): \(error.localizedDescription)")
        }
        defer { try? FileManager.default.removeItem(at: folder) }
        let planURL = folder.appendingPathComponent("plan.json")
        do {
            try JSONEncoder().encode(plan).write(to: planURL)
        } catch {
            throw Failure(description: "cannot write the plan \(planURL.path): \(error.localizedDescription)")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", script, planURL.path]
        let output = Pipe()
        let errorURL = folder.appendingPathComponent("stderr.txt")
        _ = FileManager.default.createFile(atPath: errorURL.path, contents: nil)
        guard let errors = try? FileHandle(forWritingTo: errorURL) else {
            throw Failure(description: "cannot write \(errorURL.path)")
        }
        defer { try? errors.close() }
        process.standardOutput = output
        process.standardError = errors
        do { try process.run() } catch {
            throw Failure(description: "cannot start python3 \(script): \(error.localizedDescription)")
        }
        let outputData = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let stderr = ((try? String(contentsOf: errorURL, encoding: .utf8)) ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard process.terminationStatus == 0 else {
            let why = process.terminationStatus == 3 ? "scikit-learn is not installed" : "exit status \(process.terminationStatus)"
            throw Failure(description: "\(script): \(why)" + (stderr.isEmpty ? "" : ": \(stderr.split(separator: "\n").last ?? "")"))
        }
        let decoder = JSONDecoder()
        let results = outputData.split(separator: UInt8(ascii: "\n")).compactMap { try? decoder.decode(Result.self, from: Data($0)) }
        guard results.map(\.corrections) == points.map(\.corrections) else {
            throw Failure(description: "\(script) printed \(results.count) results for \(points.count) points")
        }
        let curve = zip(results, points).map { r, p in
            LearningCurveSimulation.Point(corrections: r.corrections, seen: p.seen, microF1: r.microF1,
                                          macroF1: r.macroF1, activeLabels: 0)
        }
        return (results.first?.peer ?? "peer", curve)
    }
}
