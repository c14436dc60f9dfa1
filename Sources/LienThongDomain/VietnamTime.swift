import Foundation

/// Vietnam time (UTC+07:00, no daylight saving). Times are stored in UTC and shown in this zone;
/// the year of a document's number is the year in this zone.
public enum VietnamTime {
    public static let offsetSeconds = 7 * 3600
    public static let zone = TimeZone(secondsFromGMT: offsetSeconds)!

    static let calendar: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        return calendar
    }()

    /// The calendar year in Vietnam at `date`: 23:30 on 31 December +07:00 is still the old year.
    public static func year(of date: Date) -> Int { calendar.component(.year, from: date) }

    /// ISO 8601 with the +07:00 offset, to the second: `2026-11-21T15:04:05+07:00`; or in UTC,
    /// as stored, `2026-11-21T08:04:05Z`.
    /// Plain arithmetic rather than Calendar: reports print dozens of times per document.
    public static func iso8601(_ date: Date, utc: Bool = false) -> String {
        let local = Int((date.timeIntervalSince1970).rounded(.down)) + (utc ? 0 : offsetSeconds)
        let (days, seconds) = local.quotientAndRemainder(dividingBy: 86_400)
        let (day, second) = seconds < 0 ? (days - 1, seconds + 86_400) : (days, seconds)
        let jdn = day + 2_440_588
        guard CivilDate.julianDayNumberRange.contains(jdn) else { return "\(date)" }
        let civil = CivilDate(julianDayNumber: jdn)
        let suffix = utc ? "Z" : "+07:00"
        return String(unsafeUninitializedCapacity: 19 + suffix.utf8.count) { buffer in
            var index = 0
            func put(_ value: Int, _ width: Int, _ separator: UInt8?) {
                var value = value
                for position in stride(from: index + width - 1, through: index, by: -1) {
                    buffer[position] = UInt8(ascii: "0") + UInt8(value % 10)
                    value /= 10
                }
                index += width
                if let separator {
                    buffer[index] = separator
                    index += 1
                }
            }
            put(civil.year, 4, UInt8(ascii: "-"))
            put(civil.month, 2, UInt8(ascii: "-"))
            put(civil.day, 2, UInt8(ascii: "T"))
            put(second / 3600, 2, UInt8(ascii: ":"))
            put(second / 60 % 60, 2, UInt8(ascii: ":"))
            put(second % 60, 2, nil)
            for byte in suffix.utf8 {
                buffer[index] = byte
                index += 1
            }
            return index
        }
    }
}
