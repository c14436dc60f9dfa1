import Foundation
import LienThongCrypto
import LienThongPDF
import LienThongTestSupport

extension Bench {
    /// PAdES on a 1 MB PDF: the leader's signature, then the agency's seal, each at B-LT (a time stamp over the
    /// signature, then a DSS), beside the two raw RSA signatures a document needs; then its verification from the
    /// PDF alone, with the DSS as the only evidence.
    func measurePDF(_ figures: inout [Figure]) async throws {
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
        let sealed = try await document()
        let verifier = PDFVerifier(verifier: SignatureVerifier(trust: pki.trust))
        guard verifier.verify(sealed, expecting: .document).verdict == .passed else {
            throw BenchFailure("the sealed PDF does not verify")
        }
        try await figures.append(
            Figure(
                name: "PAdES verify, signer + seal + DSS, 1 MB PDF (documents/s)",
                paired({}) { _ = verifier.verify(sealed, expecting: .document) }, bounded: false))
    }
}
