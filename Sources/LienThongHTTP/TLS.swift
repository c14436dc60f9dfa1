import Foundation
import LienThongAPI
import LienThongApp
import LienThongCrypto
import LienThongDomain
import LienThongRegistry
import NIOCore
import NIOSSL

/// HTTPS, and mutual TLS as a second way in: a client certificate issued under the configured
/// CA is verified in the handshake, and its subject CN names the user it stands for.
enum TLSSetup {
    /// The server's TLS configuration, or nil for plain HTTP (loopback, or behind a proxy).
    static func configuration(_ configuration: DaemonConfiguration, passphrase: String) throws -> TLSConfiguration? {
        guard let certificatePath = configuration.tlsCertificate, let keyPath = configuration.tlsKey else { return nil }
        do {
            let chain = try NIOSSLCertificate.fromPEMFile(certificatePath).map {
                NIOSSLCertificateSource.certificate($0)
            }
            let key = try NIOSSLPrivateKey(file: keyPath, format: .pem) { (setter: NIOSSLPassphraseSetter<[UInt8]>) in
                setter(Array(passphrase.utf8))
            }
            var tls = TLSConfiguration.makeServerConfiguration(certificateChain: chain, privateKey: .privateKey(key))
            tls.minimumTLSVersion = .tlsv12
            if let clientCA = configuration.tlsClientCA {
                tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(clientCA))
                // Optional: a client without a certificate may still bring a token.
                tls.certificateVerification = .optionalVerification
            }
            return tls
        } catch {
            throw ConfigurationError(
                "HTTPS cannot be set up from tlsCertificate \(certificatePath), tlsKey \(keyPath)"
                    + (configuration.tlsClientCA.map { " and tlsClientCA \($0)" } ?? "") + ": \(error)")
        }
    }
}

/// The users that client certificates stand for. The handshake has already verified the
/// certificate against `authorities`; this adds what TLS does not know: the CA's CRLs in
/// `Certs/crl` (reloaded with SIGHUP), and an administrator's `lienthong admin user revoke`.
struct ClientCertificates: Sendable {
    /// The client CAs (`tlsClientCA`).
    let authorities: [Certificate]
    let settings: LiveSettings

    init(clientCA path: String, settings: LiveSettings) throws {
        do {
            authorities = try Certificate.load(URL(fileURLWithPath: path))
        } catch {
            throw ConfigurationError("tlsClientCA \(path) cannot be read: \(error)")
        }
        self.settings = settings
    }

    /// The client CAs that no CRL in `Certs/crl` covers: their certificates cannot be revoked.
    var uncovered: [Certificate] {
        let current = settings.current
        return authorities.filter { !current.crls.covers(issuer: $0, trust: current.trust) }
    }

    /// The user the connection's verified client certificate names, if it has one and that user
    /// exists and was not revoked; a revoked certificate is refused with its date.
    func user(on channel: any Channel, authentication: Authentication) async throws -> UserRecord? {
        guard let peer = try? await channel.nioSSL_peerCertificate().get() else { return nil }
        let certificate = try Certificate(der: Data(try peer.toDERBytes()))
        let current = settings.current
        for authority in authorities {
            if let revoked = current.crls.revocationDate(of: certificate, issuedBy: authority, trust: current.trust) {
                throw Refusal.clientCertificateRevoked(
                    "the client certificate \(certificate) was revoked on \(VietnamTime.iso8601(revoked)); ask the administrator for a new one, or sign in with a token"
                )
            }
        }
        return try certificate.commonName.flatMap { try authentication.user(certificateName: $0) }
    }
}
