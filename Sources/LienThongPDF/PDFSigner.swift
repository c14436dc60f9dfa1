import Foundation
import LienThongCrypto

/// Signs a PDF as PAdES (ETSI EN 319 142-1): a new revision appended to the file, holding a signature field on page 1,
/// its signature dictionary (`/SubFilter /ETSI.CAdES.detached`) and the page and form entries that name them; the CMS
/// signature covers every byte of the file but its own `/Contents`.
///
/// The CMS is made by the engine that makes LienThong's other signatures (``DetachedSigner``): ESS
/// signing-certificate-v2, no signing-time, RSASSA-PSS unless configured otherwise, the time stamp for B-T.
public struct PDFSigner: Sendable {
    public var engine: DetachedSigner
    /// Bytes kept for the CMS signature in `/Contents`: room for the certificates and a time stamp.
    public var reserve = 32 * 1024

    public init(engine: DetachedSigner = DetachedSigner()) {
        self.engine = engine
    }

    /// Throws, saying what is wrong and how to fix it, unless `pdf` is a PDF with a page that LienThong can sign:
    /// readable by qpdf without repair, not encrypted.
    public static func check(_ pdf: ByteSource, name: String) throws(PDFError) {
        guard try QPDFFile(pdf, name: name).pageCount > 0 else {
            throw PDFError(.unsupported, "\(name) has no page to put a signature on")
        }
    }

    /// What the signature says of itself, beside the certificate.
    public struct Details: Sendable {
        /// The field's name, unique in the document (a suffix is added when it is taken).
        public var field: String
        /// `/Name`, `/Reason`, `/Location`: shown by readers; nothing here is relied on by a verifier.
        public var name: String?
        public var reason: String?
        public var location: String?
        /// `/M`, the time the signer claims; the time stamp is the one a verifier believes.
        public var time: Date
        /// What the signature shows on the page; nil for an invisible signature.
        public var appearance: SignatureAppearance?

        public init(
            field: String, name: String? = nil, reason: String? = nil, location: String? = nil, time: Date,
            appearance: SignatureAppearance? = nil
        ) {
            self.field = field
            self.name = name
            self.reason = reason
            self.location = location
            self.time = time
            self.appearance = appearance
        }
    }

    /// `pdf` with `identity`'s signature at `level`: one revision for the signature, one more for its validation
    /// data (B-LT), one more for a document time stamp (B-LTA). An agency's seal after a leader's signature is such
    /// a revision too: its byte range covers the leader's signature.
    /// - Parameters:
    ///   - timeStamper: the time-stamping authority, for B-T and above.
    ///   - evidence: for B-LT and above, CRLs and OCSP responses for the signer's certificates and the authority's,
    ///     gathered once the signature is time-stamped: long-term validation (ETSI EN 319 102-1, 5.6.2) believes
    ///     only revocation information issued after the time the signature is proven to have existed.
    public func sign(
        _ pdf: Data, as identity: SigningIdentity, details: Details, level: PAdESLevel = .bb,
        timeStamper: (any TimeStamper)? = nil,
        evidence: @Sendable () async throws -> RevocationEvidence = { RevocationEvidence() }
    ) async throws -> Data {
        guard level == .bb || timeStamper != nil else {
            throw PDFError(.unsupported, "PAdES \(level.rawValue) needs a time-stamping authority")
        }
        var document = SignedPDF(pdf, content: "unsigned")
        let cms = try await signature(
            &document, as: identity, details: details, timeStamper: level == .bb ? nil : timeStamper,
            content: "signed")
        return try await extending(
            consume document, to: level, certificates: [identity.certificate] + identity.intermediates,
            evidence: evidence,
            for: [cms], timeStamper: timeStamper
        ).data
    }

    /// Appends `identity`'s signature to `pdf` as the revision `content`, time-stamped when `timeStamper` is given
    /// (B-T); returns the signature's CMS, so that several signatures (a leader's, then the seal's) share one DSS.
    public func signature(
        _ pdf: inout SignedPDF, as identity: SigningIdentity, details: Details, timeStamper: (any TimeStamper)?,
        content: String
    ) async throws -> Data {
        let prepared = try prepare(&pdf, value: .signature(details), content: content)
        let digest = try SignedContent.byteRanges(pdf.bytes, prepared.ranges).digest(engine.digest)
        let cms = try await engine.signPDF(messageDigest: digest, as: identity, timeStamper: timeStamper)
        try fill(&pdf, prepared.contents, with: cms)
        return cms
    }

    /// Signed `pdf` taken to `level`: for B-LT and B-LTA, a DSS with `certificates`, `evidence` and a VRI entry for
    /// each of `signatures`; for B-LTA, a document time stamp over all of it.
    public func extending(
        _ pdf: consuming SignedPDF, to level: PAdESLevel, certificates: [Certificate],
        evidence: @Sendable () async throws -> RevocationEvidence, for signatures: [Data],
        timeStamper: (any TimeStamper)?
    ) async throws -> SignedPDF {
        guard level == .blt || level == .blta, let timeStamper else { return pdf }
        try addingValidationData(&pdf, certificates: certificates, evidence: try await evidence(), for: signatures)
        if level == .blta {
            try await addingDocumentTimeStamp(&pdf, timeStamper: timeStamper)
        }
        return pdf
    }

