import Foundation
import LienThongCrypto
import LienThongTestSupport
import Testing

@testable import LienThongPDF

/// PDFs signed by another system's software (pyHanko, as a peer), verified by LienThong from the PDF alone: one and
/// two signatures, RSASSA-PSS, PKCS#1 v1.5 and ECDSA; and what a forger does after them, each failing with its reason.
@Suite("PAdES: PDFs signed by pyHanko, verified by LienThong")
struct PeerSignedPDFTests {
    let pki: TestPKI

    init() throws { pki = try TestPKI() }

    /// `pdf` signed by pyHanko in a new field, with `identity`'s key and the given mechanism.
    static func pyHankoSign(
        _ pdf: Data, as identity: SigningIdentity, field: String, mechanism: String = "pss", pki: TestPKI
    ) throws -> Data {
        let source = try pki.write("peer-in-\(UUID().uuidString).pdf", pdf)
        let target = pki.directory.appendingPathComponent("peer-out-\(UUID().uuidString).pdf")
        let key = try pki.writeKey("peer-\(UUID().uuidString).key", identity.key)
        let certificate = try pki.writePEM("peer-\(UUID().uuidString).pem", [identity.certificate])
        let chain = try pki.writePEM("chain.pem", [pki.intermediate.certificate])
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("sign.py")
        let result = try run(
            "python3",
            [
                script.path, key.path, TestPKI.passphrase, certificate.path, chain.path, source.path, target.path,
                field, mechanism,
            ])
        #expect(result.status == 0, "\(result.output)")
        return try Data(contentsOf: target)
    }

    private func ours(_ pdf: Data, _ expectation: SignatureExpectation = .any) throws -> VerificationReport {
        PDFVerifier(verifier: try pki.verifier()).verify(pdf, expecting: expectation)
    }

    /// A revision appended to `pdf` that writes `objects` (number → body) as a forger's tool would.
    private func appending(_ pdf: Data, _ objects: [Int: String]) throws -> Data {
        let file = try QPDFFile(pdf, name: "signed")
        var update = try IncrementalUpdate(appendingTo: file)
        for (number, body) in objects { update.add(ObjectReference(number: number, generation: 0), Data(body.utf8)) }
        return update.written(over: file)
    }

    @Test(arguments: ["pss", "pkcs1", "ecdsa"])
    func onePeerSignatureVerifies(_ mechanism: String) throws {
        let identity =
            mechanism == "ecdsa"
            ? try TestPKI.identity(pki.intermediate, name: "Lò Văn Dũng", role: .signer, kind: .ecdsaP256)
            : pki.signer
        let signed = try Self.pyHankoSign(
            SamplePDF.minimal(), as: identity, field: "Signature1", mechanism: mechanism, pki: pki)
        let report = try ours(signed)
        #expect(report.verdict == .passed, "\(report.checks) \(report.files.flatMap(\.checks))")
        #expect(report.files.count == 1 && report.files[0].signatures.first?.role == .signer)
    }

    @Test func twoPeerSignaturesMakeADocument() throws {
        let approved = try Self.pyHankoSign(SamplePDF.minimal(), as: pki.signer, field: "LanhDao", pki: pki)
        let sealed = try Self.pyHankoSign(approved, as: pki.seal, field: "CoQuan", pki: pki)
        let report = try ours(sealed, .document)
        #expect(report.verdict == .passed, "\(report.checks) \(report.files.flatMap(\.checks))")
        #expect(report.files.map(\.name) == ["signature LanhDao", "signature CoQuan"])
        #expect(report.files[0].checks.contains { $0.id == .pdfModifications && $0.result == .passed })
    }

    @Test func whatAForgerChangesAfterAPeerSignatureIsNamed() throws {
        let signed = try Self.pyHankoSign(SamplePDF.minimal(), as: pki.signer, field: "LanhDao", pki: pki)
        func modification(_ pdf: Data) throws -> Check? {
            try ours(pdf).files.first?.checks.first { $0.id == .pdfModifications }
        }
        // The page's content rewritten.
        let forged = "BT /F1 14 Tf 72 760 Td (Cong van so 99/UBND-VP) Tj ET"
        let rewritten = try appending(
            signed, [5: "<< /Length \(forged.utf8.count) >>\nstream\n\(forged)\nendstream"])
        let content = try #require(try modification(rewritten))
        #expect(content.result == .failed && content.detail.contains("object 5"), "\(content.detail)")

        // An annotation added to the page (a note over the text): not a signature field.
        let file = try QPDFFile(signed, name: "signed")
        let page = file.page(0)
        let annotations = file.unparse(file.key("/Annots", of: page))
        let pageText = file.unparseObject(page).replacingOccurrences(
            of: "/Annots \(annotations)", with: "/Annots \(annotations.dropLast()) 90 0 R ]")
        let annotated = try appending(
            signed,
            [
                3: pageText,
                90:
                    "<< /Type /Annot /Subtype /FreeText /Rect [72 700 300 740] /Contents (Sao y ban chinh) /DA (/Helv 12 Tf) >>",
            ])
        let note = try #require(try modification(annotated))
        #expect(note.result == .failed && note.detail.contains("not a new signature field"), "\(note.detail)")

        // The signature removed from the form and the page.
        let form = file.key("/AcroForm", of: file.root)
        let stripped = try appending(
            signed,
            [
                3: file.unparseObject(page).replacingOccurrences(of: "/Annots \(annotations)", with: ""),
                file.reference(form).number: file.unparseObject(form).replacingOccurrences(
                    of: file.unparse(file.key("/Fields", of: form)), with: "[ ]"),
            ].filter { $0.key != 0 })
        let removed = try ours(stripped)
        let said = (removed.checks + removed.files.flatMap(\.checks)).filter { $0.result == .failed }.map(\.detail)
        #expect(removed.verdict.indication == .totalFailed, "\(said)")
        #expect(said.contains { $0.contains("lost or reordered") || $0.contains("no signature") }, "\(said)")
    }
}
