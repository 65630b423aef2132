import CSystem

/// Returning memory to the system after a phase that needed much of it for a while.
///
/// glibc's allocator keeps freed memory for reuse and seldom hands it back, so the daemon's
/// resident size stayed at the peak of its most demanding phase for the rest of its life: at
/// 100,000 messages, 345 MiB after a retag (the start alone: catalog load and the first
/// reconcile) although the tables it then keeps need far less. The daemon calls this when
/// such a phase ends: after a reconcile and after a retag.
public enum FreeMemory {
    /// Gives the allocator's free pages back to the kernel (malloc_trim(3)); true when it did.
    @discardableResult
    public static func release() -> Bool { tagger_release_free_memory() == 1 }
}
