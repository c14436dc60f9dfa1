import Foundation

/// What the revisions after a signature changed, judged as pyHanko's and DSS's policies judge it (ETSI EN 319 142-1,
/// 5.5), more strictly where readers could be made to show different things: each object a later cross-reference
/// section defines is compared with the signed revision's, and every difference must be one a signed PDF allows:
/// new objects nothing signed refers to; a page's annotations and the form's fields grown by new signature fields
/// only; an empty signature field signed; a blank number or date placeholder filled with text; the catalog's
/// `/AcroForm`, `/DSS`, `/Extensions`, `/Metadata`; the document information (plain text) and validation data.
/// Anything else is named.
struct ModificationAnalysis {
    /// The PDF as it was signed, and as it is now (each with its bytes: `source`).
    let signed: QPDFFile
    let current: QPDFFile
    /// The signature values the PDF's fields hold, each of which the verifier verifies.
    let signatureValues: Set<ObjectReference>
    /// The object numbers `N G R` names anywhere in the signed bytes, read as bytes: qpdf writes `null` for a
    /// reference to an object that does not exist, and cannot show references inside objects it cannot read.
    let referencedInBytes: Set<Int>

    /// The objects of the signed revision whose changes have a rule of their own.
    private struct Roles {
        var catalog: ObjectReference?
        var info: ObjectReference?
        var pages: Set<ObjectReference> = []
        /// Indirect `/Annots` arrays of pages and `/Fields` arrays of the form: may grow by signature fields.
        var growingArrays: Set<ObjectReference> = []
        var form: ObjectReference?
        /// The DSS dictionary and its indirect entries: validation data, which a later revision may extend.
        var validationData: Set<ObjectReference> = []
        var dss: ObjectReference?
    }

    /// Descriptions of the changes a signed PDF does not allow; empty when every change is allowed.
    /// - Parameters:
    ///   - sections: the cross-reference sections after the signed revision, newest first.
    ///   - signedSections: the signed revision's own, newest first, back to the file's first.
    func disallowedChanges(
        in sections: [CrossReferenceSection], signedSections: [CrossReferenceSection]
    ) -> [String] {
        var problems: [String] = []
        // What reader's view the file opens with: the same catalog, never encrypted after the fact.
        let signedRoot = signed.unparse(signed.key("/Root", of: signed.trailer))
        if let newest = sections.first, newest.root != signedRoot {
            problems.append("the trailer names another catalog (\(newest.root), not \(signedRoot))")
        }
        if sections.contains(where: \.encrypts) { problems.append("a later revision encrypts the document") }
        problems += unlistedObjects(in: sections)

        // The signed revision's objects by number, the newest definition of each: what readers saw when it was
        // signed, whatever generation they carry.
        var existing: [Int: Int] = [:]
        var freed: Set<Int> = []
        for section in signedSections {
            for entry in section.entries
            where existing[entry.reference.number] == nil && !freed.contains(entry.reference.number) {
                if entry.inUse {
                    existing[entry.reference.number] = entry.reference.generation
                } else {
                    freed.insert(entry.reference.number)
                }
            }
        }
        var defined: [Int: CrossReferenceSection.Entry] = [:]
        for section in sections {
            for entry in section.entries where defined[entry.reference.number] == nil {
                defined[entry.reference.number] = entry
            }
        }
        let roles = self.roles()
        let referrers = referrers(existing)
        for (number, entry) in defined.sorted(by: { $0.key < $1.key }) {
            guard let generation = existing[number], number != 0 else {
                // New: harmless unless the signed revision already points at it, a shadow waiting to be filled.
                if entry.inUse, referrers[number] != nil {
                    problems.append(
                        "object \(number), which the signed revision refers to without defining it, was defined after the signature"
                    )
                }
                continue
            }
            guard entry.inUse else {
                problems.append("object \(number) was deleted")
                continue
            }
            // Readers disagree on an object stream's duplicates; a signed object is only ever rewritten as itself.
            guard entry.offset != nil else {
                problems.append("object \(number) was redefined inside an object stream")
                continue
            }
            guard entry.reference.generation == generation else {
                problems.append("object \(number) was replaced under generation \(entry.reference.generation)")
                continue
            }
            let reference = ObjectReference(number: number, generation: generation)
            let (before, after) = (signed.object(reference), current.object(reference))
            if same(before, after) { continue }
            if let problem = judge(reference, before, after, roles, existing, referrers) { problems.append(problem) }
        }
        return problems
    }

