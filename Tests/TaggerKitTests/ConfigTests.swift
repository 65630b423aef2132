import Foundation
import Testing
@testable import TaggerConfig

@Suite struct ConfigTests {
    let env = ["HOME": "/home/u"]

    @Test func parsesEveryKey() throws {
        let s = try ConfigSettings.parse("""
            maildirs = ["~/Maildir", "/srv/mail/u"]
            state_dir = "~/state"
            model = "/models/m.tgm"
            reconcile_interval = "5m"
            deletion_grace = 30
            retag_on_reload = true
            log_level = "debug"
            min_new_corrections = 5
            retrain_interval = "2d"

            [folder_labels]
            ".Lists.swift" = "newsletter"
            "Receipts" = "receipts"
            """, file: "c.toml")
        #expect(s.maildirs == ["~/Maildir", "/srv/mail/u"])
        #expect(s.reconcileInterval == 300)
        #expect(s.deletionGrace == 30)
        #expect(s.retagOnReload == true)
        #expect(s.logLevel == .debug)
        #expect(s.folderLabels == [".Lists.swift": "newsletter", "Receipts": "receipts"])
        #expect(s.minNewCorrections == 5)
        #expect(s.retrainInterval == 172_800)
        let r = try ResolvedConfig.resolve(configPath: nil, overrides: s, environment: env)
        #expect(r.maildirs.map(\.root) == ["/home/u/Maildir", "/srv/mail/u"])
        #expect(r.maildirs.map(\.name) == ["Maildir", "u"])
        #expect(r.stateDir == "/home/u/state")
        #expect(r.modelPath == "/models/m.tgm")
    }

    @Test func unknownKeyNamesFileAndKey() {
        let e = #expect(throws: ConfigError.self) { try ConfigSettings.parse("maildir = \"x\"", file: "/etc/c.toml") }
        #expect(e?.file == "/etc/c.toml")
        #expect(e?.key == "maildir")
        #expect(e?.description.hasPrefix("/etc/c.toml: key 'maildir': unknown key") == true)
    }

    @Test(arguments: [
        ("maildirs = \"~/Maildir\"", "maildirs"),
        ("maildirs = [1]", "maildirs"),
        ("retag_on_reload = \"yes\"", "retag_on_reload"),
        ("reconcile_interval = \"soon\"", "reconcile_interval"),
        ("deletion_grace = -1", "deletion_grace"),
        ("log_level = \"loud\"", "log_level"),
        ("min_new_corrections = 0", "min_new_corrections"),
        ("[folder_labels]\nInbox = 3", "folder_labels.Inbox"),
        ("[folder_labels]\n\".Spam\" = \"\"", "folder_labels..Spam"),
        ("[folder_labels]\n\".Spam\" = \"junk mail\"", "folder_labels..Spam"),
        ("[folder_labels]\n\"\" = \"spam\"", "folder_labels."),
        ("[folder_negatives]\nINBOX = \"read\"", "folder_negatives.INBOX"),
    ])
    func wrongTypeOrValueNamesTheKey(text: String, key: String) {
        let e = #expect(throws: ConfigError.self) { try ConfigSettings.parse(text, file: "c.toml") }
        #expect(e?.key == key)
    }

    @Test func syntaxErrorGivesTheLine() {
        let e = #expect(throws: ConfigError.self) { try ConfigSettings.parse("model = \"a\"\nstate_dir = = 3\n", file: "c.toml") }
        #expect(e?.description.contains("line 2") == true)
    }

    @Test func defaultsFollowXDG() throws {
        let r = try ResolvedConfig.resolve(configPath: nil, overrides: ConfigSettings(),
                                           environment: ["HOME": "/nonexistent-home", "XDG_STATE_HOME": "/xs"])
        #expect(r.maildirs == [.init(root: "/nonexistent-home/Maildir", name: "Maildir")])
        #expect(r.stateDir == "/xs/tagger")
        #expect(r.modelPath == "/xs/tagger/model/current.tgm")
        #expect(r.reconcileInterval == 900)
        #expect(r.retagOnReload == true)
        #expect(r.minNewCorrections == 20)
        #expect(r.retrainInterval == 86400)
        let plain = try ResolvedConfig.resolve(configPath: nil, overrides: ConfigSettings(), environment: ["HOME": "/nonexistent-home"])
        #expect(plain.stateDir == "/nonexistent-home/.local/state/tagger")
    }

