import Foundation
import LienThongCrypto
import LienThongDomain
import LienThongTestSupport
import Testing

@testable import LienThongPDF

/// The Decree 30 flow on a drafted directive: the leader's visible signature, the number and date filled, the seal
/// over the signature; an attachment sealed at its top right. pyHanko, `qpdf --check`, `pdftotext` and `pdftoppm`
/// are the peers.
@Suite("Decree 30: the leader's signature, the number and date, the seal, an attachment")
struct Decree30Tests {
    let pki: TestPKI
    let font: TrueTypeFont
    let issuance: Decree30Issuance
    /// 2026-11-29 09:05:00 +07:00.
    let time = Date(timeIntervalSince1970: 1_795_917_900)

    init() throws {
        pki = try TestPKI()
        font = try TrueTypeFont(contentsOf: URL(fileURLWithPath: Decree30Tests.fontPath))
        issuance = Decree30Issuance(signer: PDFSigner(), font: font, level: .blt)
    }

    static let fontPath = "/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf"

    private func evidence() -> @Sendable () async throws -> RevocationEvidence {
        let (root, intermediate) = (pki.root, pki.intermediate)
        return {
            try await Task.sleep(for: .seconds(1.1))  // CRL times are in whole seconds: after the time stamps
            return RevocationEvidence(crls: [
                try root.makeRevocationList(revoked: []), try intermediate.makeRevocationList(revoked: []),
            ])
        }
    }

    private func tool(_ name: String, _ arguments: [String], _ pdf: Data) throws -> (status: Int32, output: String) {
        let file = try pki.write("\(name)-\(UUID().uuidString).pdf", pdf)
        return try run(name, arguments + [file.path] + (name == "pdftotext" ? ["-"] : []))
    }

    /// Page 1 as a PNG, as `pdftoppm` renders it; kept under `docs/` when LIENTHONG_SCREENSHOTS names that folder.
    private func screenshot(_ pdf: Data, _ name: String) throws {
        let file = try pki.write("\(name).pdf", pdf)
        let prefix = pki.directory.appendingPathComponent(name).path
        let result = try run("pdftoppm", ["-png", "-r", "110", "-f", "1", "-l", "1", "-singlefile", file.path, prefix])
        #expect(result.status == 0, "\(result.output)")
        let png = try Data(contentsOf: URL(fileURLWithPath: prefix + ".png"))
        #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47]))
        if let folder = ProcessInfo.processInfo.environment["LIENTHONG_SCREENSHOTS"] {
            try png.write(to: URL(fileURLWithPath: folder).appendingPathComponent("\(name).png"))
        }
    }

    private func pyHanko(_ pdf: Data) throws -> [[String]] { try pki.pyHanko(pdf) }

    private func issued() async throws -> Data {
        let draft = try TextPage.directive(font: font)
        let image = try PNGImage(DemoArtwork.signature(seed: 7), name: "signature.png")
        let approved = try await issuance.approve(
            draft, as: pki.signer, name: "Lò Văn Mừng", image: image, at: time, timeStamper: pki.tsa)
        return try await issuance.issue(
            approved.pdf, approval: approved.cms, approverChain: [pki.signer.certificate] + pki.signer.intermediates,
            numberAndSymbol: "12/CT-UBND", place: "Điện Biên", date: CivilDate(year: 2026, month: 11, day: 29)!,
            seal: pki.seal, agency: "Ủy ban nhân dân tỉnh Điện Biên",
            image: try PNGImage(DemoArtwork.seal(), name: "seal.png"), at: time, timeStamper: pki.tsa,
            evidence: evidence())
    }

