import Foundation
import LienThongAPI
import LienThongApp
import LienThongCrypto
import LienThongPDF
import LienThongTestSupport
import Testing

/// A PDF main document and a PDF attachment sent through the Decree 30 flow: filed signed inside, under the number
/// each shows, verifiable from the PDF alone.
@Suite("Sending PDFs: signed inside, numbered as filed")
struct PDFSendTests {
    let fixture: ServiceFixture
    let font: TrueTypeFont

    init() async throws {
        fixture = try await ServiceFixture()
        font = try TrueTypeFont(
            contentsOf: URL(fileURLWithPath: "/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf"))
    }

    private func send(_ draft: Data, attachment: Data? = nil) async throws -> DocumentView {
        let clerk = try fixture.user("clerk.tinh-dien-bien")
        var files = [SendRequest.File(sha256: try await fixture.upload(draft), name: "chi-thi.pdf")]
        if let attachment {
            files.append(.init(sha256: try await fixture.upload(attachment), name: "phu-luc.pdf"))
        }
        return try await fixture.services.documents.send(
            SendRequest(files: files, to: [ServiceFixture.naSon], type: "CT", subject: "Về cải cách hành chính"),
            by: clerk)
    }

    private func stored(_ file: FileInfo) throws -> Data {
        try Data(contentsOf: fixture.services.documents.blobs.url(for: file.sha256))
    }

    private func text(_ pdf: Data) throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("\(UUID().uuidString).pdf")
        try pdf.write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        return try run("pdftotext", ["-enc", "UTF-8", url.path, "-"]).output.precomposedStringWithCanonicalMapping
    }

    @Test func theFiledPDFIsTheDraftSignedAndSealedShowingItsNumber() async throws {
        let draft = try TextPage.directive(font: font)
        let attachment = try TextPage.make([.init("PHỤ LỤC", x: 297, baseline: 700, centred: true)], font: font)
        for expected in ["01", "02"] {
            let view = try await send(draft, attachment: attachment)
            #expect(view.numberAndSymbol == "\(expected)/CT-UBND")
            let main = try stored(view.files[0])
            #expect(main.count > draft.count && main.prefix(draft.count) == draft, "the draft's bytes are kept")
            let shown = try text(main)
            #expect(shown.contains("Số: \(expected)/CT-UBND"), "\(shown)")
            #expect(shown.contains("Ủy ban nhân dân tỉnh Điện Biên"), "\(shown)")

            // Verified from the PDF alone, as a commune that got it by e-mail would.
            let answer = try await fixture.services.verification.answer(
                VerifyRequest(content: main.base64EncodedString(), signature: nil, expect: .document), from: "test")
            #expect(answer.verdict == Verdict.passed, "\(answer)")
            let sealedAttachment = try stored(view.files[1])
            #expect(try text(sealedAttachment).contains("Số: \(expected)/CT-UBND"))
            let attachmentAnswer = try await fixture.services.verification.answer(
                VerifyRequest(content: sealedAttachment.base64EncodedString(), signature: nil, expect: .attachment),
                from: "test")
            #expect(attachmentAnswer.verdict == Verdict.passed, "\(attachmentAnswer)")
        }
    }

    @Test func concurrentPDFSendsEachShowTheNumberTheyWereFiledUnder() async throws {
        let draft = try TextPage.directive(font: font)
        let views = try await withThrowingTaskGroup(of: DocumentView.self) { group in
            for _ in 0..<4 { group.addTask { try await send(draft) } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(Set(views.map(\.number)) == [1, 2, 3, 4])
        for view in views {
            #expect(try text(try stored(view.files[0])).contains("Số: \(view.numberAndSymbol)"))
        }
    }

    @Test func aFileThatOnlyLooksLikeAPDFIsSignedDetachedAsBefore() async throws {
        let view = try await send(Data("%PDF-1.7 không phải PDF".utf8))
        #expect(try stored(view.files[0]) == Data("%PDF-1.7 không phải PDF".utf8))
    }
}
