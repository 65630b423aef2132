import Dispatch

/// Runs blocking work (file and system calls) off Swift's cooperative thread pool: async code
/// awaits it while a Dispatch worker thread does the call.
public enum Blocking {
    private static let queue = DispatchQueue(label: "tagger-blocking", attributes: .concurrent)

    /// Runs `body` on a Dispatch worker and returns its result.
    /// - Throws: what `body` throws.
    public static func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { (c: CheckedContinuation<T, any Error>) in
            queue.async { c.resume(with: Result { try body() }) }
        }
    }
}
