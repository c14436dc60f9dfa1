import CQPDF
import Foundation
import LienThongCrypto

/// A PDF as libqpdf parses it: its trailer, catalog, pages and objects, read and changed in memory so that an
/// incremental update can write the changed objects out as qpdf unparses them. Used by one caller at a time.
final class QPDFFile {
    /// An object of this file, as qpdf's handle to it.
    typealias Handle = qpdf_oh

    private var qpdf: qpdf_data?
    /// The bytes qpdf reads, for as long as it lives: in memory, or, for a mapped file, the file itself (read as
    /// a file: each page read through a mapping would bring a whole large folio of pages with it).
    let source: ByteSource
    /// The file qpdf opened, as its messages name it, and the name they should say instead.
    private var opened: (path: String, name: String)?

    /// Parses `source`; a PDF qpdf can only read by repairing it, or an encrypted one, is refused.
    init(_ source: ByteSource, name: String) throws(PDFError) {
        qpdf = qpdf_init()
        self.source = source
        qpdf_silence_errors(qpdf)
        qpdf_set_suppress_warnings(qpdf, QPDF_TRUE)
        let code: QPDF_ERROR_CODE
        if let file = source.file {
            do {
                let descriptor = try Self.revision(of: file, length: source.count)
                defer { if descriptor != file.descriptor { close(descriptor) } }
                let path = "/proc/self/fd/\(descriptor)"
                opened = (path, name)
                code = qpdf_read(qpdf, path, nil)
            } catch {
                throw PDFError(.unreadable, "\(name) cannot be read: \(error.description)")
            }
        } else {
            code = qpdf_read_memory(
                qpdf, name, source.unsafeBaseAddress.assumingMemoryBound(to: CChar.self), UInt64(source.count), nil)
        }
        if code & 2 != 0 {
            throw PDFError(.unreadable, "\(name) is not a PDF qpdf can read: \(lastError() ?? "unknown error")")
        }
        let warnings = warnings()
        if !warnings.isEmpty {
            throw PDFError(
                .unreadable,
                "\(name) is damaged (\(warnings.prefix(2).joined(separator: "; "))): a signature over it would cover "
                    + "what each reader guesses differently; repair it first (for example `qpdf in.pdf out.pdf`)")
        }
        if qpdf_is_encrypted(qpdf) != 0 {
            throw PDFError(
                .encrypted,
                "\(name) is encrypted: remove its password (for example `qpdf --decrypt in.pdf out.pdf`) before it "
                    + "is signed")
        }
    }

    deinit {
        qpdf_cleanup(&qpdf)
    }

    /// `file`'s descriptor when the file is `length` bytes long; else one of a copy of its first `length` bytes (an
    /// earlier revision), unnamed (beside the file, or else in the temporary directory), for qpdf to open through
    /// `/proc/self/fd`: qpdf reads a file to its end. Nothing is left behind, even by a crash.
    private static func revision(of file: (path: String, descriptor: Int32), length: Int) throws(FileError) -> Int32 {
        var status = stat()
        guard fstat(file.descriptor, &status) == 0 else { throw FileError("the PDF", "reading") }
        guard Int(status.st_size) != length else { return file.descriptor }
        let beside = URL(fileURLWithPath: file.path).deletingLastPathComponent().path
        for directory in [beside, NSTemporaryDirectory()] {
            let path = URL(fileURLWithPath: directory).appendingPathComponent(".revision-\(UUID().uuidString)").path
            let copy = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
            guard copy >= 0 else { continue }
            unlink(path)
            do {
                try FileCopy.copy(length, from: file.descriptor, to: copy, "an earlier revision")
                return copy
            } catch {
                close(copy)
            }
        }
        throw FileError("an earlier revision of the PDF", "copying")
    }

    /// What qpdf says, naming the file as the caller does rather than by where it lies.
    private func said(_ text: UnsafePointer<CChar>) -> String {
        let said = String(cString: text)
        guard let opened else { return said }
        return said.replacingOccurrences(of: opened.path, with: opened.name)
    }

    /// The error qpdf holds, if any, as text; it is cleared.
    private func lastError() -> String? {
        guard qpdf_has_error(qpdf) != 0, let error = qpdf_get_error(qpdf),
            let text = qpdf_get_error_full_text(qpdf, error)
        else { return nil }
        return said(text)
    }

    /// Throws what qpdf found wrong while reading an object on demand.
    func check(_ what: String) throws(PDFError) {
        if let error = lastError() { throw PDFError(.unreadable, "reading \(what): \(error)") }
    }

    var trailer: Handle { qpdf_get_trailer(qpdf) }
    var root: Handle { qpdf_get_root(qpdf) }
    var pageCount: Int { Int(qpdf_get_num_pages(qpdf)) }
    func page(_ index: Int) -> Handle { qpdf_get_page_n(qpdf, index) }