    /// Every `N G obj` after the signed bytes must be one the later sections list at that place: readers that
    /// rebuild a damaged file's cross-references would otherwise show objects this analysis never saw.
    private func unlistedObjects(in sections: [CrossReferenceSection]) -> [String] {
        var listed: Set<Int> = []
        for section in sections {
            for entry in section.entries { if let offset = entry.offset { listed.insert(offset) } }
            listed.insert(section.offset)
        }
        var problems: [String] = []
        // Only the bytes after the signed ones, read in place, their pages given back as the reading passes them.
        current.source.scan { bytes, readBefore in
            var lineStart = signed.source.count
            while lineStart < bytes.count {
                readBefore(lineStart)
                let end = bytes[lineStart...].firstIndex { $0 == 0x0A || $0 == 0x0D } ?? bytes.count
                // `N G obj` at the start of a line, read by hand: binary stream data must not cost a backtracking
                // scan.
                let words = bytes[lineStart..<min(end, lineStart + 40)].split { $0 == 0x20 || $0 == 0x09 }
                if words.count >= 3, words[2].starts(with: Array("obj".utf8)),
                    words[0].allSatisfy({ (0x30...0x39).contains($0) }),
                    words[1].allSatisfy({ (0x30...0x39).contains($0) }),
                    !listed.contains(lineStart)
                {
                    problems.append(
                        "object \(String(decoding: words[0], as: UTF8.self)) at byte \(lineStart) belongs to no "
                            + "cross-reference section")
                }
                lineStart = end + 1
            }
        }
        return problems
    }

    /// Who refers to what in the signed revision: for each object number, the objects that name it (`trailer`
    /// for the trailer, `unknown` for a reference seen in the bytes only: qpdf writes `null` for a reference to an
    /// object that does not exist, and cannot show references inside objects it cannot read).
    private func referrers(_ existing: [Int: Int]) -> [Int: Set<Int>] {
        var referrers: [Int: Set<Int>] = [:]
        for reference in PDFSyntax.references(in: signed.unparse(signed.trailer)) {
            referrers[reference.number, default: []].insert(Self.trailer)
        }
        for number in referencedInBytes { referrers[number, default: []].insert(Self.unknown) }
        for (number, generation) in existing {
            let object = signed.object(ObjectReference(number: number, generation: generation))
            // A cross-reference stream's dictionary is its section's trailer.
            let referrer = signed.isName(signed.key("/Type", of: object), "/XRef") ? Self.trailer : number
            for text in [signed.unparseObject(object), signed.unparseDictionary(ofStream: object)] {
                for reference in PDFSyntax.references(in: text) {
                    referrers[reference.number, default: []].insert(referrer)
                }
            }
        }
        return referrers
    }

    private static let trailer = -1
    private static let unknown = -2

    private func roles() -> Roles {
        var roles = Roles()
        let root = signed.root
        roles.catalog = signed.reference(root)
        let info = signed.key("/Info", of: signed.trailer)
        if signed.isIndirect(info) { roles.info = signed.reference(info) }
        for index in 0..<signed.pageCount {
            let page = signed.page(index)
            roles.pages.insert(signed.reference(page))
            let annotations = signed.key("/Annots", of: page)
            if signed.isIndirect(annotations) { roles.growingArrays.insert(signed.reference(annotations)) }
        }
        let form = signed.key("/AcroForm", of: root)
        if signed.isIndirect(form) { roles.form = signed.reference(form) }
        let fields = signed.key("/Fields", of: form)
        if signed.isIndirect(fields) { roles.growingArrays.insert(signed.reference(fields)) }
        let dss = signed.key("/DSS", of: root)
        if signed.isIndirect(dss) {
            roles.validationData.insert(signed.reference(dss))
            roles.dss = signed.reference(dss)
        }
        for key in signed.isDictionary(dss) ? signed.keys(of: dss) : [] {
            let value = signed.key(key, of: dss)
            if signed.isIndirect(value) { roles.validationData.insert(signed.reference(value)) }
        }
        return roles
    }

