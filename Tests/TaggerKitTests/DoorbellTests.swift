import Foundation
import Testing
@testable import TaggerDaemon

/// The doorbell idle services sleep on: a ring wakes the wait at once (or the next one), a
/// timeout or a cancellation ends it, and nothing wakes a wait twice.
///
/// The bounds are loose on purpose: in the whole suite the cooperative pool is sometimes busy
/// with other tests for 50 s (every test then "takes" that long), so a ring is told from a
/// timeout by a timeout far longer than any such stall, not by a tight bound.
@Suite struct DoorbellTests {
    /// Seconds `body` took.
    func seconds(_ body: () async -> Void) async -> Double {
        let start = ContinuousClock.now
        await body()
        let d = ContinuousClock.now - start
        return Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }

    @Test func aRingWhileNobodyWaitsWakesTheNextWaitAtOnce() async {
        let bell = Doorbell()
        bell.ring()
        bell.ring()
        #expect(await seconds { await bell.wait(upTo: .seconds(600)) } < 300)
        // The two rings counted once: the next wait sleeps its whole timeout.
        #expect(await seconds { await bell.wait(upTo: .milliseconds(300)) } >= 0.25)
    }

    @Test func aWaitEndsAtItsTimeout() async {
        let bell = Doorbell()
        let took = await seconds { await bell.wait(upTo: .milliseconds(200)) }
        #expect(took >= 0.15 && took < 300)
    }

    @Test func aRingWakesTheWaitingTask() async {
        let bell = Doorbell()
        let ringer = Task {
            try? await Task.sleep(for: .milliseconds(200))
            bell.ring()
        }
        let took = await seconds { await bell.wait(upTo: .seconds(600)) }
        #expect(took >= 0.15 && took < 300)
        await ringer.value
    }

    @Test func anEndedWaitsTimeoutDoesNotEndTheNextWait() async {
        let bell = Doorbell()
        // Woken by a ring long before its timeout, whose sleep is then cancelled...
        bell.ring()
        await bell.wait(upTo: .milliseconds(50))
        await bell.wait(upTo: .milliseconds(50))   // ...and one that timed out
        try? await Task.sleep(for: .milliseconds(100))
        // Neither's timeout may end this wait early.
        #expect(await seconds { await bell.wait(upTo: .milliseconds(400)) } >= 0.35)
    }

    @Test func cancellingTheWaitingTaskEndsTheWait() async {
        let bell = Doorbell()
        let waiter = Task { await bell.wait(upTo: .seconds(600)) }
        try? await Task.sleep(for: .milliseconds(100))
        let took = await seconds {
            waiter.cancel()
            await waiter.value
        }
        #expect(took < 300)
    }

    @Test func manyRingersAndOneSleeperNeverHang() async {
        let bell = Doorbell()
        let ringers = (0..<4).map { _ in
            Task.detached {
                for _ in 0..<500 { bell.ring() }
            }
        }
        var rounds = 0
        let took = await seconds {
            for _ in 0..<500 {
                await bell.wait(upTo: .milliseconds(5))
                rounds += 1
            }
        }
        for r in ringers { await r.value }
        #expect(rounds == 500)
        #expect(took < 300)
    }

    @Test func aSecondWaiterEndsTheFirstInsteadOfLeavingItForGood() async {
        let bell = Doorbell()
        let first = Task { await bell.wait(upTo: .seconds(600)) }
        try? await Task.sleep(for: .milliseconds(200))
        let second = Task { await bell.wait(upTo: .seconds(600)) }
        let took = await seconds { await first.value }
        #expect(took < 300)
        bell.ring()
        await second.value
    }

    @Test func aRingDuringAWaitEndsItAndIsNotKeptForTheNext() async {
        let bell = Doorbell()
        let ringer = Task {
            try? await Task.sleep(for: .milliseconds(200))
            bell.ring()
        }
        #expect(await seconds { await bell.wait(upTo: .seconds(600)) } < 300)
        await ringer.value
        // That ring was used up: the next wait lasts its whole timeout.
        #expect(await seconds { await bell.wait(upTo: .milliseconds(300)) } >= 0.25)
    }
}
