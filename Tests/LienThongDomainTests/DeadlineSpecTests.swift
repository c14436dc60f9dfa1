import LienThongDomain
import Testing

@Test func parsesBothForms() throws {
    #expect(try DeadlineSpec(parsing: "2026-12-15") == .date(day("2026-12-15")))
    #expect(try DeadlineSpec(parsing: " 2026-12-15\n") == .date(day("2026-12-15")))
    #expect(try DeadlineSpec(parsing: "10wd") == .workingDays(10))
    #expect(try DeadlineSpec(parsing: "10 wd") == .workingDays(10))
    #expect(try DeadlineSpec(parsing: "10WD") == .workingDays(10))
    #expect(try DeadlineSpec(parsing: "1Wd") == .workingDays(1))
    #expect(try DeadlineSpec(parsing: "365wd") == .workingDays(365))
    #expect(try DeadlineSpec(parsing: "007wd") == .workingDays(7))
}

@Test func rejectsOtherInputWithHelpfulMessage() {
    for bad in [
        "", "wd", "0wd", "366wd", "-5wd", "+5wd", "10", "10 days", "10w d", "1 0wd", "2026-12-32",
        "15/12/2026", "2026-12-15 10wd", "١٠wd", "99999999999999999999wd",
    ] {
        #expect(throws: DeadlineSpecError(input: bad), "accepted \"\(bad)\"") {
            try DeadlineSpec(parsing: bad)
        }
    }
    let message = DeadlineSpecError(input: "next week").message
    #expect(
        message == "deadline \"next week\" is not understood: write a date as YYYY-MM-DD (e.g. 2026-12-15) "
            + "or a number of working days from 1 to 365 followed by \"wd\" (e.g. 10wd)")
}

@Test func computesDueDates() throws {
    let calendar = WorkingDayCalendar()
    #expect(
        try DeadlineSpec(parsing: "2026-12-15").dueDate(issuedOn: day("2026-02-13"), calendar: calendar)
            == day("2026-12-15"))
    #expect(
        try DeadlineSpec(parsing: "10wd").dueDate(issuedOn: day("2026-02-13"), calendar: calendar)
            == day("2026-03-06"))
    #expect(
        DeadlineSpec.workingDays(3).dueDate(issuedOn: day("2026-04-24"), calendar: calendar)
            == day("2026-05-04"))  // Fri 24 Apr: 25-26 weekend, 27 bù; 28, 29 work; 30/4, 1/5, weekend; Mon 4 May
    #expect(try DeadlineSpec(parsing: DeadlineSpec.workingDays(42).description) == .workingDays(42))
}