    /// The same object: the same text, and for a stream the same dictionary and the same bytes as stored.
    private func same(_ before: QPDFFile.Handle, _ after: QPDFFile.Handle) -> Bool {
        guard signed.unparseObject(before) == current.unparseObject(after),
            signed.isStream(before) == current.isStream(after)
        else { return false }
        guard signed.isStream(before) else { return true }
        return signed.unparseDictionary(ofStream: before) == current.unparseDictionary(ofStream: after)
            && (try? signed.streamData(before, decoded: false)) == (try? current.streamData(after, decoded: false))
    }

    /// Why this change is not allowed, or nil when it is.
    private func judge(
        _ reference: ObjectReference, _ before: QPDFFile.Handle, _ after: QPDFFile.Handle, _ roles: Roles,
        _ existing: [Int: Int], _ referrers: [Int: Set<Int>]
    ) -> String? {
        let name = "object \(reference.number)"
        // A role's object may change only if nothing else the signed revision shows refers to it: a page's font
        // named the document information, or its contents array named the DSS's certificates, is content.
        let referredOnlyBy = { (allowed: Set<Int>) in
            (referrers[reference.number] ?? []).subtracting([Self.unknown]).isSubset(of: allowed)
        }
        if reference == roles.catalog {
            let allowed: Set<String> = ["/AcroForm", "/DSS", "/Extensions", "/Metadata"]
            if let problem = changedKeys(before, after, allowed: allowed, "the catalog") { return problem }
            let (oldForm, newForm) = (signed.key("/AcroForm", of: before), current.key("/AcroForm", of: after))
            return signed.unparse(oldForm) == current.unparse(newForm)
                ? nil : formProblem(oldForm, newForm, existing)
        }
        if reference == roles.info, !referredOnlyBy([Self.trailer]) {
            return "the document information \(name) is also used by the document, yet it changed"
        }
        if roles.validationData.contains(reference),
            !referredOnlyBy(Set([roles.catalog, roles.dss].compactMap { $0?.number }))
        {
            return "\(name), in the validation data's place, is also used by the document, yet it changed"
        }
        if reference == roles.info {
            // Plain text about the document, and nothing a page could draw.
            let plain = { (file: QPDFFile, handle: QPDFFile.Handle) in
                file.isDictionary(handle) && !file.unparseObject(handle).contains(" R")
            }
            return plain(signed, before) && plain(current, after)
                ? nil : "the document information \(name) is not plain text, yet it changed"
        }
        if roles.pages.contains(reference) {
            if let problem = changedKeys(before, after, allowed: ["/Annots"], "page \(name)") { return problem }
            return grownBySignatures(
                signed.key("/Annots", of: before), current.key("/Annots", of: after), "the annotations of \(name)",
                existing)
        }
        if roles.growingArrays.contains(reference) {
            return grownBySignatures(before, after, "the array \(name) of annotations or fields", existing)
        }
        if reference == roles.form { return formProblem(before, after, existing) }
        if roles.validationData.contains(reference) {
            // Only what a DSS is made of: arrays of streams, and dictionaries of DSS and VRI entries.
            let keys: Set<String> = [
                "/Type", "/Certs", "/CRLs", "/OCSPs", "/VRI", "/TU", "/TS", "/Cert", "/CRL", "/OCSP",
            ]
            let shaped = { (file: QPDFFile, handle: QPDFFile.Handle) in
                file.isArray(handle)
                    || (file.isDictionary(handle) && Set(file.keys(of: handle)).isSubset(of: keys)
                        && (!file.has("/Type", handle) || file.isName(file.key("/Type", of: handle), "/DSS")))
            }
            return shaped(signed, before) && shaped(current, after)
                ? nil : "\(name), in the validation data's place, is not validation data, yet it changed"
        }
        if isSignatureField(before, in: signed), !signed.has("/V", before) {
            // An empty signature field, signed: its value is a new signature, and its appearance comes with it.
            if let problem = changedKeys(before, after, allowed: ["/V", "/AP"], "the empty signature field \(name)") {
                return problem
            }
            return isNewSignatureValue(current.key("/V", of: after), existing)
                ? nil : "the empty signature field \(name) changed without a new signature"
        }
        if PDFPlaceholders.isPlaceholder(before, in: signed) {
            // Blank when signed: no value, or an empty string, and nothing drawn; unlocked, and the document
            // certified for form filling at least.
            let value = signed.key("/V", of: before)
            guard signed.isNull(value) || (signed.isString(value) && signed.text(value).isEmpty),
                !signed.has("/AP", before)
            else { return "the placeholder \(name) was not blank when signed, yet it changed" }
            let field = signed.text(signed.key("/T", of: before))
            let namesakes = signed.items(of: signed.key("/Fields", of: signed.key("/AcroForm", of: signed.root)))
                .filter { signed.text(signed.key("/T", of: $0)) == field }
            if namesakes.count > 1 {
                return
                    "the placeholder \(name) is one of \(namesakes.count) fields named \(field): which one is filled "
                    + "is not what the signer could tell"
            }
            if let locked = locks().first(where: { $0.covers(field) }) {
                return "the placeholder \(name) is locked by the signature \(locked.signature)"
            }
            if certification() == 1 { return "the certification signature permits no change, yet \(name) was filled" }
            // The number or the date, blank when signed, filled: text for its value, and a new appearance that only
            // writes text inside the line the signer saw empty.
            if let problem = changedKeys(before, after, allowed: ["/V", "/AP"], "the placeholder \(name)") {
                return problem
            }
            let appearances = current.key("/AP", of: after)
            let normal = current.key("/N", of: appearances)
            guard current.isString(current.key("/V", of: after)), current.keys(of: appearances) == ["/N"],
                current.isIndirect(normal), current.isStream(normal), existing[current.reference(normal).number] == nil
            else { return "the placeholder \(name) was filled with more than text and a new appearance" }
            return writesTextOnly(normal) ? nil : "the placeholder \(name) was filled with more than text"
        }
        let type = signed.unparse(signed.key("/Type", of: before))
        return "\(name)\(type == "null" ? "" : " (\(type))") was changed after the signature"
    }

