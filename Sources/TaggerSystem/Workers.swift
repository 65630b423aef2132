import Foundation

/// A first-in first-out hand-off between threads, at most `capacity` items waiting or in hand:
/// `put` waits for room, `take` for an item; after `close` both return at once.
package final class HandOff<Item: Sendable>: @unchecked Sendable {   // every field is guarded by `condition`
    private let condition = NSCondition()
    private var items: [Item] = []
    private var inHand = 0
    private var closed = false
    package let capacity: Int

    package init(capacity: Int) { self.capacity = capacity }

    /// Waits for room, then queues `item`; false (item not queued) once closed.
    package func put(_ item: Item) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while !closed && items.count + inHand >= capacity { condition.wait() }
        guard !closed else { return false }
        items.append(item)
        condition.broadcast()
        return true
    }

    /// Queues `batch` at once, waking the takers once (no room is waited for: for unbounded
    /// hand-offs); false once closed.
    package func put(contentsOf batch: [Item]) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        guard !closed else { return false }
        items.append(contentsOf: batch)
        condition.broadcast()
        return true
    }

    /// Waits for the next item (the caller then holds it until ``done()``); nil once closed and empty.
    package func take() -> Item? {
        condition.lock()
        defer { condition.unlock() }
        while items.isEmpty && !closed { condition.wait() }
        guard !items.isEmpty else { return nil }
        inHand += 1
        return items.removeFirst()
    }

    /// The item taken last is dealt with.
    package func done() {
        condition.lock()
        inHand -= 1
        condition.broadcast()
        condition.unlock()
    }

    /// Waits until nothing is queued or in hand.
    package func drain() {
        condition.lock()
        while !items.isEmpty || inHand > 0 { condition.wait() }
        condition.unlock()
    }

    /// No more items: waiting `put`s fail, `take` returns what is left, then nil.
    package func close() {
        condition.lock()
        closed = true
        condition.broadcast()
        condition.unlock()
    }
}

/// A few threads kept for blocking calls that should run side by side (the fsyncs of a batch of
/// sidecars): made once, reused for every batch.
package final class Workers: Sendable {
    /// The workers for fsyncs.
    package static let fsync = Workers(count: 8, name: "tagger-fsync")

    private let jobs = HandOff<@Sendable () -> Void>(capacity: .max)
    package let count: Int

    init(count: Int, name: String) {
        self.count = count
        for i in 0..<count {
            let thread = Thread { [jobs] in
                while let job = jobs.take() {
                    job()
                    jobs.done()
                }
            }
            thread.name = "\(name)-\(i)"
            thread.start()
        }
    }

    /// Runs `body(0)` … `body(n - 1)` on the workers and returns when all have run.
    package func run(_ n: Int, _ body: @escaping @Sendable (Int) -> Void) {
        let group = DispatchGroup()
        for _ in 0..<n { group.enter() }
        _ = jobs.put(contentsOf: (0..<n).map { i in
            { @Sendable in
                body(i)
                group.leave()
            }
        })
        group.wait()
    }
}
