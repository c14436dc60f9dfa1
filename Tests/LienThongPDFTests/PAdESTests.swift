import Foundation
import LienThongCrypto
import LienThongTestSupport
import Testing

@testable import LienThongPDF

/// PAdES signatures appended to PDFs of every cross-reference shape, checked by pyHanko and `qpdf --check` as peers
/// and by LienThong's own verifier; tampering after a signature fails, naming what changed.
@Suite("PAdES: signing PDFs and verifying them, with pyHanko and qpdf as peers")
struct PAdESTests {
    let pki: TestPKI
    let signer = PDFSigner()

    init() throws { pki = try TestPKI() }

    private func details(_ field: String) -> PDFSigner.Details {
        PDFSigner.Details(field: field, name: "Nguyễn Văn An", reason: "Ký duyệt", location: "Điện Biên", time: Date())
    }

    private func pyHanko(_ pdf: Data) throws -> [[String]] { try pki.pyHanko(pdf) }

    private func qpdfCheck(_ pdf: Data) throws -> (status: Int32, output: String) {
        try run("qpdf", ["--check", try pki.write("checked-\(UUID().uuidString).pdf", pdf).path])
    }

    private func ours(_ pdf: Data, _ expectation: SignatureExpectation = .any) throws -> VerificationReport {
        PDFVerifier(verifier: try pki.verifier()).verify(pdf, expecting: expectation)
    }

