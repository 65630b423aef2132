import Foundation
import TaggerConfig

/// Writes `text` to standard error.
func printError(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}

#if FUZZING
// libFuzzer entry points (built with -sanitize=fuzzer, which supplies main): the target is
// chosen by TAGGER_FUZZ_TARGET. See Tests/Fuzz/run.sh.
nonisolated(unsafe) private var selected: (@Sendable ([UInt8]) -> Void)?

@_cdecl("LLVMFuzzerInitialize")
public func fuzzInitialize(_ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>) -> CInt {
    let name = ProcessInfo.processInfo.environment["TAGGER_FUZZ_TARGET"] ?? ""
    guard let target = FuzzTargets.all[name] else {
        printError("set TAGGER_FUZZ_TARGET to one of: \(FuzzTargets.all.keys.sorted().joined(separator: ", "))")
        exit(2)
    }
    selected = target
    return 0
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    selected?(bytes)
    return 0
}

/// libFuzzer's driver, for when its own `main` is not the program's entry point.
@_silgen_name("LLVMFuzzerRunDriver")
func runDriver(_ argc: UnsafeMutablePointer<CInt>,
               _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
               _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> CInt

/// SwiftPM links an executable target with `main` defined as `<module>_main` (so tests can
/// link the module); libFuzzer's own `main` is then never used, so this one starts its driver.
@_cdecl("tagger_fuzz_main")
public func taggerFuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var count = argc
    var vector = argv
    return runDriver(&count, &vector) { data, size in fuzzOneInput(data, size) }
}
#else
/// Without libFuzzer: `tagger-fuzz TARGET FILE...` runs each file through a target once (to
/// replay a crash or a slow input, or to check the corpora), printing the time per file over 1 s.
/// `tagger-fuzz toml-json` is the TOML parser's side of Tests/reference/toml_tomllib.py.
@main
struct Replay {
    static func main() {
        let args = CommandLine.arguments.dropFirst()
        if args.first == "toml-json" { TOMLJSON.run() }
        guard let name = args.first, let target = FuzzTargets.all[name] else {
            printError("usage: tagger-fuzz {\(FuzzTargets.all.keys.sorted().joined(separator: "|"))} FILE...")
            exit(64)
        }
        var failed = false
        for path in args.dropFirst() {
            guard let data = FileManager.default.contents(atPath: path) else {
                printError("\(path): cannot read")
                failed = true
                continue
            }
            let start = Date()
            target(Array(data))
            let seconds = Date().timeIntervalSince(start)
            if seconds > 1 { print("\(path): \(String(format: "%.2f", seconds)) s") }
        }
        exit(failed ? 1 : 0)
    }
}

/// Reads NUL-separated TOML documents on standard input and prints, for each, one line: the
/// parsed document as JSON (every value as `[type, text]`, dates as `["d"]`, a table as
/// `{"t": [[key, value], ...]}` sorted by the keys' bytes: keys differ when their bytes do) or
/// `ERR message`. The bytes are read as the config reader reads them.
enum TOMLJSON {
    static func run() -> Never {
        let data = FileHandle.standardInput.readDataToEndOfFile()
        for chunk in data.split(separator: 0, omittingEmptySubsequences: false) {
            guard let text = String(validating: Array(chunk), as: UTF8.self) else { print("ERR not UTF-8"); continue }
            do throws(TOMLError) {
                let table = try TOMLParser.parse(text)
                let json = try? JSONSerialization.data(withJSONObject: shape(.table(table)), options: [.sortedKeys])
                print(json.flatMap { String(data: $0, encoding: .utf8) } ?? "ERR not representable")
            } catch {
                print("ERR " + error.description.replacingOccurrences(of: "\n", with: " "))
            }
        }
        exit(0)
    }

    private static func shape(_ v: TOMLValue) -> Any {
        switch v {
        case .string(let s): ["s", s]
        case .integer(let i): ["i", String(i)]
        case .float(let d): ["f", d.isNaN ? "nan" : d.isInfinite ? (d < 0 ? "-inf" : "inf") : "\(d)"]
        case .boolean(let b): ["b", b]
        case .dateTime: ["d"]
        case .array(let a): a.map(shape)
        case .table(let t):
            ["t": t.entries.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }.map { [$0.key, shape($0.value)] }]
        }
    }
}
#endif
