import Foundation
import LienThongCrypto
import LienThongTestSupport
import Testing

@testable import LienThongPDF

/// Forgeries appended after a valid signature, each of which once made the verifier say TOTAL_PASSED while readers
/// showed other content (a red-team pass over the modification analysis): each must now fail.
@Suite("PAdES: forgeries after a signature fail")
struct ForgeryTests {
    let pki: TestPKI
    /// A one-page PDF signed by pyHanko (classic cross-reference table), and the objects a forger works with.
    let signed: Data
    let page: (number: Int, text: String)
    let form: (number: Int, text: String)
    let widget: String
    let signature: String

    init() throws {
        pki = try TestPKI()
        signed = try PeerSignedPDFTests.pyHankoSign(
            SamplePDF.minimal(), as: pki.signer, field: "LanhDao", mechanism: "pss", pki: pki)
        let file = try QPDFFile(signed, name: "signed")
        let pageHandle = file.page(0)
        page = (file.reference(pageHandle).number, file.unparseObject(pageHandle))
        let formHandle = file.key("/AcroForm", of: file.root)
        form = (file.reference(formHandle).number, file.unparseObject(formHandle))
        let widgetHandle = file.item(0, of: file.key("/Annots", of: pageHandle))
        widget = file.unparse(widgetHandle)
        signature = file.unparse(file.key("/V", of: widgetHandle))
    }

    static let evil = "BT /F1 14 Tf 72 760 Td (Cong van so 99/UBND-VP) Tj ET"
    static let evilStream = "<< /Length \(evil.utf8.count) >>\nstream\n\(evil)\nendstream"

    /// A revision appended by hand with a classic cross-reference table: `objects` (number → body, of generation
    /// `generations[number]` or 0), `freed` entries (number → generation), and the trailer given or the usual one.
    static func append(
        _ pdf: Data, _ objects: [Int: String], generations: [Int: Int] = [:], freed: [Int: Int] = [:],
        trailer: ((_ previous: Int, _ size: Int) -> String)? = nil, tail: String = ""
    ) throws -> Data {
        var data = pdf
        var offsets: [Int: Int] = [:]
        for (number, body) in objects.sorted(by: { $0.key < $1.key }) {
            offsets[number] = data.count
            data.append(Data("\(number) \(generations[number] ?? 0) obj\n\(body)\nendobj\n".utf8))
        }
        let previous = try IncrementalUpdate.PreviousSection.find(in: pdf, size: 0).offset
        let section = data.count
        var table = "xref\n"
        for number in Set(offsets.keys).union(freed.keys).sorted() {
            let offset = offsets[number].map { String(repeating: "0", count: 10 - String($0).count) + String($0) }
            let generation = String(format: "%05d", freed[number] ?? generations[number] ?? 0)
            table += "\(number) 1\n" + (offset.map { "\($0) \(generation) n\r\n" } ?? "0000000000 \(generation) f\r\n")
        }
        let file = try QPDFFile(pdf, name: "signed")
        let size = max(
            file.integer(file.key("/Size", of: file.trailer)) ?? 0, (Array(offsets.keys) + freed.keys).max()! + 1)
        table +=
            "trailer\n"
            + (trailer?(previous, size) ?? "<< /Size \(size) /Root 1 0 R /Info 6 0 R /Prev \(previous) >>")
        data.append(Data((table + "\nstartxref\n\(section)\n%%EOF\n" + tail).utf8))
        return data
    }

    private func verdict(_ pdf: Data) throws -> (Verdict, [String]) {
        let report = PDFVerifier(verifier: try pki.verifier()).verify(pdf)
        let failed = (report.checks + report.files.flatMap(\.checks)).filter { $0.result == .failed }.map(\.detail)
        return (report.verdict, failed)
    }

    /// The page's annotations and the form's fields, each with `added` appended.
    private func withField(_ added: String) -> [Int: String] {
        [
            page.number: page.text.replacingOccurrences(of: "[ \(widget) ]", with: "[ \(widget) \(added) ]"),
            form.number: form.text.replacingOccurrences(of: "[ \(widget) ]", with: "[ \(widget) \(added) ]"),
        ]
    }

    @Test func aNewCatalogInTheTrailerFails() throws {
        let forged = try Self.append(
            signed,
            [
                20: "<< /Type /Catalog /Pages 21 0 R /AcroForm \(form.number) 0 R >>",
                21: "<< /Type /Pages /Kids [22 0 R] /Count 1 >>",
                22: "<< /Type /Page /Parent 21 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> "
                    + "/Contents 23 0 R >>",
                23: Self.evilStream,
            ], trailer: { "<< /Size \($1) /Root 20 0 R /Info 6 0 R /Prev \($0) >>" })
        let (verdict, failed) = try verdict(forged)
        #expect(verdict.indication == .totalFailed && failed.contains { $0.contains("another catalog") }, "\(failed)")
    }

    @Test func anObjectFreedOrRedefinedUnderAnotherGenerationFails() throws {
        let freed = try verdict(try Self.append(signed, [:], freed: [5: 1]))
        #expect(freed.0.indication == .totalFailed && freed.1.contains { $0.contains("object 5 was deleted") })
        let redefined = try verdict(try Self.append(signed, [5: Self.evilStream], generations: [5: 1]))
        #expect(redefined.0.indication == .totalFailed && redefined.1.contains { $0.contains("generation 1") })
    }

