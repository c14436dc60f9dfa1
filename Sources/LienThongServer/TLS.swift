import Foundation
import LienThongCrypto
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
            let chain = try NIOSSLCertificate.fromPEMFile(certificatePath).map { NIOSSLCertificateSource.certificate($0) }
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
            throw ConfigurationError("HTTPS cannot be set up from tlsCertificate \(certificatePath), tlsKey \(keyPath)"
                                     + (configuration.tlsClientCA.map { " and tlsClientCA \($0)" } ?? "") + ": \(error)")
        }
    }

    /// The user the connection's verified client certificate names, if it has one and that user exists.
    static func user(on channel: any Channel, registry: Registry) async throws -> UserRecord? {
        guard let peer = try? await channel.nioSSL_peerCertificate().get() else { return nil }
        let certificate = try Certificate(der: Data(try peer.toDERBytes()))
        guard let name = certificate.commonName else { return nil }
        return try registry.user(name)
    }
}