    /// The form's dictionary, or one the later revision added: its fields grown by signature fields, its flags.
    private func formProblem(
        _ before: QPDFFile.Handle, _ after: QPDFFile.Handle, _ existing: [Int: Int]
    ) -> String? {
        if signed.isDictionary(before),
            let problem = changedKeys(before, after, allowed: ["/Fields", "/SigFlags"], "the form")
        {
            return problem
        }
        if !signed.isDictionary(before),
            current.keys(of: after).contains(where: { !["/Fields", "/SigFlags"].contains($0) })
        {
            return "the form added after the signature holds more than signature fields"
        }
        return grownBySignatures(
            signed.key("/Fields", of: before), current.key("/Fields", of: after), "the form's fields", existing)
    }

    /// The keys whose values differ, when any is not `allowed`.
    private func changedKeys(
        _ before: QPDFFile.Handle, _ after: QPDFFile.Handle, allowed: Set<String>, _ what: String
    ) -> String? {
        guard current.isDictionary(after) || current.isStream(after) else { return "\(what) is no longer a dictionary" }
        let keys = Set(signed.keys(of: before)).union(current.keys(of: after))
        let changed = keys.filter {
            signed.unparse(signed.key($0, of: before)) != current.unparse(current.key($0, of: after))
        }
        let forbidden = changed.subtracting(allowed).sorted()
        return forbidden.isEmpty ? nil : "\(what) changed its \(forbidden.joined(separator: ", "))"
    }

