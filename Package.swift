// swift-tools-version: 6.0
import PackageDescription

// Module graph (dependencies point one way):
//   CZlib → ZlibSupport ─┬→ MIME ─┬→ Features ──────────────────────────────┐
//   CLibXML2 → HTMLText ─┼────────┘                                         │
//   CSystem → TaggerSystem ─┬→ Model ───────────────────────────────────────┼→ TaggerCore ─┬→ TaggerDaemon ─┐
//                           └→ TaggerMaildir → TaggerState → TaggerConfig ──┘              └→ TaggerBench ──┴→ tagger
// `Model` knows nothing of mail; `MIME` knows nothing of models; `TaggerSystem` is the only
// module that reads errno (one chokepoint, `Syscall`); `TaggerState` writes every file of the
// state directory through one writer (`TagStore`) and knows nothing of configuration.
let package = Package(
    name: "tagger",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "tagger", targets: ["tagger"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    ],
    targets: [
        .systemLibrary(name: "CLibXML2", pkgConfig: "libxml-2.0", providers: [.apt(["libxml2-dev"])]),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        .target(name: "ZlibSupport", dependencies: ["CZlib"]),
        .target(name: "TaggerLock"),
        .target(name: "MIME", dependencies: ["ZlibSupport", "TaggerLock"]),
        .target(name: "HTMLText", dependencies: ["CLibXML2"]),
        .target(name: "Features", dependencies: ["MIME", "HTMLText"]),
        .target(name: "CSystem"),
        .target(name: "TaggerSystem", dependencies: ["CSystem", "TaggerLock"]),
        .target(name: "Model", dependencies: ["ZlibSupport", "TaggerSystem"]),
        .target(name: "TaggerMaildir", dependencies: ["TaggerSystem"]),
        .target(name: "TaggerState", dependencies: ["TaggerSystem", "TaggerMaildir", "TaggerLock"],
                exclude: ["Sidecar/sidecar.schema.json"]),
        .target(name: "TaggerConfig", dependencies: [
            "TaggerSystem", "TaggerMaildir", "TaggerState",
        ]),
        .target(name: "TaggerCore", dependencies: [
            "TaggerSystem", "TaggerMaildir", "TaggerConfig", "TaggerState", "MIME", "Features", "Model", "TaggerLock",
        ]),
        // The notmuch link (a sync target driving the `notmuch` command; nothing linked).
        .target(name: "TaggerNotmuch", dependencies: ["TaggerSystem", "TaggerMaildir", "TaggerConfig", "TaggerState", "TaggerCore", "Model", "TaggerLock"]),
        .target(name: "TaggerDaemon", dependencies: ["TaggerSystem", "TaggerMaildir", "TaggerConfig", "TaggerState", "TaggerCore", "TaggerNotmuch", "TaggerLock"]),
        .target(name: "TaggerBench", dependencies: ["TaggerSystem", "TaggerState", "TaggerCore", "Model", "TaggerLock"]),
        .executableTarget(name: "tagger", dependencies: [
            "TaggerSystem", "TaggerMaildir", "TaggerConfig", "TaggerState", "TaggerCore", "TaggerDaemon", "TaggerBench", "TaggerNotmuch",
            "MIME", "HTMLText", "Features", "Model",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        // Fuzz targets (Tests/Fuzz/run.sh builds them with -sanitize=fuzzer -DFUZZING; a plain
        // build makes a replayer: `tagger-fuzz TARGET FILE...`).
        .executableTarget(name: "tagger-fuzz", dependencies: ["MIME", "HTMLText", "TaggerConfig", "TaggerState"], path: "Tests/Fuzz/Targets"),
        .testTarget(name: "MIMETests", dependencies: ["MIME"], resources: [.copy("Fixtures")]),
        .testTarget(name: "HTMLTextTests", dependencies: ["HTMLText", "TaggerLock"]),
        .testTarget(name: "FeaturesTests", dependencies: ["Features"]),
        .testTarget(name: "ModelTests", dependencies: ["Model"]),
        .testTarget(name: "TaggerKitTests", dependencies: [
            "TaggerSystem", "TaggerMaildir", "TaggerConfig", "TaggerState", "TaggerCore", "TaggerDaemon", "TaggerBench",
            "TaggerNotmuch", "MIME", "Features", "Model", "TaggerLock",
        ]),
        // Depends on the executable so that `swift test` builds the binary it runs.
        .testTarget(name: "EndToEndTests", dependencies: ["tagger", "Model", "TaggerLock"]),
    ],
    swiftLanguageModes: [.v6]
)
