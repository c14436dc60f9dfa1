import Foundation
import LienThongDomain
import Testing

@Test func weekendsAndHolidaysAreNotWorkingDays() {
    let calendar = WorkingDayCalendar()
    #expect(calendar.isWorkingDay(day("2026-02-13")))  // Friday before Tết
    #expect(!calendar.isWorkingDay(day("2026-02-14")))  // Saturday
    #expect(!calendar.isWorkingDay(day("2026-02-16")))  // 29 Tết
    #expect(!calendar.isWorkingDay(day("2026-02-20")))  // mùng 4
    #expect(calendar.isWorkingDay(day("2026-02-23")))
    #expect(!calendar.isWorkingDay(day("2026-04-27")))  // substitute for Giỗ Tổ on Sunday
    #expect(!calendar.isWorkingDay(day("2022-01-03")))  // substitute for 1 January 2022 (Saturday)
    #expect(!calendar.isWorkingDay(day("2023-09-04")))  // substitute for 2 September 2023 (Saturday)
    #expect(calendar.isWorkingDay(day("2023-09-05")))
}

@Test func addsWorkingDaysAcrossTet() {
    let calendar = WorkingDayCalendar()
    // Fri 13 Feb 2026; then weekend, five Tết days (16-20), weekend.
    #expect(calendar.adding(workingDays: 1, to: day("2026-02-13")) == day("2026-02-23"))
    #expect(calendar.adding(workingDays: 5, to: day("2026-02-13")) == day("2026-02-27"))
    #expect(calendar.adding(workingDays: 9, to: day("2026-02-09")) == day("2026-02-27"))
    #expect(calendar.adding(workingDays: 10, to: day("2026-02-09")) == day("2026-03-02"))
    // Tết 2023 with two substitute days (26, 27 Jan): Fri 20 Jan + 1 -> Mon 30 Jan.
    #expect(calendar.adding(workingDays: 1, to: day("2023-01-20")) == day("2023-01-30"))
    // Starting on a holiday counts from the next working day.
    #expect(calendar.adding(workingDays: 1, to: day("2026-02-17")) == day("2026-02-23"))
}

@Test func addsWorkingDaysAcrossYearBoundary() {
    let calendar = WorkingDayCalendar()
    #expect(calendar.adding(workingDays: 1, to: day("2025-12-30")) == day("2025-12-31"))
    #expect(calendar.adding(workingDays: 2, to: day("2025-12-30")) == day("2026-01-02"))  // skips 1 Jan
    #expect(calendar.adding(workingDays: 3, to: day("2025-12-30")) == day("2026-01-05"))
    // 1 Jan 2022 was Saturday: 1, 2 and the substitute 3 January are all off.
    #expect(calendar.adding(workingDays: 1, to: day("2021-12-31")) == day("2022-01-04"))
    #expect(calendar.adding(workingDays: -1, to: day("2022-01-04")) == day("2021-12-31"))
}

@Test func zeroWorkingDays() {
    let calendar = WorkingDayCalendar()
    #expect(calendar.adding(workingDays: 0, to: day("2026-02-13")) == day("2026-02-13"))
    #expect(calendar.adding(workingDays: 0, to: day("2026-02-14")) == day("2026-02-23"))
    #expect(calendar.adding(workingDays: 0, to: day("2026-04-26")) == day("2026-04-28"))
}

@Test func countsWorkingDays() {
    let calendar = WorkingDayCalendar()
    #expect(calendar.workingDays(from: day("2026-02-13"), to: day("2026-02-23")) == 1)
    #expect(calendar.workingDays(from: day("2026-02-23"), to: day("2026-02-13")) == -1)
    #expect(calendar.workingDays(from: day("2026-02-13"), to: day("2026-02-13")) == 0)
    #expect(calendar.workingDays(from: day("2026-02-14"), to: day("2026-02-22")) == 0)
    // 2026 has 261 weekdays; 11 of its days off fall on weekdays (1/1, 5 Tết days,
    // 27/4 substitute, 30/4, 1/5, 1/9, 2/9), leaving 250 working days.
    #expect(calendar.workingDays(from: day("2025-12-31"), to: day("2026-12-31")) == 250)
}

@Test func addingAndCountingAgree() {
    let calendar = WorkingDayCalendar()
    var start = day("2025-12-01")
    while start < day("2026-03-01") {
        for n in 1...25 {
            let due = calendar.adding(workingDays: n, to: start)
            #expect(calendar.isWorkingDay(due))
            #expect(calendar.workingDays(from: start, to: due) == n, "\(start) + \(n)")
            #expect(calendar.workingDays(from: start, to: due.adding(days: -1)) == n - 1, "\(start) + \(n)")
        }
        start = start.adding(days: 1)
    }
}

