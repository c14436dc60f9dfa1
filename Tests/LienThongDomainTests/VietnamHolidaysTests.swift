import LienThongDomain
import Testing

private func entries(_ holidays: [Holiday]) -> [String] {
    holidays.map { "\($0.date) \($0.isSubstitute ? "bù" : $0.name)" }
}

@Test func holidays2026() {
    // Giỗ Tổ falls on Sunday 26 April, so Monday 27 April is off instead.
    #expect(
        entries(VietnamHolidays.holidays(in: 2026)) == [
            "2026-01-01 Tết Dương lịch",
            "2026-02-16 Tết Nguyên đán", "2026-02-17 Tết Nguyên đán", "2026-02-18 Tết Nguyên đán",
            "2026-02-19 Tết Nguyên đán", "2026-02-20 Tết Nguyên đán",
            "2026-04-26 Giỗ Tổ Hùng Vương", "2026-04-27 bù",
            "2026-04-30 Ngày Chiến thắng", "2026-05-01 Ngày Quốc tế Lao động",
            "2026-09-01 Ngày Quốc khánh", "2026-09-02 Ngày Quốc khánh",
        ])
}

@Test func holidays2023WithManyWeekendCollisions() {
    // 2023: 1 Jan Sunday; Tết 21-25 Jan includes Sat+Sun; Giỗ Tổ Sat 29 Apr and 30 Apr Sunday;
    // 2 Sep Saturday. Matches the days actually given off that year (e.g. 29/4-3/5, 1/9-4/9).
    #expect(
        entries(VietnamHolidays.holidays(in: 2023)) == [
            "2023-01-01 Tết Dương lịch", "2023-01-02 bù",
            "2023-01-21 Tết Nguyên đán", "2023-01-22 Tết Nguyên đán", "2023-01-23 Tết Nguyên đán",
            "2023-01-24 Tết Nguyên đán", "2023-01-25 Tết Nguyên đán", "2023-01-26 bù", "2023-01-27 bù",
            "2023-04-29 Giỗ Tổ Hùng Vương", "2023-04-30 Ngày Chiến thắng", "2023-05-01 Ngày Quốc tế Lao động",
            "2023-05-02 bù", "2023-05-03 bù",
            "2023-09-01 Ngày Quốc khánh", "2023-09-02 Ngày Quốc khánh", "2023-09-04 bù",
        ])
}

@Test func newYear2022OnSaturdayGivesMondayOff() {
    let holidays = VietnamHolidays.holidays(in: 2022)
    #expect(holidays.contains(Holiday(date: day("2022-01-03"), name: "Nghỉ bù", isSubstitute: true)))
    #expect(!holidays.contains { $0.date == day("2022-01-02") })  // Sunday itself gives nothing extra
    // Giỗ Tổ Sunday 10 April -> Monday 11 April; 30/4 Sat + 1/5 Sun -> Monday 2 and Tuesday 3 May.
    #expect(
        holidays.filter(\.isSubstitute).map(\.date)
            == [day("2022-01-03"), day("2022-04-11"), day("2022-05-02"), day("2022-05-03")])
}

@Test func nationalDayAdjacentAfter() {
    let after = VietnamHolidays.holidays(in: 2024, nationalDayAdjacent: .after).map(\.date)
    #expect(after.contains(day("2024-09-03")) && !after.contains(day("2024-09-01")))
    // Default (1 Sep, a Sunday in 2024) yields the same days off via a substitute on 3 Sep.
    let before = VietnamHolidays.holidays(in: 2024)
    #expect(before.contains(Holiday(date: day("2024-09-01"), name: "Ngày Quốc khánh")))
    #expect(before.contains(Holiday(date: day("2024-09-03"), name: "Nghỉ bù", isSubstitute: true)))
}

@Test func everyYearHasElevenStatutoryDays() {
    for year in 2000...2030 {
        let statutory = VietnamHolidays.statutoryHolidays(in: year)
        #expect(statutory.count == 11, "\(year)")
        #expect(Set(statutory.map(\.date)).count == 11, "\(year) has overlapping holidays")
        let all = VietnamHolidays.holidays(in: year)
        let weekendCount = statutory.filter(\.date.isWeekend).count
        #expect(all.count == 11 + weekendCount, "\(year)")
        #expect(Set(all.map(\.date)).count == all.count, "\(year) has colliding substitutes")
        #expect(all.filter(\.isSubstitute).allSatisfy { !$0.date.isWeekend && $0.date.year == year })
        #expect(all.map(\.date) == all.map(\.date).sorted())
    }
}
