import ArgumentParser
import Foundation
import HTMLText
import Features
import MIME
import Model
import TaggerConfig
import TaggerBench
import TaggerCore
import TaggerMaildir
import TaggerState
import TaggerSystem

struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Throughput benchmarks (msgs/s, MB/s, per-message p50/p99, peak RSS). Use a release build.",
        subcommands: [BenchParse.self, BenchTag.self, BenchScore.self, BenchTrain.self, BenchDaemon.self,
                      BenchHostile.self, BenchLookup.self, BenchRetag.self, BenchIdle.self])
}

/// Message files under the given paths, leaving out corpus bookkeeping (manifests, labels, READMEs).
func benchFiles(_ paths: [String]) -> [String] {
    MessageFile.expand(paths).filter { path in
        let name = (path as NSString).lastPathComponent
        return !(name.hasSuffix(".jsonl") || name.hasSuffix(".cats") || name.hasPrefix("README")
                 || name == "SHA256SUMS" || name.contains("LICENSE") || name == "categories.txt")
    }
}

/// Prints a report as text or JSON.
func show(_ reports: [BenchReport], json: Bool) {
    if json {
        for r in reports { emit(jsonLine(r)) }
    } else {
        for r in reports { emit(r.summary) }
    }
}

/// RSS samples at a quarter, half, three quarters and the end of a run, to show memory is flat.
struct RSSProbe {
    let total: Int
    var samples: [String: Double] = [:]
    mutating func tick(_ done: Int) {
        guard total > 0 else { return }
        for q in [1, 2, 3, 4] where done == total * q / 4 { samples["rss_mib_at_\(q * 25)pct"] = currentRSSMiB() }
    }
}

struct BenchParse: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "parse",
        abstract: "Parse + featurise throughput over message files or folders (reading the file is not timed).")

    @Argument(help: "Message files or folders.")
    var paths: [String]
    @Option(help: "Passes over the files (the figures are of all passes).")
    var passes = 1

    func validate() throws {
        if passes < 1 { throw ValidationError("--passes must be at least 1") }
    }
    @Option(help: "How far to go: mime (MIME parse only), document (+ charsets, HTML text), features (+ featurise); html times libxml2's HTML-to-text alone (the MIME parse before it is not timed).")
    var stage: Stage = .features
    @Flag(help: "One JSON object per report.")
    var json = false
    @Option(help: "Also list the N slowest messages (time of the last pass), to find pathological mail.")
    var slowest = 0

    enum Stage: String, ExpressibleByArgument { case mime, document, features, html }

    func run() throws {
        var pipeline = try failing { try Pipeline() }
        let files = benchFiles(paths)
        let name = ["mime": "MIME parse", "document": "parse (MIME + HTML text)", "features": "parse+featurise",
                    "html": "HTML to text (libxml2 SAX + text collection) only"][stage.rawValue]!
        var htmlBytes = 0
        var recorder = BenchRecorder(name: name, expected: files.count * passes)
        var probe = RSSProbe(total: files.count * passes)
        var features = 0
        var done = 0
        var lastPass: [(nanos: UInt64, path: String)] = []
        for pass in 0..<passes {
            for path in files {
                done += 1
                guard let bytes = try? MessageFile.read(path) else { recorder.recordError(); continue }
                // The html stage times only the HTML parts' extraction, over the MIME parse's output.
                let htmlParts = stage == .html
                    ? MessageParser.parse(bytes, limits: pipeline.limits).parts.compactMap { part in
                        part.contentType.mimeType == "text/html" ? part.text : nil
                    } : []
                recorder.start()
                let t0 = BenchRecorder.now()
                switch stage {
                case .html:
                    for html in htmlParts {
                        htmlBytes += html.utf8.count
                        features &+= HTMLExtractor.extract(html, maxBytes: pipeline.htmlMaxBytes).text.utf8.count
                    }
                case .mime: features &+= MessageParser.parse(bytes, limits: pipeline.limits).parts.count
                case .document: features &+= pipeline.document(bytes: bytes).parts.count
                case .features: features &+= pipeline.vector(pipeline.document(bytes: bytes)).count
                }
                let nanos = BenchRecorder.now() - t0
                recorder.record(nanos: nanos, byteCount: bytes.count)
                recorder.stop()
                probe.tick(done)
                if slowest > 0, pass == passes - 1 { lastPass.append((nanos, path)) }
            }
        }
        var extra = probe.samples
        if stage == .html {
            extra["html_mb"] = Double(htmlBytes) / 1e6
        } else {
            extra["features_per_msg"] = Double(features) / Double(max(1, done))
        }
        let report = recorder.report(extra: extra)
        show([report], json: json)
        if stage == .html, !json {
            emit(String(format: "  (%.1f MB of HTML in %d passes: %.1f MB/s of HTML; the MB/s above is per message byte)",
                        Double(htmlBytes) / 1e6, passes, Double(htmlBytes) / 1e6 / max(report.seconds, 1e-9)))
        }
        for item in lastPass.sorted(by: { $0.nanos > $1.nanos }).prefix(slowest) {
            emit(String(format: "%8.0f µs  %@", Double(item.nanos) / 1000, item.path))
        }
    }
}

