import Foundation

/// A deadline as a user types it: a fixed date, or a number of working days from issue
/// (the form Vietnamese administrative procedures use, e.g. "trong 10 ngày làm việc").
public enum DeadlineSpec: Sendable, Equatable, CustomStringConvertible {
    case date(CivilDate)
    case workingDays(Int)

    /// Upper bound for "N wd": a year of working days is already far beyond any real procedure,
    /// and a bound keeps a typo like "1000000wd" from becoming a long loop.
    public static let workingDaysRange: ClosedRange<Int> = 1...365

    /// Accepts `2026-12-15` or `10wd` / `10 wd` / `10WD` (surrounding spaces ignored).
    public init(parsing text: String) throws(DeadlineSpecError) {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if let date = CivilDate(iso: trimmed) {
            self = .date(date)
            return
        }
        let lower = trimmed.lowercased()
        guard lower.hasSuffix("wd") else { throw DeadlineSpecError(input: text) }
        let digits = lower.dropLast(2).trimmingCharacters(in: .whitespaces)
        guard !digits.isEmpty, digits.utf8.count <= 6,
            digits.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }),
            let count = Int(digits), Self.workingDaysRange.contains(count)
        else { throw DeadlineSpecError(input: text) }
        self = .workingDays(count)
    }

    /// The day the deadline falls on; working days are counted after the issue date.
    public func dueDate(issuedOn: CivilDate, calendar: WorkingDayCalendar) -> CivilDate {
        switch self {
        case .date(let date): return date
        case .workingDays(let count): return calendar.adding(workingDays: count, to: issuedOn)
        }
    }

    /// The canonical text form, which `init(parsing:)` reads back.
    public var description: String {
        switch self {
        case .date(let date): return date.description
        case .workingDays(let count): return "\(count)wd"
        }
    }
}

/// Why a deadline could not be read; the message lists both accepted forms.
public struct DeadlineSpecError: Error, LocalizedError, CustomStringConvertible, Equatable {
    public let input: String

    public init(input: String) {
        self.input = input
    }

    public var message: String {
        "deadline \"\(input)\" is not understood: write a date as YYYY-MM-DD (e.g. 2026-12-15) "
            + "or a number of working days from \(DeadlineSpec.workingDaysRange.lowerBound) to "
            + "\(DeadlineSpec.workingDaysRange.upperBound) followed by \"wd\" (e.g. 10wd)"
    }

    public var description: String { message }
    public var errorDescription: String? { message }
}