@Test func overridesChangeWorkingDays() throws {
    let overrides = try HolidayOverrides(
        json: Data(
            """
            { "years": {
                "2026": { "add": [ {"date": "2026-01-02", "name": "Nghỉ cầu nối"},
                                   {"date": "2026-02-17", "name": "Mùng 1 Tết (theo quyết định)"} ],
                          "remove": ["2026-09-01"],
                          "workingSaturdays": ["2026-01-10"],
                          "nationalDayAdjacent": "after" },
                "2027": { "add": [ {"date": "2027-02-08", "name": "Nghỉ Tết"} ], "replaceComputed": true } } }
            """.utf8))
    let calendar = WorkingDayCalendar(overrides: overrides)
    #expect(!calendar.isWorkingDay(day("2026-01-02")))  // added bridge day
    #expect(calendar.isWorkingDay(day("2026-01-10")))  // worked Saturday
    #expect(!calendar.isWorkingDay(day("2026-01-17")))  // other Saturdays untouched
    #expect(!calendar.isWorkingDay(day("2026-09-03")))  // adjacent day moved after 2 Sep ...
    #expect(calendar.isWorkingDay(day("2026-09-01")))  // ... and 1 Sep is a working day
    let holidays2026 = calendar.holidays(in: 2026)
    #expect(holidays2026.contains(Holiday(date: day("2026-01-02"), name: "Nghỉ cầu nối")))
    #expect(holidays2026.filter { $0.date == day("2026-02-17") }.map(\.name) == ["Mùng 1 Tết (theo quyết định)"])
    #expect(holidays2026.map(\.date) == holidays2026.map(\.date).sorted())
    #expect(holidays2026.count == 13)  // 12 computed, 1 Sep moved to 3 Sep, plus one bridge day
    // 2027 replaced entirely: only 8 Feb is off, so even 1 January and 2 September are worked.
    #expect(calendar.holidays(in: 2027) == [Holiday(date: day("2027-02-08"), name: "Nghỉ Tết")])
    #expect(calendar.isWorkingDay(day("2027-01-01")))
    #expect(calendar.isWorkingDay(day("2027-09-02")))
    #expect(!calendar.isWorkingDay(day("2027-02-08")))
    // Working days count the worked Saturday and skip the bridge day.
    #expect(calendar.adding(workingDays: 1, to: day("2026-01-01")) == day("2026-01-05"))
    #expect(calendar.adding(workingDays: 5, to: day("2026-01-05")) == day("2026-01-10"))
    // The default calendar is unaffected.
    #expect(WorkingDayCalendar().isWorkingDay(day("2026-01-02")))
}

@Test func yearsOutsidePrecomputedRangeGiveTheSameAnswers() {
    let narrow = WorkingDayCalendar(precomputedYears: 2026...2026)
    let wide = WorkingDayCalendar(precomputedYears: 2000...2040)
    var date = day("2029-12-01")
    while date < day("2031-03-01") {
        #expect(narrow.isWorkingDay(date) == wide.isWorkingDay(date), "\(date)")
        date = date.adding(days: 1)
    }
    #expect(narrow.holidays(in: 2030) == wide.holidays(in: 2030))
    // Tết 2030 (Saturday 2 Feb): 1-5 Feb off plus substitutes Wed 6 and Thu 7 Feb.
    #expect(narrow.adding(workingDays: 1, to: day("2030-01-31")) == day("2030-02-08"))
    #expect(narrow.holidays(in: 2030).filter(\.isSubstitute).map(\.date).contains(day("2030-02-07")))
}

@Test func fastEnoughForRequestPaths() async {
    let calendar = WorkingDayCalendar()
    let start = ContinuousClock.now
    var last = day("2026-01-01")
    for offset in 0..<5_000 {
        last = calendar.adding(workingDays: 10, to: day("2026-01-01").adding(days: offset % 700))
    }
    let elapsed = ContinuousClock.now - start
    #expect(last > day("2026-01-01"))
    #expect(elapsed < .seconds(1), "5000 calls took \(elapsed)")
    // Sendable: usable from concurrent tasks without locks.
    let results = await withTaskGroup(of: CivilDate.self) { group in
        for _ in 0..<4 {
            group.addTask { calendar.adding(workingDays: 1, to: day("2026-02-13")) }
        }
        return await group.reduce(into: []) { $0.append($1) }
    }
    #expect(results == Array(repeating: day("2026-02-23"), count: 4))
}
