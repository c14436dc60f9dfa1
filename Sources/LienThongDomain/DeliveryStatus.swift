/// The status a receiving agency reports back for one delivery (edXML, QCVN 102).
/// Codes are two-digit strings; there are no others.
public enum DeliveryStatus: String, Sendable, Codable, CaseIterable, CustomStringConvertible {
    case arrived = "01"
    /// Returned to the sender, with a reason.
    case rejected = "02"
    /// Accepted and registered in the incoming register (vào sổ văn bản đến).
    case accepted = "03"
    case assigned = "04"
    case inProgress = "05"
    case completed = "06"
    case recallRequested = "13"
    case recallAccepted = "15"
    case recallRefused = "16"

    public var code: String { rawValue }

    public var vietnameseName: String {
        switch self {
        case .arrived: "Đã đến"
        case .rejected: "Từ chối"
        case .accepted: "Đã tiếp nhận"
        case .assigned: "Phân công"
        case .inProgress: "Đang xử lý"
        case .completed: "Hoàn thành"
        case .recallRequested: "Đề nghị thu hồi"
        case .recallAccepted: "Đồng ý thu hồi"
        case .recallRefused: "Từ chối thu hồi"
        }
    }

    public var description: String { "\(code) \(vietnameseName)" }

    /// The statuses that may follow this one. A recall may be asked at any point before the
    /// receiver has answered one; a refused recall returns the delivery to its normal course.
    public var allowedNext: [DeliveryStatus] {
        switch self {
        case .arrived: [.rejected, .accepted, .recallRequested]
        case .accepted: [.assigned, .inProgress, .completed, .recallRequested]
        case .assigned: [.assigned, .inProgress, .completed, .recallRequested]
        case .inProgress: [.inProgress, .completed, .recallRequested]
        case .recallRequested: [.recallAccepted, .recallRefused]
        case .recallRefused: [.assigned, .inProgress, .completed, .recallRequested]
        case .rejected, .completed, .recallAccepted: []
        }
    }

    /// Nothing may follow: returned, completed, or given back to a recall. A deadline no longer runs.
    public var isClosed: Bool { allowedNext.isEmpty }

    /// Accepts the two-digit code or the English name a clerk types: `assigned`, `in-progress` …
    public init(parsing text: String) throws(DomainError) {
        let key = text.trimmingWhitespace().lowercased()
        let names: [String: DeliveryStatus] = [
            "arrived": .arrived, "rejected": .rejected, "accepted": .accepted, "assigned": .assigned,
            "in-progress": .inProgress, "completed": .completed, "recall-requested": .recallRequested,
            "recall-accepted": .recallAccepted, "recall-refused": .recallRefused,
        ]
        guard let status = DeliveryStatus(rawValue: key) ?? names[key] else {
            throw .invalid(
                field: "status", value: text,
                rule: "use a code 01…16 of QCVN 102 or a name: " + names.keys.sorted().joined(separator: ", "))
        }
        self = status
    }

    /// The status whose rules hold after `history` (oldest first): after a refused recall (16), the
    /// one the delivery had before the recall (13), so that a document recalled before it was
    /// registered is still registered (03) before it is assigned or processed.
    public static func inForce(after history: [DeliveryStatus]) -> DeliveryStatus? {
        var rest = history[...]
        while rest.last == .recallRefused {
            rest = rest.dropLast()
            if rest.last == .recallRequested { rest = rest.dropLast() }
        }
        return rest.last
    }

    /// The status after `next`, or an error naming what is allowed instead.
    public func transition(to next: DeliveryStatus) throws(DomainError) -> DeliveryStatus {
        guard allowedNext.contains(next) else {
            throw .transitionNotAllowed(from: self, to: next, allowed: allowedNext)
        }
        return next
    }
}