    /// Appends to `pdf` a document time stamp (`/ETSI.RFC3161`) over all of it, in a revision of its own: the proof
    /// that the signatures and validation data before it existed then (PAdES B-LTA).
    public func addingDocumentTimeStamp(_ pdf: inout SignedPDF, timeStamper: any TimeStamper) async throws {
        let prepared = try prepare(&pdf, value: .documentTimeStamp, content: "document time stamp")
        let imprint = try SignedContent.byteRanges(pdf.bytes, prepared.ranges).digest(.sha256)
        let token = try await timeStamper.timeStampToken(imprint: imprint, algorithm: .sha256)
        try fill(&pdf, prepared.contents, with: token)
    }

    /// Appends to `pdf` a Document Security Store (ISO 32000-2, 12.8.4.3) holding `certificates` and `evidence`,
    /// added to what it already holds, and a VRI entry for each of `signatures` (their CMS): a verifier then needs
    /// nothing from the network (PAdES B-LT).
    public func addingValidationData(
        _ pdf: inout SignedPDF, certificates: [Certificate], evidence: RevocationEvidence, for signatures: [Data]
    ) throws {
        let file = try QPDFFile(pdf.bytes, name: "the PDF")
        var update = try IncrementalUpdate(appendingTo: file)
        let root = file.root
        let existing = file.key("/DSS", of: root)
        let dss = file.reserveObject()
        var streams: [String: [String]] = [:]
        var written: Set<Data> = []
        for (key, items) in [
            ("/Certs", certificates.map(\.der)), ("/CRLs", evidence.crls.map(\.der)),
            ("/OCSPs", evidence.ocspResponses),
        ] {
            streams[key] = file.items(of: file.key(key, of: existing)).map(file.unparse)
            for item in items where written.insert(item).inserted {
                let stream = update.addNewStream(item, compressed: false, in: file)
                streams[key, default: []].append("\(stream)")
            }
        }
        let known = file.unparse(file.key("/VRI", of: existing))
        var vri = known.hasPrefix("<<") ? String(known.dropFirst(2).dropLast(2)) : ""
        let all = streams.mapValues { $0.joined(separator: " ") }
        for signature in signatures {
            // Keyed by the SHA-1 of /Contents as stored, its padding included, as Adobe's and pyHanko's are.
            var contents = signature
            contents.append(Data(count: max(0, reserve - signature.count)))
            vri +=
                " /\(Digest.sha1Identifier(contents)) << /Cert [\(all["/Certs"] ?? "")] "
                + "/CRL [\(all["/CRLs"] ?? "")] /OCSP [\(all["/OCSPs"] ?? "")] >>"
        }
        update.add(
            file.reference(dss),
            Data(
                ("<< /Type /DSS /Certs [\(all["/Certs"] ?? "")] /CRLs [\(all["/CRLs"] ?? "")] "
                    + "/OCSPs [\(all["/OCSPs"] ?? "")] /VRI << \(vri) >> >>").utf8))
        file.set("/DSS", dss, in: root)
        try file.check("the catalog")
        update.add(file.reference(root), Data(file.unparseObject(root).utf8))
        try pdf.append(update.write().tail, "validation data")
    }

    /// `cms` written into the room `contents` (the hex string's `<` to its `>`) kept for it.
    private func fill(_ pdf: inout SignedPDF, _ contents: Range<Int>, with cms: Data) throws {
        let hex = PDFSyntax.hexBytes(cms)
        guard hex.count <= contents.count - 2 else {
            throw PDFError(
                .signatureTooLarge,
                "the signature takes \(cms.count) bytes, more than the \(reserve) kept for it in the PDF")
        }
        try pdf.overwrite(at: contents.lowerBound + 1, with: hex)
    }

    /// What the new field's value is: a signature, or a document time stamp.
    private enum FieldValue {
        case signature(Details)
        case documentTimeStamp
    }

