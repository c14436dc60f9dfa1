import Foundation
import LienThongCrypto

/// A signature a PDF carries in a signature field: what it covers and its CMS.
public struct EmbeddedSignature: Sendable {
    /// The field's full name.
    public let field: String
    /// `/SubFilter`: `/ETSI.CAdES.detached` for PAdES, `/adbe.pkcs7.detached` for older tools,
    /// `/ETSI.RFC3161` for a document time stamp.
    public let subFilter: String
    /// `/ByteRange`: pairs of start and length.
    public let byteRange: [Int]
    /// `/Contents`: the CMS, as stored (with the zeros that pad its room).
    public let contents: Data
    /// The signature dictionary's object, when it is one (each field must have its own).
    let value: ObjectReference?

    /// The bytes the signature covers, when `/ByteRange` is two ranges within the file.
    func ranges(in count: Int) -> [Range<Int>]? {
        guard byteRange.count == 4, byteRange.allSatisfy({ $0 >= 0 }) else { return nil }
        let (first, gap) = (byteRange[1], byteRange[2])
        let (end, overflow) = gap.addingReportingOverflow(byteRange[3])
        guard !overflow, byteRange[0] == 0, first < gap, end <= count else { return nil }
        return [0..<first, gap..<end]
    }

    /// The CMS without the zeros after it: its DER length read from its first bytes.
    public var cms: Data {
        let bytes = [UInt8](contents.prefix(6))
        guard bytes.count >= 2, bytes[0] == 0x30 else { return contents }
        var length = Int(bytes[1])
        var header = 2
        if bytes[1] & 0x80 != 0 {
            let count = Int(bytes[1] & 0x7F)
            guard (1...4).contains(count), bytes.count >= 2 + count else { return contents }
            length = bytes[2..<2 + count].reduce(0) { $0 << 8 | Int($1) }
            header += count
        }
        let total = header + length
        guard total <= contents.count, contents.dropFirst(total).allSatisfy({ $0 == 0 }) else { return contents }
        return contents.prefix(total)
    }
}

/// Verifies every signature of a PDF: what its `/ByteRange` covers, its CMS by LienThong's verifier (chain,
/// revocation, time stamp, algorithms, roles), and what every later revision changed. The PDF alone is enough.
public struct PDFVerifier: Sendable {
    public var verifier: SignatureVerifier
    /// The signature dictionaries this PDF's fields hold, each verified: the only values a later field may have.
    private var signatureValues: Set<ObjectReference> = []

    public init(verifier: SignatureVerifier) {
        self.verifier = verifier
    }

    /// The signatures in `pdf`'s form, in the order of the revisions they cover.
    public static func signatures(in pdf: ByteSource) throws(PDFError) -> [EmbeddedSignature] {
        try signatures(in: QPDFFile(pdf, name: "the PDF"), count: pdf.count)
    }

