import CLienThongCrypto
import COpenSSL
import Foundation

/// An X.509 certificate, parsed once and shared read-only between tasks.
///
/// OpenSSL reference-counts certificates and its read paths are thread-safe, so one instance
/// may serve any number of concurrent verifications.
public final class Certificate: @unchecked Sendable, Hashable, CustomStringConvertible {
    /// The `X509*`, owned by this instance.
    let pointer: OpaquePointer

    /// SHA-256 of the DER: the key of every cache, never the pointer or the SHA-1.
    let fingerprint: Data
    /// The LienThong role its certificate policies name.
    public let role: CertificateRole?
    /// Subject as an RFC 2253 string, Vietnamese kept in UTF-8.
    public let subject: String
    public let issuer: String
    /// The subject's common name: the person's or the agency's name.
    public let commonName: String?
    /// The subject's organisation: for a person, the agency they sign for.
    public let organization: String?
    /// Serial number in upper-case hexadecimal.
    public let serialNumber: String
    public let notBefore: Date
    public let notAfter: Date
    /// Whether the extended key usage allows signing documents: 1, 0, or -1 without EKU.
    let documentSigningUsage: Int32

    /// Takes ownership of one reference.
    init(owning pointer: OpaquePointer) {
        self.pointer = pointer
        // Computes and caches the extensions now, while the object is still private to us.
        X509_check_purpose(pointer, -1, 0)
        fingerprint = derFingerprint { i2d_X509(pointer, $0) }
        // Read once: a cached certificate serves many verifications and their reports.
        role = CertificateRole.allCases.first { shim_x509_has_policy(pointer, $0.policyOID) == 1 }
        subject = Self.format(X509_get_subject_name(pointer))
        issuer = Self.format(X509_get_issuer_name(pointer))
        commonName = Self.attribute(NID_commonName, of: X509_get_subject_name(pointer))
        organization = Self.attribute(NID_organizationName, of: X509_get_subject_name(pointer))
        serialNumber = Self.serial(of: pointer)
        notBefore = Self.date(X509_get0_notBefore(pointer))
        notAfter = Self.date(X509_get0_notAfter(pointer))
        documentSigningUsage = CertificatePurpose.permitsDocumentSigning(pointer)
    }

    /// Shares a reference owned elsewhere.
    convenience init(borrowing pointer: OpaquePointer) {
        X509_up_ref(pointer)
        self.init(owning: pointer)
    }

    deinit { X509_free(pointer) }

    /// Parses one DER-encoded certificate.
    public convenience init(der: Data) throws {
        let parsed = der.withUnsafeBytes { raw -> OpaquePointer? in
            var base: UnsafePointer<UInt8>? = raw.bindMemory(to: UInt8.self).baseAddress
            guard base != nil else { return nil }
            return d2i_X509(nil, &base, raw.count)
        }
        guard let parsed else { throw CryptoError.drain("reading a DER certificate") }
        self.init(owning: parsed)
    }

    /// Parses every certificate in PEM text (a chain file may hold several); at least one.
    public static func parsePEM(_ pem: Data) throws -> [Certificate] {
        let bio = try makeReadBIO(pem)
        defer { BIO_free(bio) }
        var certificates: [Certificate] = []
        while let x509 = PEM_read_bio_X509(bio, nil, nil, nil) {
            certificates.append(Certificate(owning: x509))
        }
        ERR_clear_error()  // the end of the input reads as an error
        guard !certificates.isEmpty else {
            throw CryptoError("the file holds no PEM certificate (expected -----BEGIN CERTIFICATE-----)")
        }
        return certificates
    }

    /// Reads certificates from a file in PEM or DER.
    public static func load(_ url: URL) throws -> [Certificate] {
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw CryptoError("cannot read \(url.path)")
        }
        if isPEM(data) { return try parsePEM(data) }
        return [try Certificate(der: data)]
    }

    /// The certificate's public key (`EVP_PKEY*`), owned by the certificate.
    public var openSSLPublicKey: OpaquePointer { X509_get0_pubkey(pointer) }

    public var der: Data {
        var buffer: UnsafeMutablePointer<UInt8>?
        let length = i2d_X509(pointer, &buffer)
        guard length > 0, let buffer else { return Data() }
        defer { shim_OPENSSL_free(buffer) }
        return Data(bytes: buffer, count: Int(length))
    }

    public var pem: String {
        let data = (try? withWriteBIO("writing a certificate") { PEM_write_bio_X509($0, pointer) == 1 }) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }

    static func serial(of pointer: OpaquePointer) -> String {
        guard let bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(pointer), nil) else { return "" }
        defer { BN_free(bn) }
        guard let hex = BN_bn2hex(bn) else { return "" }
        defer { shim_OPENSSL_free(hex) }
        return String(cString: hex)
    }

    /// `certificates` as the `STACK_OF(X509)` OpenSSL takes, for the time of `body`.
    static func withStack<T>(_ certificates: [Certificate], _ body: (OpaquePointer) throws -> T) rethrows -> T {
        let stack = shim_sk_X509_new_null()!
        defer { shim_sk_X509_pop_free(stack) }
        for certificate in certificates { shim_sk_X509_push_up_ref(stack, certificate.pointer) }
        return try body(stack)
    }

    /// Its subject key identifier, when it has one.
    var subjectKeyID: Data? { X509_get0_subject_key_id(pointer).map { Data(asn1: $0) } }

    public var isSelfSigned: Bool { X509_check_issued(pointer, pointer) == X509_V_OK }

    /// The key usage bits (KU_DIGITAL_SIGNATURE …), or nil when the extension is absent.
    var keyUsage: UInt32? {
        X509_get_extension_flags(pointer) & UInt32(EXFLAG_KUSAGE) != 0 ? X509_get_key_usage(pointer) : nil
    }

    public var description: String { commonName ?? subject }

    public static func == (lhs: Certificate, rhs: Certificate) -> Bool { lhs.fingerprint == rhs.fingerprint }
    public func hash(into hasher: inout Hasher) { hasher.combine(fingerprint) }

    static func format(_ name: OpaquePointer?) -> String {
        guard let name else { return "" }
        let data =
            (try? withWriteBIO("formatting a name") {
                X509_NAME_print_ex($0, name, 0, SHIM_XN_FLAG_RFC2253_UTF8) >= 0
            }) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }

    static func attribute(_ nid: Int32, of name: OpaquePointer?) -> String? {
        guard let name else { return nil }
        let index = X509_NAME_get_index_by_NID(name, nid, -1)
        guard index >= 0, let entry = X509_NAME_get_entry(name, index),
            let value = X509_NAME_ENTRY_get_data(entry)
        else { return nil }
        var utf8: UnsafeMutablePointer<UInt8>?
        let length = ASN1_STRING_to_UTF8(&utf8, value)
        guard length >= 0, let utf8 else { return nil }
        defer { shim_OPENSSL_free(utf8) }
        return String(decoding: UnsafeBufferPointer(start: utf8, count: Int(length)), as: UTF8.self)
    }

    static func date(_ time: UnsafePointer<ASN1_TIME>?) -> Date {
        var epoch = time_t()
        guard shim_asn1_time_to_epoch(time, &epoch) == 1 else { return .distantPast }
        return Date(timeIntervalSince1970: TimeInterval(epoch))
    }
}
