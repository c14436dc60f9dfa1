/// Urgency (độ khẩn), carried as the edXML priority 0…3.
public enum Urgency: Int, Sendable, Codable, CaseIterable, CustomStringConvertible {
    case normal = 0
    /// Khẩn
    case urgent = 1
    /// Thượng khẩn
    case veryUrgent = 2
    /// Hỏa tốc
    case flash = 3

    public var vietnameseName: String {
        switch self {
        case .normal: "Thường"
        case .urgent: "Khẩn"
        case .veryUrgent: "Thượng khẩn"
        case .flash: "Hỏa tốc"
        }
    }

    public var description: String { vietnameseName }

    /// Accepts the English case names, the Vietnamese names with or without diacritics, or 0…3.
    public init(parsing text: String) throws(DomainError) {
        let key = text.trimmingWhitespace().nfc.lowercased()
        let names: [String: Urgency] = [
            "normal": .normal, "thường": .normal, "thuong": .normal, "0": .normal,
            "urgent": .urgent, "khẩn": .urgent, "khan": .urgent, "1": .urgent,
            "very-urgent": .veryUrgent, "thượng khẩn": .veryUrgent, "thuong-khan": .veryUrgent, "2": .veryUrgent,
            "flash": .flash, "hỏa tốc": .flash, "hoả tốc": .flash, "hoa-toc": .flash, "3": .flash,
        ]
        guard let urgency = names[key] else {
            throw .invalid(
                field: "urgency", value: text,
                rule: "use normal, urgent (Khẩn), very-urgent (Thượng khẩn) or flash (Hỏa tốc)")
        }
        self = urgency
    }
}

/// Secrecy (độ mật). Only `none` may travel over LienThong.
public enum Secrecy: String, Sendable, Codable, CaseIterable {
    case none
    /// Mật
    case confidential
    /// Tối mật
    case secret
    /// Tuyệt mật
    case topSecret

    public var vietnameseName: String {
        switch self {
        case .none: "Thường"
        case .confidential: "Mật"
        case .secret: "Tối mật"
        case .topSecret: "Tuyệt mật"
        }
    }

    /// Refuses anything marked secret, with the reason a clerk needs.
    public func requireOrdinary() throws(DomainError) {
        if self != .none { throw .secretDocument(vietnameseName) }
    }
}