    private static func signatures(in file: QPDFFile, count: Int) throws(PDFError) -> [EmbeddedSignature] {
        var found: [EmbeddedSignature] = []
        var visited: Set<ObjectReference> = []
        func visit(_ field: QPDFFile.Handle, parentName: String?, inheritedType: Bool) {
            if file.isIndirect(field), !visited.insert(file.reference(field)).inserted { return }
            let partial = file.has("/T", field) ? file.text(file.key("/T", of: field)) : nil
            let name = [parentName, partial].compactMap { $0 }.joined(separator: ".")
            let isSignature = file.isName(file.key("/FT", of: field), "/Sig") || inheritedType
            for kid in file.items(of: file.key("/Kids", of: field)) {
                visit(kid, parentName: name.isEmpty ? nil : name, inheritedType: isSignature)
            }
            let value = file.key("/V", of: field)
            guard isSignature, !file.isNull(value) else { return }
            // A value that is not a signature dictionary (a stream, a number) is reported, and fails.
            guard file.isDictionary(value) else {
                found.append(
                    EmbeddedSignature(
                        field: name.isEmpty ? "unnamed field" : name, subFilter: "(not a signature dictionary)",
                        byteRange: [], contents: Data(), value: file.isIndirect(value) ? file.reference(value) : nil))
                return
            }
            found.append(
                EmbeddedSignature(
                    field: name.isEmpty ? "unnamed field" : name,
                    subFilter: file.unparse(file.key("/SubFilter", of: value)),
                    byteRange: file.items(of: file.key("/ByteRange", of: value)).map { file.integer($0) ?? -1 },
                    contents: file.bytes(of: file.key("/Contents", of: value)),
                    value: file.isIndirect(value) ? file.reference(value) : nil))
        }
        for field in file.items(of: file.key("/Fields", of: file.key("/AcroForm", of: file.root))) {
            visit(field, parentName: nil, inheritedType: false)
        }
        // And signature widgets that only a page lists: a reader shows them, so they are verified too.
        for index in 0..<file.pageCount {
            for annotation in file.items(of: file.key("/Annots", of: file.page(index))) {
                let parent = file.key("/Parent", of: annotation)
                let parentName = file.has("/T", parent) ? file.text(file.key("/T", of: parent)) : nil
                visit(
                    annotation, parentName: parentName, inheritedType: file.isName(file.key("/FT", of: parent), "/Sig"))
            }
        }
        try file.check("the signature fields")
        return found.sorted {
            ($0.ranges(in: count)?.last?.upperBound ?? 0) < ($1.ranges(in: count)?.last?.upperBound ?? 0)
        }
    }

    /// Every signature of `pdf`, each a file report named after its field, and, for a LienThong document, the
    /// person's signature and the agency's seal after it.
    public func verify(
        _ pdf: ByteSource, name: String = "the PDF", expecting expectation: SignatureExpectation = .any
    ) -> VerificationReport {
        let file: QPDFFile
        let signatures: [EmbeddedSignature]
        do {
            file = try QPDFFile(pdf, name: name)
            signatures = try Self.signatures(in: file, count: pdf.count)
        } catch {
            return VerificationReport(
                files: [], checks: [.failed(.signatureFormat, error.description, .formatFailure)],
                validationTime: Date())
        }
        guard !signatures.isEmpty else {
            return VerificationReport(
                files: [],
                checks: [
                    .failed(.signatureFormat, "\(name) carries no signature in a signature field", .formatFailure)
                ],
                validationTime: Date())
        }
        // Validation data the PDF keeps (B-LT) counts as evidence like a CRL file: each piece is authenticated
        // before it counts.
        var withStored = self
        withStored.verifier.evidence = verifier.evidence + Self.validationData(in: file)
        withStored.signatureValues = Set(signatures.compactMap(\.value))
        let scan = ReferenceScan(pdf)
        let reports = signatures.map { withStored.verify($0, in: pdf, current: file, scan: scan) }
        var checks = Self.roleChecks(reports, expectation)
        if !Self.endsWithEOF(pdf.data) {
            checks.append(
                .failed(
                    .pdfModifications,
                    "the file does not end with %%EOF (bytes follow the last one, or it has none): readers disagree on "
                        + "what they are", .formatFailure))
        }
        let values = signatures.compactMap(\.value)
        let ranges = signatures.map(\.byteRange)
        if Set(values).count != values.count || Set(ranges).count != ranges.count {
            checks.append(
                .failed(
                    .signatureFormat, "two signature fields share one signature: one of them was copied onto the other",
                    .formatFailure))
        }
        return VerificationReport(files: reports, checks: checks, validationTime: Date())
    }

