// swift-tools-version: 6.0
import PackageDescription

// Module graph (dependencies point one way):
//   CZlib → ZlibSupport ─┬→ MIME ─┐
//   CLibXML2 → HTMLText ─┼────────┴→ Features ─┐
//                        └→ Model ─────────────┴→ TaggerKit → tagger (CLI)
// `Model` knows nothing of mail; `MIME` knows nothing of models.
let package = Package(
    name: "tagger",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "tagger", targets: ["tagger"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
    ],
    targets: [
        .systemLibrary(name: "CLibXML2", pkgConfig: "libxml-2.0", providers: [.apt(["libxml2-dev"])]),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        .target(name: "ZlibSupport", dependencies: ["CZlib"]),
        .target(name: "MIME", dependencies: ["ZlibSupport"]),
        .target(name: "HTMLText", dependencies: ["CLibXML2"]),
        .target(name: "Features", dependencies: ["MIME", "HTMLText"]),
        .target(name: "Model", dependencies: ["ZlibSupport"]),
        .target(name: "CSystem"),
        .target(
            name: "TaggerKit",
            dependencies: ["MIME", "HTMLText", "Features", "Model", "CSystem", .product(name: "TOMLKit", package: "TOMLKit")],
            exclude: ["Sidecar/sidecar.schema.json"]
        ),
        .executableTarget(name: "tagger", dependencies: [
            "TaggerKit", "HTMLText",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        // Fuzz targets (Tests/Fuzz/run.sh builds them with -sanitize=fuzzer -DFUZZING; a plain
        // build makes a replayer: `tagger-fuzz TARGET FILE...`).
        .executableTarget(name: "tagger-fuzz", dependencies: ["MIME", "HTMLText", "TaggerKit"], path: "Tests/Fuzz/Targets"),
        .testTarget(name: "MIMETests", dependencies: ["MIME"], resources: [.copy("Fixtures")]),
        .testTarget(name: "HTMLTextTests", dependencies: ["HTMLText"]),
        .testTarget(name: "FeaturesTests", dependencies: ["Features"]),
        .testTarget(name: "ModelTests", dependencies: ["Model"]),
        .testTarget(name: "TaggerKitTests", dependencies: ["TaggerKit", "Model"]),
        .testTarget(name: "EndToEndTests", dependencies: ["TaggerKit"]),
    ],
    swiftLanguageModes: [.v6]
)
