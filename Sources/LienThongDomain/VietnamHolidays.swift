import Foundation

/// A day off: either a statutory public holiday or a substitute day (nghỉ bù) for one.
public struct Holiday: Sendable, Hashable, CustomStringConvertible {
    public let date: CivilDate
    /// Vietnamese name as used in official notices, e.g. "Tết Nguyên đán".
    public let name: String
    /// True when the day is only off because a holiday fell on a weekend.
    public let isSubstitute: Bool

    public init(date: CivilDate, name: String, isSubstitute: Bool = false) {
        self.date = date
        self.name = name
        self.isSubstitute = isSubstitute
    }

    public var description: String {
        "\(date) \(name)\(isSubstitute ? " (nghỉ bù)" : "")"
    }
}

/// Which day next to 2 September is the second National Day holiday. The Labour Code
/// lets the Prime Minister choose each year, so it is a per-year override.
public enum NationalDayAdjacent: String, Sendable, Codable, CaseIterable {
    case before
    case after
}

/// Statutory public holidays of Vietnam (Labour Code 2019, art. 112), before any
/// per-year government decisions (bridge days, worked Saturdays) are applied.
public enum VietnamHolidays {
    public static let newYearName = "Tết Dương lịch"
    public static let tetName = "Tết Nguyên đán"
    public static let hungKingsName = "Giỗ Tổ Hùng Vương"
    public static let reunificationName = "Ngày Chiến thắng"
    public static let labourDayName = "Ngày Quốc tế Lao động"
    public static let nationalDayName = "Ngày Quốc khánh"
    public static let substituteName = "Nghỉ bù"

    /// The statutory holidays of `year` plus their substitute days, sorted by date.
    public static func holidays(in year: Int, nationalDayAdjacent: NationalDayAdjacent = .before) -> [Holiday] {
        let primary = statutoryHolidays(in: year, nationalDayAdjacent: nationalDayAdjacent)
        return (primary + substitutes(for: primary)).sorted { $0.date < $1.date }
    }

    /// The statutory holidays themselves (11 days), without substitutes, sorted by date.
    public static func statutoryHolidays(in year: Int, nationalDayAdjacent: NationalDayAdjacent = .before) -> [Holiday]
    {
        // Lunar conversion needs the neighbouring years, so stay clear of the CivilDate limits.
        guard (2...9998).contains(year) else { return [] }
        var result: [Holiday] = []
        func add(_ month: Int, _ day: Int, _ name: String) {
            if let date = CivilDate(year: year, month: month, day: day) {
                result.append(Holiday(date: date, name: name))
            }
        }
        add(1, 1, newYearName)
        // Tết: the last day of the old lunar year (29 or 30 of month 12) and days 1-4 of month 1.
        // Lunar 1/1 always falls between 21 January and 20 February, so all five stay in `year`.
        if let tet = LunarCalendar.solarDate(for: LunarDate(year: year, month: 1, day: 1)) {
            for offset in -1...3 {
                result.append(Holiday(date: tet.adding(days: offset), name: tetName))
            }
        }
        if let hungKings = LunarCalendar.solarDate(for: LunarDate(year: year, month: 3, day: 10)) {
            result.append(Holiday(date: hungKings, name: hungKingsName))
        }
        add(4, 30, reunificationName)
        add(5, 1, labourDayName)
        switch nationalDayAdjacent {
        case .before: add(9, 1, nationalDayName)
        case .after: add(9, 3, nationalDayName)
        }
        add(9, 2, nationalDayName)
        return result.sorted { $0.date < $1.date }
    }

    /// Substitute days for holidays that fall on a Saturday or Sunday (art. 112(3)).
    ///
    /// Each weekend holiday, in date order, takes the first later day that is neither a
    /// weekend day, a holiday, nor already taken by an earlier substitute; so a weekend
    /// inside the five Tết days pushes substitutes to just after Tết.
    public static func substitutes(for holidays: [Holiday]) -> [Holiday] {
        var taken = Set(holidays.map(\.date))
        var result: [Holiday] = []
        for holiday in holidays.sorted(by: { $0.date < $1.date }) where holiday.date.isWeekend {
            var candidate = holiday.date.adding(days: 1)
            while candidate.isWeekend || taken.contains(candidate) {
                candidate = candidate.adding(days: 1)
            }
            taken.insert(candidate)
            result.append(Holiday(date: candidate, name: substituteName, isSubstitute: true))
        }
        return result
    }
}