    /// Adds `annotation` to `page`'s annotations, wherever the array lives; returns the object that changed (the
    /// array when it is indirect, else the page).
    func annotate(_ page: Handle, with annotation: Handle) -> Handle {
        let annotations = key("/Annots", of: page)
        if isArray(annotations) {
            append(annotation, to: annotations)
            return isIndirect(annotations) ? annotations : page
        }
        let array = newArray()
        append(annotation, to: array)
        set("/Annots", array, in: page)
        return page
    }

    /// What a reader shows of `page`: its crop box, or its media box, either inherited from the page tree (ISO
    /// 32000-2, 7.7.3.4); A4 when the file names neither.
    func visibleBox(of page: Handle) -> PDFRect {
        for key in ["/CropBox", "/MediaBox"] {
            var node = page
            for _ in 0..<32 where isDictionary(node) {
                if let box = rectangle(self.key(key, of: node)) { return box }
                node = self.key("/Parent", of: node)
            }
        }
        return PDFRect(x: 0, y: 0, width: 595.28, height: 841.89)
    }

    /// A rectangle array (ISO 32000-2, 7.9.5), its corners in either order; nil unless it is four numbers within
    /// what readers draw (ISO 32000-2, C.2: a box beyond that is no box).
    func rectangle(_ array: Handle) -> PDFRect? {
        let numbers = items(of: array).compactMap(number)
        guard isArray(array), numbers.count == 4, numbers.allSatisfy({ $0.isFinite && abs($0) <= 14400 }) else {
            return nil
        }
        let (left, right) = (min(numbers[0], numbers[2]), max(numbers[0], numbers[2]))
        let (bottom, top) = (min(numbers[1], numbers[3]), max(numbers[1], numbers[3]))
        return PDFRect(x: left, y: bottom, width: right - left, height: top - bottom)
    }

    /// A dictionary's entry, or a stream's dictionary's (qpdf answers null for a stream itself); null for anything
    /// else, without the warning qpdf would record (a warning means damage here).
    func key(_ key: String, of handle: Handle) -> Handle {
        isDictionary(handle) || isStream(handle)
            ? qpdf_oh_get_key(qpdf, dictionary(handle), key) : qpdf_oh_new_null(qpdf)
    }

    func has(_ key: String, _ handle: Handle) -> Bool {
        (isDictionary(handle) || isStream(handle)) && qpdf_oh_has_key(qpdf, dictionary(handle), key) != 0
    }
    private func dictionary(_ handle: Handle) -> Handle { isStream(handle) ? qpdf_oh_get_dict(qpdf, handle) : handle }
    func isIndirect(_ handle: Handle) -> Bool { qpdf_oh_is_indirect(qpdf, handle) != 0 }
    func isDictionary(_ handle: Handle) -> Bool { qpdf_oh_is_dictionary(qpdf, handle) != 0 }
    func isArray(_ handle: Handle) -> Bool { qpdf_oh_is_array(qpdf, handle) != 0 }
    func isString(_ handle: Handle) -> Bool { qpdf_oh_is_string(qpdf, handle) != 0 }
    func isNull(_ handle: Handle) -> Bool { qpdf_oh_is_null(qpdf, handle) != 0 }
    func isName(_ handle: Handle, _ name: String) -> Bool { qpdf_oh_is_name_and_equals(qpdf, handle, name) != 0 }
    func integer(_ handle: Handle) -> Int? {
        qpdf_oh_is_integer(qpdf, handle) != 0 ? Int(qpdf_oh_get_int_value(qpdf, handle)) : nil
    }
    func number(_ handle: Handle) -> Double? {
        qpdf_oh_is_number(qpdf, handle) != 0 ? qpdf_oh_get_numeric_value(qpdf, handle) : nil
    }
    func count(_ array: Handle) -> Int { Int(qpdf_oh_get_array_n_items(qpdf, array)) }
    func item(_ index: Int, of array: Handle) -> Handle { qpdf_oh_get_array_item(qpdf, array, Int32(index)) }

    /// The object's number and generation, for an indirect object.
    func reference(_ handle: Handle) -> ObjectReference {
        ObjectReference(
            number: Int(qpdf_oh_get_object_id(qpdf, handle)), generation: Int(qpdf_oh_get_generation(qpdf, handle)))
    }

    /// A string's bytes as they are (for `/Contents`, binary).
    func bytes(of string: Handle) -> Data {
        var length = 0
        guard let pointer = qpdf_oh_get_binary_string_value(qpdf, string, &length) else { return Data() }
        return Data(bytes: pointer, count: length)
    }

    /// The indirect object `reference`, or a null handle when the file has none by that number and generation.
    func object(_ reference: ObjectReference) -> Handle {
        qpdf_get_object_by_id(qpdf, Int32(reference.number), Int32(reference.generation))
    }

    func isStream(_ handle: Handle) -> Bool { qpdf_oh_is_stream(qpdf, handle) != 0 }

