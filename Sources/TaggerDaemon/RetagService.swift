#if os(Linux)
import Foundation
import TaggerLock
import TaggerConfig
import TaggerCore
import TaggerMaildir
import TaggerState
import TaggerSystem

/// The retag job: brings every sidecar to the model in use after the model changed (a retrain,
/// a rollback, `tagger train` into the model path, a start with another model than the sidecars
/// carry) or when `tagger retag` asks. The catalog records the model that tagged each message,
/// so the job's plan is the catalog's entries of another model, newest first (by the delivery
/// time at the head of the unique name); after a restart the plan is what is still left.
///
/// The job only plans and counts: its messages are rescored by the tagging thread from the
/// lowest lane of its queue, so new mail (fresh lane) and untagged mail (backlog) always go
/// first, and the tagging thread stays the one writer of sidecars. Shared under a lock.
final class RetagJob: Sendable {
    /// What became of one rescored message.
    enum Outcome {
        /// Scored and written (the sidecar's content changed).
        case rewritten
        /// Scored; the sidecar was already right (or the write failed and was logged).
        case unchanged
        /// Already carried the job's model when its turn came (tagged meanwhile).
        case current
        /// The file was gone: the reconcile deals with it.
        case skipped
    }

    private struct Plan {
        var progress: RetagProgress
        var started: Date
        /// Messages not yet handed to tagging.
        var waiting: [(maildir: Int, message: MaildirMessage, key: String)] = []
        var next = 0
        /// Keys handed out, with the path they had then.
        var handed: [String: String] = [:]
        var outstanding = 0
    }

    private let plan = Locked<Plan?>(nil)

    /// The progress to publish (nil before any job).
    var progress: RetagProgress? {
        plan.withLock { p in
            guard var out = p?.progress else { return nil }
            if out.state == "running", let s = p?.started {
                out.rate = Double(out.done) / max(Date().timeIntervalSince(s), 0.001)
            }
            return out
        }
    }

    /// The model of the current job (nil when none ran).
    var modelID: String? { plan.withLock { $0?.progress.modelID } }

    /// Whether a job is running.
    var running: Bool { plan.withLock { $0?.progress.state == "running" } }

    /// The messages of `entries` a job for `model` must rescore (all of them with `all`),
    /// newest first, as work for the Maildirs of `config`.
    static func stale(_ entries: [CatalogEntry], model: String, all: Bool, config: ResolvedConfig)
        -> [(maildir: Int, message: MaildirMessage, key: String)] {
        var index: [String: Int] = [:]
        for (i, md) in config.maildirs.enumerated() { index[md.name] = i }
        var out: [(maildir: Int, message: MaildirMessage, key: String, time: Int)] = []
        for e in entries where all || e.model != model {
            guard let i = index[e.maildir], let m = message(e, root: config.maildirs[i].root) else { continue }
            out.append((i, m, e.key, deliveryTime(e.unique)))
        }
        out.sort { $0.time != $1.time ? $0.time > $1.time : $0.key > $1.key }
        return out.map { ($0.maildir, $0.message, $0.key) }
    }

    /// The seconds at the head of a Maildir unique name (`1732611111.M1P2.host`), 0 without.
    static func deliveryTime(_ unique: String) -> Int {
        var n = 0
        for b in unique.utf8 {
            guard b >= 0x30 && b <= 0x39 else { break }
            n = n &* 10 &+ Int(b - 0x30)
        }
        return n
    }

    /// The message file a catalog entry names (`<folder>/<new|cur>/<file>` below the root).
    static func message(_ e: CatalogEntry, root: String) -> MaildirMessage? {
        let parts = e.path.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count >= 3 else { return nil }
        let sub = String(parts[parts.count - 2])
        guard sub == "new" || sub == "cur" else { return nil }
        let relative = e.folder == "INBOX" ? "" : e.folder
        let folder = MaildirFolder(path: relative.isEmpty ? root : root + "/" + relative, relativePath: relative)
        return MaildirMessage(folder: folder, subdirectory: sub, fileName: String(parts[parts.count - 1]))
    }

