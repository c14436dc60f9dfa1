import Foundation
import LienThongCrypto
import LienThongDomain

/// The Decree 30 flow on a PDF, as the VGCA signing tools model it: the competent person's approval (ký duyệt) over
/// the draft with its number and date still blank; then the clerk's issuance (ký phát hành): the number and date
/// filled, the agency's seal, the validation data; attachments (ký phụ lục) sealed with the document's number.
/// Every step is a revision appended to the one before, so each signature covers all that came before it.
public struct Decree30Issuance: Sendable {
    public var signer: PDFSigner
    public var font: TrueTypeFont
    public var layout: Decree30Layout
    public var level: PAdESLevel

    public init(signer: PDFSigner, font: TrueTypeFont, layout: Decree30Layout = .standard, level: PAdESLevel) {
        self.signer = signer
        self.font = font
        self.layout = layout
        self.level = level
    }

    /// The signature time stamps come from `timeStamper` from B-T up.
    private func stamper(_ timeStamper: (any TimeStamper)?) -> (any TimeStamper)? {
        level == .bb ? nil : timeStamper
    }

    /// The draft with its number and date placeholders (where it has none) and the competent person's signature,
    /// showing their signature image or, without one, their name.
    public func approve(
        _ pdf: consuming SignedPDF, as person: SigningIdentity, name: String, image: PNGImage?, at time: Date,
        timeStamper: (any TimeStamper)?
    ) async throws -> (pdf: SignedPDF, cms: Data) {
        // A draft someone signed already gets no new fields, which its signature would not allow: the seal shows
        // the number and date instead.
        if try PDFVerifier.signatures(in: pdf.bytes).isEmpty {
            try PDFPlaceholders().adding(
                [
                    .init(name: PDFPlaceholders.number, rect: layout.number),
                    .init(name: PDFPlaceholders.date, rect: layout.date),
                ], to: &pdf)
        }
        let appearance = Decree30Appearance.person(
            name: name, time: time, image: image, in: layout.signature, font: font)
        let cms = try await signer.signature(
            &pdf, as: person,
            details: .init(field: "ChuKyNguoiKy", name: name, reason: "Ký duyệt", time: time, appearance: appearance),
            timeStamper: stamper(timeStamper), content: "signer's signature")
        return (pdf, cms)
    }

    /// The approved document issued: its number and symbol and its date (with the place name, if any) filled in,
    /// the agency's seal over the left third of the person's signature, then the validation data for both (B-LT)
    /// and a document time stamp (B-LTA).
    /// - Parameters:
    ///   - approval: the CMS of the person's signature, which the validation data covers too.
    ///   - trust: the anchors the chains end in, stored with them: a long-term validation builds its past paths from
    ///     what the PDF holds alone.
    public func issue(
        _ approved: SignedPDF, approval: Data, approverChain: [Certificate], numberAndSymbol: String, place: String?,
        date: CivilDate, seal: SigningIdentity, agency: String, image: PNGImage?, at time: Date,
        timeStamper: (any TimeStamper)?, trust: TrustStore?,
        evidence: @Sendable () async throws -> RevocationEvidence
    ) async throws -> SignedPDF {
        var pdf = approved
        let lines = ["Số: \(numberAndSymbol)", [place, date.documentText].compactMap { $0 }.joined(separator: ", ")]
        let placeholders = try PDFPlaceholders().has([PDFPlaceholders.number, PDFPlaceholders.date], in: pdf.bytes)
        if placeholders {
            try PDFPlaceholders().filling(
                [(PDFPlaceholders.number, lines[0]), (PDFPlaceholders.date, lines[1])], in: &pdf, font: font)
        }
        let appearance = Decree30Appearance.seal(
            agency: agency, time: time, image: image, over: layout.signature,
            diameter: layout.sealDiameterMillimetres * Decree30Appearance.pointsPerMillimetre, font: font,
            details: placeholders ? [] : lines)
        let sealed = try await signer.signature(
            &pdf, as: seal,
            details: .init(
                field: "ChuKyCoQuan", name: agency, reason: "Ký phát hành", time: time, appearance: appearance),
            timeStamper: stamper(timeStamper), content: "agency's seal")
        return try await signer.extending(
            consume pdf, to: level,
            certificates: chain(approverChain, trust) + chain([seal.certificate] + seal.intermediates, trust),
            evidence: evidence, for: [approval, sealed], timeStamper: timeStamper)
    }

    /// A PDF attachment sealed by the agency (ký phụ lục): top right of page 1, the document's number and symbol and
    /// the time.
    public func sealAttachment(
        _ attachment: consuming SignedPDF, numberAndSymbol: String, seal: SigningIdentity, agency: String,
        at time: Date,
        timeStamper: (any TimeStamper)?, trust: TrustStore?,
        evidence: @Sendable () async throws -> RevocationEvidence
    ) async throws -> SignedPDF {
        try await sealAlone(
            consume attachment, field: "ChuKyPhuLuc", reason: "Ký phụ lục",
            appearance: Decree30Appearance.attachment(numberAndSymbol: numberAndSymbol, time: time, font: font),
            seal: seal, agency: agency, at: time, timeStamper: timeStamper, trust: trust, evidence: evidence)
    }

    /// An electronic copy (bản sao) sealed by the agency that makes it: top right of page 1, the form of copy, the
    /// agency, the copy's number and symbol, the time.
    public func sealCopy(
        _ original: consuming SignedPDF, notation: String, numberAndSymbol: String, seal: SigningIdentity,
        agency: String,
        at time: Date, timeStamper: (any TimeStamper)?, trust: TrustStore?,
        evidence: @Sendable () async throws -> RevocationEvidence
    ) async throws -> SignedPDF {
        try await sealAlone(
            consume original, field: "ChuKySao", reason: notation,
            appearance: Decree30Appearance.copy(
                notation: notation, agency: agency, numberAndSymbol: numberAndSymbol, time: time, font: font),
            seal: seal, agency: agency, at: time, timeStamper: timeStamper, trust: trust, evidence: evidence)
    }

    /// The agency's signature alone, then its validation data.
    private func sealAlone(
        _ pdf: consuming SignedPDF, field: String, reason: String, appearance: SignatureAppearance,
        seal: SigningIdentity,
        agency: String, at time: Date, timeStamper: (any TimeStamper)?, trust: TrustStore?,
        evidence: @Sendable () async throws -> RevocationEvidence
    ) async throws -> SignedPDF {
        let sealed = try await signer.signature(
            &pdf, as: seal,
            details: .init(field: field, name: agency, reason: reason, time: time, appearance: appearance),
            timeStamper: stamper(timeStamper), content: "agency's seal")
        return try await signer.extending(
            consume pdf, to: level, certificates: chain([seal.certificate] + seal.intermediates, trust),
            evidence: evidence,
            for: [sealed], timeStamper: timeStamper)
    }

    /// `path` with its anchor, when `trust` has it.
    private func chain(_ path: [Certificate], _ trust: TrustStore?) -> [Certificate] {
        trust?.chain(of: path) ?? path
    }
}
