import Foundation
import Testing

@testable import LienThongCrypto

/// The x509-limbo RFC 5280 and CRL cases (Fixtures/README.md), each run as
/// `lienthong cert verify LEAF --untrusted … --trust … [--crl …] --purpose any` runs it.
@Suite("Conformance: x509-limbo path validation and CRL cases")
struct LimboConformanceTests {
    struct Suite: Decodable { let testcases: [Case] }

    /// One case, its keys in limbo's snake case.
    struct Case: Decodable {
        let id: String
        let trustedCerts: [String]
        let untrustedIntermediates: [String]
        let peerCertificate: String
        let validationTime: String?
        let crls: [String]?
        let expectedResult: String
    }

    /// Where this verifier and limbo disagree, and the rule behind each. All come from CA/Browser
    /// Forum rules for web PKI, which RFC 5280 does not make, or from two limbo cases that contradict.
    static let knownDisagreements: [String: String] = [
        "webpki::aki::root-with-aki-authoritycertissuer":
            "RFC 5280 4.2.1.1 allows authorityCertIssuer in the AKI; CABF 7.1.2.1.3 forbids it in a root",
        "webpki::aki::root-with-aki-authoritycertserialnumber":
            "RFC 5280 4.2.1.1 allows authorityCertSerialNumber in the AKI; CABF forbids it in a root",
        "webpki::aki::root-with-aki-all-fields": "as the two above",
        "webpki::v1-cert": "RFC 5280 4.1.2.1 allows a version 2 certificate without extensions; CABF does not",
        "webpki::ee-basicconstraints-ca":
            "RFC 5280 4.2.1.9 does not forbid cA=TRUE without keyCertSign in a leaf; CABF 7.1.2.7.8 does",
        "webpki::ca-as-leaf":
            "RFC 5280 allows a CA certificate as the leaf; limbo's rfc5280::ca-as-leaf expects SUCCESS",
        "webpki::nc::permitted-dns-match-noncritical":
            "RFC 5280 4.2.1.10: name constraints MUST be critical (limbo's rfc5280:: twin expects FAILURE); "
            + "CABF accepts it",
        "cve::cve-2024-0567":
            "its anchor 'Root A' is not self-signed and has no AKI, which RFC 5280 4.2.1.1 forbids "
            + "(limbo's rfc5280::aki::cross-signed-root-missing-aki expects FAILURE for the same shape)",
    ]

    static func load() throws -> [Case] {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
            "Fixtures/limbo-subset.json")
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try decoder.decode(Suite.self, from: Data(contentsOf: url)).testcases
    }

    /// SUCCESS when the path validates and no authentic evidence shows a revocation.
    static func verdict(_ testCase: Case) -> String {
        let pems = { (texts: [String]) in try texts.flatMap { try Certificate.parsePEM(Data($0.utf8)) } }
        guard let leaf = try? pems([testCase.peerCertificate]).first,
            let trusted = try? pems(testCase.trustedCerts), let store = try? TrustStore(trusting: trusted),
            let untrusted = try? pems(testCase.untrustedIntermediates),
            let crls = try? (testCase.crls ?? []).flatMap({ try RevocationList.parseAll(Data($0.utf8)) })
        else { return "FAILURE" }
        let time = testCase.validationTime.flatMap(Self.parseTime) ?? Date()
        let report = store.validate(
            leaf, untrusted: untrusted, at: time, purpose: .any, evidence: RevocationEvidence(crls: crls),
            revocationPolicy: crls.isEmpty ? .skip : .ifAvailable)
        return report.verdict.indication == .totalPassed ? "SUCCESS" : "FAILURE"
    }

    static func parseTime(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.date(from: text)
    }

    @Test func noFalseAcceptAmongTheRFC5280AndCRLCasesAndAtLeast95PercentAgreement() throws {
        let cases = try Self.load()
        #expect(cases.count == 164)
        var disagreements: [String] = []
        var falseAccepts: [String] = []
        for testCase in cases {
            let verdict = Self.verdict(testCase)
            guard verdict != testCase.expectedResult else { continue }
            disagreements.append(testCase.id)
            if verdict == "SUCCESS" { falseAccepts.append(testCase.id) }
        }
        let agreement = cases.count - disagreements.count
        let percent = String(format: "%.1f", 100.0 * Double(agreement) / Double(cases.count))
        print(
            "x509-limbo: \(agreement)/\(cases.count) agree (\(percent)%), "
                + "\(falseAccepts.count) false accepts: \(falseAccepts.joined(separator: ", "))")
        #expect(falseAccepts.filter { $0.hasPrefix("rfc5280::") || $0.hasPrefix("crl::") }.isEmpty)
        #expect(Double(agreement) >= 0.95 * Double(cases.count))
        // A new disagreement is a regression; one that goes away must leave this list too.
        #expect(
            Set(disagreements) == Set(Self.knownDisagreements.keys),
            "unexpected: \(Set(disagreements).symmetricDifference(Self.knownDisagreements.keys))")
    }
}
