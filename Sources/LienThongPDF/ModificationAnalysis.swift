import Foundation

/// What the revisions after a signature changed, judged as pyHanko's and DSS's policies judge it (ETSI EN 319 142-1,
/// 5.5): each object a later cross-reference section defines is compared with the signed revision's, and every
/// difference must be one a signed PDF allows: new objects; a page's annotations and the form's fields grown by
/// signature fields only; a signature field filled; the catalog's `/AcroForm`, `/DSS`, `/Extensions` and the
/// document information. Anything else is named.
struct ModificationAnalysis {
    /// The PDF as it was signed, and as it is now.
    let signed: QPDFFile
    let current: QPDFFile

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
    }

    /// Descriptions of the changes a signed PDF does not allow; empty when every change is allowed.
    func disallowedChanges(in sections: [CrossReferenceSection]) -> [String] {
        let roles = self.roles()
        var defined: [ObjectReference: Bool] = [:]
        // The newest section's word about an object is the one that counts.
        for section in sections.reversed() {
            for entry in section.entries { defined[entry.reference] = entry.inUse }
        }
        var problems: [String] = []
        for (reference, inUse) in defined.sorted(by: { $0.key.number < $1.key.number }) {
            let before = signed.object(reference)
            guard !signed.isNull(before) else { continue }  // new: harmless unless something changed refers to it
            guard inUse else {
                problems.append("object \(reference.number) was deleted")
                continue
            }
            let after = current.object(reference)
            if same(before, after) { continue }
            if let problem = judge(reference, before, after, roles) { problems.append(problem) }
        }
        return problems
    }

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
        if signed.isIndirect(dss) { roles.validationData.insert(signed.reference(dss)) }
        for key in signed.isDictionary(dss) ? signed.keys(of: dss) : [] {
            let value = signed.key(key, of: dss)
            if signed.isIndirect(value) { roles.validationData.insert(signed.reference(value)) }
        }
        return roles
    }

    /// The same object: the same text and, for a stream, the same bytes as stored.
    private func same(_ before: QPDFFile.Handle, _ after: QPDFFile.Handle) -> Bool {
        guard signed.unparseObject(before) == current.unparseObject(after) else { return false }
        guard signed.isStream(before) else { return !current.isStream(after) }
        return current.isStream(after)
            && (try? signed.streamData(before, decoded: false)) == (try? current.streamData(after, decoded: false))
    }

    /// Why this change is not allowed, or nil when it is.
    private func judge(
        _ reference: ObjectReference, _ before: QPDFFile.Handle, _ after: QPDFFile.Handle, _ roles: Roles
    ) -> String? {
        let name = "object \(reference.number)"
        if reference == roles.catalog {
            let allowed: Set<String> = ["/AcroForm", "/DSS", "/Extensions", "/Metadata"]
            if let problem = changedKeys(before, after, allowed: allowed, "the catalog") { return problem }
            let (oldForm, newForm) = (signed.key("/AcroForm", of: before), current.key("/AcroForm", of: after))
            return signed.unparse(oldForm) == current.unparse(newForm) ? nil : formProblem(oldForm, newForm)
        }
        if reference == roles.info || roles.validationData.contains(reference) { return nil }
        if roles.pages.contains(reference) {
            if let problem = changedKeys(before, after, allowed: ["/Annots"], "page \(name)") { return problem }
            return grownBySignatures(
                signed.key("/Annots", of: before), current.key("/Annots", of: after), "the annotations of \(name)")
        }
        if roles.growingArrays.contains(reference) {
            return grownBySignatures(before, after, "the array \(name) of annotations or fields")
        }
        if reference == roles.form { return formProblem(before, after) }
        if isSignatureField(before, in: signed), !signed.has("/V", before) {
            return changedKeys(before, after, allowed: ["/V", "/AP"], "the empty signature field \(name)")
        }
        let type = signed.unparse(signed.key("/Type", of: before))
        return "\(name)\(type == "null" ? "" : " (\(type))") was changed after the signature"
    }

    /// The form's dictionary, or one the later revision added: its fields grown by signature fields, its flags and
    /// resources.
    private func formProblem(_ before: QPDFFile.Handle, _ after: QPDFFile.Handle) -> String? {
        if signed.isDictionary(before),
            let problem = changedKeys(before, after, allowed: ["/Fields", "/SigFlags", "/DR", "/DA"], "the form")
        {
            return problem
        }
        return grownBySignatures(
            signed.key("/Fields", of: before), current.key("/Fields", of: after), "the form's fields")
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

    /// An array that keeps every item it had and adds only signature fields (their widgets).
    private func grownBySignatures(_ before: QPDFFile.Handle, _ after: QPDFFile.Handle, _ what: String) -> String? {
        let old = signed.items(of: before).map(signed.unparse)
        let new = current.items(of: after)
        guard new.count >= old.count, Array(new.prefix(old.count).map(current.unparse)) == old else {
            return "\(what) lost or reordered items"
        }
        for added in new.dropFirst(old.count) where !isSignatureField(added, in: current) {
            return "\(what) gained \(current.unparse(added)), which is not a signature field"
        }
        return nil
    }

    /// A field of type `/Sig`, itself or by its parent, that is not a visible annotation of another kind.
    private func isSignatureField(_ handle: QPDFFile.Handle, in file: QPDFFile) -> Bool {
        guard file.isDictionary(handle) else { return false }
        let subtype = file.key("/Subtype", of: handle)
        guard file.isNull(subtype) || file.isName(subtype, "/Widget") else { return false }
        return file.isName(file.key("/FT", of: handle), "/Sig")
            || file.isName(file.key("/FT", of: file.key("/Parent", of: handle)), "/Sig")
    }
}