/// A model for the scoring benchmarks: `--model`, or one trained on the spot from `--manifest`.
struct BenchModelOptions: ParsableArguments {
    @Option(help: "Model file to score with.")
    var model: String?
    @Option(help: "Train a model from this manifest first (not timed) instead of --model.")
    var manifest: String?

    func load() throws -> (MultiLabelModel, Pipeline) {
        if let model { return try loadModel(model) }
        guard let manifest else { throw ValidationError("give --model FILE or --manifest M.jsonl") }
        let m = try Manifest.load(path: manifest, skipMissing: true)
        var pipeline = try Pipeline()
        let examples = try loadExamples(m, pipeline: &pipeline, labels: m.labels, manifestPath: manifest, skipUnreadable: true)
        var options = TrainingOptions()
        options.dimension = pipeline.dimension
        options.featurizer = pipeline.stamp
        return (try Trainer.train(examples: examples, labels: m.labels, options: options).model, pipeline)
    }
}

struct BenchTag: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tag",
        abstract: "End-to-end `tagger tag` throughput (read, parse, featurise, score, JSON line), optionally beside bogofilter's classification of the same files.")

    @Argument(help: "Message files or folders.")
    var paths: [String]
    @OptionGroup var modelOptions: BenchModelOptions
    @Flag(help: "Also time bogofilter's bulk classification of the same files, after training it on their spam (below a folder spam, spam_*, spam-*) and ham.")
    var bogofilter = false
    @Option(help: "Train bogofilter on at most N spam and N ham (default: all of them, as the model was trained).")
    var bogofilterTrain: Int?
    @Option(help: "Timed passes after one untimed warm-up pass; the fastest is reported. With --bogofilter, each pass is followed by one bogofilter run, timed the same way.")
    var passes = 3
    @Flag(help: "One JSON object per report.")
    var json = false

    func validate() throws {
        if let bogofilterTrain, bogofilterTrain < 1 { throw ValidationError("--bogofilter-train must be at least 1") }
        if passes < 1 { throw ValidationError("--passes must be at least 1") }
    }

    func run() throws {
        var (model, pipeline) = try failing { try modelOptions.load() }
        let files = benchFiles(paths)
        let anchor = bogofilter ? try failing { try BogofilterAnchor(files: files, trainPerClass: bogofilterTrain) } : nil
        var probe = RSSProbe(total: files.count * (passes + 1))
        var sink = 0
        var done = 0
        var fastest: BenchRecorder?
        var bogofilterSeconds = Double.infinity
        for pass in 0...passes {
            var recorder = BenchRecorder(name: "tag (end to end)", expected: files.count)
            recorder.start()
            for path in files {
                let t0 = BenchRecorder.now()
                do {
                    let bytes = try MessageFile.read(path)
                    let p = model.predict(pipeline.vector(pipeline.document(bytes: bytes)))
                    let line = TagLine(path: path, prediction: p)
                    sink &+= try line.json().count
                    recorder.record(nanos: BenchRecorder.now() - t0, byteCount: bytes.count)
                } catch {
                    recorder.recordError()
                }
                done += 1
                probe.tick(done)
            }
            recorder.stop()
            // Pass 0 warms the page cache and the allocator, and so does bogofilter's first run.
            if pass > 0, fastest.map({ recorder.elapsedNanos < $0.elapsedNanos }) ?? true { fastest = recorder }
            if let anchor {
                let seconds = try failing { try anchor.classifyAll() }
                if pass > 0 { bogofilterSeconds = min(bogofilterSeconds, seconds) }
            }
        }
        let recorder = fastest!
        var extra = probe.samples
        if let anchor {
            let r = recorder.report()
            extra["bogofilter_trained_spam"] = Double(anchor.spamTrained)
            extra["bogofilter_trained_ham"] = Double(anchor.hamTrained)
            extra["bogofilter_msgs_per_s"] = Double(files.count) / bogofilterSeconds
            extra["bogofilter_mb_per_s"] = Double(r.bytes) / 1e6 / bogofilterSeconds
            extra["speedup_vs_bogofilter"] = r.seconds > 0 ? bogofilterSeconds / r.seconds : 0
        }
        let report = recorder.report(extra: extra)
        show([report], json: json)
        if bogofilter && !json {
            emit(String(format: "bogofilter (trained on %.0f spam + %.0f ham): %.0f msgs/s, %.1f MB/s; tagger is %.1fx faster",
                        extra["bogofilter_trained_spam"]!, extra["bogofilter_trained_ham"]!,
                        extra["bogofilter_msgs_per_s"]!, extra["bogofilter_mb_per_s"]!, extra["speedup_vs_bogofilter"]!))
        }
        _ = sink
    }
}

