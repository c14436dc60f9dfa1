import Foundation
import Testing

@testable import LienThongCrypto

/// Check ids are part of every report a clerk or another system keeps: their words must not drift.
@Suite("Check ids: stable words in every report")
struct CheckIDTests {
    @Test func eachIdIsOneKebabCaseWordAndWrittenAsIt() throws {
        let raw = CheckID.allCases.map(\.rawValue)
        #expect(Set(raw).count == raw.count)
        for id in CheckID.allCases {
            #expect(id.rawValue.allSatisfy { $0.isLowercase || $0 == "-" }, "\(id.rawValue)")
            #expect("\(id)" == id.rawValue)
        }
        let encoded = try JSONEncoder().encode(Check.failed(.agencySealPresent, "no seal", .sigConstraintsFailure))
        #expect(String(decoding: encoded, as: UTF8.self).contains(#""id":"agency-seal-present""#))
        let decoded = try JSONDecoder().decode(Check.self, from: encoded)
        #expect(decoded.id == .agencySealPresent)
    }

    @Test func anUnknownIdIsRefusedWhenAReportIsRead() {
        let text = #"{"id":"no-such-rule","result":"passed","detail":"x"}"#
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(Check.self, from: Data(text.utf8)) }
    }
}