    /// Starts a job for `model` (replacing any job in hand) from the catalog's entries.
    /// - Returns: how many messages it has to rescore.
    @discardableResult
    func start(model: String, entries: [CatalogEntry], config: ResolvedConfig, all: Bool, request: String?) -> Int {
        let work = Self.stale(entries, model: model, all: all, config: config)
        let now = Date()
        var p = Plan(progress: RetagProgress(state: "running", modelID: model, startedAt: Timestamp.iso8601(now),
                                             done: 0, total: work.count, request: request, all: all),
                     started: now)
        p.waiting = work
        plan.withLock { $0 = p }
        return work.count
    }

    /// Up to `limit` messages to rescore next (as retag work items).
    func take(_ limit: Int) -> [WorkItem] {
        plan.withLock { p -> [WorkItem] in
            // Changed in place (`p!`): a copy of the plan would copy its tables at every call.
            guard p != nil, p!.progress.state == "running" else { return [] }
            let start = p!.next
            let end = min(p!.waiting.count, start + limit)
            let model = p!.progress.all ? nil : p!.progress.modelID
            var items: [WorkItem] = []
            items.reserveCapacity(end - start)
            for k in start..<end {
                let w = p!.waiting[k]
                p!.handed[w.key] = w.message.relativePath
                items.append(.retag(maildir: w.maildir, w.message, skipIfModel: model))
            }
            p!.outstanding += end - start
            p!.next = end
            if end == p!.waiting.count { p!.waiting = []; p!.next = 0 }
            return items
        }
    }

    /// Counts one message the tagging thread handled for the job of `model` (items of a job
    /// replaced meanwhile are not counted).
    func finished(_ outcome: Outcome, model: String?) {
        plan.withLock { p in
            guard p != nil, p!.progress.state == "running" else { return }
            if let model, model != p!.progress.modelID { return }
            guard p!.outstanding > 0 else { return }   // an item of a job replaced meanwhile
            p!.outstanding -= 1
            p!.progress.done += 1
            switch outcome {
            case .rewritten: p!.progress.rewritten += 1
            case .skipped: p!.progress.skipped += 1
            case .unchanged, .current: break
            }
        }
    }

    /// Whether everything handed out was handled and nothing waits.
    var drained: Bool { plan.withLock { p in p.map { $0.outstanding <= 0 && $0.waiting.isEmpty } ?? true } }

    /// At the end of the plan: messages still of another model whose path changed since they
    /// were handed out (moved or flagged during the job) are planned again; the job is done
    /// when there are none.
    /// - Returns: true when the job has just finished.
    func finishOrReplan(entries: [CatalogEntry], config: ResolvedConfig) -> Bool {
        plan.withLock { p in
            guard p != nil, p!.progress.state == "running", p!.outstanding <= 0, p!.waiting.isEmpty else { return false }
            let handed = p!.handed
            let again = Self.stale(entries, model: p!.progress.modelID, all: false, config: config)
                .filter { handed[$0.key] != $0.message.relativePath }
            if again.isEmpty {
                p!.progress.state = "done"
                p!.progress.finishedAt = Timestamp.iso8601(Date())
                p!.progress.rate = Double(p!.progress.done) / max(Date().timeIntervalSince(p!.started), 0.001)
                p!.handed = [:]
                return true
            }
            p!.waiting = again
            p!.next = 0
            p!.progress.total += again.count
            return false
        }
    }
}

extension MessageTagger {
    /// Rescores one message for the retag job: unless its sidecar already carries
    /// `skipIfModel`, scores it again (keeping the user's corrections) through ``ensure``.
    func retag(maildir i: Int, message m: MaildirMessage, skipIfModel: String?) -> (TagStore.PendingSidecar?, RetagJob.Outcome) {
        let md = context.config.maildirs[i]
        let key = CatalogEntry.key(maildir: md.name, folder: m.folder.sidecarName, unique: m.unique)
        if let skip = skipIfModel, context.store.catalog.entry(key: key)?.model == skip { return (nil, .current) }
        guard FileIO.exists(m.path) else { return (nil, .skipped) }
        let pending = ensure(maildir: i, message: m, force: true)
        return (pending, pending == nil ? .unchanged : .rewritten)
    }
}

