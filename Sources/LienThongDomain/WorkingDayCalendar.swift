import Foundation

/// Answers "is this a working day?" and counts working days for Vietnamese offices:
/// Monday to Friday, minus public holidays and substitutes, adjusted by the yearly overrides.
///
/// Holidays for a range of years are computed once in `init` and stored in immutable sets,
/// so the value is `Sendable` without locks and lookups are a hash probe. Years outside the
/// range still work; they are computed on demand (slower, but correct).
public struct WorkingDayCalendar: Sendable, CustomStringConvertible {
    public let overrides: HolidayOverrides
    /// Years whose holidays were computed in `init`.
    public let precomputedYears: ClosedRange<Int>

    private let precomputedDays: ClosedRange<Int>  // Julian Day Numbers covered by the tables
    private let tables: [Int: YearTable]
    private let daysOff: Set<Int>  // JDNs
    private let workedWeekendDays: Set<Int>  // JDNs

    /// One year's holidays with the overrides applied.
    private struct YearTable: Sendable {
        let holidays: [Holiday]
        let daysOff: Set<Int>
        let workedWeekendDays: Set<Int>
    }

    /// - Parameter precomputedYears: years to tabulate up front (the default takes a few
    ///   milliseconds); other years are still answered, just computed on each call.
    public init(overrides: HolidayOverrides = .none, precomputedYears: ClosedRange<Int> = 1990...2100) {
        let years = precomputedYears.clamped(to: 1...9999)
        self.overrides = overrides
        self.precomputedYears = years
        var tables: [Int: YearTable] = [:]
        var daysOff: Set<Int> = []
        var worked: Set<Int> = []
        for year in years {
            let table = Self.makeTable(year: year, overrides: overrides)
            tables[year] = table
            daysOff.formUnion(table.daysOff)
            worked.formUnion(table.workedWeekendDays)
        }
        self.tables = tables
        self.daysOff = daysOff
        self.workedWeekendDays = worked
        self.precomputedDays =
            CivilDate(year: years.lowerBound, month: 1, day: 1)!
            .julianDayNumber...CivilDate(year: years.upperBound, month: 12, day: 31)!.julianDayNumber
    }

    /// Short on purpose: test failures print the value, and the tables are large.
    public var description: String {
        "WorkingDayCalendar(precomputed \(precomputedYears), overrides for \(overrides.years.count) year(s))"
    }

    /// Days off of `year` (statutory, substitutes and overrides), sorted by date.
    public func holidays(in year: Int) -> [Holiday] {
        guard (1...9999).contains(year) else { return [] }
        return (tables[year] ?? Self.makeTable(year: year, overrides: overrides)).holidays
    }

    /// A weekday that is not a day off, or a weekend day declared worked.
    /// A day that is both declared worked and a holiday counts as a day off.
    public func isWorkingDay(_ date: CivilDate) -> Bool {
        var lookup = Lookup(calendar: self)
        return lookup.isWorkingDay(date.julianDayNumber)
    }

    /// The date `n` working days after `start`, not counting `start` itself: the usual
    /// reading of "within n working days". `n == 0` gives `start` if it is a working day,
    /// otherwise the next one; negative `n` counts backwards.
    public func adding(workingDays n: Int, to start: CivilDate) -> CivilDate {
        var lookup = Lookup(calendar: self)
        var day = start.julianDayNumber
        if n == 0 {
            while !lookup.isWorkingDay(day) { day += 1 }
            return CivilDate(julianDayNumber: day)
        }
        let step = n > 0 ? 1 : -1
        var remaining = n.magnitude
        while remaining > 0 {
            day += step
            if lookup.isWorkingDay(day) { remaining -= 1 }
        }
        return CivilDate(julianDayNumber: day)
    }

    /// Working days in the interval (from, to]: excludes `from`, includes `to`.
    /// Negative when `to` is before `from`, so `adding(workingDays: n, to: d)` and this agree.
    public func workingDays(from: CivilDate, to: CivilDate) -> Int {
        let a = from.julianDayNumber
        let b = to.julianDayNumber
        if a == b { return 0 }
        var lookup = Lookup(calendar: self)
        let (low, high, sign) = a < b ? (a, b, 1) : (b, a, -1)
        var count = 0
        for day in (low + 1)...high where lookup.isWorkingDay(day) {
            count += 1
        }
        return sign * count
    }

    /// Per-call cache for days outside the precomputed years, so a loop crossing them
    /// computes each year once instead of once per day.
    private struct Lookup {
        let calendar: WorkingDayCalendar
        var cachedYear: Int?
        var cachedTable: YearTable?

        init(calendar: WorkingDayCalendar) {
            self.calendar = calendar
        }

        mutating func isWorkingDay(_ jdn: Int) -> Bool {
            let weekend = jdn % 7 >= 5  // JDN 0 was a Monday
            if calendar.precomputedDays.contains(jdn) {
                if calendar.daysOff.contains(jdn) { return false }
                return !weekend || calendar.workedWeekendDays.contains(jdn)
            }
            let year = CivilDate(julianDayNumber: jdn).year
            if cachedYear != year {
                cachedTable = WorkingDayCalendar.makeTable(year: year, overrides: calendar.overrides)
                cachedYear = year
            }
            guard let table = cachedTable else { return !weekend }
            if table.daysOff.contains(jdn) { return false }
            return !weekend || table.workedWeekendDays.contains(jdn)
        }
    }

    private static func makeTable(year: Int, overrides: HolidayOverrides) -> YearTable {
        let override = overrides.years[year]
        var holidays: [Holiday] = []
        if override?.replaceComputed != true {
            let adjacent = override?.nationalDayAdjacent ?? .before
            let removed = Set(override?.remove ?? [])
            holidays = VietnamHolidays.holidays(in: year, nationalDayAdjacent: adjacent)
                .filter { !removed.contains($0.date) }
        }
        // An added day replaces a computed one on the same date: the decree's name wins.
        var seen = Set<CivilDate>()
        let added = (override?.add ?? []).filter { seen.insert($0.date).inserted }
        holidays.removeAll { seen.contains($0.date) }
        holidays += added.map { Holiday(date: $0.date, name: $0.name) }
        holidays.sort { $0.date < $1.date }
        return YearTable(
            holidays: holidays,
            daysOff: Set(holidays.map(\.date.julianDayNumber)),
            workedWeekendDays: Set((override?.workingSaturdays ?? []).map(\.julianDayNumber)))
    }
}