    @Test func aPrevWrittenInAStringIsNotFollowed() throws {
        let signedSection = try IncrementalUpdate.PreviousSection.find(in: signed, size: 0).offset
        let middle = try Self.append(signed, [5: Self.evilStream])
        let forged = try Self.append(
            middle, [6: "<< /Producer (x) >>"],
            trailer: { "<< /Size \($1) /Root 1 0 R /Info 6 0 R /Comment (/Prev \(signedSection)) /Prev \($0) >>" })
        let (verdict, failed) = try verdict(forged)
        #expect(verdict.indication == .totalFailed && failed.contains { $0.contains("object 5") }, "\(failed)")
    }

    @Test func aStreamWithTheSameBytesAndAnotherDictionaryFails() throws {
        let content = SamplePDF.content()
        let body = "<< /Filter /FlateDecode /Length \(content.utf8.count) >>\nstream\n\(content)\nendstream"
        let (verdict, failed) = try verdict(try Self.append(signed, [5: body]))
        #expect(verdict.indication == .totalFailed && failed.contains { $0.contains("object 5") }, "\(failed)")
    }

    @Test func aFieldThatDrawsWithoutItsOwnNewSignatureFails() throws {
        let overlay = "q 1 1 1 rg 0 0 595 842 re f Q " + Self.evil
        let appearance =
            "<< /Type /XObject /Subtype /Form /BBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> "
            + "/Length \(overlay.utf8.count) >>\nstream\n\(overlay)\nendstream"
        for value in ["", "/V \(signature) "] {
            let field =
                "<< /Type /Annot /Subtype /Widget /FT /Sig /T (Khac) \(value)/F 4 /Rect [0 0 595 842] "
                + "/P \(page.number) 0 R /AP << /N 21 0 R >> >>"
            let forged = try Self.append(signed, withField("20 0 R").merging([20: field, 21: appearance]) { $1 })
            let (verdict, failed) = try verdict(forged)
            #expect(verdict.indication == .totalFailed, "\(value): \(failed)")
        }
    }

    @Test func bytesAfterTheLastEndOfFileFail() throws {
        let forged = try Self.append(signed, [6: "<< /Producer (x) >>"], tail: "%%EOF\ngarbage 5 0 obj (x) endobj\n")
        let (verdict, failed) = try verdict(forged)
        #expect(verdict.indication == .totalFailed && failed.contains { $0.contains("%%EOF") }, "\(failed)")
    }

    @Test func aReferenceTheSignedRevisionLeftDanglingCannotBeFilledLater() throws {
        // The page names a font, object 50, that the PDF does not define; filled after the signature, it would
        // change every glyph.
        let prepared = try PeerSignedPDFTests.pyHankoSign(
            SamplePDF.minimal(font: "50 0 R"), as: pki.signer, field: "LanhDao", mechanism: "pss", pki: pki)
        let forged = try Self.append(prepared, [50: "<< /Type /Font /Subtype /Type1 /BaseFont /Symbol >>"])
        let (verdict, failed) = try verdict(forged)
        #expect(verdict.indication == .totalFailed && failed.contains { $0.contains("without defining") }, "\(failed)")
    }

    @Test func aValueThatIsNotItsOwnVerifiedSignatureFails() throws {
        // A byte-for-byte copy of the valid signature dictionary, as a new field's value, drawing over the page.
        let file = try QPDFFile(signed, name: "signed")
        let copy = file.unparseObject(
            file.object(ObjectReference(number: Int(signature.split(separator: " ")[0])!, generation: 0)))
        let copied = try Self.append(
            signed,
            withField("20 0 R").merging([
                20: "<< /Type /Annot /Subtype /Widget /FT /Sig /T (Ban sao) /V 21 0 R /F 4 /Rect [0 0 595 842] "
                    + "/P \(page.number) 0 R >>",
                21: copy,
            ]) { $1 })
        #expect(try verdict(copied).0.indication == .totalFailed)
        // An empty field that a reader fills from /MK with a white background.
        let whited = try Self.append(
            signed,
            withField("20 0 R").merging([
                20: "<< /Type /Annot /Subtype /Widget /FT /Sig /T (Trang) /F 4 /Rect [0 0 595 842] "
                    + "/MK << /BG [1 1 1] >> /P \(page.number) 0 R >>"
            ]) { $1 })
        let (verdict, failed) = try verdict(whited)
        #expect(verdict.indication == .totalFailed && failed.contains { $0.contains("not a new, verified signature") })
    }

    @Test func aByteRangeThatOverflowsFailsWithoutACrash() throws {
        let forged = try Self.append(
            signed,
            withField("20 0 R").merging([
                20: "<< /Type /Annot /Subtype /Widget /FT /Sig /T (Tran) /V 21 0 R /F 132 /Rect [0 0 0 0] "
                    + "/P \(page.number) 0 R >>",
                21: "<< /Type /Sig /SubFilter /ETSI.CAdES.detached /ByteRange [0 1 9223372036854775807 "
                    + "9223372036854775807] /Contents <00> >>",
            ]) { $1 })
        let (verdict, failed) = try verdict(forged)
        #expect(verdict.indication == .totalFailed && failed.contains { $0.contains("/ByteRange") }, "\(failed)")
    }

    @Test func aStartxrefReadersReadDifferentlyFails() throws {
        var text = String(decoding: try Self.append(signed, [5: Self.evilStream]), as: UTF8.self)
        let last = try #require(text.range(of: "\n%%EOF", options: .backwards))
        text.insert("x", at: last.lowerBound)
        let (verdict, _) = try verdict(Data(text.utf8))
        #expect(verdict.indication == .totalFailed)
    }
}
