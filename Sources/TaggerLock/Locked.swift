#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A value that threads share, behind a pthread mutex: `withLock` gives one caller at a time
/// `inout` access to it.
///
/// Why not the standard library's `Synchronization.Mutex`, which does the same job: its lock is
/// a futex inside the prebuilt Synchronization module, which carries no ThreadSanitizer
/// instrumentation, so ThreadSanitizer could not see it and reported every access it guards as
/// a race (9 such reports in one run of the TaggerKit tests, each between two `withLock`
/// closures). `pthread_mutex_lock` and `pthread_mutex_unlock` are intercepted by
/// ThreadSanitizer, so with this lock its reports are real races again.
public final class Locked<Value>: @unchecked Sendable {
    @usableFromInline let mutex: UnsafeMutablePointer<pthread_mutex_t>
    @usableFromInline var value: Value

    public init(_ value: sending Value) {
        self.value = value
        mutex = .allocate(capacity: 1)
        mutex.initialize(to: pthread_mutex_t())
        pthread_mutex_init(mutex, nil)
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deinitialize(count: 1)
        mutex.deallocate()
    }

    /// Runs `body` with the value while holding the lock (not re-entrant: calling `withLock`
    /// of the same instance inside `body` deadlocks).
    @inlinable @inline(__always)
    public func withLock<Result, E: Error>(_ body: (inout sending Value) throws(E) -> sending Result) throws(E) -> sending Result {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body(&value)
    }
}