/// The retag job as a service: it takes a `tagger retag` request, notices a model change (a
/// reload swapped the scorer, or the daemon started with another model than the sidecars carry)
/// and starts a job, and keeps the tagging thread's retag lane topped up while one runs. Idle, it
/// sleeps until the request file appears or a reload rings (``DaemonContext/retagBell``), or for
/// ``idleTimeout`` at most; without the request file's watch it looks four times a second.
/// With `retag_on_reload = false` only requests start jobs.
struct RetagService: DaemonService {
    let name = "retag"
    let context: DaemonContext
    /// The longest idle sleep: ``idleTimeout`` when the watcher reports the request file (a
    /// safety net), 250 ms when it cannot.
    let idleTimeout: Duration
    /// The longest idle sleep with the request file watched.
    static let idleTimeout = Duration.seconds(10)
    /// Retag lane depth kept: deep enough that tagging never waits for the next round, even
    /// when a loaded machine wakes this service late (256 capped the job at ~280 msgs/s there).
    static let lane = 4096

    /// What the service remembers between rounds.
    struct Seen: Sendable {
        /// The model in use at the last round.
        var model: String?
        /// The model the last job rescored for (nil: none yet).
        var retaggedFor: String?
        /// What was wrong with the request file at the last round (said once until it changes:
        /// a folder there stays, and is looked at every 50 ms while a job runs).
        var requestProblem: String?
    }

    func run() async throws {
        var seen = Seen()
        while !Task.isCancelled {
            let context = self.context
            let last = seen
            seen = try await Blocking.run { Self.tick(context, seen: last) }
            if context.retag.running {
                try? await Task.sleep(for: .milliseconds(50))
            } else {
                await context.retagBell.wait(upTo: idleTimeout)
            }
        }
    }

    /// One round: a request, a model change (or `retag_on_reload` turned on by a config reload
    /// with sidecars of an old model left) starts a job; a running job gets its lane topped up.
    static func tick(_ context: DaemonContext, seen: Seen) -> Seen {
        var seen = seen
        let config = context.config
        let job = context.retag
        let (request, problem) = RetagRequest.take(state: config.state)
        if let problem, problem != seen.requestProblem { context.logger.warning(problem) }
        seen.requestProblem = problem
        let current = context.scorer.withLock { $0 is NoModelYet ? nil : $0.modelInfo.id }
        guard let current else {
            if let request { context.logger.warning("retag request \(request.id): no model yet, nothing to retag") }
            return seen
        }
        if let request {
            begin(context, model: current, all: request.all, request: request.id)
            seen.retaggedFor = current
        } else if config.retagOnReload, current != seen.retaggedFor {
            begin(context, model: current, all: false, request: nil)
            seen.retaggedFor = current
        } else if !config.retagOnReload, current != seen.model, seen.model != nil {
            context.logger.notice("model \(current) in use; the sidecars of other models keep their tags until `tagger retag` (retag_on_reload = false)")
        }
        seen.model = current
        guard job.running else { return seen }
        let room = lane - context.queue.retagPending
        if room >= lane / 4 { context.queue.pushRetag(job.take(room)) }
        if job.drained, job.finishOrReplan(entries: context.store.catalog.allEntries, config: config),
           let p = job.progress, p.total > 0 || p.request != nil {
            context.logger.notice(p.summary)
            context.statusBell.ring()
            FreeMemory.release()
        }
        return seen
    }

    private static func begin(_ context: DaemonContext, model: String, all: Bool, request: String?) {
        context.queue.clearRetag()
        let total = context.retag.start(model: model, entries: context.store.catalog.allEntries,
                                        config: context.config, all: all, request: request)
        context.statusBell.ring()
        if total > 0 || request != nil {
            context.logger.notice("retag: \(total) message(s) to rescore with model \(model)"
                                  + (request.map { " (tagger retag, request \($0))" } ?? ""))
        }
    }
}
#endif
