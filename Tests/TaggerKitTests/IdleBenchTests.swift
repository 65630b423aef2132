#if os(Linux)
import Foundation
import Glibc
import Testing
@testable import TaggerBench

@Suite struct IdleBenchProcTests {
    /// The /proc readers on this very process: CPU grows with work done, threads and context
    /// switches are counted, a child started shows in `children`, and the text forms parse.
    @Test func procReadersReadThisProcess() throws {
        let me = getpid()
        let before = try #require(ProcessSample.take(me))
        #expect(before.stat.threads >= 1)
        #expect(before.contextSwitches.values.reduce(0, +) > 0)
        #expect(before.writeSyscalls != nil)
        // Spin ~150 ms of CPU: utime+stime must grow by several ticks.
        let t0 = BenchRecorder.now()
        var x: UInt64 = 1
        while BenchRecorder.now() - t0 < 150_000_000 { x = x &* 6364136223846793005 &+ 1 }
        #expect(x != 0)
        let after = try #require(ProcessSample.take(me))
        let ms = Double(after.stat.totalTicks - before.stat.totalTicks) * 1000 / ProcReader.ticksPerSecond
        #expect(ms >= 50 && ms <= 5_000, "\(ms) ms of CPU for 150 ms of spinning")
        let threadMs = Double(ProcReader.growth(from: before.threadCPUNanos, to: after.threadCPUNanos)) / 1e6
        #expect(threadMs >= 50 && threadMs <= 5_000, "\(threadMs) ms of thread CPU for 150 ms of spinning")

        let child = Process()
        child.executableURL = URL(fileURLWithPath: "/bin/sleep")
        child.arguments = ["5"]
        try child.run()
        defer { kill(child.processIdentifier, SIGKILL); child.waitUntilExit() }
        if let kids = ProcReader.children(me) { #expect(kids.contains(child.processIdentifier), "\(kids)") }

        // A command name with spaces and a parenthesis; fields counted after the last ')'.
        // Threads come and go: a new one counts whole, an ended one not at all (never below zero).
        #expect(ProcReader.growth(from: [1: 10, 2: 50], to: [1: 15, 3: 7]) == 12)
        #expect(ProcReader.growth(from: [1: 10], to: [1: 4]) == 4)   // a reused id: counted from zero
        let line = Array("42 (a) b (c) S 1 42 42 0 -1 4194560 100 0 0 0 7 3 11 13 20 0 9 0 100 1000 200".utf8)
        #expect(ProcReader.parseStat(line) == ProcReader.Stat(utime: 7, stime: 3, cutime: 11, cstime: 13, threads: 9))
        #expect(ProcReader.parseStat(Array("42 (broken".utf8)) == nil)
        let io = ProcReader.parseFields(Array("rchar: 10\nsyscw:\t77\nwrite_bytes: 4096\nbogus\nempty: \n".utf8))
        #expect(io == ["rchar": 10, "syscw": 77, "write_bytes": 4096])
        #expect(TreeWriteCounter.key(folder: "", name: ".status.json.123.4567.tmp") == "status.json")
        #expect(TreeWriteCounter.key(folder: "sidecars/Maildir/INBOX", name: ".17.M1P2.x.json.9.8.tmp") == "sidecars/Maildir/INBOX/*.json")
        #expect(TreeWriteCounter.key(folder: "sync", name: "notmuch.jsonl") == "sync/notmuch.jsonl")
    }
}
#endif
