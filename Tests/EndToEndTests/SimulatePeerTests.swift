import Foundation
import Testing

extension EndToEnd {
    @Suite("CLI: simulate --peer")
    struct SimulatePeerTests {
        /// A stand-in peer: checks the plan tagger wrote and answers with figures that encode it
        /// (micro-F1 = corrected messages at the point / 1000, macro-F1 = held-out messages / 1000).
        static let fakePeer = """
            import json, os, sys
            plan = json.load(open(sys.argv[1]))
            stream, held, corrected = plan["stream"], plan["held_out"], plan["corrected"]
            assert corrected == sorted(set(corrected)), "corrected positions out of order"
            assert all(0 <= i < len(stream) for i in corrected)
            assert all(os.path.exists(m["path"]) for m in stream + held)
            assert all(set(m["labels"]) <= set(plan["labels"]) for m in stream + held)
            for p in plan["points"]:
                n = p["corrections"]
                assert n <= len(corrected)
                print(json.dumps({"corrections": n, "micro_f1": n / 1000, "macro_f1": len(held) / 1000, "peer": "fake"}))
            """

        /// A workspace without a model, a manifest of the samples and `peer` as the peer script.
        static func setUp(peer: String) throws -> (ws: Workspace, manifest: String, script: String) {
            let ws = try Workspace(samples: false, model: nil)
            let manifest = ws.root + "/m.jsonl"
            try Manifests.write(SampleMail.all.map { ($0.path, $0.labels) }, to: manifest)
            let script = ws.root + "/peer.py"
            try peer.write(toFile: script, atomically: true, encoding: .utf8)
            return (ws, manifest, script)
        }

        @Test("the peer gets the same held-out messages and the corrected messages of every point")
        func peerReplaysTheSameStream() throws {
            let (ws, manifest, script) = try Self.setUp(peer: Self.fakePeer)
            let svg = ws.root + "/curve.svg"
            let r = try ws.tagger(["simulate", "--manifest", manifest, "--every", "20", "--peer", script, "--svg", svg, "--json"],
                                  stateFlags: false)
            #expect(r.status == 0, "\(r.stderr)")
            let objects = try r.lines.map { try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]) }
            let tagger = objects.filter { $0["micro_f1"] != nil }
            let peer = objects.filter { $0["peer_micro_f1"] != nil }
            #expect(!tagger.isEmpty)
            #expect(peer.count == tagger.count, "\(r.stdout)")
            let heldOut = SampleMail.all.indices.filter { $0 % 5 == 4 }.count
            for (t, p) in zip(tagger, peer) {
                let n = try #require(t["corrections"] as? Int)
                #expect(p["corrections"] as? Int == n)
                #expect(abs((p["peer_micro_f1"] as? Double ?? -1) - Double(n) / 1000) < 1e-6)
                #expect(abs((p["peer_macro_f1"] as? Double ?? -1) - Double(heldOut) / 1000) < 1e-6)
            }
            let chart = try String(contentsOfFile: svg, encoding: .utf8)
            #expect(chart.contains("stroke-dasharray") && chart.contains("dashed: fake"), "no peer lines in the SVG")
        }

        /// A peer that prints the stream's and the held-out paths it was given (one line each) to
        /// the file named by `TAGGER_PEER_DUMP`, and answers zeros.
        static let dumpingPeer = """
            import json, os, sys
            plan = json.load(open(sys.argv[1]))
            with open(os.environ["TAGGER_PEER_DUMP"], "w") as f:
                json.dump({"stream": [m["path"] for m in plan["stream"]], "held": [m["path"] for m in plan["held_out"]]}, f)
            for p in plan["points"]:
                print(json.dumps({"corrections": p["corrections"], "micro_f1": 0, "macro_f1": 0, "peer": "dump"}))
            """

        @Test("--shuffle SEED replays the stream in a seeded order (the same for the peer), the held-out fifth unchanged")
        func shuffledStream() throws {
            let (ws, manifest, script) = try Self.setUp(peer: Self.dumpingPeer)
            func run(_ extra: [String], _ dump: String) throws -> (stream: [String], held: [String], stdout: String) {
                let r = try ws.tagger(["simulate", "--manifest", manifest, "--every", "20", "--peer", script] + extra,
                                      stateFlags: false, env: ["TAGGER_PEER_DUMP": ws.root + "/" + dump])
                #expect(r.status == 0, "\(r.stderr)")
                let o = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: ws.root + "/" + dump))) as? [String: [String]])
                return (o["stream"] ?? [], o["held"] ?? [], r.stdout)
            }
            let plain = try run([], "plain.json")
            let one = try run(["--shuffle", "1"], "one.json")
            let again = try run(["--shuffle", "1"], "again.json")
            let two = try run(["--shuffle", "2"], "two.json")
            #expect(plain.stream == SampleMail.all.indices.filter { $0 % 5 != 4 }.map { SampleMail.all[$0].path })
            #expect(one.held == plain.held && two.held == plain.held)
            #expect(Set(one.stream) == Set(plain.stream) && one.stream.count == plain.stream.count)
            #expect(one.stream != plain.stream && two.stream != one.stream)
            #expect(again.stream == one.stream && again.stdout == one.stdout, "the same seed must replay the same curve")
            #expect(one.stdout.contains("shuffled, seed 1"), "\(one.stdout)")
        }

        @Test("a peer that fails (no scikit-learn: exit 3) is one warning; tagger's curve is still printed, exit 0")
        func failingPeerIsAWarning() throws {
            let ws = try Workspace(samples: false, model: nil)
            let manifest = ws.root + "/m.jsonl"
            try Manifests.write(SampleMail.all.map { ($0.path, $0.labels) }, to: manifest)
            for (body, says) in [("import sys; sys.exit(3)", "scikit-learn is not installed"),
                                 ("print('nonsense')", "printed 0 results"),
                                 ("raise SystemExit('boom')", "boom")] {
                let script = ws.root + "/peer.py"
                try body.write(toFile: script, atomically: true, encoding: .utf8)
                let r = try ws.tagger(["simulate", "--manifest", manifest, "--every", "30", "--peer", script], stateFlags: false)
                #expect(r.status == 0, "\(r.stderr)")
                #expect(r.errorLines.count == 1 && r.stderr.contains("no peer curve") && r.stderr.contains(says), "\(r.stderr)")
                #expect(r.stdout.contains("held-out micro-F1") && !r.stdout.contains("peer micro-F1"), "\(r.stdout)")
            }
            let missing = try ws.tagger(["simulate", "--manifest", manifest, "--every", "30", "--peer", ws.root + "/none.py"],
                                        stateFlags: false)
            #expect(missing.status == 0 && missing.stderr.contains("no peer curve"), "\(missing.stderr)")
        }
    }
}
