// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "ingestd",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "ingestd", targets: ["ingestd"]),
        .executable(name: "ingestctl", targets: ["ingestctl"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
    ],
    targets: [
        // The model: documents, articles, stages, the pipeline, config. No I/O, no C.
        .target(
            name: "IngestCore",
            dependencies: [
                .product(name: "Logging", package: "swift-log"),
                .product(name: "TOMLKit", package: "TOMLKit"),
            ]
        ),
        .systemLibrary(name: "CZlib", path: "Sources/CZlib", providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CLZ4", path: "Sources/CLZ4", providers: [.apt(["liblz4-dev"])]),
        .systemLibrary(name: "CSQLite", path: "Sources/CSQLite", providers: [.apt(["libsqlite3-dev"])]),
        // mimalloc (Debian's libmimalloc) replaces glibc's malloc for the whole daemon, libxml2 and SQLite
        // included: glibc's malloc and free were 8.8 % of the daemon's CPU in a burst, and with mimalloc the
        // daemon used 4 % less CPU per document (BENCHMARKS.md).
        .systemLibrary(name: "CMimalloc", path: "Sources/CMimalloc", providers: [.apt(["libmimalloc-dev"])]),
        .systemLibrary(name: "CCrypto", path: "Sources/CCrypto", providers: [.apt(["libssl-dev"])]),
        // SHA-256 of every input and article with the CPU's SHA instructions (IngestCore's own has no C).
        .target(name: "IngestDigest", dependencies: ["CCrypto"]),
        .systemLibrary(
            name: "CCurl", path: "Sources/CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        .systemLibrary(
            name: "CLibXML2", path: "Sources/CLibXML2", pkgConfig: "libxml-2.0", providers: [.apt(["libxml2-dev"])]),
        .systemLibrary(name: "CLibPQ", path: "Sources/CLibPQ", pkgConfig: "libpq", providers: [.apt(["libpq-dev"])]),
        // The stores: SQLite (embedded default) and PostgreSQL (shared by several instances); migrations,
        // batched commits, the queue, the file ledger.
        .target(
            name: "IngestStore",
            dependencies: [
                "IngestCore", "IngestDigest", "CZlib", "CLZ4", "CLibPQ", "CSQLite",
                .product(name: "GRDB", package: "GRDB.swift"),
                // SQLite's C API, for dedupe's lookups (FingerprintReader).
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
            ]
        ),
        // Sources that turn what they find into RawDocuments: folders (inotify) now, feeds later.
        .target(
            name: "IngestSources",
            dependencies: [
                "IngestCore", "IngestDigest", "CLibXML2", "CCurl",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // Pages as libxml2's HTML parser reads them: the parsed tree (clean) and the page's signals (extract),
        // read from clean's tree so a page is parsed once.
        .target(name: "IngestHTML", dependencies: ["IngestCore", "CLibXML2"]),
        // The built-in stages, one folder each under plugins/ (code, README, sample config).
        .target(
            name: "StageClean",
            dependencies: ["IngestCore", "IngestHTML", "CLibXML2", .product(name: "Logging", package: "swift-log")],
            path: "plugins/clean",
            exclude: ["README.md", "clean.toml"]),
        .target(
            name: "StageDedupe", dependencies: ["IngestCore", "IngestDigest", .product(name: "Logging", package: "swift-log")],
            path: "plugins/dedupe", exclude: ["README.md", "dedupe.toml"]),
        // Language identification (CLD2 through a C++ shim) and keywords (Snowball stemmers) for extract.
        .target(
            name: "CCLD2", path: "Sources/CCLD2", linkerSettings: [.linkedLibrary("cld2")]),
        .systemLibrary(name: "CStemmer", path: "Sources/CStemmer", providers: [.apt(["libstemmer-dev"])]),
        .target(
            name: "ExtractLanguage", dependencies: ["IngestCore", "CCLD2", "CStemmer"], path: "plugins/extract/Language"),
        .target(
            name: "StageExtract",
            dependencies: ["IngestCore", "IngestHTML", "ExtractLanguage", .product(name: "Logging", package: "swift-log")],
            path: "plugins/extract", exclude: ["Language", "README.md", "extract.toml"]),
        .target(
            name: "StageClassify", dependencies: ["IngestCore"], path: "plugins/classify",
            exclude: ["README.md", "classify.toml"]),
        // The list of compiled-in stages, in pipeline order.
        .target(
            name: "IngestStages",
            dependencies: ["IngestCore", "StageClean", "StageDedupe", "StageExtract", "StageClassify"],
            path: "plugins/all"
        ),
        // Exec plugins: operators' programs run as stages over JSON lines (docs/PLUGINS.md).
        .target(
            name: "IngestPlugins",
            dependencies: ["IngestCore", .product(name: "Logging", package: "swift-log")]
        ),
        // Wiring: config loading, the pipeline runner, the control API, shutdown.
        .target(
            name: "IngestDaemon",
            dependencies: [
                "IngestCore", "IngestStore", "IngestSources", "IngestStages", "IngestPlugins",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .executableTarget(
            name: "ingestd",
            dependencies: [
                "IngestDaemon", "CMimalloc",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(
            name: "ingestctl",
            dependencies: [
                "IngestDaemon", "IngestCore", "IngestStore", "IngestSources", "IngestHTML", "StageClean", "StageDedupe", "StageExtract", "ExtractLanguage", "StageClassify", "IngestPlugins",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Helpers shared by the test targets: temp folders, process runner, fixtures.
        .target(
            name: "IngestTestKit",
            dependencies: ["IngestCore", .product(name: "Logging", package: "swift-log")]
        ),
        .testTarget(name: "IngestCoreTests", dependencies: ["IngestCore", "IngestTestKit", "IngestStages"]),
        .testTarget(name: "IngestStoreTests", dependencies: ["IngestStore", "IngestCore", "IngestDigest", "IngestTestKit"]),
        .testTarget(name: "IngestSourcesTests", dependencies: ["IngestSources", "IngestCore", "IngestTestKit"]),
        .testTarget(name: "ingestctlTests", dependencies: ["IngestTestKit", "IngestCore"]),
        .testTarget(name: "IngestHTMLTests", dependencies: ["IngestHTML", "IngestCore"]),
        .testTarget(name: "StageCleanTests", dependencies: ["StageClean", "IngestCore", "IngestTestKit"]),
        .testTarget(
            name: "StageDedupeTests",
            dependencies: ["StageDedupe", "IngestCore", "IngestTestKit", .product(name: "Logging", package: "swift-log")]),
        .testTarget(name: "StageClassifyTests", dependencies: ["StageClassify", "IngestCore", "IngestTestKit"]),
        .testTarget(
            name: "StageExtractTests", dependencies: ["StageExtract", "ExtractLanguage", "IngestCore", "IngestHTML", "IngestTestKit"]),
        .testTarget(name: "ExtractLanguageTests", dependencies: ["ExtractLanguage", "IngestTestKit"]),
        .testTarget(
            name: "IngestPluginsTests",
            dependencies: ["IngestPlugins", "IngestCore", "IngestTestKit", .product(name: "Logging", package: "swift-log")]),
        .testTarget(
            name: "IngestIntegrationTests",
            dependencies: ["IngestTestKit", "IngestCore", "IngestStore", "IngestSources", "IngestDaemon"],
            // The local HTTP server the feed tests start (Python, not part of the build).
            exclude: ["FeedServer"]
        ),
    ],
    cxxLanguageStandard: .cxx17
)

for target in package.targets where target.type != .system {
    var settings = target.swiftSettings ?? []
    settings.append(.enableUpcomingFeature("ExistentialAny"))
    settings.append(.enableUpcomingFeature("MemberImportVisibility"))
    settings.append(.enableUpcomingFeature("InternalImportsByDefault"))
    // Release builds: the tests (debug) check exclusive access at run time; release skips the check, which
    // was 0.5 % of the daemon's CPU (swift_beginAccess and its thread-local access set). Full cross-module
    // optimisation lets the stages inline IngestCore's small helpers.
    settings.append(.unsafeFlags(["-enforce-exclusivity=unchecked", "-cross-module-optimization"], .when(configuration: .release)))
    target.swiftSettings = settings
}