    /// A stream's data: as stored (`decoded: false`, to compare two revisions byte for byte) or with its general
    /// filters undone (a cross-reference stream's entries).
    func streamData(_ stream: Handle, decoded: Bool) throws(PDFError) -> Data {
        var buffer: UnsafeMutablePointer<UInt8>?
        var length = 0
        let code = qpdf_oh_get_stream_data(
            qpdf, stream, decoded ? qpdf_dl_generalized : qpdf_dl_none, nil, &buffer, &length)
        defer { free(buffer) }
        guard code & 2 == 0, let buffer else {
            throw PDFError(.unreadable, "a stream cannot be read: \(lastError() ?? "unknown error")")
        }
        return Data(bytes: buffer, count: length)
    }

    /// A stream's dictionary in PDF syntax; nothing for another object.
    func unparseDictionary(ofStream handle: Handle) -> String {
        isStream(handle) ? String(cString: qpdf_oh_unparse(qpdf, qpdf_oh_get_dict(qpdf, handle))) : ""
    }

    /// A new stream of `data` as stored, with the filters `dictionary` (parsed) names: for decoding bytes read
    /// from the file by offset, not through qpdf's view of it.
    func stream(_ data: Data, describedBy dictionary: Handle) -> Handle {
        let stream = qpdf_oh_new_stream(qpdf)
        data.withUnsafeBytes {
            qpdf_oh_replace_stream_data(
                qpdf, stream, $0.bindMemory(to: UInt8.self).baseAddress, $0.count, key("/Filter", of: dictionary),
                key("/DecodeParms", of: dictionary))
        }
        return stream
    }

    /// What qpdf warned of since the file was read or last asked (damage found while resolving objects on
    /// demand), cleared.
    func warnings() -> [String] {
        var warnings: [String] = []
        while qpdf_more_warnings(qpdf) != 0 {
            if let text = qpdf_get_error_full_text(qpdf, qpdf_next_warning(qpdf)) {
                warnings.append(said(text))
            }
        }
        return warnings
    }

    /// A text string's value as UTF-8 (PDFDocEncoding or UTF-16 decoded).
    func text(_ string: Handle) -> String {
        // Asking a non-string for its text is a warning qpdf keeps, which would read as damage.
        guard isString(string), let value = qpdf_oh_get_utf8_value(qpdf, string) else { return "" }
        return String(cString: value)
    }

    /// The value in PDF syntax; an indirect object as its reference, `N G R`.
    func unparse(_ handle: Handle) -> String { String(cString: qpdf_oh_unparse(qpdf, handle)) }

    /// An indirect object itself in PDF syntax (a stream's dictionary, for a stream); the objects it refers to as
    /// `N G R`.
    func unparseObject(_ handle: Handle) -> String { String(cString: qpdf_oh_unparse_resolved(qpdf, handle)) }

    /// A new indirect object (an empty dictionary, for qpdf drops a key whose value is null): it takes the next
    /// object number, and an update then writes what it really is.
    func reserveObject() -> Handle { qpdf_make_indirect_object(qpdf, qpdf_oh_new_dictionary(qpdf)) }

    /// A dictionary's keys (a stream's, for a stream), names with their slash.
    /// The keys of a dictionary or a stream's dictionary; none for anything else (asking would be a warning).
    func keys(of handle: Handle) -> [String] {
        guard isDictionary(handle) || isStream(handle) else { return [] }
        let dictionary = dictionary(handle)
        var keys: [String] = []
        qpdf_oh_begin_dict_key_iter(qpdf, dictionary)
        while qpdf_oh_dict_more_keys(qpdf) != 0 {
            if let key = qpdf_oh_dict_next_key(qpdf) { keys.append(String(cString: key)) }
        }
        return keys
    }

    /// The items of an array, or nothing when `array` is not one.
    func items(of array: Handle) -> [Handle] {
        isArray(array) ? (0..<count(array)).map { item($0, of: array) } : []
    }

    func newArray() -> Handle { qpdf_oh_new_array(qpdf) }
    func newDictionary() -> Handle { qpdf_oh_new_dictionary(qpdf) }
    /// One object written in PDF syntax (qpdf takes no white space around it).
    func parse(_ text: String) -> Handle { qpdf_oh_parse(qpdf, text.trimmingCharacters(in: .whitespacesAndNewlines)) }
    func append(_ item: Handle, to array: Handle) { qpdf_oh_append_item(qpdf, array, item) }
    func set(_ key: String, _ value: Handle, in dictionary: Handle) {
        qpdf_oh_replace_key(qpdf, dictionary, key, value)
    }
}

/// An indirect object's number and generation.
public struct ObjectReference: Hashable, Sendable, CustomStringConvertible {
    public let number: Int
    public let generation: Int

    public var description: String { "\(number) \(generation) R" }
}
