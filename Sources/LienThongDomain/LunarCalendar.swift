import Foundation

/// A date in the Vietnamese lunisolar calendar (âm lịch).
public struct LunarDate: Hashable, Sendable, CustomStringConvertible {
    /// The lunar year, named after the Gregorian year in which its month 1 begins.
    public var year: Int
    public var month: Int
    public var day: Int
    /// True for the intercalary month (tháng nhuận) that repeats `month`.
    public var isLeapMonth: Bool

    public init(year: Int, month: Int, day: Int, isLeapMonth: Bool = false) {
        self.year = year
        self.month = month
        self.day = day
        self.isLeapMonth = isLeapMonth
    }

    public var description: String {
        "\(day)/\(month)\(isLeapMonth ? " nhuận" : "")/\(year) âm lịch"
    }
}

/// Gregorian <-> Vietnamese lunar conversion, after Hồ Ngọc Đức's "amlich" algorithm.
///
/// The lunar calendar is astronomical: a month starts on the local day of the new moon,
/// so the result depends on the time zone. Vietnam uses UTC+7 (since 1968); China uses
/// UTC+8, which is why Tết differs in some years (e.g. 1985, 2007, 2030). Double
/// arithmetic is kept as in the published algorithm so results match its tables.
public enum LunarCalendar {
    /// The lunar date of a Gregorian day, as observed at `timeZoneOffsetHours` east of UTC.
    public static func lunarDate(for date: CivilDate, timeZoneOffsetHours: Double = 7) -> LunarDate {
        let tz = timeZoneOffsetHours
        let dayNumber = date.julianDayNumber
        let k = floorInt((Double(dayNumber) - 2_415_021.076998695) / synodicMonth)
        var monthStart = newMoonDay(k + 1, tz)
        if monthStart > dayNumber {
            monthStart = newMoonDay(k, tz)
        }
        var a11 = lunarMonth11(date.year, tz)
        var b11 = a11
        var lunarYear: Int
        if a11 >= monthStart {
            lunarYear = date.year
            a11 = lunarMonth11(date.year - 1, tz)
        } else {
            lunarYear = date.year + 1
            b11 = lunarMonth11(date.year + 1, tz)
        }
        let lunarDay = dayNumber - monthStart + 1
        let diff = floorDiv(monthStart - a11, 29)
        var isLeap = false
        var lunarMonth = diff + 11
        if b11 - a11 > 365 {
            let leapMonthDiff = leapMonthOffset(a11, tz)
            if diff >= leapMonthDiff {
                lunarMonth = diff + 10
                if diff == leapMonthDiff {
                    isLeap = true
                }
            }
        }
        if lunarMonth > 12 {
            lunarMonth -= 12
        }
        if lunarMonth >= 11 && diff < 4 {
            lunarYear -= 1
        }
        return LunarDate(year: lunarYear, month: lunarMonth, day: lunarDay, isLeapMonth: isLeap)
    }

    /// The Gregorian day of a lunar date, or nil if that lunar date does not exist
    /// (day 30 of a 29-day month, a leap flag on a month that is not leap that year, ...).
    public static func solarDate(for lunar: LunarDate, timeZoneOffsetHours: Double = 7) -> CivilDate? {
        let tz = timeZoneOffsetHours
        guard (1...12).contains(lunar.month), (1...30).contains(lunar.day),
            (2...9998).contains(lunar.year)
        else { return nil }
        let a11: Int
        let b11: Int
        if lunar.month < 11 {
            a11 = lunarMonth11(lunar.year - 1, tz)
            b11 = lunarMonth11(lunar.year, tz)
        } else {
            a11 = lunarMonth11(lunar.year, tz)
            b11 = lunarMonth11(lunar.year + 1, tz)
        }
        let k = floorInt(0.5 + (Double(a11) - 2_415_021.076998695) / synodicMonth)
        var off = lunar.month - 11
        if off < 0 {
            off += 12
        }
        if b11 - a11 > 365 {
            let leapOff = leapMonthOffset(a11, tz)
            // Offset 1 after month 11 is a leap 11, offset 2 a leap 12, offset 3 a leap 1, ...
            // (the original code maps offset 2 to "month 0"; corrected here).
            var leapMonth = leapOff - 2
            if leapMonth <= 0 {
                leapMonth += 12
            }
            if lunar.isLeapMonth && lunar.month != leapMonth {
                return nil
            } else if lunar.isLeapMonth || off >= leapOff {
                off += 1
            }
        } else if lunar.isLeapMonth {
            return nil
        }
        let monthStart = newMoonDay(k + off, tz)
        let jdn = monthStart + lunar.day - 1
        guard CivilDate.julianDayNumberRange.contains(jdn) else { return nil }
        let result = CivilDate(julianDayNumber: jdn)
        // Rejects day 30 of a short month, which would otherwise spill into the next month.
        guard lunarDate(for: result, timeZoneOffsetHours: tz) == lunar else { return nil }
        return result
    }

    // MARK: - Astronomy (Meeus, "Astronomical Algorithms", as simplified by Hồ Ngọc Đức)

    private static let synodicMonth = 29.530588853

