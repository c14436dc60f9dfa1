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

        public init(field: String, name: String? = nil, reason: String? = nil, location: String? = nil, time: Date) {
            self.field = field
            self.name = name
            self.reason = reason
            self.location = location
            self.time = time
        }
    }

    /// `pdf` with one more revision holding `identity`'s signature. An agency's seal after a leader's signature is
    /// such a revision too: its byte range covers the leader's signature.
    /// - Parameter timeStamper: stamps the signature value (B-T); without it, B-B.
    public func sign(
        _ pdf: Data, as identity: SigningIdentity, details: Details, timeStamper: (any TimeStamper)? = nil
    ) async throws -> Data {
        let prepared = try prepare(pdf, details: details)
        let digest = try SignedContent.byteRanges(prepared.data, prepared.ranges).digest(engine.digest)
        let signature = try await engine.signPDF(messageDigest: digest, as: identity, timeStamper: timeStamper)
        let hex = Array(signature.map { PDFSyntax.hex(Int($0), width: 2) }.joined().utf8)
        guard hex.count <= prepared.contents.count - 2 else {
            throw PDFError(
                .signatureTooLarge,
                "the signature takes \(signature.count) bytes, more than the \(reserve) kept for it in the PDF")
        }
        var data = prepared.data
        let start = data.startIndex + prepared.contents.lowerBound + 1
        data.replaceSubrange(start..<start + hex.count, with: hex)
        return data
    }

    /// The PDF with the new revision written and its `/ByteRange` filled, `/Contents` still zeros.
    private func prepare(
        _ pdf: Data, details: Details
    ) throws -> (data: Data, ranges: [Range<Int>], contents: Range<Int>) {
        let file = try QPDFFile(pdf, name: "the PDF")
        guard file.pageCount > 0 else { throw PDFError(.unsupported, "the PDF has no page to put a signature on") }
        let trailer = file.trailer
        guard let size = file.integer(file.key("/Size", of: trailer)) else {
            throw PDFError(.unreadable, "the PDF's trailer has no /Size")
        }
        let previous = try IncrementalUpdate.PreviousSection.find(in: pdf, size: size)
        let carried = ["/Root", "/Info", "/ID"].filter { file.has($0, trailer) }
            .map { "\($0) \(file.unparse(file.key($0, of: trailer)))" }.joined(separator: " ")

        let page = file.page(0)
        let root = file.root
        let signatureObject = file.reserveObject()
        let widget = file.reserveObject()
        var changed: [QPDFFile.Handle] = []

        // The widget goes into page 1's annotations, wherever the array lives.
        let annotations = file.key("/Annots", of: page)
        if file.isArray(annotations) {
            file.append(widget, to: annotations)
            changed.append(file.isIndirect(annotations) ? annotations : page)
        } else {
            let array = file.newArray()
            file.append(widget, to: array)
            file.set("/Annots", array, in: page)
            changed.append(page)
        }
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

        var name = PDFSyntax.text(details.field)
        var suffix = 2
        while taken.contains(name) {
            name = PDFSyntax.text("\(details.field) \(suffix)")
            suffix += 1
        }
        let signatureReference = file.reference(signatureObject)
        let widgetReference = file.reference(widget)
        var update = IncrementalUpdate(pdf, previous: previous, carried: carried)
        for handle in changed {
            update.add(file.reference(handle), Data(file.unparseObject(handle).utf8))
        }
        update.add(
            widgetReference,
            Data(
                ("<< /Type /Annot /Subtype /Widget /FT /Sig /T \(name) /V \(signatureReference) /F 132 "
                    + "/Rect [0 0 0 0] /P \(file.reference(page)) >>").utf8))
        let placeholder = String(repeating: " ", count: 3 * 11)
        var dictionary =
            "<< /Type /Sig /Filter /Adobe.PPKLite /SubFilter /ETSI.CAdES.detached /ByteRange [0 \(placeholder)] "
            + "/Contents <" + String(repeating: "0", count: reserve * 2) + "> /M \(PDFSyntax.date(details.time))"
        for (key, value) in [("/Name", details.name), ("/Reason", details.reason), ("/Location", details.location)] {
            if let value { dictionary += " \(key) \(PDFSyntax.text(value))" }
        }
        update.add(signatureReference, Data((dictionary + " >>").utf8))

        var (data, offsets) = update.write()
        // Where /ByteRange's numbers and /Contents' hex string are, in the signature's object.
        let object = offsets[signatureReference]!
        let body = data[(data.startIndex + object)...]
        guard let rangeKey = body.firstRange(of: Data("/ByteRange [0 ".utf8)),
            let contentsKey = body.firstRange(of: Data("/Contents <".utf8))
        else { throw PDFError(.unsupported, "the signature dictionary was not written as expected") }
        // From the `<` to just after the `>` of the hex string.
        let opening = contentsKey.upperBound - 1 - data.startIndex
        let contents = opening..<opening + reserve * 2 + 2
        let ranges = [0..<contents.lowerBound, contents.upperBound..<data.count]
        let numbers = "\(contents.lowerBound) \(contents.upperBound) \(data.count - contents.upperBound)]"
        let filled = numbers + String(repeating: " ", count: placeholder.count + 1 - numbers.count)
        data.replaceSubrange(rangeKey.upperBound..<rangeKey.upperBound + filled.utf8.count, with: Array(filled.utf8))
        return (data, ranges, contents)
    }
}
