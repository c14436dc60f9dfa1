/// How the signer signs (thẩm quyền ký), printed before the position: `TM. Ủy ban nhân dân`.
public enum AuthorityPrefix: String, Sendable, Codable, CaseIterable {
    /// On behalf of a collective (thay mặt).
    case onBehalf = "TM."
    /// Deputy for the head (ký thay).
    case deputy = "KT."
    /// By order (thừa lệnh).
    case byOrder = "TL."
    /// By authorisation (thừa ủy quyền).
    case authorised = "TUQ."
    /// Acting (quyền).
    case acting = "Q."

    public init(parsing text: String) throws(DomainError) {
        let key = text.trimmingWhitespace().uppercased()
        guard let prefix = Self.allCases.first(where: { $0.rawValue == key || $0.rawValue == key + "." }) else {
            throw .invalid(field: "signer authority", value: text, rule: "use TM., KT., TL., TUQ. or Q.")
        }
        self = prefix
    }
}