    /// An array that keeps every item it had and adds only new signature fields (their widgets).
    private func grownBySignatures(
        _ before: QPDFFile.Handle, _ after: QPDFFile.Handle, _ what: String, _ existing: [Int: Int]
    ) -> String? {
        let old = signed.items(of: before).map(signed.unparse)
        let new = current.items(of: after)
        guard new.count >= old.count, Array(new.prefix(old.count).map(current.unparse)) == old else {
            return "\(what) lost or reordered items"
        }
        var covered = 0.0
        for added in new.dropFirst(old.count) {
            guard current.isIndirect(added), existing[current.reference(added).number] == nil,
                isSignatureField(added, in: current), !current.has("/Kids", added)
            else { return "\(what) gained \(current.unparse(added)), which is not a new signature field" }
            // A field added after the signature holds a new signature the verifier verifies, or nothing is allowed:
            // an empty field could draw over the page (through /AP, or /MK for a reader that makes its own).
            let value = current.key("/V", of: added)
            guard isNewSignatureValue(value, existing) else {
                return "\(what) gained a field whose value is not a new, verified signature"
            }
            // A document time stamp proves a time; it has nothing to show.
            let isTimeStamp = current.isName(current.key("/Type", of: value), "/DocTimeStamp")
            if isTimeStamp, current.has("/AP", added) || current.has("/MK", added) {
                return "\(what) gained a document time stamp that draws on the page"
            }
            if !isTimeStamp, certification() == 1 {
                return "\(what) gained a signature, which the certification signature does not permit"
            }
            // A signature shows who signed, in a box: one drawn over much of a page, or several together, could
            // show another page.
            let rect = current.items(of: current.key("/Rect", of: added))
            let numbers = rect.compactMap(current.number)
            guard current.count(current.key("/Rect", of: added)) == 4, numbers.count == 4 else {
                return "\(what) gained a signature whose /Rect is not four numbers"
            }
            let page = current.key("/P", of: added)
            let box =
                current.isDictionary(page) ? current.visibleBox(of: page) : PDFRect(x: 0, y: 0, width: 595, height: 842)
            let area = abs((numbers[2] - numbers[0]) * (numbers[3] - numbers[1]))
            covered += area
            // A seal with its text takes a fortieth of an A4 page; a sixteenth is room enough for any.
            if area > box.width * box.height / 16 {
                return "\(what) gained a signature whose appearance covers more than a sixteenth of a page"
            }
            if covered > box.width * box.height / 8 {
                return "\(what) gained signatures that together cover more than an eighth of a page"
            }
        }
        return nil
    }

    /// A signature field: `/FT /Sig`, its own or, when it names none, its parent's; a widget if anything; no
    /// action to run.
    private func isSignatureField(_ handle: QPDFFile.Handle, in file: QPDFFile) -> Bool {
        guard file.isDictionary(handle), !file.has("/A", handle), !file.has("/AA", handle) else { return false }
        let subtype = file.key("/Subtype", of: handle)
        guard file.isNull(subtype) || file.isName(subtype, "/Widget") else { return false }
        let own = file.key("/FT", of: handle)
        return file.isNull(own)
            ? file.isName(file.key("/FT", of: file.key("/Parent", of: handle)), "/Sig") : file.isName(own, "/Sig")
    }

    /// A signature's lock on form fields (ISO 32000-2, 12.7.5.5, `/Lock`): all of them, or some, or all but some.
    struct Lock {
        var signature: String
        var action: String
        var fields: Set<String>

        func covers(_ field: String) -> Bool {
            switch action {
            case "/All": return true
            case "/Include": return fields.contains(field)
            case "/Exclude": return !fields.contains(field)
            default: return true
            }
        }
    }

