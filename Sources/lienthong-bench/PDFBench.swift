import Foundation
import LienThongCrypto
import LienThongPDF
import LienThongTestSupport

extension Bench {
    /// PAdES on a 1 MB PDF: the leader's signature, then the agency's seal, each at B-LT (a time stamp over the
    /// signature, then a DSS), beside the two raw RSA signatures a document needs; then its verification from the
    /// PDF alone, with the DSS as the only evidence.
    func measurePDF(_ figures: inout [Figure]) async throws {
        let testPKI = try TestPKI()
        let pki = try DemoPKI()
        let pdf = SamplePDF.minimal(padding: 1 << 20)
        let signer = PDFSigner()
        let evidence = pki.crls
        let rawSign = { try RawRSA.sign(pki.signer.key) }
        let document = {
            let approved = try await signer.sign(
                pdf, as: pki.signer, details: .init(field: "ChuKyLanhDao", time: Date()), level: .blt,
                timeStamper: pki.tsa, evidence: { evidence })
            return try await signer.sign(
                approved, as: pki.seal, details: .init(field: "ConDau", time: Date()), level: .blt,
                timeStamper: pki.tsa, evidence: { evidence })
        }
        try await figures.append(
            Figure(
                name: "PAdES signer + seal at B-LT, 1 MB PDF (documents/s; limit 2 RSA signs)",
                paired({
                    try rawSign()
                    try rawSign()
                }) { _ = try await document() }))
        let sealed = ByteSource(try await document())
        let verifier = PDFVerifier(verifier: SignatureVerifier(trust: pki.trust))
        guard verifier.verify(sealed, expecting: .document).verdict == .passed else {
            throw BenchFailure("the sealed PDF does not verify")
        }
        try await figures.append(
            Figure(
                name: "PAdES verify, signer + seal + DSS, 1 MB PDF (documents/s)",
                paired({}) { _ = verifier.verify(sealed, expecting: .document) }, bounded: false))
        try pyHanko(pdf, pki: testPKI, &figures)
    }

    /// pyHanko (in its own process, measured by itself over the same seconds) signing the same PDF at B-LT with the
    /// same signing key, an in-process TSA (RSA: pyHanko's has no ECDSA) and the same CRLs, and validating what it signed with revocation: the peer the
    /// issue compares against. Our figures above count documents of two signatures each.
    private func pyHanko(_ pdf: Data, pki: TestPKI, _ figures: inout [Figure]) throws {
        let directory = pki.directory.appendingPathComponent("pyhanko-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = { (name: String, data: Data) throws -> String in
            let url = directory.appendingPathComponent(name)
            try data.write(to: url)
            return url.path
        }
        let pem = { (certificates: [Certificate]) in Data(certificates.map(\.pem).joined().utf8) }
        // pyHanko's in-process TSA signs with RSA only: one of its own, under the same CA.
        let tsa = try TestPKI.identity(
            pki.intermediate, name: "TSA (RSA)", role: .seal, profile: .timeStamping)
        let arguments = [
            try file("bench.py", Data(Self.pyHankoScript.utf8)),
            try file("signer.key", pki.signer.key.pemPKCS8(encryptedWith: TestPKI.passphrase)), TestPKI.passphrase,
            try file("signer.pem", pem([pki.signer.certificate] + pki.signer.intermediates)),
            try file("tsa.key", tsa.key.pemPKCS8(encryptedWith: TestPKI.passphrase)),
            try file("tsa.pem", pem([tsa.certificate] + tsa.intermediates)),
            try file("root.pem", pem([pki.root.certificate])),
            try file("root.crl", try pki.root.makeRevocationList(revoked: []).der),
            try file("ca.crl", try pki.intermediate.makeRevocationList(revoked: []).der),
            try file("in.pdf", pdf), String(seconds),
        ]
        let result = try LienThongTestSupport.run("python3", arguments)
        let rates = Dictionary(
            uniqueKeysWithValues: result.output.split(separator: "\n").compactMap { line -> (String, Double)? in
                let parts = line.split(separator: " ")
                guard parts.count == 2, let rate = Double(parts[1]) else { return nil }
                return (String(parts[0]), rate)
            })
        guard result.status == 0, let signing = rates["sign"], let validating = rates["validate"] else {
            print("(pyHanko was not measured: \(result.output.suffix(300)))")
            return
        }
        figures.append(
            Figure(name: "pyHanko: one signature at B-LT, same 1 MB PDF (signatures/s)", perSecond: signing, limit: nil)
        )
        figures.append(
            Figure(
                name: "pyHanko: validating it with revocation (signatures/s)", perSecond: validating, limit: nil))
    }

    /// Signs `in.pdf` at B-LT for the given seconds, then validates the last result for as long; prints both rates.
    private static let pyHankoScript = """
        import sys, time
        from pyhanko.keys import load_cert_from_pemder, load_certs_from_pemder, load_private_key_from_pemder
        from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
        from pyhanko.pdf_utils.reader import PdfFileReader
        from pyhanko.sign import fields, signers
        from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper
        from pyhanko.sign.validation import validate_pdf_signature
        from pyhanko_certvalidator import ValidationContext
        from pyhanko_certvalidator.registry import SimpleCertificateStore
        from io import BytesIO

        key, passphrase, cert, tsa_key, tsa_cert, root, root_crl, ca_crl, source, seconds = sys.argv[1:11]
        chain = list(load_certs_from_pemder([cert]))
        tsa_chain = list(load_certs_from_pemder([tsa_cert]))
        signer = signers.SimpleSigner(
            signing_cert=chain[0], signing_key=load_private_key_from_pemder(key, passphrase.encode()),
            cert_registry=SimpleCertificateStore.from_certs(chain[1:]), prefer_pss=True)
        stamper = DummyTimeStamper(
            tsa_chain[0], load_private_key_from_pemder(tsa_key, passphrase.encode()),
            certs_to_embed=SimpleCertificateStore.from_certs(tsa_chain[1:]))
        crls = [open(root_crl, "rb").read(), open(ca_crl, "rb").read()]
        def context():
            return ValidationContext(
                trust_roots=[load_cert_from_pemder(root)], crls=crls, allow_fetching=False,
                revocation_mode="hard-fail")
        pdf = open(source, "rb").read()
        def sign():
            metadata = signers.PdfSignatureMetadata(
                field_name="ChuKy", subfilter=fields.SigSeedSubFilter.PADES, embed_validation_info=True,
                validation_context=context())
            out = BytesIO()
            signers.sign_pdf(IncrementalPdfFileWriter(BytesIO(pdf)), metadata, signer=signer, timestamper=stamper,
                output=out)
            return out.getvalue()
        def rate(work):
            count, start = 0, time.process_time()
            while time.process_time() - start < float(seconds) or count == 0:
                result = work()
                count += 1
            return count / (time.process_time() - start), result
        signing, signed = rate(sign)
        def validate():
            status = validate_pdf_signature(
                PdfFileReader(BytesIO(signed)).embedded_signatures[0], context())
            assert status.bottom_line, status.pretty_print_details()
        validating, _ = rate(validate)
        print("sign", signing)
        print("validate", validating)
        """
}
