import Foundation
import LienThongDomain
import Testing

@Test func validatesGregorianDates() {
    #expect(CivilDate(year: 2024, month: 2, day: 29) != nil)
    #expect(CivilDate(year: 2000, month: 2, day: 29) != nil)
    #expect(CivilDate(year: 2025, month: 2, day: 29) == nil)
    #expect(CivilDate(year: 1900, month: 2, day: 29) == nil)
    #expect(CivilDate(year: 2026, month: 4, day: 31) == nil)
    #expect(CivilDate(year: 2026, month: 13, day: 1) == nil)
    #expect(CivilDate(year: 2026, month: 0, day: 1) == nil)
    #expect(CivilDate(year: 2026, month: 1, day: 0) == nil)
    #expect(CivilDate(year: 0, month: 1, day: 1) == nil)
    #expect(CivilDate(year: 10000, month: 1, day: 1) == nil)
}

@Test func parsesIsoStrictly() {
    let parsed = CivilDate(iso: "2026-02-17")
    #expect(parsed?.year == 2026 && parsed?.month == 2 && parsed?.day == 17)
    for bad in [
        "2026-2-17", "2026-02-17T00:00", " 2026-02-17", "2026/02/17", "20260217", "2026-02-30",
        "2026-13-01", "", "abcd-ef-gh", "+026-02-17", "２０２６-02-17", "2026-02-1a",
    ] {
        #expect(CivilDate(iso: bad) == nil, "accepted \(bad)")
    }
}

@Test func describesAsPaddedIso() {
    #expect(CivilDate(year: 1, month: 2, day: 3)?.description == "0001-02-03")
    #expect(day("2026-12-05").description == "2026-12-05")
    #expect("\(day("2030-02-02"))" == "2030-02-02")
}

@Test func julianDayNumbersMatchKnownValues() {
    #expect(day("2000-01-01").julianDayNumber == 2_451_545)
    #expect(day("1970-01-01").julianDayNumber == 2_440_588)
    #expect(day("1858-11-17").julianDayNumber == 2_400_001)  // Modified Julian Day 0
    #expect(day("0001-01-01").julianDayNumber == 1_721_426)
    #expect(CivilDate(julianDayNumber: 2_451_545) == day("2000-01-01"))
    #expect(CivilDate(julianDayNumber: 2_460_311) == day("2024-01-01"))
    // Every day of four centuries survives the round trip and consecutive JDNs are consecutive days.
    var previous = CivilDate(julianDayNumber: 2_415_020)
    for jdn in 2_415_021...2_561_000 {
        let date = CivilDate(julianDayNumber: jdn)
        if date.julianDayNumber != jdn {
            Issue.record("JDN \(jdn) -> \(date) -> \(date.julianDayNumber)")
            break
        }
        let expectedNext =
            previous.day < CivilDate.daysInMonth(year: previous.year, month: previous.month)
            ? CivilDate(year: previous.year, month: previous.month, day: previous.day + 1)
            : previous.month < 12
                ? CivilDate(year: previous.year, month: previous.month + 1, day: 1)
                : CivilDate(year: previous.year + 1, month: 1, day: 1)
        if date != expectedNext {
            Issue.record("\(previous) -> \(date)")
            break
        }
        previous = date
    }
}

@Test func isoWeekdays() {
    #expect(day("2000-01-01").weekday == 6)  // Saturday
    #expect(day("2022-01-01").weekday == 6)  // Saturday
    #expect(day("2023-09-02").weekday == 6)  // Saturday
    #expect(day("2026-09-02").weekday == 3)  // Wednesday
    #expect(day("2026-02-17").weekday == 2)  // Tuesday
    #expect(day("2024-04-28").weekday == 7)  // Sunday
    #expect(day("2024-04-29").weekday == 1)  // Monday
    #expect(day("2024-04-28").isWeekend && !day("2024-04-29").isWeekend)
}

@Test func addsDays() {
    #expect(day("2024-02-28").adding(days: 1) == day("2024-02-29"))
    #expect(day("2023-02-28").adding(days: 1) == day("2023-03-01"))
    #expect(day("2026-12-31").adding(days: 1) == day("2027-01-01"))
    #expect(day("2026-01-01").adding(days: -1) == day("2025-12-31"))
    #expect(day("2026-01-01").adding(days: 365) == day("2027-01-01"))
    #expect(day("2024-01-01").adding(days: 366) == day("2025-01-01"))
}

@Test func ordersChronologically() {
    #expect(day("2025-12-31") < day("2026-01-01"))
    #expect(day("2026-01-31") < day("2026-02-01"))
    #expect(!(day("2026-02-01") < day("2026-02-01")))
    #expect(
        [day("2026-03-01"), day("2025-12-31"), day("2026-01-15")].sorted()
            == [day("2025-12-31"), day("2026-01-15"), day("2026-03-01")])
}

@Test func codesAsIsoString() throws {
    let data = try JSONEncoder().encode([day("2026-02-17")])
    #expect(String(decoding: data, as: UTF8.self) == #"["2026-02-17"]"#)
    let decoded = try JSONDecoder().decode([CivilDate].self, from: Data(#"["2030-02-02"]"#.utf8))
    #expect(decoded == [day("2030-02-02")])
    #expect(throws: DecodingError.self) {
        try JSONDecoder().decode([CivilDate].self, from: Data(#"["2026-02-30"]"#.utf8))
    }
    #expect(throws: DecodingError.self) {
        try JSONDecoder().decode([CivilDate].self, from: Data("[20260217]".utf8))
    }
}

@Test func vietnamDateUsesFixedPlusSeven() throws {
    func instant(_ text: String) throws -> Date {
        try #require(ISO8601DateFormatter().date(from: text))
    }
    #expect(CivilDate.inVietnam(try instant("2026-12-31T17:30:00Z")) == day("2027-01-01"))
    #expect(CivilDate.inVietnam(try instant("2026-12-31T16:59:59Z")) == day("2026-12-31"))
    #expect(CivilDate.inVietnam(try instant("2026-12-31T17:00:00Z")) == day("2027-01-01"))
    #expect(CivilDate.inVietnam(try instant("1970-01-01T00:00:00Z")) == day("1970-01-01"))
    #expect(CivilDate.inVietnam(try instant("1969-12-31T16:59:59Z")) == day("1969-12-31"))
    #expect(CivilDate.inVietnam(try instant("1969-12-31T17:00:00Z")) == day("1970-01-01"))
    // Summer in Europe/US must not shift anything: there is no DST in Vietnam.
    #expect(CivilDate.inVietnam(try instant("2026-07-01T16:59:59Z")) == day("2026-07-01"))
    #expect(CivilDate.inVietnam(try instant("2026-07-01T17:00:00Z")) == day("2026-07-02"))
}

@Test func aDayBeginsInVietnamSevenHoursBeforeMidnightUTC() {
    let day = CivilDate(year: 2026, month: 11, day: 29)!
    #expect(day.startInVietnam == Date(timeIntervalSince1970: 1_795_885_200))  // 2026-11-28T17:00:00Z
    #expect(CivilDate.inVietnam(day.startInVietnam) == day)
    #expect(CivilDate.inVietnam(day.startInVietnam.addingTimeInterval(-1)) == day.adding(days: -1))
}