    /// The locks of the signature fields signed in the signed revision, kids included: each field's `/Lock`, and
    /// the FieldMDP its signature names (ISO 32000-2, 12.8.2.4).
    private func locks() -> [Lock] {
        var locks: [Lock] = []
        func lock(_ dictionary: QPDFFile.Handle, by signature: String) {
            guard signed.isDictionary(dictionary) else { return }
            locks.append(
                Lock(
                    signature: signature, action: signed.unparse(signed.key("/Action", of: dictionary)),
                    fields: Set(signed.items(of: signed.key("/Fields", of: dictionary)).map(signed.text))))
        }
        var visited: Set<ObjectReference> = []
        func visit(_ field: QPDFFile.Handle, depth: Int) {
            guard depth < 32, signed.isDictionary(field) else { return }
            if signed.isIndirect(field), !visited.insert(signed.reference(field)).inserted { return }
            let name = signed.text(signed.key("/T", of: field))
            let value = signed.key("/V", of: field)
            if signed.isDictionary(value) {
                lock(signed.key("/Lock", of: field), by: name)
                for reference in signed.items(of: signed.key("/Reference", of: value))
                where signed.isName(signed.key("/TransformMethod", of: reference), "/FieldMDP") {
                    lock(signed.key("/TransformParams", of: reference), by: name)
                }
            }
            for kid in signed.items(of: signed.key("/Kids", of: field)) { visit(kid, depth: depth + 1) }
        }
        for field in signed.items(of: signed.key("/Fields", of: signed.key("/AcroForm", of: signed.root))) {
            visit(field, depth: 0)
        }
        return locks
    }

    /// The DocMDP permission of the document's certification signature (ISO 32000-2, 12.8.2.2): 1 for no change, 2
    /// for form filling and signing, 3 for annotations too; nil when the document is not certified.
    private func certification() -> Int? {
        let certifying = signed.key("/DocMDP", of: signed.key("/Perms", of: signed.root))
        guard signed.isDictionary(certifying) else { return nil }
        for reference in signed.items(of: signed.key("/Reference", of: certifying))
        where signed.isName(signed.key("/TransformMethod", of: reference), "/DocMDP") {
            return signed.integer(signed.key("/P", of: signed.key("/TransformParams", of: reference))) ?? 2
        }
        return 2
    }

    /// An appearance that draws nothing but text, in dark ink: no images, no forms, no paths, no inline images, no
    /// Type 3 fonts (whose glyphs are content streams that may draw anything), no white to write over the page with,
    /// and stored plainly or deflated, so that every reader decodes the same operators.
    private func writesTextOnly(_ stream: QPDFFile.Handle) -> Bool {
        let resources = current.key("/Resources", of: stream)
        let fonts = current.key("/Font", of: resources)
        let outlineFonts = current.keys(of: fonts).allSatisfy { name in
            let subtype = current.key("/Subtype", of: current.key(name, of: fonts))
            return ["/Type0", "/TrueType", "/Type1"].contains { current.isName(subtype, $0) }
        }
        let filter = current.key("/Filter", of: stream)
        guard outlineFonts, current.keys(of: resources).allSatisfy({ $0 == "/Font" || $0 == "/ProcSet" }),
            current.isNull(filter) || current.isName(filter, "/FlateDecode"), !current.has("/DecodeParms", stream),
            let content = try? current.streamData(stream, decoded: true),
            let operators = PDFSyntax.operators(in: content)
        else { return false }
        let text: Set<String> = [
            "BT", "ET", "Tf", "Tm", "Td", "TD", "T*", "Tj", "TJ", "'", "\"", "Tc", "Tw", "Tz", "TL", "Ts", "q", "Q",
        ]
        return operators.allSatisfy { operation in
            switch operation.name {
            // Grey or RGB no lighter than mid-grey: text written in white could hide what the signer read.
            case "g": operation.numbers.count == 1 && operation.numbers[0] <= 0.5
            case "rg":
                operation.numbers.count == 3
                    && 0.299 * operation.numbers[0] + 0.587 * operation.numbers[1] + 0.114 * operation.numbers[2] <= 0.5
            default: text.contains(operation.name)
            }
        }
    }

    /// A signature value made after the signature: a new object, a signature or document time stamp dictionary.
    private func isNewSignatureValue(_ value: QPDFFile.Handle, _ existing: [Int: Int]) -> Bool {
        current.isIndirect(value) && current.isDictionary(value) && existing[current.reference(value).number] == nil
            && signatureValues.contains(current.reference(value))
            && (current.isName(current.key("/Type", of: value), "/Sig")
                || current.isName(current.key("/Type", of: value), "/DocTimeStamp"))
    }
}