    @Test func flagsOverrideTheFileAndMissingConfigFails() throws {
        let t = try TempDir()
        defer { t.cleanup() }
        let file = t.path + "/config.toml"
        try Data("state_dir = \"/from/file\"\nlog_level = \"error\"\n".utf8).write(to: URL(fileURLWithPath: file))
        var flags = ConfigSettings()
        flags.stateDir = "/from/flag"
        let r = try ResolvedConfig.resolve(configPath: file, overrides: flags, environment: env)
        #expect(r.stateDir == "/from/flag")
        #expect(r.logLevel == .error)
        #expect(r.configFile == file)
        let e = #expect(throws: ConfigError.self) {
            try ResolvedConfig.resolve(configPath: t.path + "/none.toml", overrides: ConfigSettings(), environment: env)
        }
        #expect(e?.file == t.path + "/none.toml")
    }

    @Test func relativePathsAreAnchoredFlagsAtTheWorkingDirectoryFileValuesAtTheFilesFolder() throws {
        // A bare `--model m.tgm` once gave the model an empty folder ("" + "/history" is /history).
        let t = try TempDir()
        defer { t.cleanup() }
        let file = t.path + "/config.toml"
        try Data("state_dir = \"st\"\nmaildirs = [\"mail/../Mail\", \"~/Maildir\"]\nmodel = \"/abs/m.tgm\"\n".utf8)
            .write(to: URL(fileURLWithPath: file))
        let fromFile = try ResolvedConfig.resolve(configPath: file, overrides: ConfigSettings(), environment: env)
        #expect(fromFile.stateDir == t.path + "/st")
        #expect(fromFile.maildirs.map(\.root) == [t.path + "/Mail", "/home/u/Maildir"])
        #expect(fromFile.modelPath == "/abs/m.tgm")
        var flags = ConfigSettings()
        flags.model = "m.tgm"
        flags.maildirs = ["./box"]
        let cwd = FileManager.default.currentDirectoryPath
        let fromFlags = try ResolvedConfig.resolve(configPath: file, overrides: flags, environment: env)
        #expect(fromFlags.modelPath == cwd + "/m.tgm")
        #expect(fromFlags.maildirs.map(\.root) == [cwd + "/box"])
        #expect(fromFlags.maildirs.map(\.name) == ["box"])
        #expect(fromFlags.stateDir == t.path + "/st")
        // A symlinked Maildir keeps the name it was given (its sidecar folder is named after it).
        try FileManager.default.createDirectory(atPath: t.path + "/store/alice", withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: t.path + "/Mail", withDestinationPath: t.path + "/store/alice")
        try Data("maildirs = [\"Mail\", \"x/../Mail/./\"]\n".utf8).write(to: URL(fileURLWithPath: file))
        let linked = try ResolvedConfig.resolve(configPath: file, overrides: ConfigSettings(), environment: env)
        #expect(linked.maildirs.map(\.root) == [t.path + "/Mail"])
        #expect(linked.maildirs.map(\.name) == ["Mail"])
    }

    @Test func defaultConfigFileIsReadFromXDGConfigHome() throws {
        let t = try TempDir()
        defer { t.cleanup() }
        try FileManager.default.createDirectory(atPath: t.path + "/tagger", withIntermediateDirectories: true)
        try Data("bogus = 1\n".utf8).write(to: URL(fileURLWithPath: t.path + "/tagger/config.toml"))
        let e = #expect(throws: ConfigError.self) {
            try ResolvedConfig.resolve(configPath: nil, overrides: ConfigSettings(), environment: ["HOME": "/h", "XDG_CONFIG_HOME": t.path])
        }
        #expect(e?.key == "bogus")
    }

    @Test func maildirsSharingANameAreRejected() {
        var s = ConfigSettings()
        s.maildirs = ["/a/Maildir", "/b/Maildir"]
        let e = #expect(throws: ConfigError.self) { try ResolvedConfig.resolve(configPath: nil, overrides: s, environment: env) }
        #expect(e?.key == "maildirs")
    }

    @Test(arguments: [("90", 90.0), ("90s", 90), ("15m", 900), ("24h", 86400), ("1.5h", 5400), ("7d", 604_800)])
    func durations(text: String, seconds: Double) {
        #expect(ConfigDuration.parse(text) == seconds)
    }

    @Test func badDurations() {
        for bad in ["", "h", "-5m", "5 minutes", "1w"] { #expect(ConfigDuration.parse(bad) == nil, "\(bad)") }
    }
}
