import Foundation
import LienThongDomain
import Testing

@Suite("Search text: without diacritics, đ as d, in lower case")
struct TextTests {
    @Test func vietnameseIsFoldedAsAClerkTypesItWithoutDiacritics() {
        #expect(SearchText.fold("Về đẩy mạnh CẢI CÁCH hành chính") == "ve day manh cai cach hanh chinh")
        #expect(SearchText.fold("ỦY BAN NHÂN DÂN TỈNH ĐIỆN BIÊN") == "uy ban nhan dan tinh dien bien")
        #expect(SearchText.fold("  12/CT-UBND \t Điện\nBiên ") == "12 ct ubnd dien bien")
        #expect(SearchText.fold("phòng, chống lụt bão (2027)") == "phong chong lut bao 2027")
        // What older encodings and word processors leave: Ð for Đ, zero-width spaces, soft hyphens, full width.
        #expect(SearchText.fold("ÐIỆN\u{200B}BIÊN Ｈà\u{00AD}nội") == "dienbien hanoi")
        #expect(SearchText.words("  cải, CÁCH ") == ["cai", "cach"])
        // Composed or decomposed, the same letters.
        #expect(SearchText.fold("Ho\u{0302}\u{0300}ng") == SearchText.fold("Hồng"))
        #expect(SearchText.fold("") == "")
    }
}
