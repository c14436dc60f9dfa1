/// A rule of the domain that an input breaks, said so that a clerk can fix it.
public enum DomainError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A value that does not have the required shape.
    case invalid(field: String, value: String, rule: String)
    /// A value longer than Decree 30 allows.
    case tooLong(field: String, limit: Int, actual: Int)
    /// A required value that is missing or empty.
    case missing(field: String)
    /// A secret document, which must never travel over an ordinary exchange system.
    case secretDocument(String)
    /// A status change that is not allowed from the current status.
    case transitionNotAllowed(from: DeliveryStatus, to: DeliveryStatus, allowed: [DeliveryStatus])

    public var description: String {
        switch self {
        case .invalid(let field, let value, let rule):
            "\(field) \"\(value)\" is not valid: \(rule)"
        case .tooLong(let field, let limit, let actual):
            "\(field) is \(actual) characters long; Decree 30/2020/NĐ-CP allows at most \(limit)"
        case .missing(let field):
            "\(field) is required"
        case .secretDocument(let level):
            "this document is marked \(level): secret documents (Mật, Tối mật, Tuyệt mật) must not travel over LienThong; register and send them through the separate secret register"
        case .transitionNotAllowed(let from, let to, let allowed):
            "a delivery in status \(from) cannot move to \(to); allowed from \(from.code): "
                + (allowed.isEmpty ? "none (final status)" : allowed.map(\.description).joined(separator: ", "))
        }
    }
}

extension String {
    /// Without leading and trailing Unicode whitespace.
    public func trimmingWhitespace() -> String {
        var scalars = Substring(self).unicodeScalars
        while let first = scalars.first, first.properties.isWhitespace { scalars.removeFirst() }
        while let last = scalars.last, last.properties.isWhitespace { scalars.removeLast() }
        return String(scalars)
    }
}