struct BenchScore: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "score",
        abstract: "Scoring throughput on already featurised messages (featurising is not timed).")

    @Argument(help: "Message files or folders to featurise once.")
    var paths: [String]
    @OptionGroup var modelOptions: BenchModelOptions
    @Option(help: "Passes over the vectors.")
    var passes = 20

    func validate() throws {
        if passes < 1 { throw ValidationError("--passes must be at least 1") }
    }
    @Flag(help: "One JSON object per report.")
    var json = false

    func run() throws {
        var (model, pipeline) = try failing { try modelOptions.load() }
        let vectors = benchFiles(paths).compactMap { try? pipeline.vector(path: $0) }
        var recorder = BenchRecorder(name: "score (\(model.labels.count) labels)", expected: vectors.count * passes)
        var sink: Float = 0
        recorder.start()
        for _ in 0..<passes {
            for x in vectors {
                let t0 = BenchRecorder.now()
                let p = model.predict(x)
                sink += p.probabilities.first ?? 0
                recorder.record(nanos: BenchRecorder.now() - t0, byteCount: 0)
            }
        }
        recorder.stop()
        show([recorder.report(extra: ["checksum": Double(sink)])], json: json)
    }
}

struct BenchTrain: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Training time on a manifest, reading and parsing included (k-fold threshold tuning and the final fit).")

    @Option(help: "Labels manifest.")
    var manifest: String
    @Option(help: "Timed repetitions (the best is reported).")
    var passes = 3

    func validate() throws {
        if passes < 1 { throw ValidationError("--passes must be at least 1") }
    }
    @Flag(help: "One JSON object per report.")
    var json = false

    func run() throws {
        try failing {
            let m = try Manifest.load(path: manifest, skipMissing: true)
            var best: (total: Double, featurise: Double, train: Double, micro: Float, macro: Float) = (.infinity, 0, 0, 0, 0)
            var bytes = 0
            for _ in 0..<max(1, passes) {
                let t0 = BenchRecorder.now()
                var pipeline = try Pipeline()
                bytes = 0
                var examples: [TrainingExample] = []
                let position = Dictionary(uniqueKeysWithValues: m.labels.enumerated().map { ($1, $0) })
                for e in m.entries {
                    guard let data = try? MessageFile.read(e.path) else { continue }
                    bytes += data.count
                    examples.append(TrainingExample(vector: pipeline.vector(pipeline.document(bytes: data)),
                                                    labels: e.labels.compactMap { position[$0] }.sorted()))
                }
                let t1 = BenchRecorder.now()
                var options = TrainingOptions()
                options.dimension = pipeline.dimension
                options.featurizer = pipeline.stamp
                let result = try Trainer.train(examples: examples, labels: m.labels, options: options)
                let t2 = BenchRecorder.now()
                let total = Double(t2 - t0) / 1e9
                if total < best.total {
                    best = (total, Double(t1 - t0) / 1e9, Double(t2 - t1) / 1e9,
                            result.crossValidation.tuned.microF1, result.crossValidation.tuned.macroF1)
                }
            }
            let report = BenchReport(
                name: "train (\(m.entries.count) msgs, \(m.labels.count) labels)", messages: m.entries.count, bytes: bytes,
                seconds: best.total, messagesPerSecond: Double(m.entries.count) / best.total,
                megabytesPerSecond: Double(bytes) / 1e6 / best.total, p50Micros: 0, p99Micros: 0, maxMicros: 0,
                peakRSSMiB: peakRSSMiB(), errors: 0,
                extra: ["featurise_s": best.featurise, "train_s": best.train,
                        "cv_micro_f1": Double(best.micro), "cv_macro_f1": Double(best.macro)])
            show([report], json: json)
        }
    }
}

