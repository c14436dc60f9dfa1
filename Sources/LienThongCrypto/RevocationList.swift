import CLienThongCrypto
import COpenSSL
import Foundation
import LienThongDomain
import Synchronization

/// A certificate revocation list, parsed once and shared.
public final class RevocationList: @unchecked Sendable {
    let pointer: OpaquePointer
    /// SHA-256 of the DER.
    let fingerprint: Data
    public let thisUpdate: Date
    public let nextUpdate: Date?
    /// What its extensions say of its scope and its conformance (RFC 5280 §5), read once.
    let profile: Profile
    /// The keyIdentifier of its authority key identifier: which key signed it.
    let authorityKeyID: Data?
    /// When it was issued and until when it is current, as reports say it: written once, as a
    /// batch of verifications cites the same CRL thousands of times.
    let datesText: String
    /// Issuers whose signature on this list was checked, with the answer. A batch asks it for
    /// every certificate of every document, so it is found by identity; holding the certificates
    /// keeps their identity unique.
    private let checkedIssuers = Mutex<[(issuer: Certificate, signed: Bool)]>([])

    init(owning pointer: OpaquePointer) {
        self.pointer = pointer
        fingerprint = derFingerprint { i2d_X509_CRL(pointer, $0) }
        thisUpdate = Certificate.date(X509_CRL_get0_lastUpdate(pointer))
        nextUpdate = X509_CRL_get0_nextUpdate(pointer).map { Certificate.date($0) }
        profile = Profile(rawValue: shim_crl_profile(pointer))
        datesText = Self.datesText(issued: thisUpdate, next: nextUpdate)
        let akid = X509_CRL_get_ext_d2i(pointer, NID_authority_key_identifier, nil, nil)?.assumingMemoryBound(
            to: AUTHORITY_KEYID.self)
        authorityKeyID = akid?.pointee.keyid.map { Data(asn1: UnsafePointer($0)) }
        AUTHORITY_KEYID_free(akid)
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

    /// Parses a CRL in DER, or every CRL of a PEM file: CAs and administrators publish bundles.
    public static func parseAll(_ data: Data) throws -> [RevocationList] {
        guard isPEM(data) else { return [try RevocationList(der: data)] }
        let bio = try makeReadBIO(data)
        defer { BIO_free(bio) }
        var crls: [RevocationList] = []
        while let crl = PEM_read_bio_X509_CRL(bio, nil, nil, nil) { crls.append(RevocationList(owning: crl)) }
        // The loop ends on "no start line" after the last block; anything else is a broken block.
        let error = ERR_peek_last_error()
        guard !crls.isEmpty, ERR_GET_REASON(error) == PEM_R_NO_START_LINE || error == 0 else {
            throw CryptoError.drain(crls.isEmpty ? "reading a PEM CRL" : "reading PEM CRL number \(crls.count + 1)")
        }
        ERR_clear_error()
        return crls
    }

    /// Reads every CRL of a file in PEM or DER.
    public static func load(_ url: URL) throws -> [RevocationList] {
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw CryptoError("cannot read \(url.path)")
        }
        return try parseAll(data)
    }

    public var der: Data {
        var buffer: UnsafeMutablePointer<UInt8>?
        let length = i2d_X509_CRL(pointer, &buffer)
        guard length > 0, let buffer else { return Data() }
        defer { shim_OPENSSL_free(buffer) }
        return Data(bytes: buffer, count: Int(length))
    }

    public var pem: String {
        String(
            decoding: (try? withWriteBIO("writing a CRL") { PEM_write_bio_X509_CRL($0, pointer) == 1 }) ?? Data(),
            as: UTF8.self)
    }

    public var issuer: String { Certificate.format(X509_CRL_get_issuer(pointer)) }

    /// ", issued …, current until …": the words reports give evidence issued before the time checked.
    static func datesText(issued: Date, next: Date?) -> String {
        ", issued \(VietnamTime.iso8601(issued))" + (next.map { ", current until \(VietnamTime.iso8601($0))" } ?? "")
    }

