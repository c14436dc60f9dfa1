import CLienThongCrypto
import COpenSSL
import Foundation
import LienThongDomain

/// Circular 15/2025/TT-BKHCN: SHA-256 or stronger, and keys of at least 2048 bits (RSA) or 256 bits (EC).
extension SignatureVerifier {
    static let strongDigests: Set<Int32> = [
        NID_sha256, NID_sha384, NID_sha512, NID_sha3_256, NID_sha3_384, NID_sha3_512,
    ]

    func algorithmStrength(
        digest: UnsafeMutablePointer<X509_ALGOR>?, key: OpaquePointer?, _ digestName: String
    ) -> Check {
        var object: OpaquePointer?
        X509_ALGOR_get0(&object, nil, nil, digest)
        guard Self.strongDigests.contains(OBJ_obj2nid(object)) else {
            return .failed(
                .algorithmStrength,
                "digest \(digestName) is weaker than SHA-256, which Circular 15/2025/TT-BKHCN requires",
                .cryptoConstraintsFailure)
        }
        guard let key else { return .passed(.algorithmStrength, digestName) }
        let bits = EVP_PKEY_get_bits(key)
        let minimum: Int32 = EVP_PKEY_get_base_id(key) == EVP_PKEY_EC ? 256 : 2048
        guard bits >= minimum else {
            return .failed(
                .algorithmStrength,
                "a \(bits)-bit key is below the \(minimum) bits Circular 15/2025/TT-BKHCN requires",
                .cryptoConstraintsFailure)
        }
        return .passed(.algorithmStrength, "\(bits)-bit key, \(digestName)")
    }
}
