import Testing
@testable import TaggerDaemon

/// Control triggers that pile up while the tagging thread is busy.
@Suite struct ControlTriggerMergeTests {
    @Test func reloadsAndReconcilesAskedForWhileOneWaitsAreThatOne() {
        let q = WorkQueue()
        for _ in 0..<1000 {
            q.push(.reload)
            q.push(.reconcile)
        }
        q.push(.stop)
        #expect(q.take(timeout: 0) == .control(.reload))
        #expect(q.take(timeout: 0) == .control(.reconcile))
        #expect(q.take(timeout: 0) == .control(.stop))
        #expect(q.take(timeout: 0) == nil)
        // Taken (running): the next one asked for is queued again.
        q.push(.reload)
        #expect(q.take(timeout: 0) == .control(.reload))
    }
}
