#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization
import TaggerLock

/// The one place where tagger reads `errno`: every system call whose failure matters goes
/// through ``call(_:path:_:)``, which retries `EINTR` and turns `-1` into a ``SystemError``
/// naming the operation and the path.
///
/// Tests inject failures here (``inject(_:)``): a fault names an operation and a piece of path,
/// and the matching calls fail with its errno without reaching the kernel, so the ENOSPC and EIO
/// paths of the journal, the sidecars and the model file can be exercised on a healthy disk.
/// With no fault armed the check is one relaxed atomic load.
public enum Syscall {
    /// A failure to inject: calls of `operation` whose path contains `pathContains` fail with
    /// `code` (e.g. `ENOSPC`), `count` times (nil: until removed).
    public struct Fault: Sendable {
        /// The operation as ``SystemError/operation`` spells it: `open`, `read`, `write`,
        /// `fsync`, `rename`, `link`, `unlink`, `mkdir`, ...
        public var operation: String
        /// A substring of the path the call is about (a test's temporary directory keeps
        /// concurrent tests apart).
        public var pathContains: String
        /// The errno the call fails with.
        public var code: Int32
        /// How many calls fail before the fault disarms itself; nil for every call.
        public var count: Int?

        public init(operation: String, pathContains: String, code: Int32, count: Int? = nil) {
            self.operation = operation
            self.pathContains = pathContains
            self.code = code
            self.count = count
        }
    }

    /// An armed fault, removed by ``remove(_:)``.
    public struct FaultToken: Sendable, Hashable {
        fileprivate let id: Int
    }

    private static let armed = Atomic<Int>(0)
    private static let faults = Locked<(next: Int, active: [Int: Fault], hits: [Int: Int])>((0, [:], [:]))

    /// Arms `fault` until ``remove(_:)`` (or until it has fired `count` times).
    public static func inject(_ fault: Fault) -> FaultToken {
        let id = faults.withLock { f in
            f.next += 1
            f.active[f.next] = fault
            armed.store(f.active.count, ordering: .sequentiallyConsistent)
            return f.next
        }
        return FaultToken(id: id)
    }

    /// Disarms a fault; returns how many calls it failed.
    @discardableResult
    public static func remove(_ token: FaultToken) -> Int {
        faults.withLock { f in
            f.active.removeValue(forKey: token.id)
            armed.store(f.active.count, ordering: .sequentiallyConsistent)
            return f.hits.removeValue(forKey: token.id) ?? 0
        }
    }

    /// Runs `body` with `fault` armed, then disarms it; returns the body's result.
    @discardableResult
    public static func withFault<T>(_ fault: Fault, _ body: () throws -> T) rethrows -> T {
        let token = inject(fault)
        defer { remove(token) }
        return try body()
    }

    /// The errno an armed fault imposes on this call, if any.
    private static func injected(_ operation: String, _ path: String) -> Int32? {
        faults.withLock { f in
            for (id, fault) in f.active where fault.operation == operation && path.contains(fault.pathContains) {
                f.hits[id, default: 0] += 1
                if let n = fault.count, f.hits[id]! >= n {
                    f.active.removeValue(forKey: id)
                    armed.store(f.active.count, ordering: .sequentiallyConsistent)
                }
                return fault.code
            }
            return nil
        }
    }

    /// Runs the system call `body` (`operation` on `path`): retries it while it fails with
    /// `EINTR`, and turns a `-1` result into a ``SystemError`` carrying `errno`.
    /// - Throws: `SystemError` when the call fails (or an injected fault matches).
    @inline(__always)
    public static func call<T: BinaryInteger>(
        _ operation: String, path: @autoclosure () -> String, _ body: () -> T
    ) throws(SystemError) -> T {
        if armed.load(ordering: .relaxed) != 0 {
            let p = path()
            if let code = injected(operation, p) { throw SystemError(operation, path: p, code: code) }
        }
        while true {
            let r = body()
            if r != -1 { return r }
            let code = errno
            if code == EINTR { continue }
            throw SystemError(operation, path: path(), code: code)
        }
    }

    /// Like ``call(_:path:_:)`` for calls that return a pointer (`opendir`): nil becomes the error.
    public static func pointer<T>(_ operation: String, path: @autoclosure () -> String, _ body: () -> T?) throws(SystemError) -> T {
        if armed.load(ordering: .relaxed) != 0 {
            let p = path()
            if let code = injected(operation, p) { throw SystemError(operation, path: p, code: code) }
        }
        while true {
            if let r = body() { return r }
            let code = errno
            if code == EINTR { continue }
            throw SystemError(operation, path: path(), code: code)
        }
    }
}
