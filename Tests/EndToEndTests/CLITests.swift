import Foundation
import Testing

extension EndToEnd {
    @Suite("CLI: tag and features")
    struct CLITests {
        @Test("tag prints one JSON line per file that reproduces the trained labels")
        func tagOneLinePerFile() throws {
            let ws = try Workspace(samples: false)
            let samples = SampleMail.all
            let result = try ws.tagger(["tag"] + samples.map(\.path))
            #expect(result.status == 0, "\(result.stderr)")
            let lines = try result.lines.map { try JSONDecoder().decode(TagLine.self, from: Data($0.utf8)) }
            #expect(lines.map(\.path) == samples.map(\.path))
            var agree = 0
            for (line, sample) in zip(lines, samples) {
                #expect(Set(line.scores.keys) == Set(SampleMail.labels))
                #expect(line.scores.values.allSatisfy { (0...1).contains($0) })
                #expect(Set(line.tags).isDisjoint(with: line.abstained))
                agree += SampleMail.labels.filter { line.tags.contains($0) == sample.labels.contains($0) }.count
            }
            // The model was trained on these messages: nearly every label decision matches.
            let accuracy = Double(agree) / Double(samples.count * SampleMail.labels.count)
            #expect(accuracy >= 0.9, "label agreement with the manifest \(accuracy)")
        }