    @Test func aSealedDirectiveValidatesForPyHankoQPDFAndUsAndItsTextExtracts() async throws {
        let sealed = try await issued()
        let check = try tool("qpdf", ["--check"], sealed)
        #expect(check.status == 0 && check.output.contains("No syntax or stream encoding errors"), "\(check.output)")
        let peer = try pyHanko(sealed)
        #expect(peer.map { $0[0] } == ["ChuKyNguoiKy", "ChuKyCoQuan"], "\(peer)")
        #expect(peer.allSatisfy { $0[1] == "True" && $0[2] == "True" && $0[4] == "True" }, "\(peer)")
        let report = PDFVerifier(verifier: SignatureVerifier(trust: try pki.trust)).verify(sealed, expecting: .document)
        #expect(report.verdict == .passed, "\(report.checks) \(report.files.flatMap(\.checks))")

        // What a reader shows, as text: the embedded subsets' ToUnicode maps at work.
        let text = try tool("pdftotext", ["-enc", "UTF-8"], sealed).output.precomposedStringWithCanonicalMapping
        for expected in [
            "Ủy ban nhân dân tỉnh Điện Biên", "Số: 12/CT-UBND", "Điện Biên, ngày 29 tháng 11 năm 2026",
            "2026-11-29T09:05:00+07:00", "cải cách hành chính",
        ] {
            #expect(text.contains(expected), "pdftotext does not show \(expected): \(text)")
        }
        try screenshot(sealed, "sealed-directive")
    }

    @Test func aSealedAttachmentShowsTheNumberAtTheTopRight() async throws {
        let attachment = try await issuance.sealAttachment(
            try TextPage.make([.init("PHỤ LỤC: Danh sách các xã", x: 297, baseline: 700, centred: true)], font: font),
            numberAndSymbol: "12/CT-UBND", seal: pki.seal, agency: "Ủy ban nhân dân tỉnh Điện Biên", at: time,
            timeStamper: pki.tsa, evidence: evidence())
        #expect(try tool("qpdf", ["--check"], attachment).status == 0)
        let peer = try pyHanko(attachment)
        #expect(peer.count == 1 && peer[0][1] == "True", "\(peer)")
        // The text sits in the page's top right quarter.
        let box = try tool(
            "pdftotext", ["-enc", "UTF-8", "-bbox", "-x", "297", "-y", "0", "-W", "298", "-H", "200"],
            attachment
        ).output
        #expect(box.contains("12/CT-UBND") && box.contains("2026-11-29T09:05:00+07:00"), "\(box)")
        try screenshot(attachment, "sealed-attachment")
    }

    @Test func fillingTheNumberAfterTheLeaderSignedIsAllowedButChangingItAfterTheSealIsNot() async throws {
        let verifier = PDFVerifier(verifier: try pki.verifier())
        let draft = try TextPage.directive(font: font)
        let approved = try await issuance.approve(
            draft, as: pki.signer, name: "Lò Văn Mừng", image: nil, at: time, timeStamper: nil)
        let filled = try PDFPlaceholders().filling(
            [(Decree30Issuance.numberField, "Số: 12/CT-UBND")], in: approved.pdf, font: font)
        #expect(verifier.verify(filled, expecting: .any).verdict == .passed)
        #expect(throws: PDFError.self, "issuance fills blanks only") {
            try PDFPlaceholders().filling([(Decree30Issuance.numberField, "Số: 13/CT-UBND")], in: filled, font: font)
        }

        // Sealed with its number, then the number rewritten by hand in an update: the seal saw it filled.
        let sealed = try await issued()
        let file = try QPDFFile(sealed, name: "sealed")
        var update = try IncrementalUpdate(appendingTo: sealed, file)
        let field = try #require(
            file.items(of: file.key("/Fields", of: file.key("/AcroForm", of: file.root))).first {
                file.text(file.key("/T", of: $0)) == Decree30Issuance.numberField
            })
        file.set("/V", file.parse("(So: 99/CT-UBND)"), in: field)
        update.add(file.reference(field), Data(file.unparseObject(field).utf8))
        let refilled = verifier.verify(update.write().data, expecting: .document)
        #expect(refilled.verdict != .passed)
        let failures = refilled.files.flatMap(\.checks).filter { $0.id == .pdfModifications && $0.result == .failed }
        #expect(failures.contains { $0.detail.contains("(/Annot) was changed after the signature") }, "\(failures)")
    }
}
