import Foundation
import TaggerLock
import TaggerSystem

/// One job of the daemon, in swift-service-lifecycle's shape: `run()` does the job until it is
/// done or its task is cancelled (shutdown), then returns. A service that blocks in system calls
/// does so on a thread of its own (``Threaded``), never on the cooperative pool.
protocol DaemonService: Sendable {
    /// For the log.
    var name: String { get }
    /// Runs until done or cancelled.
    /// - Throws: when the service cannot go on (the supervisor then stops the others).
    func run() async throws
}

/// Runs the daemon's services side by side. When the first of them returns or throws (tagging
/// after `.stop`, say), the others are cancelled and awaited: a clean shutdown in one place.
struct Supervisor {
    var services: [any DaemonService]
    var logger: DaemonLogger

    /// Runs every service; returns once all have ended.
    /// - Throws: the first error a service threw.
    func run() async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            for s in services {
                group.addTask {
                    do { try await s.run() } catch is CancellationError {} catch {
                        logger.error("\(s.name): \(error)")
                        throw error
                    }
                }
            }
            var failure: (any Error)?
            do { try await group.next() } catch { failure = error }
            group.cancelAll()
            while true {
                do { guard try await group.next() != nil else { break } } catch { failure = failure ?? error }
            }
            if let failure { throw failure }
        }
    }
}

/// A blocking loop on a thread of its own, started at once (it needs no task of the
/// cooperative pool to begin, so a busy pool never delays it) and awaited from async code.
final class ThreadedLoop: Sendable {
    private let state = Locked<(done: Bool, waiters: [CheckedContinuation<Void, Never>])>((false, []))

    /// Starts `body` on a new thread named `name`.
    init(name: String, _ body: @escaping @Sendable () -> Void) {
        let thread = Thread { [self] in
            body()
            let waiters = state.withLock { s in
                s.done = true
                defer { s.waiters.removeAll() }
                return s.waiters
            }
            for w in waiters { w.resume() }
        }
        thread.name = name
        thread.start()
    }

    /// Returns once the loop has ended; cancelling the awaiting task calls `onCancel` (which
    /// must make the loop end soon).
    func wait(onCancel: @escaping @Sendable () -> Void) async {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
                let done = state.withLock { s in
                    if !s.done { s.waiters.append(c) }
                    return s.done
                }
                if done { c.resume() }
            }
        } onCancel: {
            onCancel()
        }
    }
}

/// Waiting from async code.
enum Threaded {
    /// Returns once the current task is cancelled.
    static func untilCancelled() async {
        while !Task.isCancelled {
            try? await Task.sleep(for: .seconds(3600))
        }
    }
}
