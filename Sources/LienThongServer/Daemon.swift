import Foundation
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import LienThongCrypto
import LienThongDomain
import LienThongRegistry
import Logging

/// The daemon assembled from its configuration: registry, stores, demo setup and HTTP server.
public struct Daemon {
    public let configuration: DaemonConfiguration
    /// Read again on SIGHUP; the default file when nil.
    public let configurationFile: String?
    /// The one clock of every service: what "now" is for a filing, a token's expiry, a backup.
    public let now: @Sendable () -> Date

    public init(
        configuration: DaemonConfiguration, file: String? = nil, now: @escaping @Sendable () -> Date = Date.init
    ) {
        self.configuration = configuration
        configurationFile = file
        self.now = now
    }

    /// Opens or creates everything, then serves until SIGTERM or SIGINT.
    public func run(logger: Logger) async throws {
        let application = try makeApplication(logger: logger)
        try await application.runService()
    }

    public func makeApplication(logger: Logger) throws -> some ApplicationProtocol {
        let data = configuration.dataURL
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        // Before anything is opened or made: a start refused for want of it leaves nothing behind.
        let passphrase = try keyPassphrase()
        let registryPath = data.appendingPathComponent("registry.sqlite").path
        let isNew = !FileManager.default.fileExists(atPath: registryPath)
        let registry = try Registry(path: registryPath, sealSecret: passphrase)
        logger.info("registry \(isNew ? "created" : "opened") at \(registryPath)")
        if configuration.demo {
            for line in try DemoSetup(certs: configuration.certsURL, data: data, passphrase: passphrase).run(
                registry: registry)
            {
                logger.notice("DEMO SETUP: \(line)")
            }
        }
        let builtinTSA = try loadTimeStampAuthority(passphrase: passphrase)
        let timeStamper: any TimeStamper =
            if configuration.timeStampAuthority == "builtin", let builtinTSA {
                builtinTSA
            } else {
                ExternalTimeStamper(url: URL(string: configuration.timeStampAuthority)!, timeout: 15)
            }
        let settings = LiveSettings(try Settings.load(configuration))
        let fetcher = RevocationFetcher(ocspResponder: configuration.ocspResponder.flatMap(URL.init(string:)))
        let blobs = try BlobStore(root: data.appendingPathComponent("blobs"))
        let orphans = try blobs.removeOrphans(keeping: registry.blobHashes())
        if orphans > 0 { logger.notice("removed \(orphans) files left by an interrupted request") }
        let service = DocumentService(
            registry: registry,
            blobs: blobs,
            disk: DiskWork(),
            signer: DetachedSigner(digest: configuration.signingDigest, padding: configuration.signingRSAPadding),
            timeStamper: timeStamper,
            stampLater: configuration.timeStampFallback == .later,
            evidence: SigningEvidence(fetcher: fetcher, logger: logger),
            settings: settings,
            keyPassphrase: passphrase,
            certificates: configuration.certsURL,
            approvalRequired: configuration.signerApproval == .required,
            logger: logger, now: now)
        let clientCertificates = try configuration.tlsClientCA.map {
            try ClientCertificates(clientCA: $0, settings: settings)
        }
        for authority in clientCertificates?.uncovered ?? [] {
            logger.warning(
                "client certificates of \(authority) are not checked for revocation: put its CRL in \(configuration.certsDirectory)/crl"
            )
        }
        let router = Router(context: LienThongContext.self)
        let metrics = ServerMetrics()
        router.add(middleware: MetricsMiddleware(metrics: metrics))
        router.add(middleware: ProblemMiddleware())
        router.add(middleware: DeadlineMiddleware(limit: .seconds(configuration.requestTimeoutSeconds)))
        Routes(
            service: service, registry: registry, blobs: service.blobs, restoreNeeds: restoreNeeds,
            maxUploadBytes: configuration.maxUploadBytes,
            timeStampAuthority: builtinTSA,
            verification: VerificationService(
                settings: settings, fetcher: fetcher, blobs: service.blobs,
                gate: VerificationGate()),
            metrics: metrics,
            limiter: RateLimiter(rate: configuration.rateLimitPerSecond, burst: configuration.rateLimitBurst),
            clientCertificates: clientCertificates
        )
        .register(on: router)
        let configuration = self.configuration
        let backfill = TimeStampBackfill(
            registry: registry, disk: service.disk, now: now, blobs: service.blobs, timeStamper: timeStamper,
            interval: .seconds(configuration.timeStampRetrySeconds), logger: logger)
        let identities = IdentityBackfill(
            service: service, interval: .seconds(configuration.timeStampRetrySeconds),
            logger: logger)
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
            services: [
                ConfigurationReloader(
                    file: configurationFile, live: settings, registry: registry, disk: service.disk, logger: logger),
                identities,
            ]
                + (configuration.timeStampFallback == .later ? [backfill] : []),
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

    /// What a restore needs beyond the registry and its files: the passphrase file is copied when
    /// it lies in the data directory; the certificates and keys, and a passphrase kept elsewhere,
    /// are named for the administrator to carry.
    var restoreNeeds: RestoreNeeds {
        let passphrase = configuration.keyPassphraseURL.standardizedFileURL
        let inData = passphrase.deletingLastPathComponent().path == configuration.dataURL.standardizedFileURL.path
        return RestoreNeeds(
            passphraseFile: inData ? passphrase : nil,
            elsewhere: ["\(configuration.certsURL.path) (signing keys, trust anchors, CRLs)"]
                + (inData ? [] : ["\(passphrase.path) (the key passphrase)"]))
    }

    /// The built-in TSA, when its certificate and key exist; required when it is the configured one.
    private func loadTimeStampAuthority(passphrase: String) throws -> TimeStampAuthority? {
        let certificate = configuration.tsaCertificateURL
        let key = configuration.tsaKeyURL
        guard FileManager.default.fileExists(atPath: key.path) else {
            if configuration.timeStampAuthority == "builtin" {
                throw ConfigurationError(
                    "the built-in time-stamping authority has no key at \(key.path): set tsaCertificate and tsaKey, or timeStampAuthority to an external TSA URL"
                )
            }
            return nil
        }
        do {
            return TimeStampAuthority(
                identity: try SigningIdentity.load(certificateChain: certificate, key: key, passphrase: passphrase))
        } catch {
            throw ConfigurationError(
                "the built-in time-stamping authority cannot be loaded from \(certificate.path): \(error)")
        }
    }
}
