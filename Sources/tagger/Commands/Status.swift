import ArgumentParser
import Foundation
import Features
import MIME
import Model
import TaggerConfig
import TaggerCore
import TaggerMaildir
import TaggerState
import TaggerSystem

/// `tagger status [--json]`: the daemon's state from its status file.
struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show whether the daemon runs, its counters, the model's labels (examples, abstention, CV F1), the corrections and the last retrain.",
        discussion: """
            Reads <state-dir>/status.json, which `tagger run` keeps up to date, and checks that its pid is alive.
            Exit status: 0 when the daemon is running, 3 when it is not, 1 on an unreadable status file or config.
            """)

    @OptionGroup var options: ConfigOptions

    @Flag(help: "Print JSON (the status file plus \"running\").")
    var json = false

    func run() throws {
        let config = try failing { try options.resolve() }
        let status = try failing { try DaemonStatus.read(stateDirectory: config.stateDir) }
        let running = status.map { $0.state != "stopped" && $0.processIsAlive } ?? false
        let report = StatusReport.gather(config: config)
        if json {
            var object: [String: Any] = ["running": running, "state_dir": config.stateDir]
            if let extra = try JSONSerialization.jsonObject(with: JSONEncoder().encode(report)) as? [String: Any] {
                object.merge(extra) { a, _ in a }
            }
            if let status {
                let data = try JSONEncoder().encode(status)
                if let fields = try JSONSerialization.jsonObject(with: data) as? [String: Any] {
                    object.merge(fields) { a, _ in a }
                }
            }
            let out = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])
            FileHandle.standardOutput.write(out + Data("\n".utf8))
        } else if let status {
            print("tagger: \(running ? "running" : "not running") (pid \(status.pid), started \(status.startedAt), state \(status.state))")
            print("model: \(status.modelID ?? "none")")
            print("tagged \(status.tagged), backlog \(status.backlog), errors \(status.errors)")
            if let e = status.lastError { print("last error: \(e)") }
            if let r = status.retag { print(r.summary) }
            print("updated: \(status.updatedAt)")
        } else {
            print("tagger: not running (no status file in \(config.stateDir))")
        }
        if !json { report.render().forEach { print($0) } }
        if !running { throw ExitCode(3) }
    }
}