struct BenchDaemon: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "daemon",
        abstract: "Starts `tagger run` on a temporary Maildir and measures delivery-to-sidecar latency at a steady rate, the throughput of a burst, and the daemon's memory over many deliveries.")

    @Argument(help: "Message files or folders whose contents are delivered (cycled).")
    var paths: [String]
    @Option(help: "Model file the daemon loads.")
    var model: String
    @Option(help: "Steady phase: deliveries per second.")
    var rate: Double = 100
    @Option(help: "Steady phase: number of deliveries.")
    var steady = 1_000
    @Option(help: "Burst phase: number of messages delivered at once.")
    var burst = 10_000
    @Option(help: "Memory phase: deliveries in all (in batches of 2,000, deleted once tagged); 0 skips it.")
    var churn = 0
    @Option(name: .customLong("churn-folders"), help: "Instead of the phases above: make this many Maildir++ folders, create and delete folders while INBOX mail arrives (--rate per second), and time until every INBOX message has its sidecar.")
    var churnFolders: Int?
    @Option(name: .customLong("churn-seconds"), help: "With --churn-folders: how long the churn lasts.")
    var churnSeconds = 15.0
    @Option(help: "The tagger binary to run as the daemon (default: this one), to compare builds side by side.")
    var daemon: String?
    @Flag(help: "Print the result as JSON.")
    var json = false

    func run() throws {
        try failing {
            let messages = benchFiles(paths).compactMap { try? MessageFile.read($0) }
            guard !messages.isEmpty else { throw TaggerError.usage("no readable messages under \(paths.joined(separator: " "))") }
            let exe = daemon ?? (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
            if let folders = churnFolders {
                var options = FolderChurnBench.Options(executable: exe, messages: messages, modelPath: model)
                options.folders = folders
                options.seconds = churnSeconds
                options.rate = rate
                let result = try FolderChurnBench(options: options).run { if !json { emit($0) } }
                emit(json ? jsonLine(result, pretty: true) : result.summary)
                return
            }
            var options = DaemonBench.Options(executable: exe, messages: messages, modelPath: model)
            options.rate = rate
            options.steadyCount = steady
            options.burst = burst
            options.churn = churn
            let result = try DaemonBench(options: options).run { if !json { emit($0) } }
            if json {
                emit(jsonLine(result, pretty: true))
            } else {
                emit(String(format: "SIGTERM to exit: %.3f s", result.stopSeconds))
            }
        }
    }
}

struct BenchRetag: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "retag",
        abstract: "Fills a temporary Maildir, tags it with one model, starts `tagger run` with another and measures the retag of every sidecar and the delivery-to-sidecar latency of new mail meanwhile (and after, for comparison).")

    @Argument(help: "Message files or folders copied to fill the Maildir (cycled).")
    var paths: [String]
    @Option(help: "The model the Maildir is tagged with first.")
    var model: String
    @Option(name: .customLong("new-model"), help: "The model the daemon starts with (the retag brings every sidecar to it).")
    var newModel: String
    @Option(help: "Messages in the Maildir.")
    var count = 100_000
    @Option(help: "New mail delivered per second while the retag runs, and after it.")
    var rate: Double = 10
    @Option(help: "Deliveries timed after the retag.")
    var after = 200
    @Flag(help: "Print the result as JSON.")
    var json = false

    func run() throws {
        try failing {
            let messages = benchFiles(paths).compactMap { try? MessageFile.read($0) }
            guard !messages.isEmpty else { throw TaggerError.usage("no readable messages under \(paths.joined(separator: " "))") }
            let exe = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
            var options = RetagBench.Options(executable: exe, messages: messages, firstModel: model, secondModel: newModel)
            options.count = count
            options.rate = rate
            options.idleDeliveries = after
            let result = try RetagBench(options: options).run { if !json { emit($0) } }
            if json {
                emit(jsonLine(result, pretty: true))
            } else {
                emit(result.duringRetag.summary)
                emit(result.idle.summary)
                emit(String(format: "daemon peak RSS (start, retag, deliveries): %.1f MiB", result.daemonPeakRSSMiB))
            }
        }
    }
}
