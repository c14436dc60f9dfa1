import Foundation
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import LienThongApp
import LienThongCrypto
import LienThongDomain
import LienThongRegistry
import Logging

/// The daemon assembled from its configuration: registry, stores, demo setup and HTTP server.
package struct Daemon {
    package let configuration: DaemonConfiguration
    /// Read again on SIGHUP; the default file when nil.
    package let configurationFile: String?
    /// The one clock of every service: what "now" is for a filing, a token's expiry, a backup.
    package let now: @Sendable () -> Date

    package init(
        configuration: DaemonConfiguration, file: String? = nil, now: @escaping @Sendable () -> Date = Date.init
    ) {
        self.configuration = configuration
        configurationFile = file
        self.now = now
    }

    /// Opens or creates everything, then serves until SIGTERM or SIGINT.
    package func run(logger: Logger) async throws {
        let application = try await makeApplication(logger: logger)
        try await application.runService()
    }

    package func makeApplication(logger: Logger) async throws -> some ApplicationProtocol {
        let data = configuration.dataURL
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        // Before anything is opened or made: a start refused for want of it leaves nothing behind.
        let passphrase = try keyPassphrase()
        let registryPath = data.appendingPathComponent("registry.sqlite").path
        let isNew = !FileManager.default.fileExists(atPath: registryPath)
        let registry = try Registry(path: registryPath, sealSecret: passphrase)
        logger.info("registry \(isNew ? "created" : "opened") at \(registryPath)")
        if configuration.demo {
            for line in try await DemoSetup(certs: configuration.certsURL, data: data, passphrase: passphrase).run(
                registry: registry)
            {
                logger.notice("DEMO SETUP: \(line)")
            }
        }
        let blobs = try BlobStore(root: data.appendingPathComponent("blobs"))
        let orphans = try blobs.removeOrphans(keeping: registry.maintenance.blobHashes())
        if orphans > 0 { logger.notice("removed \(orphans) files left by an interrupted request") }
        let services = try Services(
            configuration: configuration, configurationFile: configurationFile, registry: registry, blobs: blobs,
            passphrase: passphrase, logger: logger, now: now)
        let clientCertificates = try configuration.tlsClientCA.map {
            try ClientCertificates(clientCA: $0, settings: services.settings)
        }
        for authority in clientCertificates?.uncovered ?? [] {
            logger.warning(
                """
                client certificates of \(authority) are not checked for revocation: \
                put its CRL in \(configuration.certsDirectory)/crl
                """)
        }
        let router = Router(context: LienThongContext.self)
        let metrics = ServerMetrics()
        router.add(middleware: MetricsMiddleware(metrics: metrics))
        router.add(middleware: ProblemMiddleware())
        router.add(middleware: DeadlineMiddleware(limit: .seconds(configuration.requestTimeoutSeconds)))
        Routes(
            services: services, metrics: metrics,
            limiter: RateLimiter(rate: configuration.rateLimitPerSecond, burst: configuration.rateLimitBurst),
            clientCertificates: clientCertificates
        )
        .register(on: router)
        let configuration = self.configuration
        let decoder = HTTP1Channel.Configuration.DecoderConfiguration()
        let http = HTTPServerBuilder.http1(
            configuration: .init(
                additionalChannelHandlers: [MalformedRequestResponder(headerLimit: decoder.maxHeaderListSize)],
                idleTimeout: .seconds(Int64(configuration.idleTimeoutSeconds)), httpDecoderConfiguration: decoder))
        let tls = try TLSSetup.configuration(configuration, passphrase: passphrase)
        let scheme = tls == nil ? "http" : "https"
        return Application(
            router: router,
            server: try tls.map { try .tls(http, tlsConfiguration: $0) } ?? http,
            configuration: .init(
                address: .hostname(configuration.host, port: configuration.port), serverName: "lienthongd"),
            services: services.background,
            onServerRunning: { channel in
                logger.notice(
                    "lienthongd serving on \(scheme)://\(configuration.host):\(channel.localAddress?.port ?? configuration.port)"
                )
            },
            logger: logger)
    }

    /// The passphrase of the signing keys: its file's first line. A demo makes one at random, but
    /// never where keys encrypted with another already exist: those would be locked away for good.
    private func keyPassphrase() throws -> String {
        let url = configuration.keyPassphraseURL
        if !FileManager.default.fileExists(atPath: url.path) {
            guard configuration.demo else {
                throw ConfigurationError(
                    "no key passphrase at \(url.path): the signing keys are encrypted with it; set keyPassphraseFile")
            }
            if let key = Self.encryptedKey(under: configuration.certsURL) {
                throw ConfigurationError(
                    "no key passphrase at \(url.path), but \(key.path) is encrypted with one: put back the passphrase "
                        + "file (a backup made with `lienthong admin backup` holds it as key-passphrase) or set "
                        + "keyPassphraseFile; a new passphrase would lock those keys away")
            }
            var generator = SystemRandomNumberGenerator()
            let random = Data((0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }).base64EncodedString()
            guard
                FileManager.default.createFile(
                    atPath: url.path, contents: Data((random + "\n").utf8), attributes: [.posixPermissions: 0o600])
            else {
                throw ConfigurationError("cannot write the key passphrase file \(url.path)")
            }
        }
        guard let text = try? String(contentsOf: url, encoding: .utf8),
            let line = text.split(whereSeparator: \.isNewline).first.map(String.init), !line.isEmpty
        else {
            throw ConfigurationError("the key passphrase file \(url.path) is empty or unreadable")
        }
        return line
    }

    /// The first encrypted private key under `directory`, if there is one.
    static func encryptedKey(under directory: URL) -> URL? {
        let files = FileManager.default.enumerator(at: directory, includingPropertiesForKeys: nil)
        while let file = files?.nextObject() as? URL {
            guard file.pathExtension == "key", let handle = try? FileHandle(forReadingFrom: file) else { continue }
            defer { try? handle.close() }
            if let head = try? handle.read(upToCount: 64), String(decoding: head, as: UTF8.self).contains("ENCRYPTED") {
                return file
            }
        }
        return nil
    }
}