    /// Whether this list names `certificate` as its issuer.
    func isNamed(by certificate: Certificate) -> Bool {
        X509_NAME_cmp(X509_CRL_get_issuer(pointer), X509_get_subject_name(certificate.pointer)) == 0
    }

    /// Whether `issuer` issued and signed this list.
    func isIssued(by issuer: Certificate) -> Bool {
        isNamed(by: issuer) && X509_CRL_verify(pointer, X509_get0_pubkey(issuer.pointer)) == 1
    }

    /// What `isIssued(by:)` answered for this very certificate object before, if it was asked.
    func checkedAnswer(for issuer: Certificate) -> Bool? {
        checkedIssuers.withLock { $0.first { $0.issuer === issuer }?.signed }
    }

    /// Remembers an answer of `isIssued(by:)` for the first few issuers asked.
    func rememberAnswer(_ signed: Bool, for issuer: Certificate) {
        checkedIssuers.withLock { if $0.count < 8 { $0.append((issuer, signed)) } }
    }

    /// When `certificate` was revoked, if this list says it was, and whether only on hold
    /// (certificateHold, RFC 5280 §5.3.1: a suspension its CA may lift). An entry a delta CRL
    /// removes (removeFromCRL) revokes nothing.
    func revocation(of certificate: Certificate) -> (date: Date, onHold: Bool)? {
        var revoked = time_t()
        var reason: Int32 = -1
        guard shim_crl_entry(pointer, certificate.pointer, &revoked, &reason) == 1 else { return nil }
        return (Date(timeIntervalSince1970: TimeInterval(revoked)), reason == RevocationReason.certificateHold.rawValue)
    }

    /// Whether this is an indirect CRL that one of `certificate`'s distribution points names as
    /// its source through cRLIssuer (RFC 5280 §4.2.1.13): another authority's list that may speak
    /// of it, its points matched already.
    func isIndirectSource(for certificate: Certificate) -> Bool {
        profile.contains(.indirect) && shim_crl_indirect_source(pointer, certificate.pointer) == 1
    }

    /// Whether this list speaks of `certificate` at all (RFC 5280 §6.3.3 b): its issuing
    /// distribution point's partitions and names. Attribute-certificate CRLs speak of none.
    func covers(_ certificate: Certificate) -> Bool {
        let isCA = X509_get_extension_flags(certificate.pointer) & UInt32(EXFLAG_CA) != 0
        if profile.contains(.onlyAttributeCertificates) || profile.contains(.malformedDistributionPoint) {
            return false
        }
        if profile.contains(.onlyUserCertificates) && isCA { return false }
        if profile.contains(.onlyCACertificates) && !isCA { return false }
        return !profile.contains(.namedDistributionPoint) || shim_crl_point_matches(pointer, certificate.pointer) == 1
            || isIndirectSource(for: certificate)
    }

    /// Why RFC 5280 forbids using this list at all (§5.2, §5.3: a critical extension this
    /// verifier cannot process), or nil.
    var unusableReason: String? {
        if profile.contains(.unknownCriticalExtension) {
            return "it has a critical extension LienThong does not know (RFC 5280 5.2)"
        }
        if profile.contains(.unknownCriticalEntryExtension) {
            return "one of its entries has a critical extension LienThong does not know (RFC 5280 5.3)"
        }
        return nil
    }

    /// Why this list, though authentic, cannot show that a certificate is not revoked, or nil: a
    /// delta or partial list lacks the rest, and a list that breaks the profile is not complete
    /// evidence of anything (RFC 5280 §5.2.3, §5.2.4, §5.2.5).
    public var incompleteReason: String? {
        if profile.contains(.notVersion2) { return "it is not a version 2 CRL (RFC 5280 5.1.2.1)" }
        if profile.contains(.missingNumber) { return "it has no CRL number (RFC 5280 5.2.3)" }
        if profile.contains(.criticalNumber) { return "its CRL number is marked critical (RFC 5280 5.2.3)" }
        if profile.contains(.delta) { return "it is a delta CRL, which lists only the changes since a base CRL" }
        if profile.contains(.someReasons) { return "it lists revocations for some reasons only (onlySomeReasons)" }
        return nil
    }