    private func verify(
        _ signature: EmbeddedSignature, in pdf: ByteSource, current: QPDFFile, scan: ReferenceScan
    ) -> FileReport {
        let name = "signature \(signature.field)"
        guard let ranges = signature.ranges(in: pdf.count) else {
            return FileReport(
                name: name, sha256: nil, expectation: .any, signatures: [],
                checks: [
                    .failed(
                        .pdfByteRange,
                        "its /ByteRange \(signature.byteRange) is not two ranges of this file from its start",
                        .formatFailure)
                ], verdict: Verdict(indication: .totalFailed, subIndication: .formatFailure))
        }
        var report: FileReport
        switch signature.subFilter {
        case "/ETSI.CAdES.detached", "/adbe.pkcs7.detached":
            report = verifier.verify(
                .byteRanges(pdf, ranges), signature: signature.cms, name: name, expecting: .any)
        case "/ETSI.RFC3161":
            report = verifier.verifyDocumentTimeStamp(
                signature.cms, over: .byteRanges(pdf, ranges), name: "document time stamp \(signature.field)")
        default:
            report = FileReport(
                name: name, sha256: nil, expectation: .any, signatures: [], checks: [], verdict: .passed)
            report.add(
                .failed(
                    .signatureFormat,
                    "its /SubFilter \(signature.subFilter) is not one LienThong verifies "
                        + "(ETSI.CAdES.detached, adbe.pkcs7.detached, ETSI.RFC3161)", .formatFailure))
        }
        report.add(byteRangeCheck(signature, ranges, pdf.data))
        report.add(modificationCheck(after: ranges[1].upperBound, in: pdf, current: current, scan: scan))
        return report
    }

    /// The CRLs and OCSP responses of the document's DSS; what cannot be read is left out (and so proves nothing).
    private static func validationData(in file: QPDFFile) -> RevocationEvidence {
        let dss = file.key("/DSS", of: file.root)
        let streams = { (key: String) in
            file.items(of: file.key(key, of: dss)).compactMap { try? file.streamData($0, decoded: true) }
        }
        return RevocationEvidence(
            crls: streams("/CRLs").compactMap { try? RevocationList(der: $0) }, ocspResponses: streams("/OCSPs"))
    }

    /// The gap is exactly the `/Contents` hex string, and the covered bytes end where a revision ends.
    private func byteRangeCheck(_ signature: EmbeddedSignature, _ ranges: [Range<Int>], _ pdf: Data) -> Check {
        let gap = pdf[pdf.startIndex + ranges[0].upperBound..<pdf.startIndex + ranges[1].lowerBound]
        let hex = gap.dropFirst().dropLast()
        // Read in place: a Data's iterator costs more than the check, over the 64 KB a signature keeps.
        let isHexString =
            gap.first == UInt8(ascii: "<") && gap.last == UInt8(ascii: ">")
            && hex.count == signature.contents.count * 2
            && hex.withUnsafeBytes { bytes in
                bytes.allSatisfy {
                    (0x30...0x39).contains($0) || (0x41...0x46).contains($0) || (0x61...0x66).contains($0)
                }
            }
        guard isHexString else {
            return .failed(
                .pdfByteRange, "the bytes its /ByteRange leaves out are not its /Contents alone", .formatFailure)
        }
        let end = pdf[..<(pdf.startIndex + ranges[1].upperBound)]
        guard end.suffix(8).range(of: Data("%%EOF".utf8)) != nil else {
            return .failed(
                .pdfByteRange, "its /ByteRange does not end where a revision of the file ends", .formatFailure)
        }
        return .passed(
            .pdfByteRange,
            "covers bytes 0 to \(ranges[1].upperBound) of \(pdf.count) but its own /Contents"
                + (ranges[1].upperBound == pdf.count ? ", the whole file" : ""))
    }

