import Foundation
import LienThongDomain
import Testing

private func overrides(_ json: String) throws(HolidayOverridesError) -> HolidayOverrides {
    try HolidayOverrides(json: Data(json.utf8))
}

private func errorMessage(_ json: String) -> String? {
    do {
        _ = try overrides(json)
        return nil
    } catch {
        return error.message
    }
}

@Test func decodesTheDocumentedExample() throws {
    let parsed = try overrides(
        """
        { "years": { "2026": { "add": [ {"date": "2026-02-14", "name": "Nghỉ Tết (Quyết định ...)"} ],
                                "remove": ["2026-02-20"],
                                "workingSaturdays": ["2026-01-10"],
                                "replaceComputed": false } } }
        """)
    let year = try #require(parsed.years[2026])
    #expect(year.add == [HolidayOverrides.AddedHoliday(date: day("2026-02-14"), name: "Nghỉ Tết (Quyết định ...)")])
    #expect(year.remove == [day("2026-02-20")])
    #expect(year.workingSaturdays == [day("2026-01-10")])
    #expect(year.replaceComputed == false)
    #expect(year.nationalDayAdjacent == nil)
    #expect(parsed.years.count == 1)
}

@Test func emptyDocumentsMeanNoOverrides() throws {
    #expect(try overrides("{}").years.isEmpty)
    #expect(try overrides(#"{"years": {}}"#).years.isEmpty)
    #expect(try overrides(#"{"years": {"2027": {}}}"#).years[2027] == HolidayOverrides.YearOverride())
    #expect(HolidayOverrides.none.years.isEmpty)
}

@Test func roundTripsThroughJSON() throws {
    let original = try HolidayOverrides(years: [
        2025: .init(
            add: [.init(date: day("2025-01-27"), name: "Nghỉ Tết")], workingSaturdays: [day("2025-02-08")],
            nationalDayAdjacent: .after),
        2026: .init(add: [.init(date: day("2026-01-02"), name: "Bridge")], replaceComputed: true),
    ])
    let data = try JSONEncoder().encode(original)
    #expect(try HolidayOverrides(json: data) == original)
}

@Test func errorMessagesPointAtTheField() {
    let cases: [(String, String)] = [
        (
            #"{"years": {"2026": {"add": [{"date": "2026-13-01", "name": "x"}]}}}"#,
            #"holiday overrides: year 2026, add[0].date "2026-13-01" is not a date YYYY-MM-DD"#
        ),
        (
            #"{"years": {"2026": {"add": [{"date": "2026-01-02", "name": "ok"}, {"date": "2025-12-31", "name": "x"}]}}}"#,
            "holiday overrides: year 2026, add[1].date 2025-12-31 is not in 2026"
        ),
        (
            #"{"years": {"2026": {"add": [{"date": "2026-01-02", "name": "  "}]}}}"#,
            "holiday overrides: year 2026, add[0].name must not be empty"
        ),
        (
            #"{"years": {"2026": {"add": [{"date": "2026-01-02"}]}}}"#,
            #"holiday overrides: year 2026, add[0]: missing field "name""#
        ),
        (
            #"{"years": {"2026": {"remove": ["2026-02-21", "21/02/2026"]}}}"#,
            #"holiday overrides: year 2026, remove[1] "21/02/2026" is not a date YYYY-MM-DD"#
        ),
        (
            #"{"years": {"2026": {"workingSaturdays": ["2026-01-12"]}}}"#,
            "holiday overrides: year 2026, workingSaturdays[0] 2026-01-12 is a weekday, not a Saturday or Sunday"
        ),
        (
            #"{"years": {"2026": {"workingSaturdays": ["2027-01-09"]}}}"#,
            "holiday overrides: year 2026, workingSaturdays[0] 2027-01-09 is not in 2026"
        ),
        (
            #"{"years": {"2026": {"replaceComputed": "yes"}}}"#,
            "holiday overrides: year 2026, replaceComputed: expected true or false"
        ),
        (
            #"{"years": {"2026": {"add": {"date": "2026-01-02"}}}}"#,
            "holiday overrides: year 2026, add: expected an array"
        ),
        (
            #"{"years": {"2026": {"replaceComputed": true, "remove": ["2026-01-01"]}}}"#,
            "holiday overrides: year 2026, remove has no effect when replaceComputed is true; list only the days off in add"
        ),
        (
            #"{"years": {"2026": {"nationalDayAdjacent": "monday"}}}"#,
            #"holiday overrides: year 2026, nationalDayAdjacent "monday" must be "before" or "after""#
        ),
        (
            #"{"years": {"2026": {"workingSaturday": ["2026-01-10"]}}}"#,
            #"holiday overrides: year 2026: unknown field "workingSaturday"; expected one of add, remove, workingSaturdays, replaceComputed, nationalDayAdjacent"#
        ),
        (#"{"years": {"26": {}}}"#, #"holiday overrides: year key "26" is not a year YYYY"#),
        (#"{"year": {}}"#, #"holiday overrides: unknown top-level field "year"; expected "years""#),
        (#"{"years": []}"#, "holiday overrides: years: expected an object"),
    ]
    for (json, expected) in cases {
        #expect(errorMessage(json) == expected, "for \(json)")
    }
    let invalid = errorMessage(#"{"years": {"2026": {"add": [}}}"#)
    #expect(invalid?.hasPrefix("holiday overrides: not valid JSON") == true, "\(String(describing: invalid))")
}

@Test func programmaticConstructionIsValidatedToo() {
    #expect(throws: HolidayOverridesError("holiday overrides: year 2026, remove[0] 2025-01-01 is not in 2026")) {
        try HolidayOverrides(years: [2026: .init(remove: [day("2025-01-01")])])
    }
}
