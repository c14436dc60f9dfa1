import COpenSSL
import Foundation

/// The trust anchors a verification ends at, and intermediates a signature may not carry.
///
/// Built once and shared: OpenSSL's `X509_STORE` is safe for concurrent verifications, and the
/// certificates in it are decoded only once, not for every document.
public final class TrustStore: @unchecked Sendable {
    let store: OpaquePointer
    public let anchors: [Certificate]
    public let intermediates: [Certificate]
    /// Shared by every verification against this store.
    let cache = VerificationCache()

    public init(anchors: [Certificate], intermediates: [Certificate] = []) throws {
        guard !anchors.isEmpty else {
            throw CryptoError(
                "no trust anchors: put the CA certificates to trust (PEM) in Certs/trust/ or pass --trust FILE")
        }
        guard let store = X509_STORE_new() else { throw CryptoError.drain("creating a certificate store") }
        self.store = store
        self.anchors = anchors
        self.intermediates = intermediates
        // Time stamps and OCSP responses verified against this store follow the same rules as paths.
        X509_STORE_set_flags(store, Self.verifyFlags)
        for anchor in anchors where X509_STORE_add_cert(store, anchor.pointer) != 1 {
            throw CryptoError.drain("adding the trust anchor \(anchor)")
        }
    }

    deinit { X509_STORE_free(store) }

    /// A signing identity's path: its certificate, its intermediates, and the anchor that issued the last.
    public func chain(of identity: SigningIdentity) -> [Certificate] {
        chain(of: [identity.certificate] + identity.intermediates)
    }

    /// `path` (a certificate, then its issuers) with the anchor that issued its last, when this store has it.
    public func chain(of path: [Certificate]) -> [Certificate] {
        guard let last = path.last else { return path }
        let anchor = anchors.first { X509_check_issued($0.pointer, last.pointer) == X509_V_OK }
        return path + (anchor.map { [$0] } ?? [])
    }

    /// Every certificate in the given files (PEM or DER), and in the `*.pem`/`*.crt`/`*.cer`
    /// files of the given directories. Each is a trust anchor unless another of them issued it:
    /// an agency may trust the government CA's intermediate without its root (RFC 5280 §6.1.1 d
    /// takes any CA as an anchor), and an intermediate beside its root only helps build paths.
    public static func load(_ locations: [URL]) throws -> TrustStore {
        var certificates: [Certificate] = []
        for location in locations {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: location.path, isDirectory: &isDirectory) else {
                throw CryptoError("trust anchors not found at \(location.path)")
            }
            let files =
                isDirectory.boolValue
                ? try FileManager.default.contentsOfDirectory(at: location, includingPropertiesForKeys: nil)
                    .filter { ["pem", "crt", "cer"].contains($0.pathExtension.lowercased()) }
                    .sorted { $0.path < $1.path }
                : [location]
            for file in files {
                do {
                    certificates += try Certificate.load(file)
                } catch let error as CryptoError {
                    throw CryptoError("\(file.path) is not a certificate file: \(error)")
                }
            }
        }
        return try TrustStore(trusting: certificates)
    }

    /// A store trusting `certificates`: each is an anchor unless another of them issued it.
    public convenience init(trusting certificates: [Certificate]) throws {
        let issuedByAnother = { (certificate: Certificate) in
            !certificate.isSelfSigned
                && certificates.contains {
                    $0 != certificate && X509_check_issued($0.pointer, certificate.pointer) == X509_V_OK
                }
        }
        try self.init(
            anchors: certificates.filter { !issuedByAnother($0) },
            intermediates: certificates.filter(issuedByAnother))
    }
}
