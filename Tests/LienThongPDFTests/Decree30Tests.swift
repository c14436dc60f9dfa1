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
        font = try SamplePDF.font()
        issuance = Decree30Issuance(signer: PDFSigner(), font: font, level: .blt)
    }

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

    private func issued(at level: PAdESLevel = .blt) async throws -> Data {
        let draft = try TextPage.directive(font: font)
        let image = try PNGImage(DemoArtwork.signature(seed: 7), name: "signature.png")
        var issuance = issuance
        issuance.level = level
        let approved = try await issuance.approve(
            draft, as: pki.signer, name: "Lò Văn Mừng", image: image, at: time, timeStamper: pki.tsa)
        return try await issuance.issue(
            approved.pdf, approval: approved.cms, approverChain: [pki.signer.certificate] + pki.signer.intermediates,
            numberAndSymbol: "12/CT-UBND", place: "Điện Biên", date: CivilDate(year: 2026, month: 11, day: 29)!,
            seal: pki.seal, agency: "Ủy ban nhân dân tỉnh Điện Biên",
            image: try PNGImage(DemoArtwork.seal(), name: "seal.png"), at: time, timeStamper: pki.tsa,
            trust: try pki.trust, evidence: evidence()
        ).data
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

    /// B-LTA as pyHanko's AdES long-term validation judges it, from what the PDF holds alone: the chains up to the
    /// anchor, the CAs' CRLs issued after the signatures' time stamps, a document time stamp over all of it.
    @Test func atBLTAPyHankosLongTermValidationPassesFromThePDFAlone() async throws {
        let sealed = try await issued(at: .blta)
        let file = try pki.write("lta-\(UUID().uuidString).pdf", sealed)
        let root = try pki.writePEM("root.pem", [pki.root.certificate])
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("lta.py")
        let result = try run("python3", [script.path, root.path, file.path])
        let lines = result.output.split(separator: "\n").filter { $0.contains("|") }
        #expect(result.status == 0 && lines.count == 2, "\(result.output)")
        #expect(lines.allSatisfy { $0.contains("|PASSED|OK|") }, "\(result.output)")
    }

    @Test func aSealedAttachmentShowsTheNumberAtTheTopRight() async throws {
        let attachment = try await issuance.sealAttachment(
            SignedPDF(try SamplePDF.annex(), content: "attachment"),
            numberAndSymbol: "12/CT-UBND", seal: pki.seal, agency: "Ủy ban nhân dân tỉnh Điện Biên", at: time,
            timeStamper: pki.tsa, trust: try pki.trust, evidence: evidence()
        ).data
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

    /// A scanned directive larger than what is read into memory: signed and sealed in working files, as the daemon
    /// does with a PDF of any size, kept with each revision's hash, verified mapped; a retried issuance leaves the
    /// approved file as it was, and nothing is left behind but what was kept.
    @Test func aLargeScannedPDFIsSignedInWorkingFilesAndKeptWithEachRevisionsHash() async throws {
        let folder = pki.directory.appendingPathComponent("working-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let source = pki.directory.appendingPathComponent("scan-\(UUID().uuidString).pdf")
        try SamplePDF.scanned(pages: 20, to: source)
        let original = try Data(contentsOf: source)
        #expect(original.count > ByteSource.mappingThreshold)
        let (kept, revisions, hashes) = try await { () async throws -> (URL, [SignedPDF.Revision], [String]) in
            let approved = try await issuance.approve(
                try SignedPDF(copying: source, into: folder, content: "draft"), as: pki.signer,
                name: "Lò Văn Mừng", image: nil, at: time, timeStamper: pki.tsa)
            let issue = { (number: String) in
                try await issuance.issue(
                    approved.pdf, approval: approved.cms,
                    approverChain: [pki.signer.certificate] + pki.signer.intermediates, numberAndSymbol: number,
                    place: nil, date: CivilDate(year: 2026, month: 11, day: 29)!, seal: pki.seal,
                    agency: "Ủy ban nhân dân tỉnh Điện Biên", image: nil, at: time, timeStamper: pki.tsa,
                    trust: try pki.trust, evidence: evidence())
            }
            // The register moved on: issued again under the next number, from the same approved file.
            let first = try await issue("12/CT-UBND")
            let sealed = try await issue("13/CT-UBND")
            #expect(first.revisions.map(\.content) == sealed.revisions.map(\.content))
            #expect(first.bytes.count - approved.pdf.count > 1000 && approved.pdf.revisions.count == 3)
            #expect(try PDFPlaceholders().has([PDFPlaceholders.number], in: approved.pdf.bytes))
            let kept = try sealed.keep(in: folder)
            return (kept.file, sealed.revisions, kept.revisionHashes)
        }()
        #expect(
            revisions.map(\.content) == [
                "draft", "number and date placeholders", "signer's signature", "number and date", "agency's seal",
                "validation data",
            ])
        let signed = try Data(contentsOf: kept)
        #expect(signed.starts(with: original) && revisions.last?.length == signed.count)
        #expect(zip(revisions, hashes).allSatisfy { Digest.sha256(signed.prefix($0.length)) == $1 })
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == [kept.lastPathComponent])

        let report = PDFVerifier(verifier: SignatureVerifier(trust: try pki.trust)).verify(
            try ByteSource(contentsOf: kept), expecting: .document)
        #expect(report.verdict == .passed, "\(report.checks) \(report.files.flatMap(\.checks))")
        #expect(try tool("pdftotext", ["-enc", "UTF-8", "-l", "1"], signed).output.contains("Số: 13/CT-UBND"))
        let peer = try pyHanko(signed)
        #expect(peer.count == 2 && peer.allSatisfy { $0[1] == "True" && $0[2] == "True" }, "\(peer)")
    }

    @Test func fillingTheNumberAfterTheLeaderSignedIsAllowedButChangingItAfterTheSealIsNot() async throws {
        let verifier = PDFVerifier(verifier: try pki.verifier())
        let draft = try TextPage.directive(font: font)
        let approved = try await issuance.approve(
            draft, as: pki.signer, name: "Lò Văn Mừng", image: nil, at: time, timeStamper: nil)
        let filled = try PDFPlaceholders().filling(
            [(PDFPlaceholders.number, "Số: 12/CT-UBND")], in: approved.pdf.data, font: font)
        #expect(verifier.verify(filled, expecting: .any).verdict == .passed)
        #expect(throws: PDFError.self, "issuance fills blanks only") {
            try PDFPlaceholders().filling([(PDFPlaceholders.number, "Số: 13/CT-UBND")], in: filled, font: font)
        }

        // Sealed with its number, then the number rewritten by hand in an update: the seal saw it filled.
        let sealed = try await issued()
        let file = try QPDFFile(sealed, name: "sealed")
        var update = try IncrementalUpdate(appendingTo: file)
        let field = try #require(
            file.items(of: file.key("/Fields", of: file.key("/AcroForm", of: file.root))).first {
                file.text(file.key("/T", of: $0)) == PDFPlaceholders.number
            })
        file.set("/V", file.parse("(So: 99/CT-UBND)"), in: field)
        update.add(file.reference(field), Data(file.unparseObject(field).utf8))
        let refilled = verifier.verify(update.written(over: file), expecting: .document)
        #expect(refilled.verdict != .passed)
        let failures = refilled.files.flatMap(\.checks).filter { $0.id == .pdfModifications && $0.result == .failed }
        #expect(failures.contains { $0.detail.contains("was not blank when signed") }, "\(failures)")
    }

    /// `pdf` with the text field `name` given `value` and an appearance drawing `content`, in an update by hand.
    private func fill(
        _ pdf: Data, _ name: String, content: String, resources: String = "<< >>", filter: String? = nil
    ) throws -> Data {
        let file = try QPDFFile(pdf, name: "signed")
        var update = try IncrementalUpdate(appendingTo: file)
        let field = try #require(
            file.items(of: file.key("/Fields", of: file.key("/AcroForm", of: file.root))).first {
                file.text(file.key("/T", of: $0)) == name
            })
        let stream = update.addNewStream(
            Data(content.utf8),
            entries: "/Type /XObject /Subtype /Form /BBox [0 0 600 800] /Resources \(resources)"
                + (filter.map { " /Filter \($0)" } ?? ""),
            compressed: filter == nil, in: file)
        let appearances = file.newDictionary()
        file.set("/N", file.object(stream), in: appearances)
        file.set("/AP", appearances, in: field)
        file.set("/V", file.parse("(x)"), in: field)
        update.add(file.reference(field), Data(file.unparseObject(field).utf8))
        return update.written(over: file)
    }

    /// `pdf` with a blank text field `name` at `rect` on page 1, added by hand as another tool would.
    private func textField(_ pdf: Data, _ name: String, _ rect: PDFRect, flags: Int = 4) throws -> Data {
        let file = try QPDFFile(pdf, name: "draft")
        var update = try IncrementalUpdate(appendingTo: file)
        let widget = update.addNew(
            "<< /Type /Annot /Subtype /Widget /FT /Tx /T (\(name)) /Rect \(rect.pdf) /F \(flags) >>", in: file)
        let form = file.key("/AcroForm", of: file.root)
        if file.isDictionary(form) {
            file.append(file.object(widget), to: file.key("/Fields", of: form))
        } else {
            file.set("/AcroForm", file.parse("<< /Fields [] >>"), in: file.root)
            file.append(file.object(widget), to: file.key("/Fields", of: file.key("/AcroForm", of: file.root)))
        }
        let page = file.page(0)
        let changed = file.annotate(page, with: file.object(widget))
        update.add(file.reference(changed), Data(file.unparseObject(changed).utf8))
        update.add(file.reference(file.root), Data(file.unparseObject(file.root).utf8))
        return update.written(over: file)
    }

    private func modificationFailure(_ pdf: Data) -> String? {
        let report = PDFVerifier(verifier: SignatureVerifier(trust: try! pki.trust)).verify(pdf, expecting: .any)
        return report.files.flatMap(\.checks).first { $0.id == .pdfModifications && $0.result == .failed }?.detail
    }

    /// What a red-team pass made of the fill rule: only the number and date, only text, only a line high, only while
    /// blank, unlocked and uncertified; and no signature drawn over a page.
    @Test func onlyTheNumberAndDateMayBeFilledAndOnlyWithText() async throws {
        // A draft with an extra blank field the size of the page, and a date placeholder three lines high.
        let draft = try TextPage.directive(font: font)
        let withNote = try textField(draft, "GhiChu", PDFRect(x: 0, y: 0, width: 595, height: 842))
        await #expect(throws: PDFError.self, "a date field too tall to be a placeholder is refused, not filled") {
            try await issuance.approve(
                try textField(withNote, PDFPlaceholders.date, PDFRect(x: 290, y: 700, width: 250, height: 60)),
                as: pki.signer, name: "Lò Văn Mừng", image: nil, at: time, timeStamper: nil)
        }
        let approved = try await issuance.approve(
            withNote, as: pki.signer, name: "Lò Văn Mừng", image: nil, at: time, timeStamper: nil)
        let signed = approved.pdf.data
        let plain = modificationFailure(try fill(signed, PDFPlaceholders.number, content: "BT /F0 12 Tf (12) Tj ET"))
        #expect(plain == nil, "\(String(describing: plain))")
        #expect(
            modificationFailure(try fill(signed, PDFPlaceholders.number, content: "1 g 0 0 600 800 re f"))?
                .contains("filled with more than text") == true)
        #expect(
            modificationFailure(try fill(signed, PDFPlaceholders.number, content: "BI /W 1 /H 1 ID x EI"))?
                .contains("filled with more than text") == true)
        #expect(
            modificationFailure(try fill(signed, "GhiChu", content: "BT (So tien: 900.000.000) Tj ET"))?
                .contains("was changed after the signature") == true)
        // A third pass: a box hidden from the tokenizer by a dictionary holding a string, text in white, a filter
        // qpdf leaves undecoded, a Type 3 font whose glyphs draw what they like.
        for (content, resources, filter) in [
            ("<</A(>%)>> 1 g -5 -5 340 32 re f\nBT (x) Tj ET", "<< >>", nil),
            ("1 g BT /F0 12 Tf (900.000.000) Tj ET", "<< >>", nil),
            ("1 1 1 rg BT /F0 12 Tf (900.000.000) Tj ET", "<< >>", nil),
            ("\u{05}BT ET\u{80}", "<< >>", "/RunLengthDecode"),
            ("BT /F0 12 Tf (a) Tj ET", "<< /Font << /F0 << /Type /Font /Subtype /Type3 >> >> >>", nil),
        ] as [(String, String, String?)] {
            let failure = modificationFailure(
                try fill(signed, PDFPlaceholders.number, content: content, resources: resources, filter: filter))
            #expect(
                failure?.contains("filled with more than text") == true, "\(content): \(String(describing: failure))")
        }

        // A later signature drawn over a page is not an addition a signed document allows.
        let page = SignatureAppearance(
            page: .first, rect: PDFRect(x: 0, y: 0, width: 595, height: 842),
            items: [.text("Trang khác", x: 100, baseline: 700, size: 20, color: .black)], font: font)
        let covered = try await PDFSigner().sign(
            signed, as: pki.seal, details: .init(field: "Khac", time: time, appearance: page))
        #expect(modificationFailure(covered)?.contains("more than a sixteenth of a page") == true)
    }

    @Test func stackedOrRotatedPlaceholdersAreNotFilled() async throws {
        let verifier = PDFSigner()
        let line = PDFRect(x: 70, y: 740, width: 170, height: 18)
        // Two fields of the number's name: which one is filled is not what the signer could tell.
        let stacked = try textField(
            try textField(try TextPage.directive(font: font), PDFPlaceholders.number, line), PDFPlaceholders.number,
            PDFRect(x: 70, y: 600, width: 170, height: 18))
        // NoRotate (/F 20): drawn about the rectangle's corner on a rotated page.
        let rotated = try textField(try TextPage.directive(font: font), PDFPlaceholders.number, line, flags: 20)
        for draft in [stacked, rotated] {
            let signed = try await verifier.sign(
                draft, as: pki.signer, details: .init(field: "ChuKyNguoiKy", time: time))
            let failure = modificationFailure(
                try fill(signed, PDFPlaceholders.number, content: "BT /F0 12 Tf (12) Tj ET"))
            #expect(failure != nil, "\(String(describing: failure))")
        }
    }

    @Test func aDocumentCertifiedForNoChangesCannotBeFilled() async throws {
        // The draft's catalog names a certification with DocMDP /P 1 before the leader signs it.
        let draft = try TextPage.directive(font: font)
        let file = try QPDFFile(draft, name: "draft")
        var update = try IncrementalUpdate(appendingTo: file)
        file.set(
            "/Perms",
            file.parse("<< /DocMDP << /Reference [ << /TransformMethod /DocMDP /TransformParams << /P 1 >> >> ] >> >>"),
            in: file.root)
        update.add(file.reference(file.root), Data(file.unparseObject(file.root).utf8))
        let approved = try await issuance.approve(
            update.written(over: file), as: pki.signer, name: "Lò Văn Mừng", image: nil, at: time, timeStamper: nil)
        let filled = try PDFPlaceholders().filling(
            [(PDFPlaceholders.number, "Số: 12/CT-UBND")], in: approved.pdf.data, font: font)
        #expect(modificationFailure(filled)?.contains("certification signature permits no change") == true)
    }
}
