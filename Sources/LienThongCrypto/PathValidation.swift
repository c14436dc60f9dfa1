import COpenSSL
import Foundation
import LienThongDomain

extension TrustStore {
    /// Builds and validates `certificate`'s path to an anchor at `time`, with `untrusted`
    /// (a `STACK_OF(X509)`) offered as intermediates.
    ///
    /// - Parameter proofOfExistence: whether a time stamp proves the time: it decides whether an
    ///   expired certificate is EXPIRED or only OUT_OF_BOUNDS_NO_POE.
    func validatePath(_ certificate: Certificate, untrusted: OpaquePointer, at time: Date, proofOfExistence: Bool) -> (Check, [Certificate]) {
        if let chain = cache.validPath(for: certificate, at: time) {
            return (.passed("certificate-chain", "valid at \(VietnamTime.iso8601(time)) up to the trust anchor \(chain.last?.subject ?? "")"), chain)
        }
        guard let context = X509_STORE_CTX_new() else {
            return (.failed("certificate-chain", "out of memory", .noCertificateChainFound), [])
        }
        defer { X509_STORE_CTX_free(context) }
        X509_STORE_CTX_init(context, store, certificate.pointer, untrusted)
        X509_VERIFY_PARAM_set_time(X509_STORE_CTX_get0_param(context), time_t(time.timeIntervalSince1970))
        let valid = X509_verify_cert(context) == 1
        var chain: [Certificate] = []
        if let stack = X509_STORE_CTX_get0_chain(context) {
            chain = (0..<shim_sk_X509_num(stack)).map { Certificate(borrowing: shim_sk_X509_value(stack, $0)) }
        }
        ERR_clear_error()
        let when = "at \(VietnamTime.iso8601(time))" + (proofOfExistence ? "" : " (no time stamp proves an earlier signing)")
        if valid {
            cache.rememberValidPath(chain)
            return (.passed("certificate-chain", "valid \(when) up to the trust anchor \(chain.last?.subject ?? "")"), chain)
        }
        let code = X509_STORE_CTX_get_error(context)
        let depth = X509_STORE_CTX_get_error_depth(context)
        let reason = String(cString: X509_verify_cert_error_string(Int(code)))
        let at = depth == 0 ? "the certificate of \(certificate)" : "certificate \(depth) of its chain"
        return (.failed("certificate-chain", "\(at): \(reason) \(when)", Self.subIndication(forVerifyError: code, proofOfExistence: proofOfExistence)), chain)
    }

    /// An expired certificate is a failure only when a time stamp proves the signature was made
    /// after expiry; without one, the signature may be older than the expiry (ETSI: OUT_OF_BOUNDS_NO_POE).
    static func subIndication(forVerifyError code: Int32, proofOfExistence: Bool) -> SubIndication {
        switch code {
        case X509_V_ERR_CERT_HAS_EXPIRED:
            proofOfExistence ? .expired : .outOfBoundsNoPOE
        case X509_V_ERR_CERT_NOT_YET_VALID:
            .notYetValid
        case X509_V_ERR_CERT_REVOKED:
            .revoked
        case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT, X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY,
             X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT, X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN,
             X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE, X509_V_ERR_CERT_UNTRUSTED:
            .noCertificateChainFound
        default:
            .chainConstraintsFailure
        }
    }
}