    /// What the revisions after the signed bytes changed.
    private func modificationCheck(
        after end: Int, in source: ByteSource, current: QPDFFile, scan: ReferenceScan
    ) -> Check {
        let pdf = source.data
        guard !source.allSatisfy(in: end..<source.count, { [0x0A, 0x0D, 0x20, 0x00].contains($0) }) else {
            return .passed(.pdfModifications, "nothing was added after it")
        }
        do {
            let signed = try QPDFFile(source.prefix(end), name: "the signed revision")
            let signedPart = signed.source.data
            let size = signed.integer(signed.key("/Size", of: signed.trailer)) ?? 0
            let signedStart = try IncrementalUpdate.PreviousSection.find(in: signedPart, size: size).offset
            let final = try IncrementalUpdate.PreviousSection.find(in: pdf, size: 0)
            let (later, reached) = try CrossReferenceSection.chain(
                from: final.offset, until: end, in: pdf, file: current)
            guard !later.isEmpty, reached == signedStart else {
                return .failed(
                    .pdfModifications,
                    "the revisions after it do not continue from the signed one (bytes after it belong to no revision, "
                        + "or point past it): what a reader shows is not what was signed", .sigConstraintsFailure)
            }
            let (earlier, _) = try CrossReferenceSection.chain(
                from: signedStart, until: 0, in: signedPart, file: signed)
            var problems = ModificationAnalysis(
                signed: signed, current: current,
                signatureValues: signatureValues, referencedInBytes: scan.numbers(endingBy: end)
            ).disallowedChanges(in: later, signedSections: earlier)
            // Damage qpdf met only while resolving objects for the comparison: readers may differ there.
            problems += (signed.warnings() + current.warnings()).prefix(2).map { "the file is damaged: \($0)" }
            guard problems.isEmpty else {
                return .failed(
                    .pdfModifications,
                    "changed after it was signed: " + problems.prefix(5).joined(separator: "; "), .sigConstraintsFailure
                )
            }
            return .passed(
                .pdfModifications,
                "\(later.count) later revision\(later.count == 1 ? "" : "s") added only signatures, their fields and "
                    + "validation data")
        } catch {
            return .failed(
                .pdfModifications, "what was added after it cannot be read: \(error.description)", .formatFailure)
        }
    }

    /// Whether the file ends with `%%EOF` and white space alone: read from the end, so that a large file's other
    /// pages stay where they are.
    private static func endsWithEOF(_ pdf: Data) -> Bool {
        var end = pdf.endIndex
        while end > pdf.startIndex, [0x0A, 0x0D, 0x20, 0x09, 0x00].contains(pdf[end - 1]) { end -= 1 }
        return pdf[..<end].suffix(5).elementsEqual("%%EOF".utf8)
    }

    /// A document: a person's signature, then the agency's seal in a later revision; an attachment: a seal.
    private static func roleChecks(_ reports: [FileReport], _ expectation: SignatureExpectation) -> [Check] {
        let roles = reports.map { $0.signatures.first?.role }
        let firstSigner = roles.firstIndex(of: .signer)
        let seals = roles.indices.filter { roles[$0] == .seal }
        switch expectation {
        case .any:
            return []
        case .attachment:
            return [
                seals.isEmpty
                    ? .failed(.agencySealPresent, "the agency's seal is missing", .sigConstraintsFailure)
                    : .passed(.agencySealPresent, "sealed by the agency")
            ]
        case .document:
            guard let firstSigner else {
                return [
                    .failed(
                        .signerSignaturePresent, "no signature of a competent person comes before the agency's seal",
                        .sigConstraintsFailure)
                ]
            }
            let sealed = seals.contains { $0 > firstSigner }
            return [
                .passed(
                    .signerSignaturePresent, "signed by \(reports[firstSigner].signatures.first?.commonName ?? "")"),
                sealed
                    ? .passed(.agencySealPresent, "sealed by the agency in a later revision, over the signature")
                    : .failed(
                        .agencySealPresent, "the agency's seal is missing after the person's signature",
                        .sigConstraintsFailure),
            ]
        }
    }
}

/// The `N G R` references in a PDF's bytes, found once for all its signatures (a megabyte takes a millisecond), each
/// with where it ends: a signature's analysis takes those within the bytes it signed.
private final class ReferenceScan {
    private let pdf: ByteSource
    private lazy var references = PDFSyntax.references(in: pdf)

    init(_ pdf: ByteSource) { self.pdf = pdf }

    func numbers(endingBy end: Int) -> Set<Int> { Set(references.lazy.filter { $0.end <= end }.map(\.number)) }
}
