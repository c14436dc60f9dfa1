import COpenSSL

/// The extensions a certificate gets for its place in the PKI, in openssl.cnf syntax.
public enum CertificateProfile: Sendable {
    case rootCA
    /// An intermediate CA that issues end-entity certificates only (pathlen 0).
    case intermediateCA
    /// A person's or an agency's signing certificate.
    case endEntity(CertificateRole)
    /// A time-stamping authority: RFC 3161 wants the timeStamping EKU, critical, and nothing else.
    case timeStamping
    /// A certificate issued for something else entirely (encryption), to test refusals.
    case keyEncipherment
    /// A key that signs its CA's CRLs only, under the CA's name (RFC 5280 §6.3.3 f).
    case revocationListSigner

    var extensions: [(nid: Int32, value: String)] {
        var common: [(Int32, String)] = [(NID_subject_key_identifier, "hash")]
        switch self {
        case .rootCA:
            return common + [
                (NID_basic_constraints, "critical,CA:TRUE"), (NID_key_usage, "critical,keyCertSign,cRLSign"),
            ]
        case .intermediateCA:
            common.append((NID_authority_key_identifier, "keyid:always"))
            return common + [
                (NID_basic_constraints, "critical,CA:TRUE,pathlen:0"), (NID_key_usage, "critical,keyCertSign,cRLSign"),
            ]
        case .endEntity(let role):
            common.append((NID_authority_key_identifier, "keyid:always"))
            return common + [
                (NID_basic_constraints, "critical,CA:FALSE"),
                (NID_key_usage, "critical,digitalSignature,nonRepudiation"),
                // emailProtection keeps `openssl cms -verify` (S/MIME signing purpose) content.
                (NID_ext_key_usage, "emailProtection"),
                (NID_certificate_policies, role.policyOID),
            ]
        case .timeStamping:
            common.append((NID_authority_key_identifier, "keyid:always"))
            return common + [
                (NID_basic_constraints, "critical,CA:FALSE"),
                (NID_key_usage, "critical,digitalSignature,nonRepudiation"),
                (NID_ext_key_usage, "critical,timeStamping"),
            ]
        case .keyEncipherment:
            common.append((NID_authority_key_identifier, "keyid:always"))
            return common + [(NID_basic_constraints, "critical,CA:FALSE"), (NID_key_usage, "critical,keyEncipherment")]
        case .revocationListSigner:
            common.append((NID_authority_key_identifier, "keyid:always"))
            return common + [(NID_basic_constraints, "critical,CA:FALSE"), (NID_key_usage, "critical,cRLSign")]
        }
    }
}
