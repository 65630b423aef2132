#if os(Linux)
import TaggerLock

/// How a service that has nothing to do sleeps without polling: it waits on a doorbell that
/// whoever has news rings (any thread, any number of times), with a timeout as a safety net.
/// A ring while nobody waits is kept for the next wait; rings between two waits count as one.
/// Meant for one waiter at a time (each bell belongs to one service's loop); a second concurrent
/// wait ends the first, as a ring would, so that none is left waiting for good.
final class Doorbell: Sendable {
    private struct State {
        /// Rung while nobody waited.
        var rung = false
        /// The current wait (its number and continuation).
        var waiter: (number: Int, continuation: CheckedContinuation<Void, Never>)?
        /// Waits are numbered, so a late timeout never ends a later wait.
        var waits = 0
        /// The wait whose timeout (or cancellation) came before it had started waiting.
        var expired = 0
    }

    private let state = Locked(State())

    init() {}

    /// Wakes the current wait, or the next one if nobody waits.
    func ring() {
        let waiter = state.withLock { s -> CheckedContinuation<Void, Never>? in
            guard let w = s.waiter else {
                s.rung = true
                return nil
            }
            s.waiter = nil
            return w.continuation
        }
        waiter?.resume()
    }

    /// Returns when rung (at once if it was rung since the last wait), after `timeout`, or when
    /// the task is cancelled.
    func wait(upTo timeout: Duration) async {
        let number = state.withLock { s -> Int? in
            if s.rung {
                s.rung = false
                return nil
            }
            s.waits += 1
            return s.waits
        }
        guard let number, !Task.isCancelled else { return }
        await withTaskGroup(of: Void.self) { group in
            // Ends the wait on timeout; cancelling the waiting task cancels the sleep, which
            // ends it too.
            group.addTask {
                try? await Task.sleep(for: timeout)
                self.expire(number)
            }
            await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
                let (now, displaced) = state.withLock { s -> (Bool, CheckedContinuation<Void, Never>?) in
                    if s.rung || s.expired == number {
                        s.rung = false
                        return (true, nil)
                    }
                    let displaced = s.waiter?.continuation
                    s.waiter = (number, c)
                    return (false, displaced)
                }
                displaced?.resume()
                if now { c.resume() }
            }
            group.cancelAll()
        }
    }

    /// Ends wait `number` if it still waits (a timeout that lost the race to a ring does nothing).
    private func expire(_ number: Int) {
        let waiter = state.withLock { s -> CheckedContinuation<Void, Never>? in
            guard let w = s.waiter else {
                s.expired = number
                return nil
            }
            guard w.number == number else { return nil }
            s.waiter = nil
            return w.continuation
        }
        waiter?.resume()
    }
}
#endif
