import Foundation

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
@main
struct Replay {
    static func main() {
        let args = CommandLine.arguments.dropFirst()
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
#endif