        @Test("features --json shows decoded headers, leaf parts, features and warnings")
        func featuresShape() throws {
            let ws = try Workspace(samples: false, model: nil)
            let files = SampleMail.all.map(\.path)
            let result = try ws.tagger(["features", "--json"] + files, stateFlags: false)
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.lines.count == files.count)
            var sawAttachment = false
            for line in result.lines {
                let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
                let headers = try #require(object["headers"] as? [String: Any])
                let subject = try #require(headers["subject"] as? String)
                #expect(!subject.isEmpty && !subject.contains("=?"), "subject not decoded: \(subject)")
                for key in ["from", "to", "date", "message_id"] { #expect(headers.keys.contains(key)) }
                let parts = try #require(object["parts"] as? [[String: Any]])
                #expect(!parts.isEmpty)
                for part in parts {
                    let type = try #require(part["type"] as? String)
                    for key in ["charset", "filename", "text"] { #expect(part.keys.contains(key), "\(key) in \(part)") }
                    if type.hasPrefix("text/") {
                        #expect(part["text"] is String, "text part without text: \(type)")
                    } else if !type.hasPrefix("multipart/") && !type.hasPrefix("message/") {
                        #expect(part["text"] is NSNull, "\(type) has text")
                    }
                    if part["filename"] is String { sawAttachment = true }
                }
                #expect((object["features"] as? [Any])?.isEmpty == false)
                #expect(object["warnings"] is [Any])
            }
            #expect(sawAttachment, "the samples include attachments with a filename")
        }

        @Test("a missing file, a folder and an empty file: one stderr line each, the rest still printed, exit 1")
        func badFilesReported() throws {
            let ws = try Workspace(samples: false)
            let missing = ws.root + "/no-such-message"
            let folder = ws.root + "/a-folder"
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            let empty = ws.root + "/empty.eml"
            _ = FileManager.default.createFile(atPath: empty, contents: Data())
            let good = SampleMail.all.prefix(2).map(\.path)
            for command in [["tag"], ["features", "--json"]] {
                let files = [good[0], missing, folder, empty, good[1]]
                let result = try ws.tagger(command + files, stateFlags: command == ["tag"])
                #expect(result.status == 1, "\(command): exit \(result.status)")
                #expect(result.lines.count == 2, "\(command): \(result.stdout)")
                #expect(result.stdout.contains(good[0]) && result.stdout.contains(good[1]))
                for bad in [missing, folder, empty] {
                    let mentions = result.errorLines.filter { $0.contains(bad) }
                    #expect(mentions.count == 1, "\(command): stderr about \(bad): \(result.stderr)")
                }
                #expect(result.errorLines.count == 3, "\(command): \(result.stderr)")
            }
        }

        @Test("a corrupt model (a flipped byte, a truncated file) is one clear line naming it, exit 1",
              arguments: ["flipped", "truncated"])
        func corruptModel(kind: String) throws {
            let ws = try Workspace(samples: false)
            var bytes = try #require(FileManager.default.contents(atPath: ws.modelPath))
            if kind == "flipped" {
                bytes[bytes.count / 2] ^= 0x5A
            } else {
                bytes = bytes.prefix(bytes.count * 2 / 3)
            }
            try bytes.write(to: URL(fileURLWithPath: ws.modelPath))
            let result = try ws.tagger(["tag", SampleMail.all[0].path])
            #expect(result.status == 1)
            #expect(result.stdout.isEmpty)
            #expect(result.errorLines.count == 1, "\(result.stderr)")
            #expect(result.stderr.contains(ws.modelPath), "\(result.stderr)")
        }

        @Test("relative --model, --state-dir and manifest paths mean files under the working directory")
        func relativePaths() throws {
            let ws = try Workspace(samples: false, model: nil)
            try Manifests.write(SampleMail.all.map { ($0.path, $0.labels) }, to: ws.root + "/all.jsonl")
            // A bare file name once made `train` fail with Foundation's "The file doesn't exist".
            let train = try Command.run(["train", "--manifest", "all.jsonl", "--model", "m.tgm", "--state-dir", "st"],
                                        home: ws.root, directory: ws.root, timeout: 300)
            #expect(train.status == 0, "\(train.stderr)")
            #expect(FileManager.default.fileExists(atPath: ws.root + "/m.tgm"))
            let tag = try Command.run(["tag", "--model", "m.tgm", "--state-dir", "st", SampleMail.all[0].path],
                                      home: ws.root, directory: ws.root)
            #expect(tag.status == 0, "\(tag.stderr)")
            #expect(tag.lines.count == 1)
            let missing = try Command.run(["train", "--manifest", "all.jsonl", "--model", "/proc/none/m.tgm"],
                                          home: ws.root, directory: ws.root, timeout: 300)
            #expect(missing.status == 1)
            #expect(missing.errorLines.count == 1 && missing.stderr.contains("/proc/none"), "\(missing.stderr)")
            #expect(!missing.stderr.contains("Error Domain"), "\(missing.stderr)")
        }

        @Test("counts that must be positive, and an --svg with no folder, are usage errors (64) before any work")
        func positiveCountsAreValidated() throws {
            let ws = try Workspace(samples: false, model: nil)
            let manifest = ws.root + "/m.jsonl"
            try Manifests.write(SampleMail.all.map { ($0.path, $0.labels) }, to: manifest)
            for args in [["simulate", "--manifest", manifest, "--every", "0"],
                         ["simulate", "--manifest", manifest, "--svg", ws.root + "/no/such/folder/c.svg"],
                         ["bench", "parse", SampleMail.all[0].path, "--passes", "0"],
                         ["bench", "score", SampleMail.all[0].path, "--passes", "0"],
                         ["explain", SampleMail.all[0].path, "--top", "0"]] {
                let r = try ws.tagger(args, stateFlags: false)
                #expect(r.status == 64, "\(args): exit \(r.status) \(r.stderr)")
                #expect(r.stdout.isEmpty, "\(args): \(r.stdout)")
            }
        }

        @Test("train --json and eval --json print the whole report when a label abstains (threshold null)")
        func jsonReportsWithAbstainingLabel() throws {
            let ws = try Workspace(samples: false, model: nil)
            // "rare" has two examples: fewer than the minimum, so it abstains (an infinite threshold inside).
            let entries = SampleMail.all.enumerated().map { i, e in
                (path: e.path, labels: i < 2 ? e.labels.union(["rare"]) : e.labels)
            }
            let manifest = ws.root + "/rare.jsonl", model = ws.root + "/rare.tgm"
            try Manifests.write(entries, to: manifest)
            let train = try ws.tagger(["train", "--manifest", manifest, "--model", model, "--json"], timeout: 300)
            #expect(train.status == 0, "\(train.stderr)")
            let eval = try ws.tagger(["eval", "--model", model, "--manifest", manifest, "--json"])
            #expect(eval.status == 0, "\(eval.stderr)")
            for (command, output) in [("train", train.stdout), ("eval", eval.stdout)] {
                let report = try #require(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any],
                                          "\(command): \(output)")
                let labels = try #require(report["labels"] as? [[String: Any]], "\(command): \(output)")
                #expect(Set(labels.compactMap { $0["name"] as? String }) == Set(SampleMail.labels + ["rare"]))
                for label in labels {
                    let name = label["name"] as? String
                    if name == "rare" {
                        #expect(label["threshold"] is NSNull, "\(command): \(label)")
                        #expect(label["abstains"] as? Bool == true, "\(command): \(label)")
                        #expect(label["included"] as? Bool == false)
                    } else {
                        #expect(label["threshold"] is NSNumber, "\(command): \(label)")
                        #expect(label["abstains"] as? Bool == false, "\(command): \(label)")
                    }
                }
                let tuned = try #require(report["tuned"] as? [String: Any], "\(command)")
                #expect(tuned["macroLabels"] as? Int == SampleMail.labels.count)
                #expect(command == "eval" || report["crossFitted"] is [String: Any])
            }
        }
    }
}
