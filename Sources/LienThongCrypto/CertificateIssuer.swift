import CLienThongCrypto
import COpenSSL
import Foundation

/// A certificate authority that can issue certificates: the demo PKI a first start makes, and
/// the purpose-built certificates of the tests. Signs with SHA-256.
public struct CertificateIssuer: Sendable {
    public let certificate: Certificate
    public let key: PrivateKey

    public init(certificate: Certificate, key: PrivateKey) {
        self.certificate = certificate
        self.key = key
    }

    /// A distinguished name as ordered attributes, e.g. `[("C", "VN"), ("CN", "Nguyễn Văn An")]`.
    public typealias Name = [(field: String, value: String)]

    /// Makes a self-signed root CA.
    public static func makeRoot(
        subject: Name, key: PrivateKey, validFrom: Date = Date(), years: Int = 20
    ) throws -> CertificateIssuer {
        let certificate = try build(
            subject: subject, publicKey: key, issuer: nil, signingKey: key,
            extensions: CertificateProfile.rootCA.extensions,
            notBefore: validFrom, notAfter: validFrom.addingYears(years))
        return CertificateIssuer(certificate: certificate, key: key)
    }

    /// Issues a certificate for `publicKey`'s holder.
    /// - Parameters:
    ///   - crlURL: a CRL distribution point to name in the certificate.
    ///   - ocspURL: an OCSP responder to name in its authority information access.
    ///   - additionalExtensions: more extensions in openssl.cnf syntax (policy constraints, name
    ///     constraints…), each in place of the profile's own of the same kind.
    public func issue(
        subject: Name, publicKey: PrivateKey, profile: CertificateProfile,
        notBefore: Date = Date(), notAfter: Date? = nil, crlURL: URL? = nil, ocspURL: URL? = nil,
        additionalExtensions: [(nid: Int32, value: String)] = []
    ) throws -> Certificate {
        var extensions = profile.extensions.filter { own in !additionalExtensions.contains { $0.nid == own.nid } }
        extensions += additionalExtensions
        if let crlURL { extensions.append((NID_crl_distribution_points, "URI:\(crlURL.absoluteString)")) }
        if let ocspURL { extensions.append((NID_info_access, "OCSP;URI:\(ocspURL.absoluteString)")) }
        return try Self.build(
            subject: subject, publicKey: publicKey, issuer: certificate, signingKey: key, extensions: extensions,
            notBefore: notBefore, notAfter: notAfter ?? notBefore.addingYears(3))
    }

    private static func build(
        subject: Name, publicKey: PrivateKey, issuer: Certificate?, signingKey: PrivateKey,
        extensions: [(nid: Int32, value: String)], notBefore: Date, notAfter: Date
    ) throws -> Certificate {
        guard let x509 = X509_new() else { throw CryptoError.drain("creating a certificate") }
        let certificate = Certificate(owning: x509)
        let name = try makeName(subject)
        defer { X509_NAME_free(name) }
        guard X509_set_version(x509, 2) == 1,
            setRandomSerial(x509),
            X509_set_subject_name(x509, name) == 1,
            X509_set_issuer_name(x509, issuer.map { X509_get_subject_name($0.pointer) } ?? name) == 1,
            X509_time_adj_ex(X509_getm_notBefore(x509), 0, time_t(notBefore.timeIntervalSince1970) - time(nil), nil)
                != nil,
            X509_time_adj_ex(X509_getm_notAfter(x509), 0, time_t(notAfter.timeIntervalSince1970) - time(nil), nil)
                != nil,
            X509_set_pubkey(x509, publicKey.pointer) == 1
        else {
            throw CryptoError.drain("filling in the certificate for \(subject.last?.value ?? "")")
        }
        for (nid, value) in extensions where shim_x509_add_ext(x509, issuer?.pointer ?? x509, nid, value) != 1 {
            throw CryptoError.drain("adding extension \(String(cString: OBJ_nid2sn(nid))) = \(value)")
        }
        guard X509_sign(x509, signingKey.pointer, EVP_sha256()) > 0 else {
            throw CryptoError.drain("signing the certificate for \(subject.last?.value ?? "")")
        }
        // Re-parse so that cached extension data reflects the finished certificate.
        return try Certificate(der: certificate.der)
    }

    private static func makeName(_ attributes: Name) throws -> OpaquePointer {
        guard let name = X509_NAME_new() else { throw CryptoError.drain("creating a name") }
        for (field, value) in attributes {
            let added = value.withCString { bytes in
                bytes.withMemoryRebound(to: UInt8.self, capacity: value.utf8.count) {
                    X509_NAME_add_entry_by_txt(name, field, MBSTRING_UTF8, $0, -1, -1, 0)
                }
            }
            guard added == 1 else {
                X509_NAME_free(name)
                throw CryptoError.drain("setting \(field)=\(value) in a certificate name")
            }
        }
        return name
    }

    private static func setRandomSerial(_ x509: OpaquePointer) -> Bool {
        guard let bn = BN_new() else { return false }
        defer { BN_free(bn) }
        guard BN_rand(bn, 127, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY) == 1,
            let serial = BN_to_ASN1_INTEGER(bn, nil)
        else { return false }
        defer { ASN1_INTEGER_free(serial) }
        return X509_set_serialNumber(x509, serial) == 1
    }
}

extension Date {
    /// The same day and time, `years` calendar years on (UTC).
    func addingYears(_ years: Int) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar.date(byAdding: .year, value: years, to: self)
            ?? addingTimeInterval(Double(years) * 365.25 * 86_400)
    }
}
