import CLienThongCrypto
import COpenSSL
import Foundation

/// A private key held in memory by OpenSSL; never written out except by `pemPKCS8`.
public final class PrivateKey: @unchecked Sendable {
    /// The `EVP_PKEY*`, owned by this instance.
    let pointer: OpaquePointer

    init(owning pointer: OpaquePointer) { self.pointer = pointer }
    deinit { EVP_PKEY_free(pointer) }

    /// Key types allowed by Circular 15/2025/TT-BKHCN.
    public enum Kind: Sendable, Equatable {
        case rsa(bits: Int)
        case ecdsaP256
        case ecdsaP384
    }

    /// Generates a fresh key.
    public static func generate(_ kind: Kind) throws -> PrivateKey {
        let id: Int32 = if case .rsa = kind { EVP_PKEY_RSA } else { EVP_PKEY_EC }
        guard let context = EVP_PKEY_CTX_new_id(id, nil) else { throw CryptoError.drain("starting key generation") }
        defer { EVP_PKEY_CTX_free(context) }
        guard EVP_PKEY_keygen_init(context) == 1 else { throw CryptoError.drain("starting key generation") }
        let configured =
            switch kind {
            case .rsa(let bits): EVP_PKEY_CTX_set_rsa_keygen_bits(context, Int32(bits))
            case .ecdsaP256: EVP_PKEY_CTX_set_ec_paramgen_curve_nid(context, NID_X9_62_prime256v1)
            case .ecdsaP384: EVP_PKEY_CTX_set_ec_paramgen_curve_nid(context, NID_secp384r1)
            }
        var key: OpaquePointer?
        guard configured == 1, EVP_PKEY_generate(context, &key) == 1, let key else {
            throw CryptoError.drain("generating a \(kind) key")
        }
        return PrivateKey(owning: key)
    }

    /// Reads a PEM private key (PKCS#8, encrypted PKCS#8 or traditional). An encrypted key needs its
    /// passphrase; without one it is refused, never asked for on a terminal.
    public convenience init(pem: Data, passphrase: String? = nil) throws {
        let bio = try makeReadBIO(pem)
        defer { BIO_free(bio) }
        let key: OpaquePointer? =
            if let passphrase {
                passphrase.withCString { PEM_read_bio_PrivateKey(bio, nil, nil, UnsafeMutableRawPointer(mutating: $0)) }
            } else {
                PEM_read_bio_PrivateKey(bio, nil, { _, _, _, _ in 0 }, nil)
            }
        guard let key else {
            if String(decoding: pem.prefix(64), as: UTF8.self).contains("ENCRYPTED") {
                _ = CryptoError.drain("")
                throw CryptoError(
                    passphrase == nil
                        ? "the key is encrypted and no passphrase was given (keyPassphraseFile)"
                        : "the key is encrypted and the passphrase does not open it")
            }
            throw CryptoError.drain("reading a PEM private key")
        }
        self.init(owning: key)
    }

    /// The `EVP_PKEY*`, for measurements against raw OpenSSL; owned by this instance.
    public var openSSLKey: OpaquePointer { pointer }

    public var isRSA: Bool { EVP_PKEY_get_base_id(pointer) == EVP_PKEY_RSA }

    /// Signs a digest made with `algorithm`; answers the signature and the DER AlgorithmIdentifier
    /// that names it in a SignerInfo.
    func sign(
        digest: [UInt8], algorithm: DigestAlgorithm, padding: RSAPadding
    ) throws -> (signature: Data, algorithm: Data) {
        var signature = [UInt8](repeating: 0, count: Int(EVP_PKEY_get_size(pointer)))
        var signatureLength = signature.count
        var identifier = [UInt8](repeating: 0, count: 128)
        var identifierLength = identifier.count
        guard
            shim_sign_digest(
                pointer, algorithm.evp, padding == .pss ? 1 : 0, digest, digest.count,
                &signature, &signatureLength, &identifier, &identifierLength) == 1
        else {
            throw CryptoError.drain("signing with the private key")
        }
        return (Data(signature.prefix(signatureLength)), Data(identifier.prefix(identifierLength)))
    }

    /// The key in PKCS#8 PEM, encrypted with AES-256-CBC under a key derived from `passphrase`
    /// (PBES2 with PBKDF2-HMAC-SHA256, OpenSSL's default): keys are never at rest in clear.
    public func pemPKCS8(encryptedWith passphrase: String) throws -> Data {
        try withWriteBIO("encrypting a private key") { bio in
            passphrase.withCString {
                PEM_write_bio_PKCS8PrivateKey(
                    bio, pointer, EVP_aes_256_cbc(), nil, 0, nil, UnsafeMutableRawPointer(mutating: $0)) == 1
            }
        }
    }
}

/// What one party signs with: a certificate, its private key, and the intermediates up to
/// (not including) the root, which go into every signature so that verifiers can build the path.
public struct SigningIdentity: Sendable {
    public let certificate: Certificate
    public let key: PrivateKey
    public let intermediates: [Certificate]
    /// The certificate's part of every SignerInfo this identity makes.
    let encoding: SignerCertificateEncoding
    /// The certificate and its intermediates as DER, for the signature's certificate set.
    let chainDER: [Data]

    public init(certificate: Certificate, key: PrivateKey, intermediates: [Certificate]) throws {
        guard X509_check_private_key(certificate.pointer, key.pointer) == 1 else {
            throw CryptoError.drain("the private key does not belong to the certificate of \(certificate)")
        }
        self.certificate = certificate
        self.key = key
        self.intermediates = intermediates
        encoding = try SignerCertificateEncoding(certificate)
        chainDER = [encoding.certificate] + intermediates.map(\.der)
    }

    /// Loads a certificate chain file (leaf first, then intermediates) and its key file.
    public static func load(certificateChain: URL, key: URL, passphrase: String? = nil) throws -> SigningIdentity {
        let chain = try Certificate.load(certificateChain)
        let privateKey: PrivateKey
        do {
            privateKey = try PrivateKey(pem: Data(contentsOf: key), passphrase: passphrase)
        } catch let error as CryptoError {
            throw CryptoError("\(key.path): \(error)")
        }
        return try SigningIdentity(
            certificate: chain[0],
            key: privateKey,
            intermediates: chain.dropFirst().filter { !$0.isSelfSigned }
        )
    }
}
