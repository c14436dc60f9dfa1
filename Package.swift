// swift-tools-version:6.2
import PackageDescription

/// Warnings in our own code are errors-in-waiting: keep the language mode strict everywhere.
let strict: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "LienThong",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "lienthongd", targets: ["lienthongd"]),
        .executable(name: "lienthong", targets: ["lienthong"]),
        .executable(name: "lienthong-bench", targets: ["lienthong-bench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.4.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.35.2"),
    ],
    targets: [
        /// The OpenSSL 3 system library and a shim header for what Swift cannot import directly.
        .systemLibrary(
            name: "COpenSSL",
            pkgConfig: "openssl",
            providers: [.apt(["libssl-dev"])]
        ),
        /// LienThong's own C over OpenSSL: signing a digest, time stamps, OCSP, CRLs and the RFC 5280 checks.
        .target(name: "CLienThongCrypto", dependencies: ["COpenSSL"]),
        /// Agencies, document metadata, numbering, statuses, time: pure, no I/O.
        .target(name: "LienThongDomain", swiftSettings: strict),
        /// Signing and verification engine (CMS, X.509, demo PKI) over OpenSSL.
        .target(
            name: "LienThongCrypto", dependencies: ["COpenSSL", "CLienThongCrypto", "LienThongDomain"],
            swiftSettings: strict),
        /// libqpdf, the PDF parser (Apache-2.0), through its C API.
        .systemLibrary(name: "CQPDF", pkgConfig: "libqpdf", providers: [.apt(["libqpdf-dev"])]),
        /// Signed PDFs: PAdES signatures appended as incremental updates, and their verification with what later
        /// revisions changed.
        .target(
            name: "LienThongPDF", dependencies: ["CQPDF", "CGraphics", "LienThongCrypto", "LienThongDomain"],
            swiftSettings: strict),
        /// HarfBuzz (fonts, subsetting), libpng and zlib: what a visible signature's appearance is drawn with.
        .systemLibrary(
            name: "CGraphics", pkgConfig: "harfbuzz-subset",
            providers: [.apt(["libharfbuzz-dev", "libpng-dev", "zlib1g-dev"])]),
        /// The SQLite registry: schema, migrations, records, queries.
        .target(
            name: "LienThongRegistry",
            dependencies: [
                "LienThongDomain", "LienThongCrypto", .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: strict
        ),
        /// JSON wire types shared by the daemon and the CLI.
        .target(name: "LienThongAPI", dependencies: ["LienThongDomain", "LienThongCrypto"], swiftSettings: strict),
        /// The services: every rule between a request and the registry, with `Permissions` and `Refusal`; no HTTP.
        .target(
            name: "LienThongApp",
            dependencies: [
                "LienThongDomain", "LienThongCrypto", "LienThongRegistry", "LienThongAPI", "LienThongPDF",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: strict
        ),
        /// The edge: routes per feature, middleware, TLS, the one mapping of refusals to problem+json, the daemon's
        /// assembly and its demo setup.
        .target(
            name: "LienThongHTTP",
            dependencies: [
                "LienThongApp", "LienThongDomain", "LienThongCrypto", "LienThongRegistry", "LienThongAPI",
                "LienThongPDF",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "lienthongd",
            dependencies: [
                "LienThongHTTP", "LienThongApp",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "lienthong",
            dependencies: [
                "LienThongDomain", "LienThongCrypto", "LienThongAPI", "LienThongPDF",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strict
        ),
        /// What the tests and the bench share: the PKI, made once per run.
        .target(
            name: "LienThongTestSupport",
            dependencies: [
                "LienThongCrypto", "LienThongRegistry", "LienThongApp", "LienThongHTTP", "LienThongPDF",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict),
        /// Our figures beside the limits they are bounded by, measured in one process.
        .executableTarget(
            name: "lienthong-bench",
            dependencies: [
                "LienThongCrypto", "LienThongPDF", "LienThongRegistry", "LienThongDomain", "LienThongTestSupport",
                "COpenSSL",
                "CLienThongCrypto",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strict
        ),
        .testTarget(name: "LienThongDomainTests", dependencies: ["LienThongDomain"], swiftSettings: strict),
        // Fixtures/ is read from the source tree (#filePath), so that a fresh clone runs the conformance cases.
        .testTarget(
            name: "LienThongCryptoTests",
            dependencies: ["LienThongCrypto", "CLienThongCrypto", "LienThongTestSupport"], exclude: ["Fixtures"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "LienThongPDFTests", dependencies: ["LienThongPDF", "LienThongCrypto", "LienThongTestSupport"],
            exclude: ["validate.py", "sign.py", "lta.py"], swiftSettings: strict),
        .testTarget(
            name: "LienThongRegistryTests",
            dependencies: ["LienThongRegistry", "LienThongDomain", "LienThongCrypto"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "LienThongAppTests",
            dependencies: [
                "LienThongApp", "LienThongAPI", "LienThongDomain", "LienThongRegistry", "LienThongTestSupport",
                "LienThongPDF", "LienThongCrypto",
            ],
            swiftSettings: strict),
        .testTarget(
            name: "LienThongHTTPTests",
            dependencies: [
                "LienThongHTTP", "LienThongApp", "LienThongAPI", "LienThongDomain", "LienThongRegistry", "LienThongPDF",
                "LienThongTestSupport", .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "InMemoryLogging", package: "swift-log"),
            ],
            swiftSettings: strict),
        /// Starts the real daemon binary and drives it with the real CLI.
        .testTarget(
            name: "EndToEndTests",
            dependencies: ["lienthongd", "lienthong", "LienThongCrypto", "LienThongTestSupport"],
            swiftSettings: strict
        ),
    ]
)
