import Foundation
import LienThongCrypto

@testable import LienThongPDF

// The tests hold their PDFs in memory, as `Data`; the daemon's are files (`ByteSource`, `SignedPDF`).

extension PDFVerifier {
    func verify(
        _ pdf: Data, name: String = "the PDF", expecting expectation: SignatureExpectation = .any
    ) -> VerificationReport {
        verify(ByteSource(pdf), name: name, expecting: expectation)
    }

    static func signatures(in pdf: Data) throws -> [EmbeddedSignature] { try signatures(in: ByteSource(pdf)) }
}

extension QPDFFile {
    convenience init(_ pdf: Data, name: String) throws(PDFError) { try self.init(ByteSource(pdf), name: name) }
}

extension IncrementalUpdate {
    /// The PDF `file` was parsed from, with this update appended.
    func written(over file: QPDFFile) -> Data { file.source.data + write().tail }
}

extension PDFPlaceholders {
    func filling(_ values: [(field: String, text: String)], in pdf: Data, font: TrueTypeFont) throws -> Data {
        var document = SignedPDF(pdf, content: "signed")
        try filling(values, in: &document, font: font)
        return document.data
    }
}

extension Decree30Issuance {
    func approve(
        _ draft: Data, as person: SigningIdentity, name: String, image: PNGImage?, at time: Date,
        timeStamper: (any TimeStamper)?
    ) async throws -> (pdf: SignedPDF, cms: Data) {
        try await approve(
            SignedPDF(draft, content: "draft"), as: person, name: name, image: image, at: time,
            timeStamper: timeStamper)
    }
}