    /// Julian date (UT, fractional) of the k-th new moon after 1900-01-01.
    private static func newMoon(_ k: Int) -> Double {
        let k = Double(k)
        let t = k / 1236.85  // Julian centuries since 1900-01-00.5
        let t2 = t * t
        let t3 = t2 * t
        let dr = Double.pi / 180
        var jd1 = 2_415_020.75933 + 29.53058868 * k + 0.0001178 * t2 - 0.000000155 * t3
        jd1 += 0.00033 * sin((166.56 + 132.87 * t - 0.009173 * t2) * dr)  // mean new moon
        let m = 359.2242 + 29.10535608 * k - 0.0000333 * t2 - 0.00000347 * t3  // Sun's mean anomaly
        let mpr = 306.0253 + 385.81691806 * k + 0.0107306 * t2 + 0.00001236 * t3  // Moon's mean anomaly
        let f = 21.2964 + 390.67050646 * k - 0.0016528 * t2 - 0.00000239 * t3  // Moon's argument of latitude
        var c1 = (0.1734 - 0.000393 * t) * sin(m * dr) + 0.0021 * sin(2 * dr * m)
        c1 = c1 - 0.4068 * sin(mpr * dr) + 0.0161 * sin(dr * 2 * mpr)
        c1 = c1 - 0.0004 * sin(dr * 3 * mpr)
        c1 = c1 + 0.0104 * sin(dr * 2 * f) - 0.0051 * sin(dr * (m + mpr))
        c1 = c1 - 0.0074 * sin(dr * (m - mpr)) + 0.0004 * sin(dr * (2 * f + m))
        c1 = c1 - 0.0004 * sin(dr * (2 * f - m)) - 0.0006 * sin(dr * (2 * f + mpr))
        c1 = c1 + 0.0010 * sin(dr * (2 * f - mpr)) + 0.0005 * sin(dr * (2 * mpr + m))
        let deltaT: Double
        if t < -11 {
            deltaT = 0.001 + 0.000839 * t + 0.0002261 * t2 - 0.00000845 * t3 - 0.000000081 * t * t3
        } else {
            deltaT = -0.000278 + 0.000265 * t + 0.000262 * t2
        }
        return jd1 + c1 - deltaT
    }

    /// Apparent solar longitude in radians, normalised to [0, 2π), at Julian date `jdn`.
    private static func sunLongitude(_ jdn: Double) -> Double {
        let t = (jdn - 2_451_545.0) / 36525  // Julian centuries since J2000.0
        let t2 = t * t
        let dr = Double.pi / 180
        let m = 357.52910 + 35999.05030 * t - 0.0001559 * t2 - 0.00000048 * t * t2  // mean anomaly
        let l0 = 280.46645 + 36000.76983 * t + 0.0003032 * t2  // mean longitude
        var dl = (1.914600 - 0.004817 * t - 0.000014 * t2) * sin(dr * m)
        dl += (0.019993 - 0.000101 * t) * sin(dr * 2 * m) + 0.000290 * sin(dr * 3 * m)
        var l = (l0 + dl) * dr
        l -= Double.pi * 2 * floor(l / (Double.pi * 2))
        return l
    }

    /// Which 30° sector (0...11) the Sun is in at local midnight starting `dayNumber`;
    /// sector 9 contains the winter solstice, which fixes lunar month 11.
    private static func sunLongitudeSector(_ dayNumber: Int, _ tz: Double) -> Int {
        floorInt(sunLongitude(Double(dayNumber) - 0.5 - tz / 24) / Double.pi * 6)
    }

    /// Local day (JDN) on which the k-th new moon falls.
    private static func newMoonDay(_ k: Int, _ tz: Double) -> Int {
        floorInt(newMoon(k) + 0.5 + tz / 24)
    }

    /// Start (JDN) of lunar month 11 of `year`: the month containing the winter solstice.
    private static func lunarMonth11(_ year: Int, _ tz: Double) -> Int {
        let off = gregorianDecember31(year) - 2_415_021
        let k = floorInt(Double(off) / synodicMonth)
        var nm = newMoonDay(k, tz)
        if sunLongitudeSector(nm, tz) >= 9 {
            nm = newMoonDay(k - 1, tz)
        }
        return nm
    }

    /// In a 13-month year, the index (after month 11 starting at `a11`) of the first month
    /// in which the Sun enters no new sector: that month is the leap month.
    private static func leapMonthOffset(_ a11: Int, _ tz: Double) -> Int {
        let k = floorInt((Double(a11) - 2_415_021.076998695) / synodicMonth + 0.5)
        var last = 0
        var i = 1
        var arc = sunLongitudeSector(newMoonDay(k + i, tz), tz)
        repeat {
            last = arc
            i += 1
            arc = sunLongitudeSector(newMoonDay(k + i, tz), tz)
        } while arc != last && i < 14
        return i - 1
    }

    /// JDN of 31 December of `year`, without building a `CivilDate` (the year may be out of range).
    private static func gregorianDecember31(_ year: Int) -> Int {
        let y = year + 4800
        return 31 + (153 * 9 + 2) / 5 + 365 * y + floorDiv(y, 4) - floorDiv(y, 100) + floorDiv(y, 400) - 32045
    }

    private static func floorInt(_ x: Double) -> Int {
        Int(floor(x))
    }

    private static func floorDiv(_ a: Int, _ b: Int) -> Int {
        let q = a / b
        return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
    }
}
