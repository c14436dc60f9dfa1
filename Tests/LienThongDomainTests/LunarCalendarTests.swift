import LienThongDomain
import Testing

// Tết Nguyên đán (lunar 1/1) in Vietnam, UTC+7, written down from published calendars.
// 2007 and 2030 differ from the Chinese (UTC+8) date because the new moon falls between
// 23:00 and 24:00 Vietnam time: 2007-02-17 16:14 UTC, 2030-02-02 16:07 UTC.
// 2030: the brief listed 2030-02-03, which is the Chinese date; Vietnam's is 2030-02-02
// (checked against the full Meeus new-moon series, new moon 23:07 in Hà Nội).
let tetTable: [Int: String] = [
    2000: "2000-02-05", 2001: "2001-01-24", 2002: "2002-02-12", 2003: "2003-02-01",
    2004: "2004-01-22", 2005: "2005-02-09", 2006: "2006-01-29", 2007: "2007-02-17",
    2008: "2008-02-07", 2009: "2009-01-26", 2010: "2010-02-14", 2011: "2011-02-03",
    2012: "2012-01-23", 2013: "2013-02-10", 2014: "2014-01-31", 2015: "2015-02-19",
    2016: "2016-02-08", 2017: "2017-01-28", 2018: "2018-02-16", 2019: "2019-02-05",
    2020: "2020-01-25", 2021: "2021-02-12", 2022: "2022-02-01", 2023: "2023-01-22",
    2024: "2024-02-10", 2025: "2025-01-29", 2026: "2026-02-17", 2027: "2027-02-06",
    2028: "2028-01-26", 2029: "2029-02-13", 2030: "2030-02-02",
]

// Giỗ Tổ Hùng Vương (lunar 10/3) in Vietnam.
// Remembered from official announcements: 2010-2026. The other years were worked out
// from Tết plus month lengths (leap month 2 in 2004 and 2023 pushes month 3 back) and
// then confirmed only against independent new-moon times, so they are less certain.
// 2009: Vietnam 4 April (new moon 2009-03-26 23:06 UTC+7), China 5 April.
let hungKingsTable: [Int: String] = [
    2000: "2000-04-14", 2001: "2001-04-03", 2002: "2002-04-22", 2003: "2003-04-11",
    2004: "2004-04-28", 2005: "2005-04-18", 2006: "2006-04-07", 2007: "2007-04-26",
    2008: "2008-04-15", 2009: "2009-04-04", 2010: "2010-04-23", 2011: "2011-04-12",
    2012: "2012-03-31", 2013: "2013-04-19", 2014: "2014-04-09", 2015: "2015-04-28",
    2016: "2016-04-16", 2017: "2017-04-06", 2018: "2018-04-25", 2019: "2019-04-14",
    2020: "2020-04-02", 2021: "2021-04-21", 2022: "2022-04-10", 2023: "2023-04-29",
    2024: "2024-04-18", 2025: "2025-04-07", 2026: "2026-04-26", 2027: "2027-04-16",
    2028: "2028-04-04", 2029: "2029-04-23", 2030: "2030-04-12",
]

@Test func tetMatchesTableForEveryYear() {
    #expect(tetTable.count == 31)
    for year in 2000...2030 {
        let expected = day(tetTable[year]!)
        #expect(LunarCalendar.solarDate(for: LunarDate(year: year, month: 1, day: 1)) == expected, "Tết \(year)")
        #expect(LunarCalendar.lunarDate(for: expected) == LunarDate(year: year, month: 1, day: 1), "Tết \(year)")
        let eve = LunarCalendar.lunarDate(for: expected.adding(days: -1))
        #expect(
            eve.year == year - 1 && eve.month == 12 && !eve.isLeapMonth && (29...30).contains(eve.day),
            "eve of Tết \(year) is \(eve)")
    }
}

@Test func hungKingsMatchesTableForEveryYear() {
    #expect(hungKingsTable.count == 31)
    for year in 2000...2030 {
        let expected = day(hungKingsTable[year]!)
        #expect(LunarCalendar.solarDate(for: LunarDate(year: year, month: 3, day: 10)) == expected, "Giỗ Tổ \(year)")
        #expect(LunarCalendar.lunarDate(for: expected) == LunarDate(year: year, month: 3, day: 10), "Giỗ Tổ \(year)")
    }
}