    /// Appends the new revision `content` to `pdf` with its `/ByteRange` filled and `/Contents` still zeros;
    /// returns what the signature covers and where its `/Contents` is.
    private func prepare(
        _ pdf: inout SignedPDF, value: FieldValue, content: String
    ) throws -> (ranges: [Range<Int>], contents: Range<Int>) {
        let file = try QPDFFile(pdf.bytes, name: "the PDF")
        guard file.pageCount > 0 else { throw PDFError(.unsupported, "the PDF has no page to put a signature on") }
        var update = try IncrementalUpdate(appendingTo: file)

        var appearance: SignatureAppearance?
        if case .signature(let details) = value { appearance = details.appearance }
        let page = file.page(appearance?.page == .last ? file.pageCount - 1 : 0)
        let root = file.root
        let signatureObject = file.reserveObject()
        let widget = file.reserveObject()
        var changed: [QPDFFile.Handle] = []

        // The widget goes into page 1's annotations, wherever the array lives.
        changed.append(file.annotate(page, with: widget))
        // And into the form's fields, with /SigFlags 3: the document has signatures, and is changed only by
        // appending.
        let form = file.key("/AcroForm", of: root)
        var taken: Set<String> = []
        if file.isDictionary(form) {
            let fields = file.key("/Fields", of: form)
            if file.isArray(fields) {
                for index in 0..<file.count(fields) {
                    taken.insert(file.unparse(file.key("/T", of: file.item(index, of: fields))))
                }
                file.append(widget, to: fields)
                if file.isIndirect(fields) { changed.append(fields) }
            } else {
                let array = file.newArray()
                file.append(widget, to: array)
                file.set("/Fields", array, in: form)
            }
            file.set("/SigFlags", file.parse("3"), in: form)
            changed.append(file.isIndirect(form) ? form : root)
        } else {
            let newForm = file.newDictionary()
            let fields = file.newArray()
            file.append(widget, to: fields)
            file.set("/Fields", fields, in: newForm)
            file.set("/SigFlags", file.parse("3"), in: newForm)
            file.set("/AcroForm", newForm, in: root)
            changed.append(root)
        }
        try file.check("the pages and the form")

        let field: String
        let dictionary: String
        let placeholder = String(repeating: " ", count: 3 * 11)
        let common =
            "/Filter /Adobe.PPKLite /ByteRange [0 \(placeholder)] /Contents <"
            + String(decoding: [UInt8](repeating: 0x30, count: reserve * 2), as: UTF8.self) + ">"
        switch value {
        case .signature(let details):
            field = details.field
            var entries = "/Type /Sig /SubFilter /ETSI.CAdES.detached \(common) /M \(PDFSyntax.date(details.time))"
            for (key, text) in [("/Name", details.name), ("/Reason", details.reason), ("/Location", details.location)] {
                if let text { entries += " \(key) \(PDFSyntax.text(text))" }
            }
            dictionary = "<< \(entries) >>"
        case .documentTimeStamp:
            field = "DocumentTimeStamp"
            dictionary = "<< /Type /DocTimeStamp /SubFilter /ETSI.RFC3161 \(common) >>"
        }
        var name = PDFSyntax.text(field)
        var suffix = 2
        while taken.contains(name) {
            name = PDFSyntax.text("\(field) \(suffix)")
            suffix += 1
        }
        let signatureReference = file.reference(signatureObject)
        for handle in changed {
            update.add(file.reference(handle), Data(file.unparseObject(handle).utf8))
        }
        // Printed and locked (/F 132); an invisible signature has an empty rectangle.
        var shown = "/Rect [0 0 0 0]"
        if let appearance {
            let rect = appearance.placed(on: file.visibleBox(of: page))
            shown = "/Rect \(rect.pdf) /AP << /N \(try appearance.write(into: &update, file: file)) >>"
        }
        update.add(
            file.reference(widget),
            Data(
                ("<< /Type /Annot /Subtype /Widget /FT /Sig /T \(name) /V \(signatureReference) /F 132 \(shown) "
                    + "/P \(file.reference(page)) >>").utf8))
        update.add(signatureReference, Data(dictionary.utf8))

        var (tail, offsets) = update.write()
        // Where /ByteRange's numbers and /Contents' hex string are, in the signature's object; offsets in the file.
        let start = pdf.count
        let body = tail[(tail.startIndex + offsets[signatureReference]! - start)...]
        guard let rangeKey = body.firstRange(of: Data("/ByteRange [0 ".utf8)),
            let contentsKey = body.firstRange(of: Data("/Contents <".utf8))
        else { throw PDFError(.unsupported, "the signature dictionary was not written as expected") }
        // From the `<` to just after the `>` of the hex string.
        let opening = start + contentsKey.upperBound - 1 - tail.startIndex
        let contents = opening..<opening + reserve * 2 + 2
        let end = start + tail.count
        let numbers = "\(contents.lowerBound) \(contents.upperBound) \(end - contents.upperBound)]"
        let filled = Array((numbers + String(repeating: " ", count: placeholder.count + 1 - numbers.count)).utf8)
        tail.replaceSubrange(rangeKey.upperBound..<rangeKey.upperBound + filled.count, with: filled)
        try pdf.append(tail, content)
        return ([0..<contents.lowerBound, contents.upperBound..<end], contents)
    }
}

/// The PAdES baseline levels (ETSI EN 319 142-1, 6): what a signature carries so that it can be verified later.
public enum PAdESLevel: String, Sendable, Codable, CaseIterable {
    /// The signature alone.
    case bb = "B-B"
    /// With a time stamp over the signature value: the signature existed then.
    case bt = "B-T"
    /// With the certificates, CRLs and OCSP responses in the document's DSS: verifiable without the network.
    case blt = "B-LT"
    /// With a document time stamp over all of that: verifiable after the certificates expire.
    case blta = "B-LTA"
}
