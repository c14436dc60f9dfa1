import CLienThongCrypto
import COpenSSL
import Foundation
import LienThongDomain

/// Certification path validation (RFC 5280 §6.1).
///
/// OpenSSL's `X509_verify_cert` builds and checks the path, with its strict profile
/// (`X509_STRICT`), policy processing (`POLICY_CHECK`) and configured anchors that need not be
/// self-signed (`PARTIAL_CHAIN`: the store holds anchors only). On top of it, what OpenSSL does not
/// judge: notAfter inclusive, the profile rules of `shim_rfc5280_profile`, the key strength Circular
/// 15/2025/TT-BKHCN asks of every certificate on the path, and another path when the first one
/// found fails. Revocation is judged apart (`RevocationChecker`), at the proof-of-existence time.
extension TrustStore {
    /// How many intermediates may be set aside, one at a time, looking for another path.
    static let alternativePaths = 8

    static let verifyFlags = UInt(X509_V_FLAG_X509_STRICT | X509_V_FLAG_POLICY_CHECK | X509_V_FLAG_PARTIAL_CHAIN)

    /// Builds and validates `certificate`'s path to an anchor at `time`, with `untrusted`
    /// (a `STACK_OF(X509)`) offered as intermediates.
    ///
    /// - Parameter proofOfExistence: whether a time stamp proves the time: it decides whether an
    ///   expired certificate is EXPIRED or only OUT_OF_BOUNDS_NO_POE.
    func validatePath(
        _ certificate: Certificate, untrusted: OpaquePointer, at time: Date,
        proofOfExistence: Bool
    ) -> (Check, [Certificate]) {
        if let chain = cache.validPath(for: certificate, at: time) {
            return (
                .passed(
                    .certificateChain,
                    "valid at \(VietnamTime.iso8601(time)) up to the trust anchor \(chain.last?.subject ?? "")"), chain
            )
        }
        let when =
            "at \(VietnamTime.iso8601(time))" + (proofOfExistence ? "" : " (no time stamp proves an earlier signing)")
        var offered: [Certificate] = []
        var setAside: Set<Certificate> = []
        var firstFailure: (Check, [Certificate])?
        for round in 0...Self.alternativePaths {
            let attempt =
                round == 0
                ? buildPath(certificate, untrusted: untrusted, at: time, proofOfExistence: proofOfExistence, when: when)
                : Certificate.withStack(offered.filter { !setAside.contains($0) }) {
                    buildPath(certificate, untrusted: $0, at: time, proofOfExistence: proofOfExistence, when: when)
                }
            switch attempt {
            case .valid(let chain):
                cache.rememberValidPath(chain)
                return (
                    .passed(.certificateChain, "valid \(when) up to the trust anchor \(chain.last?.subject ?? "")"),
                    chain
                )
            case .invalid(let check, let chain, let culprit):
                if round == 0 {
                    firstFailure = (check, chain)
                    offered = (0..<shim_sk_X509_num(untrusted)).map {
                        Certificate(borrowing: shim_sk_X509_value(untrusted, $0))
                    }
                }
                // Another path exists only through other intermediates: set this one aside.
                guard let culprit, offered.contains(culprit), setAside.insert(culprit).inserted else {
                    return firstFailure!
                }
            }
        }
        return firstFailure!
    }

    private enum Attempt {
        case valid([Certificate])
        /// `culprit`: the intermediate whose setting aside may let another path be found.
        case invalid(Check, [Certificate], culprit: Certificate?)
    }

