import Foundation
import LienThongCrypto
import LienThongDomain
import LienThongTestSupport
import Testing

@testable import LienThongPDF

/// PDFs as other tools make them, each taken through the Decree 30 flow (the leader's signature, the number and
/// date, the seal, B-LT) and then judged by pyHanko, `qpdf --check` and LienThong's verifier: LibreOffice from a
/// Vietnamese document, Ghostscript's rewrite, qpdf's object streams and linearisation, and a PDF pyHanko signed first.
@Suite("A corpus of other tools' PDFs, signed and sealed")
struct CorpusTests {
    let pki: TestPKI
    let issuance: Decree30Issuance

    init() throws {
        pki = try TestPKI()
        issuance = Decree30Issuance(signer: PDFSigner(), font: try SamplePDF.font(), level: .blt)
    }

    /// A Vietnamese directive as a flat OpenDocument text, the format LibreOffice writes.
    static let document = """
        <?xml version="1.0" encoding="UTF-8"?>
        <office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
          xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.3"
          office:mimetype="application/vnd.oasis.opendocument.text">
          <office:body><office:text>
            <text:p>ỦY BAN NHÂN DÂN TỈNH ĐIỆN BIÊN</text:p>
            <text:p>CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM — Độc lập - Tự do - Hạnh phúc</text:p>
            <text:p>CHỈ THỊ về việc đẩy mạnh cải cách hành chính năm 2027</text:p>
            <text:p>Chủ tịch Ủy ban nhân dân các huyện chịu trách nhiệm thi hành Chỉ thị này./.</text:p>
          </office:text></office:body>
        </office:document>
        """

    /// The PDF `tool` makes, in the test's own folder.
    private func made(by tool: String) throws -> Data {
        let folder = pki.directory.appendingPathComponent("corpus-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let directive = folder.appendingPathComponent("chi-thi.pdf")
        try SamplePDF.directive().write(to: directive)
        switch tool {
        case "libreoffice":
            let source = folder.appendingPathComponent("chi-thi.fodt")
            try Data(Self.document.utf8).write(to: source)
            // Its own profile in the folder: concurrent runs do not share one.
            let result = try run(
                "soffice",
                [
                    "-env:UserInstallation=file://\(folder.path)/profile", "--headless", "--convert-to", "pdf",
                    "--outdir", folder.path, source.path,
                ])
            #expect(result.status == 0, "\(result.output)")
        case "ghostscript":
            let result = try run(
                "gs",
                [
                    "-q", "-dNOPAUSE", "-dBATCH", "-sDEVICE=pdfwrite", "-sOutputFile=\(directive.path).gs",
                    directive.path,
                ])
            #expect(result.status == 0, "\(result.output)")
            try FileManager.default.removeItem(at: directive)
            try FileManager.default.moveItem(atPath: directive.path + ".gs", toPath: directive.path)
        case "qpdf object streams":
            return try SamplePDF.qpdf(try SamplePDF.directive(), ["--object-streams=generate"], in: folder)
        case "qpdf linearised":
            return try SamplePDF.qpdf(try SamplePDF.directive(), ["--linearize"], in: folder)
        case "signed by pyHanko":
            let signed = folder.appendingPathComponent("signed.pdf")
            let key = try pki.writeKey("other.key", pki.seal.key)
            let certificate = try pki.writePEM("other.pem", [pki.seal.certificate])
            let chain = try pki.writePEM("other-chain.pem", pki.seal.intermediates)
            let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("sign.py")
            let result = try run(
                "python3",
                [
                    script.path, key.path, TestPKI.passphrase, certificate.path, chain.path, directive.path,
                    signed.path, "ChuKyTruoc", "pss",
                ])
            #expect(result.status == 0, "\(result.output)")
            return try Data(contentsOf: signed)
        default:
            break
        }
        return try Data(contentsOf: directive)
    }

    @Test(arguments: ["libreoffice", "ghostscript", "qpdf object streams", "qpdf linearised", "signed by pyHanko"])
    func eachIsSignedSealedAndValidForPyHankoQPDFAndUs(_ tool: String) async throws {
        let draft = try made(by: tool)
        try PDFSigner.check(ByteSource(draft), name: "\(tool)'s PDF")
        let time = Date()
        let approved = try await issuance.approve(
            draft, as: pki.signer, name: "Lò Văn Mừng", image: nil, at: time, timeStamper: pki.tsa)
        let (root, intermediate) = (pki.root, pki.intermediate)
        let sealed = try await issuance.issue(
            approved.pdf, approval: approved.cms, approverChain: [pki.signer.certificate] + pki.signer.intermediates,
            numberAndSymbol: "12/CT-UBND", place: nil, date: CivilDate.inVietnam(time), seal: pki.seal,
            agency: "Ủy ban nhân dân tỉnh Điện Biên", image: nil, at: time, timeStamper: pki.tsa,
            trust: try pki.trust,
            evidence: {
                try await Task.sleep(for: .seconds(1.1))
                return RevocationEvidence(crls: [
                    try root.makeRevocationList(revoked: []), try intermediate.makeRevocationList(revoked: []),
                ])
            }
        ).data
        #expect(sealed.prefix(draft.count) == draft, "the tool's bytes are kept")

        let file = try pki.write("corpus-\(UUID().uuidString).pdf", sealed)
        let check = try run("qpdf", ["--check", file.path])
        #expect(
            check.status == 0 && check.output.contains("No syntax or stream encoding errors"),
            "\(tool): \(check.output)")
        // The number shows in its placeholder, or in the seal's text on a draft someone signed before.
        // (Words in order, whatever lines the tool's own layout breaks them into.)
        let text = try run("pdftotext", ["-enc", "UTF-8", file.path, "-"]).output.precomposedStringWithCanonicalMapping
        let words = text.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        #expect(words.contains("Số: 12/CT-UBND"), "\(tool): \(text)")
        let peer = try pki.pyHanko(sealed)
        let ours = peer.filter { ["ChuKyNguoiKy", "ChuKyCoQuan"].contains($0[0]) }
        #expect(ours.count == 2 && ours.allSatisfy { $0[1] == "True" && $0[2] == "True" }, "\(tool): \(peer)")
        #expect(peer.allSatisfy { $0[2] == "True" && $0[3] == "True" }, "every signature intact and valid: \(peer)")
        let report = PDFVerifier(verifier: SignatureVerifier(trust: try pki.trust)).verify(sealed, expecting: .any)
        #expect(report.verdict == .passed, "\(tool): \(report.files.flatMap(\.checks).filter { $0.result != .passed })")
    }
}
