import Foundation

/// A calendar day with no time or time zone attached.
///
/// Deadlines and holidays are whole days in Vietnam; modelling them as `Date`
/// invites off-by-one errors whenever the process time zone is not +07:00.
/// The Gregorian calendar is used proleptically, and the year is limited to
/// 1...9999 so every value has a four-digit ISO 8601 form (`YYYY-MM-DD`).
public struct CivilDate: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    public let year: Int
    public let month: Int
    public let day: Int

    /// Smallest and largest representable Julian Day Numbers (0001-01-01, 9999-12-31).
    public static let julianDayNumberRange: ClosedRange<Int> = 1_721_426...5_373_484

    /// Returns nil for impossible dates (e.g. 2025-02-29) instead of normalising them,
    /// because silently rolling over would hide input errors.
    public init?(year: Int, month: Int, day: Int) {
        guard (1...9999).contains(year), (1...12).contains(month),
            day >= 1, day <= CivilDate.daysInMonth(year: year, month: month)
        else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    /// Parses exactly `YYYY-MM-DD` (ASCII digits, zero padded); anything looser,
    /// such as `2026-2-3` or a trailing time, is rejected so that typos surface.
    public init?(iso: String) {
        let bytes = Array(iso.utf8)
        guard bytes.count == 10, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-") else {
            return nil
        }
        func number(_ range: Range<Int>) -> Int? {
            var value = 0
            for index in range {
                let byte = bytes[index]
                guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
                value = value * 10 + Int(byte - UInt8(ascii: "0"))
            }
            return value
        }
        guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10) else {
            return nil
        }
        self.init(year: year, month: month, day: day)
    }

    /// Builds a date from a Julian Day Number, the day count the lunar algorithm works in.
    /// Traps outside `julianDayNumberRange`, which would have no four-digit year.
    public init(julianDayNumber jdn: Int) {
        precondition(
            CivilDate.julianDayNumberRange.contains(jdn),
            "Julian Day Number \(jdn) is outside 0001-01-01...9999-12-31")
        // Richards' algorithm for the Gregorian calendar; all operands are positive here.
        let a = jdn + 32044
        let b = (4 * a + 3) / 146_097
        let c = a - (146_097 * b) / 4
        let d = (4 * c + 3) / 1461
        let e = c - (1461 * d) / 4
        let m = (5 * e + 2) / 153
        self.day = e - (153 * m + 2) / 5 + 1
        self.month = m + 3 - 12 * (m / 10)
        self.year = 100 * b + d - 4800 + m / 10
    }

    /// The date as a document states it (Decree 30, Appendix I): "ngày 05 tháng 01 năm 2027", a day below 10 and
    /// the months January and February written with a leading zero.
    public var documentText: String {
        let day = day < 10 ? "0\(day)" : "\(day)"
        let month = month < 3 ? "0\(month)" : "\(month)"
        return "ngày \(day) tháng \(month) năm \(year)"
    }

    /// Days since noon 4713 BC (Julian); makes day arithmetic plain integer arithmetic.
    public var julianDayNumber: Int {
        let a = (14 - month) / 12
        let y = year + 4800 - a
        let m = month + 12 * a - 3
        return day + (153 * m + 2) / 5 + 365 * y + y / 4 - y / 100 + y / 400 - 32045
    }

    /// ISO weekday, 1 = Monday ... 7 = Sunday (JDN 0 was a Monday).
    public var weekday: Int {
        julianDayNumber % 7 + 1
    }

    /// Saturday or Sunday: the weekly rest days for offices in Vietnam.
    public var isWeekend: Bool {
        weekday >= 6
    }

    public func adding(days: Int) -> CivilDate {
        CivilDate(julianDayNumber: julianDayNumber + days)
    }

    public var description: String {
        func pad(_ value: Int, _ width: Int) -> String {
            let digits = String(value)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))"
    }

    /// The date on the wall calendar in Vietnam at `date`.
    ///
    /// Uses a fixed +07:00 offset rather than `TimeZone`: Vietnam has no daylight saving,
    /// and servers usually run in UTC, so the system zone would be wrong.
    public static func inVietnam(_ date: Date) -> CivilDate {
        let localSeconds = date.timeIntervalSince1970 + 7 * 3600
        let daysSinceEpoch = Int(floor(localSeconds / 86_400))
        return CivilDate(julianDayNumber: 2_440_588 + daysSinceEpoch)  // 1970-01-01 is JDN 2440588
    }

    /// The instant this day begins in Vietnam (00:00 +07:00): where a range of days starts or ends.
    public var startInVietnam: Date {
        Date(timeIntervalSince1970: Double((julianDayNumber - 2_440_588) * 86_400 - 7 * 3600))
    }

    public static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 1, 3, 5, 7, 8, 10, 12: return 31
        case 4, 6, 9, 11: return 30
        case 2:
            let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
            return leap ? 29 : 28
        default: return 0
        }
    }

    public static func < (lhs: CivilDate, rhs: CivilDate) -> Bool {
        (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
    }

    // Coded as the ISO string so JSON stays human-editable.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let date = CivilDate(iso: text) else {
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "\"\(text)\" is not a date YYYY-MM-DD")
        }
        self = date
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
