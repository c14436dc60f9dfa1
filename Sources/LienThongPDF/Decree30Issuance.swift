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
        _ draft: Data, as person: SigningIdentity, name: String, image: PNGImage?, at time: Date,
        timeStamper: (any TimeStamper)?
    ) async throws -> (pdf: SignedPDF, cms: Data) {
        var pdf = SignedPDF(draft, content: "draft")
        pdf.append(
            try PDFPlaceholders().adding(
                [
                    .init(name: PDFPlaceholders.number, rect: layout.number),
                    .init(name: PDFPlaceholders.date, rect: layout.date),
                ], to: draft), "number and date placeholders")
        let appearance = Decree30Appearance.person(
            name: name, time: time, image: image, in: layout.signature, font: font)
        let signed = try await signer.signature(
            pdf.data, as: person,
            details: .init(field: "ChuKyNguoiKy", name: name, reason: "Ký duyệt", time: time, appearance: appearance),
            timeStamper: stamper(timeStamper))
        pdf.append(signed.pdf, "signer's signature")
        return (pdf, signed.cms)
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
        let dateLine = [place, date.documentText].compactMap { $0 }.joined(separator: ", ")
        pdf.append(
            try PDFPlaceholders().filling(
                [(PDFPlaceholders.number, "Số: \(numberAndSymbol)"), (PDFPlaceholders.date, dateLine)], in: pdf.data,
                font: font),
            "number and date")
        let appearance = Decree30Appearance.seal(
            agency: agency, time: time, image: image, over: layout.signature,
            diameter: layout.sealDiameterMillimetres * Decree30Appearance.pointsPerMillimetre, font: font)
        let sealed = try await signer.signature(
            pdf.data, as: seal,
            details: .init(
                field: "ChuKyCoQuan", name: agency, reason: "Ký phát hành", time: time, appearance: appearance),
            timeStamper: stamper(timeStamper))
        pdf.append(sealed.pdf, "agency's seal")
        return try await signer.extending(
            pdf, to: level,
            certificates: chain(approverChain, trust) + chain([seal.certificate] + seal.intermediates, trust),
            evidence: evidence, for: [approval, sealed.cms], timeStamper: timeStamper)
    }

    /// A PDF attachment sealed by the agency (ký phụ lục): top right of page 1, the document's number and symbol and
    /// the time.
    public func sealAttachment(
        _ attachment: Data, numberAndSymbol: String, seal: SigningIdentity, agency: String, at time: Date,
        timeStamper: (any TimeStamper)?, trust: TrustStore?,
        evidence: @Sendable () async throws -> RevocationEvidence
    ) async throws -> SignedPDF {
        var pdf = SignedPDF(attachment, content: "attachment")
        let appearance = Decree30Appearance.attachment(numberAndSymbol: numberAndSymbol, time: time, font: font)
        let sealed = try await signer.signature(
            attachment, as: seal,
            details: .init(
                field: "ChuKyPhuLuc", name: agency, reason: "Ký phụ lục", time: time, appearance: appearance),
            timeStamper: stamper(timeStamper))
        pdf.append(sealed.pdf, "agency's seal")
        return try await signer.extending(
            pdf, to: level, certificates: chain([seal.certificate] + seal.intermediates, trust), evidence: evidence,
            for: [sealed.cms], timeStamper: timeStamper)
    }

    /// `path` with its anchor, when `trust` has it.
    private func chain(_ path: [Certificate], _ trust: TrustStore?) -> [Certificate] {
        trust?.chain(of: path) ?? path
    }
}
