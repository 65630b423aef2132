#if os(Linux)
import Foundation
import TaggerConfig
import TaggerSystem

/// SIGHUP re-reads the config file (as systemd's `ExecReload=kill -HUP` leads users to expect)
/// before reloading the model. A file that no longer parses is logged as an error and the
/// settings in use are kept whole. `maildirs` and `state_dir` need a restart (the watches, the
/// locks and the catalog are built on them): a change to them is logged and not applied; every
/// other key takes effect at once (`model` also loads the model from its new path).
extension DaemonContext {
    /// Re-reads the settings (config file, the same command-line flags, defaults) and applies
    /// them. Runs on the tagging thread (a reload is one of its control items).
    /// - Returns: false when the config could not be read (the old settings stay).
    @discardableResult
    func reloadConfig() -> Bool {
        guard let source = configSource else { return true }
        let fresh: ResolvedConfig
        do { fresh = try source() } catch {
            note(error: "config not reloaded, keeping the settings in use: \(error)")
            return false
        }
        apply(fresh)
        return true
    }

    /// Applies `new` in place of the settings in use (see the type's comment for what waits
    /// for a restart).
    func apply(_ new: ResolvedConfig) {
        let old = config
        var applied = new
        var restart: [String] = []
        if new.maildirs != old.maildirs { applied.maildirs = old.maildirs; restart.append("maildirs") }
        if new.stateDir != old.stateDir { applied.stateDir = old.stateDir; restart.append("state_dir") }
        var changed: [String] = []
        if applied.modelPath != old.modelPath { changed.append("model") }
        if applied.reconcileInterval != old.reconcileInterval { changed.append("reconcile_interval") }
        if applied.deletionGrace != old.deletionGrace { changed.append("deletion_grace") }
        if applied.retagOnReload != old.retagOnReload { changed.append("retag_on_reload") }
        if applied.logLevel != old.logLevel { changed.append("log_level") }
        if applied.folderLabels != old.folderLabels { changed.append("folder_labels") }
        if applied.folderNegatives != old.folderNegatives { changed.append("folder_negatives") }
        if applied.minNewCorrections != old.minNewCorrections { changed.append("min_new_corrections") }
        if applied.retrainInterval != old.retrainInterval { changed.append("retrain_interval") }
        settings.withLock { $0 = applied }
        loggerBox.withLock { $0.minimumLevel = applied.logLevel }
        if applied.modelPath != old.modelPath {
            try? FileManager.default.createDirectory(atPath: (applied.modelPath as NSString).deletingLastPathComponent,
                                                     withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            do { try watcher.watch(modelPath: applied.modelPath) } catch {
                logger.warning("\(error); model changes need SIGHUP")
            }
        }
        let file = applied.configFile ?? "command line"
        if !restart.isEmpty {
            note(error: "\(file): \(restart.joined(separator: ", ")) changed; restart tagger to apply (the old value stays in use)")
        }
        if changed.isEmpty {
            logger.info("config reloaded from \(file): no change")
        } else {
            logger.notice("config reloaded from \(file): " + changed.joined(separator: ", ") + " changed")
        }
    }
}
#endif
