import COpenSSL
import Foundation

/// A certificate revocation list, parsed once and shared.
public final class RevocationList: @unchecked Sendable {
    let pointer: OpaquePointer
    /// SHA-256 of the DER.
    let fingerprint: Data
    public let thisUpdate: Date
    public let nextUpdate: Date?

    init(owning pointer: OpaquePointer) {
        self.pointer = pointer
        fingerprint = derFingerprint { i2d_X509_CRL(pointer, $0) }
        thisUpdate = Certificate.date(X509_CRL_get0_lastUpdate(pointer))
        nextUpdate = X509_CRL_get0_nextUpdate(pointer).map { Certificate.date($0) }
    }
    deinit { X509_CRL_free(pointer) }

    public convenience init(der: Data) throws {
        let parsed = der.withUnsafeBytes { raw -> OpaquePointer? in
            var base: UnsafePointer<UInt8>? = raw.bindMemory(to: UInt8.self).baseAddress
            return base == nil ? nil : d2i_X509_CRL(nil, &base, raw.count)
        }
        guard let parsed else { throw CryptoError.drain("reading a DER CRL") }
        self.init(owning: parsed)
    }

    /// Parses a CRL in PEM or DER, as files and distribution points serve them.
    public static func parse(_ data: Data) throws -> RevocationList {
        guard isPEM(data) else { return try RevocationList(der: data) }
        let bio = try makeReadBIO(data)
        defer { BIO_free(bio) }
        guard let crl = PEM_read_bio_X509_CRL(bio, nil, nil, nil) else { throw CryptoError.drain("reading a PEM CRL") }
        return RevocationList(owning: crl)
    }

    /// Reads a CRL file in PEM or DER.
    public static func load(_ url: URL) throws -> RevocationList {
        guard let data = FileManager.default.contents(atPath: url.path) else { throw CryptoError("cannot read \(url.path)") }
        return try parse(data)
    }

    public var der: Data {
        var buffer: UnsafeMutablePointer<UInt8>?
        let length = i2d_X509_CRL(pointer, &buffer)
        guard length > 0, let buffer else { return Data() }
        defer { shim_OPENSSL_free(buffer) }
        return Data(bytes: buffer, count: Int(length))
    }

    public var pem: String {
        String(decoding: (try? withWriteBIO("writing a CRL") { PEM_write_bio_X509_CRL($0, pointer) == 1 }) ?? Data(), as: UTF8.self)
    }

    public var issuer: String { Certificate.format(X509_CRL_get_issuer(pointer)) }

    /// Whether `issuer` issued and signed this list.
    func isIssued(by issuer: Certificate) -> Bool {
        X509_NAME_cmp(X509_CRL_get_issuer(pointer), X509_get_subject_name(issuer.pointer)) == 0
            && X509_CRL_verify(pointer, X509_get0_pubkey(issuer.pointer)) == 1
    }

    /// When `certificate` was revoked, if this list says it was.
    func revocationDate(of certificate: Certificate) -> Date? {
        var revoked = time_t()
        return shim_crl_revocation(pointer, certificate.pointer, &revoked) == 1 ? Date(timeIntervalSince1970: TimeInterval(revoked)) : nil
    }
}

extension CertificateIssuer {
    /// Issues a CRL listing `revoked` certificates with their revocation dates.
    public func makeRevocationList(revoked: [(Certificate, Date)], thisUpdate: Date = Date(),
                                   nextUpdate: Date = Date().addingTimeInterval(7 * 86_400)) throws -> RevocationList {
        var certificates: [OpaquePointer?] = revoked.map { $0.0.pointer }
        let dates = revoked.map { time_t($0.1.timeIntervalSince1970) }
        guard let crl = shim_crl_make(certificate.pointer, key.pointer, &certificates, dates, Int32(revoked.count),
                                      time_t(thisUpdate.timeIntervalSince1970), time_t(nextUpdate.timeIntervalSince1970)) else {
            throw CryptoError.drain("issuing a CRL for \(certificate)")
        }
        return RevocationList(owning: crl)
    }
}