    @Test(arguments: ["classic table", "object streams", "linearised"])
    func aSignatureOnEachShapeOfPDFIsValidForPyHankoQPDFAndUs(_ shape: String) async throws {
        let original: Data =
            switch shape {
            case "object streams":
                try SamplePDF.qpdf(SamplePDF.minimal(), ["--object-streams=generate"], in: pki.directory)
            case "linearised": try SamplePDF.qpdf(SamplePDF.minimal(), ["--linearize"], in: pki.directory)
            default: SamplePDF.minimal()
            }
        let signed = try await signer.sign(original, as: pki.signer, details: details("ChuKyLanhDao"))
        #expect(signed.prefix(original.count) == original, "nothing before the new revision is rewritten")
        let check = try qpdfCheck(signed)
        #expect(check.status == 0 && check.output.contains("No syntax or stream encoding errors"), "\(check.output)")
        let peer = try pyHanko(signed)
        #expect(
            peer.count == 1 && peer[0][1] == "True" && peer[0][4] == "True" && peer[0][5] == "ENTIRE_FILE", "\(peer)")
        let report = try ours(signed)
        #expect(report.verdict == .passed, "\(report.files.flatMap(\.checks))")
        #expect(report.files.first?.signatures.first?.role == .signer)
        #expect(
            report.files.first?.checks.contains { $0.id == .pdfByteRange && $0.detail.contains("whole file") } == true)
    }

    @Test func theLeaderSignsThenTheAgencySealsWithATimeStamp() async throws {
        let approved = try await signer.sign(SamplePDF.minimal(), as: pki.signer, details: details("ChuKyLanhDao"))
        let sealed = try await signer.sign(
            approved, as: pki.seal, details: details("ConDauCoQuan"), level: .bt, timeStamper: pki.tsa)
        let peer = try pyHanko(sealed)
        #expect(peer.map { $0[0] } == ["ChuKyLanhDao", "ConDauCoQuan"], "\(peer)")
        #expect(peer.allSatisfy { $0[1] == "True" && $0[2] == "True" && $0[4] == "True" }, "\(peer)")
        // For pyHanko, the seal's revision fills the form (a new signature field); after it, nothing.
        #expect(peer.map { $0[6] } == ["FORM_FILLING", "NONE"], "\(peer)")
        #expect(try qpdfCheck(sealed).status == 0)
        let report = try ours(sealed, .document)
        #expect(report.verdict == .passed, "\(report.checks) \(report.files.flatMap(\.checks))")
        #expect(report.files.map { $0.signatures.first?.role } == [.signer, .seal])
        #expect(report.files[1].signatures.first?.timeStampedAt != nil)
        #expect(report.files[0].checks.contains { $0.id == .pdfModifications && $0.result == .passed })
        // Sealed alone, a document lacks the leader's signature.
        let sealOnly = try await signer.sign(SamplePDF.minimal(), as: pki.seal, details: details("ConDauCoQuan"))
        #expect(try ours(sealOnly, .document).verdict.subIndication == .sigConstraintsFailure)
    }

    @Test func aPageRewrittenAfterTheSignatureIsNamed() async throws {
        let original = SamplePDF.minimal()
        let signed = try await signer.sign(original, as: pki.signer, details: details("ChuKyLanhDao"))
        // A revision that replaces the page's content stream, as a forger would.
        let file = try QPDFFile(signed, name: "signed")
        var update = try IncrementalUpdate(appendingTo: file)
        let forged = "BT /F1 14 Tf 72 760 Td (Cong van so 99/UBND-VP) Tj ET"
        update.add(
            ObjectReference(number: 5, generation: 0),
            Data("<< /Length \(forged.utf8.count) >>\nstream\n\(forged)\nendstream".utf8))
        let tampered = update.written(over: file)
        let report = try ours(tampered)
        let check = try #require(report.files.first?.checks.first { $0.id == .pdfModifications })
        #expect(check.result == .failed && check.detail.contains("object 5"), "\(check.detail)")
        #expect(report.verdict.indication == .totalFailed)
        let peer = try pyHanko(tampered)
        #expect(peer.first?[1] == "False", "pyHanko agrees: \(peer)")
    }

    @Test func aChangedByteOrARemovedSignatureFails() async throws {
        let signed = try await signer.sign(SamplePDF.minimal(), as: pki.signer, details: details("ChuKyLanhDao"))
        var flipped = signed
        let at = try #require(flipped.firstRange(of: Data("Cong van so 01".utf8))).lowerBound + 12
        flipped[at] = UInt8(ascii: "7")
        #expect(try ours(flipped).verdict.subIndication == .hashFailure)
        // The original, unsigned: no signature is not a pass.
        let none = try ours(SamplePDF.minimal())
        #expect(none.verdict.indication == .totalFailed && none.checks.first?.detail.contains("no signature") == true)
        // A file that starts as a PDF and is not one: a failed report that says so, not an error or a pass.
        let broken = try ours(Data("%PDF-1.7\nhỏng\n".utf8))
        #expect(
            broken.verdict.indication == .totalFailed
                && broken.checks.first?.detail.contains("not a PDF qpdf can read") == true, "\(broken.checks)")
    }

    @Test func encryptedAndDamagedPDFsAreRefusedWithTheirReason() async throws {
        let encrypted = try SamplePDF.qpdf(
            SamplePDF.minimal(), ["--encrypt", "", "chu-so-huu", "256", "--"], in: pki.directory)
        await #expect(throws: PDFError.self) {
            _ = try await signer.sign(encrypted, as: pki.signer, details: details("ChuKy"))
        }
        do {
            _ = try await signer.sign(encrypted, as: pki.signer, details: details("ChuKy"))
        } catch let error as PDFError {
            #expect(error.kind == .encrypted && error.description.contains("qpdf --decrypt"), "\(error)")
        }
        var damaged = SamplePDF.minimal()
        let xref = try #require(damaged.lastRange(of: Data("startxref\n".utf8)))
        damaged.replaceSubrange(xref.upperBound..<xref.upperBound + 2, with: Data("99".utf8))
        do {
            _ = try await signer.sign(damaged, as: pki.signer, details: details("ChuKy"))
            Issue.record("a damaged PDF was signed")
        } catch let error as PDFError {
            #expect(error.kind == .unreadable && error.description.contains("repair"), "\(error)")
        }
        do {
            _ = try await signer.sign(Data("not a pdf".utf8), as: pki.signer, details: details("ChuKy"))
            Issue.record("text was signed as a PDF")
        } catch let error as PDFError {
            #expect(error.kind == .unreadable, "\(error)")
        }
    }

    @Test func atBLTAThePDFCarriesItsValidationDataAndADocumentTimeStamp() async throws {
        // The CAs' CRLs as a responder would serve them once the signature is time-stamped: issued after it.
        let (root, intermediate) = (pki.root, pki.intermediate)
        let fresh: @Sendable () async throws -> RevocationEvidence = {
            try await Task.sleep(for: .seconds(1.1))  // CRL times are in whole seconds
            return RevocationEvidence(crls: [
                try root.makeRevocationList(revoked: []), try intermediate.makeRevocationList(revoked: []),
            ])
        }
        let approved = try await signer.sign(
            SamplePDF.minimal(), as: pki.signer, details: details("ChuKyLanhDao"), level: .blt, timeStamper: pki.tsa,
            evidence: fresh)
        let sealed = try await signer.sign(
            approved, as: pki.seal, details: details("ConDauCoQuan"), level: .blta, timeStamper: pki.tsa,
            evidence: fresh)
        #expect(try qpdfCheck(sealed).status == 0)
        let peer = try pyHanko(sealed)
        #expect(peer.map { $0[0] } == ["ChuKyLanhDao", "ConDauCoQuan", "DocumentTimeStamp"], "\(peer)")
        #expect(peer.allSatisfy { $0[1] == "True" && $0[4] == "True" }, "\(peer)")

        // Ours, with no CRL but the PDF's own (B-LT): the DSS is the evidence.
        let bare = SignatureVerifier(trust: try pki.trust)
        let report = PDFVerifier(verifier: bare).verify(sealed, expecting: .document)
        #expect(report.verdict == .passed, "\(report.checks) \(report.files.flatMap(\.checks))")
        #expect(report.files.map(\.name).last == "document time stamp DocumentTimeStamp")
        #expect(report.files.last?.checks.first { $0.id == .timeStamp }?.result == .passed)
        // Without the DSS, the same signatures lack revocation evidence: the DSS is what made them pass.
        let unstored = PDFVerifier(verifier: bare).verify(approved.prefix(while: { _ in true }), expecting: .any)
        #expect(unstored.verdict == .passed)
        let plain = try await signer.sign(
            SamplePDF.minimal(), as: pki.signer, details: details("ChuKy"), level: .bt, timeStamper: pki.tsa)
        #expect(PDFVerifier(verifier: bare).verify(plain).verdict.indication == .indeterminate)

        // A document time stamp over other bytes than these: named.
        var forged = sealed
        let dss = try #require(forged.lastRange(of: Data("/Type /DSS".utf8)))
        forged[dss.lowerBound + 1] = UInt8(ascii: "t")
        let broken = PDFVerifier(verifier: bare).verify(forged)
        let stamp = try #require(broken.files.last?.checks.first { $0.id == .timeStamp })
        #expect(stamp.result == .failed && stamp.detail.contains("not made over these bytes"), "\(stamp.detail)")
    }

    /// Poppler's `pdfsig` reads PKCS#1 v1.5 signatures by rsaEncryption keys (it refuses RSASSA-PSS keys, and
    /// ignores modifications): what LienThong signs that way is Valid and Trusted there too.
    @Test func pdfsigFindsAPKCS1SignatureValidAndTrusted() async throws {
        let legacy = PDFSigner(engine: DetachedSigner(padding: .pkcs1v15))
        let signed = try await legacy.sign(
            SamplePDF.minimal(), as: pki.signer, details: details("ChuKyLanhDao"), level: .bt, timeStamper: pki.tsa)
        let database = pki.directory.appendingPathComponent("nss-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: database, withIntermediateDirectories: true)
        let root = try pki.writePEM("root.pem", [pki.root.certificate])
        #expect(try run("certutil", ["-N", "-d", "sql:\(database.path)", "--empty-password"]).status == 0)
        let added = try run(
            "certutil", ["-A", "-d", "sql:\(database.path)", "-n", "root", "-t", "CT,C,C", "-i", root.path])
        #expect(added.status == 0, "\(added.output)")
        let file = try pki.write("pdfsig-\(UUID().uuidString).pdf", signed)
        let checked = try run("pdfsig", ["-nssdir", "sql:\(database.path)", file.path])
        #expect(
            checked.output.contains("Signature is Valid") && checked.output.contains("Certificate is Trusted")
                && checked.output.contains("ETSI.CAdES.detached"), "\(checked.output)")
    }
}