    private func buildPath(
        _ certificate: Certificate, untrusted: OpaquePointer, at time: Date, proofOfExistence: Bool,
        when: String
    ) -> Attempt {
        guard let context = X509_STORE_CTX_new() else {
            return .invalid(.failed(.certificateChain, "out of memory", .noCertificateChainFound), [], culprit: nil)
        }
        defer { X509_STORE_CTX_free(context) }
        X509_STORE_CTX_init(context, store, certificate.pointer, untrusted)
        let parameters = X509_STORE_CTX_get0_param(context)
        X509_VERIFY_PARAM_set_flags(parameters, Self.verifyFlags)
        X509_VERIFY_PARAM_set_time(parameters, time_t(time.timeIntervalSince1970))
        // RFC 5280 §6.1.1 c: the user-initial-policy-set is any-policy (OpenSSL's default is empty).
        X509_VERIFY_PARAM_add0_policy(parameters, OBJ_txt2obj("2.5.29.32.0", 1))
        shim_rfc5280_set_verify_cb(context)
        let valid = X509_verify_cert(context) == 1
        var chain: [Certificate] = []
        if let stack = X509_STORE_CTX_get0_chain(context) {
            chain = (0..<shim_sk_X509_num(stack)).map { Certificate(borrowing: shim_sk_X509_value(stack, $0)) }
        }
        ERR_clear_error()
        let describe = { (depth: Int) in
            depth == 0 ? "the certificate of \(certificate)" : "certificate \(depth) of its chain"
        }
        /// The certificate at `depth` when it is an intermediate, else the one above the leaf.
        let culprit = { (depth: Int) -> Certificate? in
            let index = max(depth, 1)
            return index < chain.count ? chain[index] : nil
        }
        guard valid else {
            let code = X509_STORE_CTX_get_error(context)
            let depth = Int(X509_STORE_CTX_get_error_depth(context))
            let reason = String(cString: X509_verify_cert_error_string(Int(code)))
            return .invalid(
                .failed(
                    .certificateChain, "\(describe(depth)): \(reason) \(when)",
                    Self.subIndication(forVerifyError: code, proofOfExistence: proofOfExistence)),
                chain, culprit: culprit(depth))
        }
        for (depth, link) in chain.enumerated() {
            // The anchor is exempt from some rules; a leaf that is itself trusted is not.
            if let broken = link.profileViolation(anchor: depth > 0 && depth == chain.count - 1) ?? link.weakKey {
                return .invalid(
                    .failed(.certificateChain, "\(describe(depth)): \(broken)", .chainConstraintsFailure),
                    chain, culprit: depth == 0 ? nil : culprit(depth))
            }
        }
        if let role = certificate.role, let policy = OBJ_txt2obj(role.policyOID, 1) {
            defer { ASN1_OBJECT_free(policy) }
            guard shim_rfc5280_policy_allowed(context, policy) == 1 else {
                return .invalid(
                    .failed(
                        .certificateChain,
                        "\(describe(0)) names the \(role.rawValue) policy \(role.policyOID), which the "
                            + "certificate policies of its CAs do not allow (RFC 5280 6.1.3 d): "
                            + "they did not make it a \(role.rawValue)",
                        .chainConstraintsFailure),
                    chain, culprit: nil)
            }
        }
        return .valid(chain)
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

extension Certificate {
    /// The RFC 5280 profile rule this certificate breaks that OpenSSL's strict mode does not check.
    func profileViolation(anchor: Bool) -> String? {
        var why = [CChar](repeating: 0, count: 160)
        guard shim_rfc5280_profile(pointer, anchor ? 1 : 0, &why, why.count) != 1 else { return nil }
        return why.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    }

    /// Why this certificate's key is too weak for a path a document's validity rests on
    /// (Circular 15/2025/TT-BKHCN: RSA of 2048 bits or more, ECDSA on a named curve of 256 bits or
    /// more, EdDSA), or nil.
    var weakKey: String? {
        guard let key = X509_get0_pubkey(pointer) else { return "its public key cannot be read" }
        let bits = EVP_PKEY_get_bits(key)
        switch EVP_PKEY_get_base_id(key) {
        case EVP_PKEY_RSA, EVP_PKEY_RSA_PSS:
            guard bits >= 2048 else {
                return "its \(bits)-bit RSA key is below the 2048 bits Circular 15/2025/TT-BKHCN requires"
            }
            return bits % 8 == 0
                ? nil
                : "its RSA modulus of \(bits) bits is not a whole number of bytes, as no sound key generator makes"
        case EVP_PKEY_EC:
            var name = [CChar](repeating: 0, count: 64)
            var length = 0
            guard EVP_PKEY_get_group_name(key, &name, name.count, &length) == 1 else {
                return "its elliptic-curve key gives explicit curve parameters instead of a named curve (RFC 5480)"
            }
            let curve = name.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
            return Self.namedCurves.contains(curve)
                ? nil : "its elliptic-curve key is on \(curve), not a curve of 256 bits or more"
        case EVP_PKEY_ED25519, EVP_PKEY_ED448:
            return nil
        default:
            return "its key type (\(String(cString: OBJ_nid2sn(EVP_PKEY_get_base_id(key))))) is not RSA, ECDSA or EdDSA"
        }
    }

    private static let namedCurves: Set<String> = [
        "prime256v1", "secp384r1", "secp521r1", "brainpoolP256r1", "brainpoolP384r1", "brainpoolP512r1",
    ]
}
