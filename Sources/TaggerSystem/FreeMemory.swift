import CSystem

/// Returning memory to the system after a phase that needed much of it for a while.
///
/// glibc's allocator keeps freed memory for reuse and seldom hands it back, so the daemon's
/// resident size stayed at the peak of its most demanding phase for the rest of its life: at
/// 100,000 messages 244 MiB after the start (catalog load and first reconcile) and 345 MiB
/// after a retag, against 165 and 258 MiB with this called when such a phase ends: after each
/// reconcile (~0.1 s at that size) and at the end of a retag (README, "Memory at a mailbox's size").
public enum FreeMemory {
    /// Gives the allocator's free pages back to the kernel (malloc_trim(3)); true when it did.
    @discardableResult
    public static func release() -> Bool { tagger_release_free_memory() == 1 }
}
