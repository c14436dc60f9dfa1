import Foundation

/// The overall verdict, in the vocabulary of ETSI EN 319 102-1.
public enum Indication: String, Sendable, Codable, Comparable {
    case totalPassed = "TOTAL_PASSED"
    case indeterminate = "INDETERMINATE"
    case totalFailed = "TOTAL_FAILED"

    private var severity: Int {
        switch self {
        case .totalPassed: 0
        case .indeterminate: 1
        case .totalFailed: 2
        }
    }

    public static func < (lhs: Indication, rhs: Indication) -> Bool { lhs.severity < rhs.severity }
}

/// Why a verdict is not TOTAL_PASSED (ETSI EN 319 102-1, clause 5.1.3).
public enum SubIndication: String, Sendable, Codable {
    case formatFailure = "FORMAT_FAILURE"
    case hashFailure = "HASH_FAILURE"
    case sigCryptoFailure = "SIG_CRYPTO_FAILURE"
    case revoked = "REVOKED"
    case expired = "EXPIRED"
    case notYetValid = "NOT_YET_VALID"
    /// A rule of the validation policy is not met: a missing seal, a seal over another signature.
    case sigConstraintsFailure = "SIG_CONSTRAINTS_FAILURE"
    case chainConstraintsFailure = "CHAIN_CONSTRAINTS_FAILURE"
    case cryptoConstraintsFailure = "CRYPTO_CONSTRAINTS_FAILURE"
    case noSigningCertificateFound = "NO_SIGNING_CERTIFICATE_FOUND"
    case noCertificateChainFound = "NO_CERTIFICATE_CHAIN_FOUND"
    case outOfBoundsNoPOE = "OUT_OF_BOUNDS_NO_POE"
    case tryLater = "TRY_LATER"

    /// The indication this sub-indication belongs to.
    public var indication: Indication {
        switch self {
        case .formatFailure, .hashFailure, .sigCryptoFailure, .revoked, .expired, .notYetValid, .sigConstraintsFailure:
            .totalFailed
        case .chainConstraintsFailure, .cryptoConstraintsFailure, .noSigningCertificateFound,
            .noCertificateChainFound, .outOfBoundsNoPOE, .tryLater:
            .indeterminate
        }
    }
}

/// One rule checked, with what was found.
public struct Check: Sendable, Codable, Equatable {
    public enum Result: String, Sendable, Codable {
        case passed, failed, warning
    }

    public let id: CheckID
    public let result: Result
    /// What was found, in words a clerk can act on.
    public let detail: String
    /// Set when the check failed.
    public let subIndication: SubIndication?

    public static func passed(_ id: CheckID, _ detail: String) -> Check {
        Check(id: id, result: .passed, detail: detail, subIndication: nil)
    }

    public static func warning(_ id: CheckID, _ detail: String) -> Check {
        Check(id: id, result: .warning, detail: detail, subIndication: nil)
    }

    public static func failed(_ id: CheckID, _ detail: String, _ sub: SubIndication) -> Check {
        Check(id: id, result: .failed, detail: detail, subIndication: sub)
    }
}

/// The verdict drawn from a list of checks: the most severe failure, the first among equals.
public struct Verdict: Sendable, Codable, Equatable {
    public let indication: Indication
    public let subIndication: SubIndication?

    public static let passed = Verdict(indication: .totalPassed, subIndication: nil)

    public init(indication: Indication, subIndication: SubIndication?) {
        self.indication = indication
        self.subIndication = subIndication
    }

    public init(checks: [Check]) {
        self = Verdict.worst(
            checks.compactMap { $0.subIndication.map { Verdict(indication: $0.indication, subIndication: $0) } })
    }

    public static func worst(_ verdicts: [Verdict]) -> Verdict {
        verdicts.reduce(.passed) { $1.indication > $0.indication ? $1 : $0 }
    }
}

/// One SignerInfo: who signed, in which role, when, and every check made of it.
public struct SignatureReport: Sendable, Codable {
    public var role: CertificateRole?
    public var commonName: String?
    public var organization: String?
    public var subject: String
    public var issuer: String
    public var serialNumber: String
    /// The signing certificate's validity period.
    public var validFrom: Date?
    public var validUntil: Date?
    public var digestAlgorithm: String
    public var signatureAlgorithm: String
    /// The signing-time the signer's software claims: not proof of time.
    public var claimedSigningTime: Date?
    /// genTime of a valid RFC 3161 time stamp over the signature: proof that it existed then.
    public var timeStampedAt: Date?
    public var timeStampAuthority: String?
    /// When the certificates were judged: the time stamp's genTime, or the verification time without one.
    public var validatedAt: Date?
    /// Subjects from the signer up to the trust anchor.
    public var chain: [String]
    /// The revocation status of each certificate of the chain, with its source.
    public var revocation: [RevocationStatus]
    public var checks: [Check]
    public var verdict: Verdict
}

/// One signed file: its hash, its signatures, and the rules that apply to the set of them.
public struct FileReport: Sendable, Codable {
    public var name: String
    public var sha256: String?
    public var expectation: SignatureExpectation
    public var signatures: [SignatureReport]
    /// Checks on the file and on its signatures taken together.
    public var checks: [Check]
    public var verdict: Verdict
    /// The document every signature over the file names, signed in (``DocumentBinding``); nil for
    /// files signed before LienThong bound them, or outside it.
    public var documentID: String?
    /// Whether the signature is the seal over a document's identity (its own content type), not a file's.
    public var isDocumentIdentity = false

    /// Recomputes the verdict from the file's checks and its signatures'.
    mutating func conclude() {
        verdict = Verdict.worst([Verdict(checks: checks)] + signatures.map(\.verdict))
    }

    /// Adds a check made outside the engine (a manifest's hash, say) and revises the verdict.
    public mutating func add(_ check: Check) {
        checks.append(check)
        conclude()
    }

    public init(
        name: String, sha256: String?, expectation: SignatureExpectation, signatures: [SignatureReport],
        checks: [Check], verdict: Verdict
    ) {
        self.name = name
        self.sha256 = sha256
        self.expectation = expectation
        self.signatures = signatures
        self.checks = checks
        self.verdict = verdict
    }
}

/// A whole verification: every file, and the verdict over all of them.
public struct VerificationReport: Sendable, Codable {
    public var files: [FileReport]
    public var checks: [Check]
    public var verdict: Verdict
    public var validationTime: Date

    public init(files: [FileReport], checks: [Check] = [], validationTime: Date) {
        self.files = files
        self.checks = checks
        self.validationTime = validationTime
        verdict = Verdict.worst([Verdict(checks: checks)] + files.map(\.verdict))
    }
}

/// What a file's signatures must amount to.
public enum SignatureExpectation: String, Sendable, Codable, CaseIterable {
    /// The main document: the competent person's signature and the agency's seal over it.
    case document
    /// An attachment: the agency's seal.
    case attachment
    /// Any signature that holds, as for a file signed outside LienThong.
    case any
}