    /// The flags of `shim_crl_profile`.
    struct Profile: OptionSet, Sendable {
        let rawValue: Int32
        static let unknownCriticalExtension = Profile(rawValue: Int32(SHIM_CRL_UNKNOWN_CRITICAL))
        static let unknownCriticalEntryExtension = Profile(rawValue: Int32(SHIM_CRL_ENTRY_UNKNOWN_CRITICAL))
        static let missingNumber = Profile(rawValue: Int32(SHIM_CRL_NO_NUMBER))
        static let criticalNumber = Profile(rawValue: Int32(SHIM_CRL_NUMBER_CRITICAL))
        static let delta = Profile(rawValue: Int32(SHIM_CRL_DELTA))
        static let onlyUserCertificates = Profile(rawValue: Int32(SHIM_CRL_ONLY_USER))
        static let onlyCACertificates = Profile(rawValue: Int32(SHIM_CRL_ONLY_CA))
        static let onlyAttributeCertificates = Profile(rawValue: Int32(SHIM_CRL_ONLY_ATTRIBUTE))
        static let someReasons = Profile(rawValue: Int32(SHIM_CRL_SOME_REASONS))
        static let indirect = Profile(rawValue: Int32(SHIM_CRL_INDIRECT))
        static let namedDistributionPoint = Profile(rawValue: Int32(SHIM_CRL_NAMED_POINT))
        static let malformedDistributionPoint = Profile(rawValue: Int32(SHIM_CRL_BAD_IDP))
        static let notVersion2 = Profile(rawValue: Int32(SHIM_CRL_NOT_V2))
    }
}

/// The reasons of RFC 5280 §5.3.1 a CRL entry may give.
public enum RevocationReason: Int32, Sendable {
    case unspecified = 0
    case keyCompromise, caCompromise, affiliationChanged, superseded, cessationOfOperation
    /// A suspension (tạm dừng) the CA may lift: the only reason that is not for good.
    case certificateHold
    case removeFromCRL = 8
    case privilegeWithdrawn, aaCompromise
}

extension CertificateIssuer {
    /// Issues a CRL listing `revoked` certificates with their revocation dates and, if given, one
    /// reason for all (`.certificateHold` for a suspension); `extensions` are more CRL extensions
    /// in openssl.cnf syntax, e.g. `("issuingDistributionPoint", "critical,onlyCA:TRUE")`.
    public func makeRevocationList(
        revoked: [(Certificate, Date)], reason: RevocationReason? = nil, thisUpdate: Date = Date(),
        nextUpdate: Date = Date().addingTimeInterval(7 * 86_400),
        extensions: [(name: String, value: String)] = []
    ) throws -> RevocationList {
        var certificates: [OpaquePointer?] = revoked.map { $0.0.pointer }
        let dates = revoked.map { time_t($0.1.timeIntervalSince1970) }
        let texts = extensions.flatMap { [strdup($0.name), strdup($0.value)] }
        defer { for text in texts { free(text) } }
        let names = stride(from: 0, to: texts.count, by: 2).map { UnsafePointer(texts[$0]) }
        let values = stride(from: 1, to: texts.count, by: 2).map { UnsafePointer(texts[$0]) }
        guard
            let crl = shim_crl_make(
                certificate.pointer, key.pointer, &certificates, dates, Int32(revoked.count), reason?.rawValue ?? -1,
                time_t(thisUpdate.timeIntervalSince1970), time_t(nextUpdate.timeIntervalSince1970),
                names, values, Int32(extensions.count))
        else {
            throw CryptoError.drain("issuing a CRL for \(certificate)")
        }
        // Read back, as a verifier receives it: OpenSSL works out entries' issuers and the
        // distribution point's flags only while decoding.
        return try RevocationList(der: RevocationList(owning: crl).der)
    }
}
