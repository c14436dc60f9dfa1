import Foundation
import LienThongCrypto
import LienThongPDF
import LienThongRegistry
import Logging
import ServiceLifecycle

/// Every service of one daemon, built once over one registry, one file store, one pool of disk threads, one set
/// of live settings and one clock. The HTTP layer and the tests take their services from here.
package struct Services: Sendable {
    package let documents: DocumentService
    package let approvals: SignerApprovals
    package let directory: Directory
    package let users: Users
    package let maintenance: Maintenance
    package let uploads: Uploads
    package let verification: VerificationService
    package let authentication: Authentication
    package let idempotentRequests: IdempotentRequests
    /// Read again on SIGHUP.
    package let settings: LiveSettings
    /// The built-in TSA, when its key exists.
    package let timeStampAuthority: TimeStampAuthority?
    /// What runs beside the server: the reload on SIGHUP, and the time stamps and sealed identities made late.
    package let background: [any Service]

    /// - Parameters:
    ///   - configurationFile: read again on SIGHUP; the default file when nil.
    ///   - now: the one clock of every service: what "now" is for a filing, a token's expiry, a backup.
    package init(
        configuration: DaemonConfiguration, configurationFile: String?, registry: Registry, blobs: BlobStore,
        passphrase: String, logger: Logger, now: @escaping @Sendable () -> Date
    ) throws {
        let disk = DiskWork.shared
        let builtinTSA = try Self.timeStampAuthority(configuration, passphrase: passphrase)
        let timeStamper: any TimeStamper =
            if configuration.timeStampAuthority == "builtin", let builtinTSA {
                builtinTSA
            } else {
                ExternalTimeStamper(url: URL(string: configuration.timeStampAuthority)!, timeout: 15)
            }
        settings = LiveSettings(try Settings.load(configuration))
        let font: TrueTypeFont
        do { font = try TrueTypeFont(contentsOf: URL(fileURLWithPath: configuration.pdfFont)) } catch {
            throw ConfigurationError(
                "pdfFont: \(error.description); install Debian's fonts-liberation2, or set pdfFont to a TrueType font "
                    + "with Vietnamese")
        }
        let signer = DetachedSigner(digest: configuration.signingDigest, padding: configuration.signingRSAPadding)
        let fetcher = RevocationFetcher(ocspResponder: configuration.ocspResponder.flatMap(URL.init(string:)))
        documents = DocumentService(
            registry: registry, blobs: blobs,
            signer: signer,
            timeStamper: timeStamper, stampLater: configuration.timeStampFallback == .later,
            evidence: SigningEvidence(fetcher: fetcher, logger: logger), settings: settings,
            keyPassphrase: passphrase, certificates: configuration.certsURL,
            approvalRequired: configuration.signerApproval == .required,
            pdf: PDFIssuing(
                issuance: Decree30Issuance(
                    signer: PDFSigner(engine: signer), font: font, layout: configuration.pdfLayout,
                    level: configuration.pdfLevel),
                certificates: configuration.certsURL, largest: UInt64(max(0, configuration.pdfMaxBytes))),
            logger: logger, now: now)
        approvals = documents.approvals
        directory = Directory(registry: registry, now: now)
        users = Users(registry: registry, now: now)
        maintenance = Maintenance(
            registry: registry, blobs: blobs, disk: disk, restoreNeeds: configuration.restoreNeeds, now: now)
        uploads = Uploads(registry: registry, blobs: blobs, disk: disk, limit: configuration.maxUploadBytes, now: now)
        verification = VerificationService(settings: settings, fetcher: fetcher, blobs: blobs, gate: VerificationGate())
        authentication = Authentication(registry: registry, now: now)
        idempotentRequests = IdempotentRequests(registry: registry, now: now)
        timeStampAuthority = builtinTSA
        let retry = Duration.seconds(configuration.timeStampRetrySeconds)
        background =
            [
                ConfigurationReloader(
                    file: configurationFile, live: settings, registry: registry, logger: logger),
                IdentityBackfill(service: documents, interval: retry, logger: logger),
            ]
            + (configuration.timeStampFallback == .later
                ? [
                    TimeStampBackfill(
                        registry: registry, now: now, blobs: blobs, timeStamper: timeStamper,
                        interval: retry, logger: logger)
                ] : [])
    }

    /// The built-in TSA, when its certificate and key exist; required when it is the configured one.
    private static func timeStampAuthority(
        _ configuration: DaemonConfiguration, passphrase: String
    ) throws -> TimeStampAuthority? {
        let certificate = configuration.tsaCertificateURL
        let key = configuration.tsaKeyURL
        guard FileManager.default.fileExists(atPath: key.path) else {
            if configuration.timeStampAuthority == "builtin" {
                throw ConfigurationError(
                    "the built-in time-stamping authority has no key at \(key.path): set tsaCertificate and tsaKey, "
                        + "or timeStampAuthority to an external TSA URL")
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

extension DaemonConfiguration {
    /// What a restore needs beyond the registry and its files: the passphrase file is copied when
    /// it lies in the data directory; the certificates and keys, and a passphrase kept elsewhere,
    /// are named for the administrator to carry.
    package var restoreNeeds: RestoreNeeds {
        let passphrase = keyPassphraseURL.standardizedFileURL
        let inData = passphrase.deletingLastPathComponent().path == dataURL.standardizedFileURL.path
        return RestoreNeeds(
            passphraseFile: inData ? passphrase : nil,
            elsewhere: ["\(certsURL.path) (signing keys, trust anchors, CRLs)"]
                + (inData ? [] : ["\(passphrase.path) (the key passphrase)"]))
    }
}
