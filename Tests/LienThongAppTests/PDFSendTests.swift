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

    init() async throws { fixture = try await ServiceFixture() }

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
        let (draft, attachment) = (try SamplePDF.directive(), try SamplePDF.annex())
        for expected in ["01", "02"] {
            let view = try await send(draft, attachment: attachment)
            #expect(view.numberAndSymbol == "\(expected)/CT-UBND")
            let main = try stored(view.files[0])
            #expect(main.count > draft.count && main.prefix(draft.count) == draft, "the draft's bytes are kept")
            // Each step's state is kept: a prefix of the filed file, with its hash, the first the upload itself.
            let tracked = try fixture.services.documents.track(
                view.id, caller: try fixture.user("clerk.tinh-dien-bien"))
            let revisions = try #require(tracked.files[0].revisions)
            #expect(
                revisions.map(\.content) == [
                    "draft", "number and date placeholders", "signer's signature", "number and date", "agency's seal",
                    "validation data",
                ])
            #expect(revisions.first?.sha256 == Digest.sha256(draft))
            #expect(revisions.last?.sha256 == view.files[0].sha256 && revisions.last?.length == Int64(main.count))
            for revision in revisions {
                #expect(revision.sha256 == Digest.sha256(main.prefix(Int(revision.length))))
            }
            #expect(tracked.files[1].revisions?.map(\.content) == ["attachment", "agency's seal", "validation data"])
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

    @Test func aCopyCarriesTheAgencysSignatureAloneWithItsNotation() async throws {
        let clerk = try fixture.user("clerk.tinh-dien-bien")
        let sha = try await fixture.upload(try SamplePDF.directive())
        let view = try await fixture.services.documents.send(
            SendRequest(
                files: [.init(sha256: sha, name: "ban-sao.pdf")], to: [ServiceFixture.naSon], type: "CT",
                subject: "Sao y Chỉ thị về cải cách hành chính", series: "copy:SY"),
            by: clerk)
        #expect(view.numberAndSymbol == "01/SY-UBND")
        let copy = try stored(view.files[0])
        let shown = try text(copy)
        for expected in ["SAO Y", "Ủy ban nhân dân tỉnh Điện Biên", "Số: 01/SY-UBND"] {
            #expect(shown.contains(expected), "\(expected): \(shown)")
        }
        #expect(!shown.contains("Số: 01/CT-UBND"), "no number placeholder is filled on a copy")
        let answer = try await fixture.services.verification.answer(
            VerifyRequest(content: copy.base64EncodedString(), signature: nil, expect: .attachment), from: "test")
        #expect(answer.verdict == Verdict.passed, "\(answer)")
        #expect(view.files[0].revisions?.map(\.content) == ["original", "agency's seal", "validation data"])
    }

    @Test func concurrentPDFSendsEachShowTheNumberTheyWereFiledUnder() async throws {
        let draft = try SamplePDF.directive()
        let views = try await withThrowingTaskGroup(of: DocumentView.self) { group in
            for _ in 0..<4 { group.addTask { try await send(draft) } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(Set(views.map(\.number)) == [1, 2, 3, 4])
        for view in views {
            #expect(try text(try stored(view.files[0])).contains("Số: \(view.numberAndSymbol)"))
        }
    }

    @Test func aPDFLargerThanTheLimitIsSignedDetachedOnly() async throws {
        let limited = try await ServiceFixture(environment: ["LIENTHONG_PDF_MAX_BYTES": "1000"])
        let draft = try SamplePDF.directive()
        let view = try await limited.services.documents.send(
            SendRequest(
                files: [.init(sha256: try await limited.upload(draft), name: "chi-thi.pdf")],
                to: [ServiceFixture.naSon],
                type: "CT", subject: "Về cải cách hành chính"),
            by: try limited.user("clerk.tinh-dien-bien"))
        #expect(try Data(contentsOf: limited.services.documents.blobs.url(for: view.files[0].sha256)) == draft)
        #expect(view.files[0].revisions == nil)
    }

    @Test func aDamagedOrEncryptedPDFIsRefusedSayingHowToRepairIt() async throws {
        let encrypted = try SamplePDF.qpdf(
            try SamplePDF.directive(), ["--encrypt", "", "owner", "256", "--"],
            in: FileManager.default.temporaryDirectory)
        for (bytes, words) in [
            (Data("%PDF-1.7 không phải PDF".utf8), "is not a PDF qpdf can read"),
            (encrypted, "is encrypted: remove its password"),
        ] {
            let refusal = await refusal { try await send(bytes) }
            guard case .pdfRefused(let detail) = refusal else {
                Issue.record("\(String(describing: refusal))")
                continue
            }
            #expect(detail.contains(words), "\(detail)")
        }
        // Nothing was filed: the register's next number is still its first.
        let year = Calendar(identifier: .gregorian).component(.year, from: Date().addingTimeInterval(7 * 3600))
        #expect(
            try fixture.services.documents.registry.documents.nextNumber(
                issuerCode: ServiceFixture.province, register: "main", year: year) == 1)
    }
}
