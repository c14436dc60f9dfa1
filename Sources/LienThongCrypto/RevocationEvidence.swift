import CLienThongCrypto
import COpenSSL
import Foundation

/// CRLs and OCSP responses about the certificates of a signature. Kept inside the signature as
/// the CAdES revocation-values attribute, so that a check ten years later, offline, reaches the
/// same verdict as the check on the day (CAdES-LT).
public struct RevocationEvidence: Sendable {
    public var crls: [RevocationList]
    /// DER BasicOCSPResponses.
    public var ocspResponses: [Data]
    /// Sources that could not be reached, by certificate serial number: a reason to TRY_LATER.
    public var unreachable: [String: String]

    public init(crls: [RevocationList] = [], ocspResponses: [Data] = [], unreachable: [String: String] = [:]) {
        self.crls = crls
        self.ocspResponses = ocspResponses
        self.unreachable = unreachable
    }

    public var isEmpty: Bool { crls.isEmpty && ocspResponses.isEmpty }

    /// When `certificate`, which `issuer` issued, was revoked no later than `time`, by authentic
    /// evidence here under the verifier's own rules (RFC 5280 §6.3.3); nil when none shows it.
    public func revocationDate(
        of certificate: Certificate, issuedBy issuer: Certificate, trust: TrustStore, at time: Date = Date()
    ) -> Date? {
        let status = checker(trust: trust, chain: [certificate, issuer])
            .status(of: certificate, issuer: issuer, at: time)
        guard status.status == .revoked, let date = status.revokedAt, date <= time else { return nil }
        return date
    }

    /// Whether any CRL here was signed by `issuer`.
    public func covers(issuer: Certificate, trust: TrustStore) -> Bool {
        crls.contains { trust.cache.isIssued($0, by: issuer) }
    }

    public static func + (lhs: RevocationEvidence, rhs: RevocationEvidence) -> RevocationEvidence {
        RevocationEvidence(
            crls: lhs.crls + rhs.crls, ocspResponses: lhs.ocspResponses + rhs.ocspResponses,
            unreachable: lhs.unreachable.merging(rhs.unreachable) { a, _ in a })
    }

