import Foundation
import LienThongAPI
import Testing

/// The reading of a request body before it is decoded: duplicate keys, fractions and syntax.
@Suite("JSON bodies: duplicate keys, whole numbers, syntax")
struct JSONShapeTests {
    func shape(_ text: String) throws -> JSONShape {
        try Array(text.utf8).withUnsafeBytes { try JSONShape($0) }
    }

    func refusal(_ text: String) -> String? {
        do {
            _ = try shape(text)
            return nil
        } catch {
            return (error as? JSONShape.Violation)?.description ?? "\(error)"
        }
    }

    @Test func aKeyTwiceIsRefusedWhereverItIs() {
        #expect(refusal(#"{"subject": "a", "subject": "b"}"#)?.contains("subject appears twice") == true)
        #expect(refusal(#"{"files": [{"name": "a", "sha256": "x", "name": "b"}]}"#)?.contains("files[0].name") == true)
        // The same key to the decoder: after escapes, and as Swift compares strings (NFC and NFD).
        #expect(refusal(#"{"to": [], "\u0074o": []}"#) != nil)
        #expect(refusal("{\"ghi chú\": 1, \"ghi chu\u{0301}\": 2}") != nil)
        // The same key in two objects is not a duplicate.
        #expect(refusal(#"{"a": {"k": 1}, "b": {"k": 2}}"#) == nil)
    }

    @Test func fractionsAndNumbersBeyond64BitsAreFoundWithTheirPath() throws {
        let found = try shape(#"{"pageCount": 2.5, "to": [1, 1e20, -3, 9223372036854775808], "n": 0}"#).fractions
        #expect(found.map(\.path) == ["pageCount", "to[1]", "to[3]"])
        #expect(found.map(\.literal) == ["2.5", "1e20", "9223372036854775808"])
        #expect(try shape(#"[9223372036854775807, -9223372036854775808]"#).fractions.isEmpty)
    }

    @Test func textThatIsNotJSONIsRefusedWithWhereItStops() {
        for bad in [
            #"{"a": }"#, #"{"a": 1,}"#, #"[1 2]"#, #"{"a": 01}"#, #"{"a": "\x"}"#, "{\"a\": \"\u{1}\"}", #"{"a": 1} x"#,
            #""\ud800""#, #"{"a": tru}"#, #"{"a": 1."#, "",
        ] {
            #expect(refusal(bad)?.contains("not valid JSON at byte") == true, "\(bad)")
        }
        #expect(
            refusal(String(repeating: "[", count: 40) + String(repeating: "]", count: 40))?.contains("deeper") == true)
        #expect(refusal(#"{"s": "Thông báo \"họp\" \n \ud83d\ude00", "b": [true, false, null], "e": {}}"#) == nil)
    }

    @Test func aHostileBodyCostsOnePassAndKeepsThreeFractions() throws {
        // A long key over a long list: paths are made only for what a message names.
        let key = String(repeating: "k", count: 100_000)
        let body = "{\"\(key)\": [" + Array(repeating: "0.5", count: 50_000).joined(separator: ",") + "]}"
        let start = ContinuousClock.now
        let found = try shape(body).fractions
        #expect(ContinuousClock.now - start < .seconds(10))
        #expect(found.count == JSONShape.fractionsKept)
        #expect(found.first?.path.count ?? 0 < 100, "\(found.first?.path.prefix(80) ?? "")")
        #expect(refusal(#"{"a": "\u+041"}"#)?.contains("four hexadecimal digits") == true)
    }
}