@Test func vietnamAndChinaDifferWhenNewMoonIsLateEvening() {
    // 1985: Vietnam celebrated Tết on 21 January, China on 20 February (a whole month apart,
    // because month 11 and the leap month come out differently at UTC+7).
    #expect(LunarCalendar.solarDate(for: LunarDate(year: 1985, month: 1, day: 1)) == day("1985-01-21"))
    #expect(
        LunarCalendar.solarDate(for: LunarDate(year: 1985, month: 1, day: 1), timeZoneOffsetHours: 8)
            == day("1985-02-20"))
    #expect(LunarCalendar.lunarDate(for: day("1985-01-21")) == LunarDate(year: 1985, month: 1, day: 1))
    #expect(LunarCalendar.lunarDate(for: day("1985-01-21"), timeZoneOffsetHours: 8).month == 12)
    // 2007: one day apart.
    #expect(LunarCalendar.solarDate(for: LunarDate(year: 2007, month: 1, day: 1)) == day("2007-02-17"))
    #expect(
        LunarCalendar.solarDate(for: LunarDate(year: 2007, month: 1, day: 1), timeZoneOffsetHours: 8)
            == day("2007-02-18"))
    #expect(
        LunarCalendar.lunarDate(for: day("2007-02-17"), timeZoneOffsetHours: 8)
            == LunarDate(year: 2006, month: 12, day: 30))
    // 2030: one day apart.
    #expect(
        LunarCalendar.solarDate(for: LunarDate(year: 2030, month: 1, day: 1), timeZoneOffsetHours: 8)
            == day("2030-02-03"))
}

@Test func knownLunarDates() {
    // Leap months: 2020 leap 4 from 23 May, 2023 leap 2 from 22 March, 2025 leap 6 from 25 July.
    #expect(
        LunarCalendar.lunarDate(for: day("2020-05-23")) == LunarDate(year: 2020, month: 4, day: 1, isLeapMonth: true))
    #expect(LunarCalendar.lunarDate(for: day("2020-05-22")) == LunarDate(year: 2020, month: 4, day: 30))
    #expect(
        LunarCalendar.lunarDate(for: day("2023-03-22")) == LunarDate(year: 2023, month: 2, day: 1, isLeapMonth: true))
    #expect(LunarCalendar.lunarDate(for: day("2023-04-20")) == LunarDate(year: 2023, month: 3, day: 1))
    #expect(
        LunarCalendar.solarDate(for: LunarDate(year: 2025, month: 6, day: 1, isLeapMonth: true)) == day("2025-07-25"))
    #expect(LunarCalendar.solarDate(for: LunarDate(year: 2025, month: 7, day: 1)) == day("2025-08-23"))
    // Mid-autumn 2024 (15/8) was 17 September; 2025 was 6 October.
    #expect(LunarCalendar.solarDate(for: LunarDate(year: 2024, month: 8, day: 15)) == day("2024-09-17"))
    #expect(LunarCalendar.solarDate(for: LunarDate(year: 2025, month: 8, day: 15)) == day("2025-10-06"))
    // Month 11 of 2025 begins 20 December 2025; lunar year 2025 still runs into 2026.
    #expect(LunarCalendar.lunarDate(for: day("2025-12-20")) == LunarDate(year: 2025, month: 11, day: 1))
    #expect(LunarCalendar.lunarDate(for: day("2026-01-19")) == LunarDate(year: 2025, month: 12, day: 1))
    // Tết 2026 has no "30 Tết": month 12 of 2025 has 29 days.
    #expect(LunarCalendar.lunarDate(for: day("2026-02-16")) == LunarDate(year: 2025, month: 12, day: 29))
}

@Test func rejectsLunarDatesThatDoNotExist() {
    #expect(LunarCalendar.solarDate(for: LunarDate(year: 2025, month: 12, day: 30)) == nil)  // 29-day month
    // A 30-day month.
    #expect(LunarCalendar.solarDate(for: LunarDate(year: 2023, month: 12, day: 30)) == day("2024-02-09"))
    #expect(LunarCalendar.solarDate(for: LunarDate(year: 2026, month: 3, day: 1, isLeapMonth: true)) == nil)
    #expect(LunarCalendar.solarDate(for: LunarDate(year: 2025, month: 5, day: 1, isLeapMonth: true)) == nil)
    #expect(LunarCalendar.solarDate(for: LunarDate(year: 2026, month: 13, day: 1)) == nil)
    #expect(LunarCalendar.solarDate(for: LunarDate(year: 2026, month: 1, day: 0)) == nil)
    #expect(LunarCalendar.solarDate(for: LunarDate(year: 2026, month: 1, day: 31)) == nil)
}

@Test func roundTripsEveryDayFrom2000To2030() {
    var day = CivilDate(year: 2000, month: 1, day: 1)!
    let end = CivilDate(year: 2030, month: 12, day: 31)!
    var previous = LunarCalendar.lunarDate(for: day.adding(days: -1))
    var failures = 0
    while day <= end && failures < 10 {
        let lunar = LunarCalendar.lunarDate(for: day)
        if LunarCalendar.solarDate(for: lunar) != day {
            Issue.record("\(day) -> \(lunar) -> \(String(describing: LunarCalendar.solarDate(for: lunar)))")
            failures += 1
        }
        // The lunar calendar must advance by exactly one day, or start a new 29/30-day month.
        let continues =
            lunar.year == previous.year && lunar.month == previous.month
            && lunar.isLeapMonth == previous.isLeapMonth && lunar.day == previous.day + 1
        let newMonth = lunar.day == 1 && (29...30).contains(previous.day)
        if !(continues || newMonth) {
            Issue.record("\(day): \(previous) followed by \(lunar)")
            failures += 1
        }
        previous = lunar
        day = day.adding(days: 1)
    }
}
