import Foundation
import Testing

@testable import LienThongCrypto

/// Check ids are part of every report a clerk or another system keeps: their words must not drift.
@Suite("Check ids: stable words in every report")
struct CheckIDTests {
    @Test func eachIdIsOneKebabCaseWordAndWrittenAsIt() throws {
        let raw = CheckID.known.map(\.rawValue)
        #expect(Set(raw).count == raw.count)
        // The words reports carry: a rename would break whoever keeps or reads them.
        #expect(
            raw == [
                "signature-format", "content-readable", "content-type", "message-digest", "signature-value",
                "signing-certificate", "signing-time", "algorithm-strength", "certificate-chain", "certificate-role",
                "key-usage", "extended-key-usage", "revocation", "revocation-values", "time-stamp", "document-binding",
                "seal-binding", "signer-signature-present", "agency-seal-present", "identity", "identity-agency",
                "identity-files", "identity-format", "identity-hash", "identity-missing", "identity-seal",
                "identity-sealed", "manifest", "listed-files", "unlisted-file", "regular-file", "file-present",
                "main-document", "pdf-byte-range", "pdf-modifications",
            ])
        for id in CheckID.known {
            #expect(id.rawValue.allSatisfy { $0.isLowercase || $0 == "-" }, "\(id.rawValue)")
            #expect("\(id)" == id.rawValue)
        }
        let encoded = try JSONEncoder().encode(Check.failed(.agencySealPresent, "no seal", .sigConstraintsFailure))
        #expect(String(decoding: encoded, as: UTF8.self).contains(#""id":"agency-seal-present""#))
        let decoded = try JSONDecoder().decode(Check.self, from: encoded)
        #expect(decoded.id == .agencySealPresent)
    }

    @Test func aRuleFromANewerVersionIsReadAndNamedAsItIs() throws {
        let text = #"{"id":"pdf-modification","result":"failed","detail":"x","subIndication":"HASH_FAILURE"}"#
        let check = try JSONDecoder().decode(Check.self, from: Data(text.utf8))
        #expect(check.id.rawValue == "pdf-modification" && "\(check.id)" == "pdf-modification")
        #expect(!CheckID.known.contains(check.id))
    }
}
