import Foundation
import LienThongDomain
import Testing

@Suite("Search text: without diacritics, đ as d, in lower case")
struct TextTests {
    @Test func vietnameseIsFoldedAsAClerkTypesItWithoutDiacritics() {
        #expect(SearchText.fold("Về đẩy mạnh CẢI CÁCH hành chính") == "ve day manh cai cach hanh chinh")
        #expect(SearchText.fold("ỦY BAN NHÂN DÂN TỈNH ĐIỆN BIÊN") == "uy ban nhan dan tinh dien bien")
        #expect(SearchText.fold("  12/CT-UBND \t Điện  Biên ") == "12/ct-ubnd dien bien")
        // Composed or decomposed, the same letters.
        #expect(SearchText.fold("Ho\u{0302}\u{0300}ng") == SearchText.fold("Hồng"))
        #expect(SearchText.fold("") == "")
    }
}
