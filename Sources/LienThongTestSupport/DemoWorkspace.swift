import Foundation
import LienThongApp
import LienThongCrypto
import LienThongHTTP
import LienThongRegistry
import Logging

/// The demo's agencies, users and PKI for service and router tests. The PKI (sixteen RSA keys) is made once per
/// run by the demo setup; each workspace has its own data directory and its own registry, seeded as on a first
/// start, so that tests share keys and nothing else.
package struct DemoWorkspace: Sendable {
    /// Every key of the shared PKI is encrypted with it.
    package static let passphrase = "lienthong-demo-test"

    /// The certificates and keys of the run, made on first use; those who ask meanwhile wait for the same making
    /// (an actor alone would let each make its own while the first is suspended).
    private actor Certificates {
        private var making: Task<URL, any Error>?

        func directory() async throws -> URL {
            let making =
                self.making
                ?? Task {
                    let root = FileManager.default.temporaryDirectory.appendingPathComponent(
                        "lienthong-demo-pki-\(UUID().uuidString)")
                    try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
                    let certs = root.appendingPathComponent("Certs")
                    _ = try await DemoSetup(
                        certs: certs, data: root.appendingPathComponent("data"), passphrase: passphrase
                    ).run(registry: Registry.inMemory())
                    return certs
                }
            self.making = making
            return try await making.value
        }
    }

    private static let certificates = Certificates()

    /// This workspace's own: `data/` (files, tokens) and the configuration file.
    package let directory: URL
    package let configuration: DaemonConfiguration
    /// The configuration file, `{}` unless a test writes settings into it.
    package let configurationFile: URL

    /// - Parameter environment: settings as `LIENTHONG_…` variables, over the defaults of a demo.
    package init(environment: [String: String] = [:]) async throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("lienthong-work-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        configurationFile = directory.appendingPathComponent("lienthong.json")
        try Data("{}".utf8).write(to: configurationFile)
        let passphraseFile = directory.appendingPathComponent("key-passphrase")
        try Data(Self.passphrase.utf8).write(to: passphraseFile)
        configuration = try DaemonConfiguration.load(
            file: configurationFile.path,
            environment: [
                "LIENTHONG_DATA_DIRECTORY": directory.appendingPathComponent("data").path,
                "LIENTHONG_CERTS_DIRECTORY": try await Self.certificates.directory().path,
                "LIENTHONG_KEY_PASSPHRASE_FILE": passphraseFile.path,
                "LIENTHONG_SIGNER_APPROVAL": "optional",
            ].merging(environment) { $1 })
    }

    /// A registry in memory seeded with the demo's agencies and users (their tokens in `data/tokens/`), and
    /// every service over it.
    package func services(
        now: @escaping @Sendable () -> Date = Date.init
    ) async throws -> (services: Services, registry: Registry) {
        let registry = try Registry.inMemory()
        _ = try await DemoSetup(certs: configuration.certsURL, data: configuration.dataURL, passphrase: Self.passphrase)
            .run(registry: registry)
        let blobs = try BlobStore(root: configuration.dataURL.appendingPathComponent("blobs"))
        let services = try Services(
            configuration: configuration, configurationFile: configurationFile.path, registry: registry, blobs: blobs,
            passphrase: Self.passphrase, logger: Logger(label: "tests"), now: now)
        return (services, registry)
    }

    /// A signing identity of the demo's PKI, as `Certs/demo` holds it: `users/signer.tinh-dien-bien` for the
    /// province's chairman, `agencies/000.00.00.H18` for its seal.
    package func identity(_ file: String) throws -> SigningIdentity {
        let demo = configuration.certsURL.appendingPathComponent("demo")
        return try SigningIdentity(
            certificate: Certificate.load(demo.appendingPathComponent("\(file).pem"))[0],
            key: PrivateKey(
                pem: Data(contentsOf: demo.appendingPathComponent("\(file).key")), passphrase: Self.passphrase),
            intermediates: Certificate.load(demo.appendingPathComponent("agency-ca.pem")))
    }

    /// A demo user's bearer token, as the demo setup wrote it.
    package func token(_ username: String) throws -> String {
        try String(
            contentsOf: configuration.dataURL.appendingPathComponent("tokens/\(username).token"), encoding: .utf8
        ).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
