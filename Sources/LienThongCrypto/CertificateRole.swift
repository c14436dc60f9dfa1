import COpenSSL

/// What a certificate is for in LienThong, read from its certificate policies.
///
/// Decree 30 gives an electronic document the legal value of the original only when it carries
/// the competent person's signature and then the agency's own (the digital seal), so the verifier
/// must tell the two apart from the certificate itself, never from what the sender claims.
public enum CertificateRole: String, Sendable, Codable, CaseIterable {
    /// A person's signing certificate (chứng thư số cá nhân).
    case signer
    /// An agency's seal certificate (chứng thư số của cơ quan, tổ chức).
    case seal

    /// The policy OID that marks certificates of this role.
    ///
    /// Minted as UUID OIDs (ITU-T X.667, arc 2.25) so that they need no registration; a deployment
    /// under the government CA maps its own policies here.
    public var policyOID: String {
        switch self {
        case .signer: "2.25.240207341966518411814901686369230276319"
        case .seal: "2.25.51960519608008723641813564361792558274"
        }
    }

    /// Vietnamese name, as a clerk reads it in a report.
    public var vietnameseName: String {
        switch self {
        case .signer: "chữ ký số của người có thẩm quyền"
        case .seal: "chữ ký số của cơ quan (con dấu)"
        }
    }
}

/// The signed attribute by which an agency's seal names the personal signature it was applied over.
///
/// Its value is the SHA-256 of that SignerInfo's signature value: a seal lifted onto another
/// signature no longer matches, and the seal's own signature makes it impossible to re-point.
enum SealBinding {
    static let attributeOID = "2.25.20068070127336472965295140397043183195"
    /// Parsed once: a 128-bit arc costs OpenSSL a bignum conversion each time. Read-only, never freed.
    nonisolated(unsafe) static let object: OpaquePointer = OBJ_txt2obj(attributeOID, 1)!
}