    /// Every CRL file (PEM or DER, `*.crl`/`*.pem`) in the given files and directories.
    public static func load(_ locations: [URL]) throws -> RevocationEvidence {
        var crls: [RevocationList] = []
        for location in locations {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: location.path, isDirectory: &isDirectory) else { continue }
            let files =
                isDirectory.boolValue
                ? try FileManager.default.contentsOfDirectory(at: location, includingPropertiesForKeys: nil)
                    .filter { ["crl", "pem", "der"].contains($0.pathExtension.lowercased()) }.sorted {
                        $0.path < $1.path
                    }
                : [location]
            for file in files {
                do { crls += try RevocationList.load(file) } catch {
                    throw CryptoError("\(file.path) is not a CRL: \(error)")
                }
            }
        }
        return RevocationEvidence(crls: crls)
    }

    /// RevocationValues ::= SEQUENCE { crlVals [0] SEQUENCE OF CertificateList OPTIONAL,
    ///                                 ocspVals [1] SEQUENCE OF BasicOCSPResponse OPTIONAL }
    /// (ETSI EN 319 122-1, explicit tags).
    var revocationValues: Data {
        var content = Data()
        if !crls.isEmpty {
            content += DER.encode(tag: 0xA0, DER.encode(tag: 0x30, crls.reduce(Data()) { $0 + $1.der }))
        }
        if !ocspResponses.isEmpty {
            content += DER.encode(tag: 0xA1, DER.encode(tag: 0x30, ocspResponses.reduce(Data(), +)))
        }
        return DER.encode(tag: 0x30, content)
    }

    /// Reads a RevocationValues attribute value; nil if it is not one.
    init?(revocationValues der: Data, cache: VerificationCache? = nil) {
        guard let outer = DER.elements(der), outer.count == 1, outer[0].tag == 0x30,
            let fields = DER.elements(outer[0].content)
        else { return nil }
        var crls: [RevocationList] = []
        var responses: [Data] = []
        for field in fields {
            guard let sequence = DER.elements(field.content), sequence.count == 1, sequence[0].tag == 0x30,
                let items = DER.elements(sequence[0].content)
            else { return nil }
            switch field.tag {
            case 0xA0:
                for item in items {
                    guard
                        let crl = cache?.revocationList(der: Data(item.element))
                            ?? (try? RevocationList(der: Data(item.element)))
                    else { return nil }
                    crls.append(crl)
                }
            case 0xA1:
                responses += items.map { Data($0.element) }
            default:
                continue
            }
        }
        self.init(crls: crls, ocspResponses: responses)
    }

    func checker(trust: TrustStore, chain: [Certificate], certificates: [Certificate] = []) -> RevocationChecker {
        RevocationChecker(evidence: self, trust: trust, chain: chain, certificates: certificates)
    }

    /// Whether any certificate of `chain` (leaf first, anchor last) was revoked at `time`, by this
    /// evidence; `certificates` are others at hand that may have signed a CRL.
    public func check(
        chain: [Certificate], trust: TrustStore, at time: Date, policy: RevocationPolicy,
        proofOfExistence: Bool = false, certificates: [Certificate] = []
    ) -> (Check, [RevocationStatus]) {
        checker(trust: trust, chain: chain, certificates: certificates)
            .check(at: time, proofOfExistence: proofOfExistence, policy: policy)
    }

    /// The evidence a SignerInfo carries: its revocation-values attribute; nil when it keeps more
    /// than `limit` CRLs and OCSP responses, which are then not even parsed.
    static func embedded(in info: OpaquePointer, cache: VerificationCache, limit: Int) -> RevocationEvidence? {
        var bytes: UnsafePointer<UInt8>?
        let length = shim_cms_unsigned_sequence(info, NID_id_smime_aa_ets_revocationValues, 0, &bytes)
        guard length > 0, let bytes else { return RevocationEvidence() }
        let der = Data(bytes: bytes, count: Int(length))
        // RevocationValues { [0] { CRLs }, [1] { OCSP responses } }: counted from the framing.
        let items =
            DER.elements(der)?.first.flatMap { DER.elements($0.content) }?
            .compactMap { DER.elements($0.content)?.first.flatMap { DER.elements($0.content)?.count } }.reduce(0, +)
            ?? 0
        guard items <= limit else { return nil }
        return cache.revocationEvidence(der: der) ?? RevocationEvidence()
    }
}

/// What a verifier does when it has no revocation information for a certificate.
public enum RevocationPolicy: String, Sendable, Codable, CaseIterable {
    /// INDETERMINATE / TRY_LATER: the default, as for a document that must hold up in court.
    case require
    /// A warning only.
    case ifAvailable = "if-available"
    /// No revocation check at all (diagnostics).
    case skip
}

/// A certificate's revocation status as a verification found it.
public struct RevocationStatus: Sendable, Codable {
    /// `unusable`: the only evidence is authentic but RFC 5280 forbids relying on it (a critical
    /// extension not understood, no cRLSign, a delta or partial CRL alone). `suspended`: on hold
    /// (certificateHold; tạm dừng in Decree 130/2018), which its CA may lift.
    public enum Status: String, Sendable, Codable {
        case good, revoked, suspended, unknown, missing, unreachable, unusable
    }
    public var certificate: String
    public var status: Status
    /// "OCSP" or "CRL", with who issued it and how fresh it was; or why the evidence cannot be used.
    public var source: String?
    /// thisUpdate of the CRL or OCSP response used.
    public var issuedAt: Date?
    /// When its issuer promises fresher information.
    public var nextUpdate: Date?
    public var revokedAt: Date?
}
