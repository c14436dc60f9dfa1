import Foundation

/// The government's yearly decisions that the statutory rules cannot predict: the exact
/// Tết days, bridge days, and the Saturdays worked in exchange.
///
/// JSON form (every field of a year is optional):
/// ```json
/// { "years": { "2026": { "add": [ {"date": "2026-02-16", "name": "Nghỉ Tết"} ],
///                        "remove": ["2026-02-21"],
///                        "workingSaturdays": ["2026-01-10"],
///                        "replaceComputed": false,
///                        "nationalDayAdjacent": "after" } } }
/// ```
public struct HolidayOverrides: Codable, Sendable, Equatable {
    /// An extra day off decided for one year.
    public struct AddedHoliday: Encodable, Sendable, Hashable {
        public let date: CivilDate
        public let name: String

        public init(date: CivilDate, name: String) {
            self.date = date
            self.name = name
        }
    }

    /// The decisions for one calendar year.
    public struct YearOverride: Encodable, Sendable, Equatable {
        /// Extra days off (bridge days, Tết days fixed by the Prime Minister).
        public var add: [AddedHoliday]
        /// Computed holidays or substitutes that are not off this year.
        public var remove: [CivilDate]
        /// Weekend days that are worked, usually to pay back a bridge day.
        public var workingSaturdays: [CivilDate]
        /// When true the year's holidays are exactly `add`: for years whose decision
        /// departs too far from the rules to express as edits.
        public var replaceComputed: Bool
        /// Which day beside 2 September is off; nil keeps the default (1 September).
        public var nationalDayAdjacent: NationalDayAdjacent?

        public init(
            add: [AddedHoliday] = [], remove: [CivilDate] = [], workingSaturdays: [CivilDate] = [],
            replaceComputed: Bool = false, nationalDayAdjacent: NationalDayAdjacent? = nil
        ) {
            self.add = add
            self.remove = remove
            self.workingSaturdays = workingSaturdays
            self.replaceComputed = replaceComputed
            self.nationalDayAdjacent = nationalDayAdjacent
        }
    }

    public let years: [Int: YearOverride]

    public static let none = HolidayOverrides(validatedYears: [:])

    /// Validates the same rules as the JSON form, so both entry points fail alike.
    public init(years: [Int: YearOverride]) throws(HolidayOverridesError) {
        for (year, override) in years.sorted(by: { $0.key < $1.key }) {
            try Self.validate(year: year, override)
        }
        self.years = years
    }

    /// Parses and validates the JSON form; errors name the year, entry and field at fault.
    public init(json: Data) throws(HolidayOverridesError) {
        do {
            self = try JSONDecoder().decode(HolidayOverrides.self, from: json)
        } catch let error as HolidayOverridesError {
            throw error
        } catch let error as DecodingError {
            throw HolidayOverridesError(decodingError: error)
        } catch {
            throw HolidayOverridesError("holiday overrides: \(error.localizedDescription)")
        }
    }

    private init(validatedYears: [Int: YearOverride]) {
        self.years = validatedYears
    }

    private static let yearFields = ["add", "remove", "workingSaturdays", "replaceComputed", "nationalDayAdjacent"]

    public init(from decoder: any Decoder) throws {
        let root = try decoder.container(keyedBy: FieldKey.self)
        for key in root.allKeys where key.stringValue != "years" {
            throw HolidayOverridesError(
                "holiday overrides: unknown top-level field \"\(key.stringValue)\"; expected \"years\"")
        }
        guard root.contains(FieldKey("years")) else {
            self.years = [:]
            return
        }
        let yearsContainer = try root.nestedContainer(keyedBy: FieldKey.self, forKey: FieldKey("years"))
        var years: [Int: YearOverride] = [:]
        for key in yearsContainer.allKeys.sorted(by: { $0.stringValue < $1.stringValue }) {
            guard let year = Self.parseYear(key.stringValue) else {
                throw HolidayOverridesError("holiday overrides: year key \"\(key.stringValue)\" is not a year YYYY")
            }
            let context = "holiday overrides: year \(year)"
            let fields = try yearsContainer.nestedContainer(keyedBy: FieldKey.self, forKey: key)
            for field in fields.allKeys where !Self.yearFields.contains(field.stringValue) {
                throw HolidayOverridesError(
                    "\(context): unknown field \"\(field.stringValue)\"; expected one of \(Self.yearFields.joined(separator: ", "))"
                )
            }
            func date(_ text: String, _ path: String) throws(HolidayOverridesError) -> CivilDate {
                guard let date = CivilDate(iso: text) else {
                    throw HolidayOverridesError("\(context), \(path) \"\(text)\" is not a date YYYY-MM-DD")
                }
                return date
            }
            var override = YearOverride()
            let rawAdd = try fields.decodeIfPresent([RawAddedHoliday].self, forKey: FieldKey("add")) ?? []
            for (index, entry) in rawAdd.enumerated() {
                override.add.append(AddedHoliday(date: try date(entry.date, "add[\(index)].date"), name: entry.name))
            }
            let rawRemove = try fields.decodeIfPresent([String].self, forKey: FieldKey("remove")) ?? []
            for (index, text) in rawRemove.enumerated() {
                override.remove.append(try date(text, "remove[\(index)]"))
            }
            let rawWorking = try fields.decodeIfPresent([String].self, forKey: FieldKey("workingSaturdays")) ?? []
            for (index, text) in rawWorking.enumerated() {
                override.workingSaturdays.append(try date(text, "workingSaturdays[\(index)]"))
            }
            override.replaceComputed =
                try fields.decodeIfPresent(Bool.self, forKey: FieldKey("replaceComputed")) ?? false
            if let text = try fields.decodeIfPresent(String.self, forKey: FieldKey("nationalDayAdjacent")) {
                guard let value = NationalDayAdjacent(rawValue: text) else {
                    throw HolidayOverridesError(
                        "\(context), nationalDayAdjacent \"\(text)\" must be \"before\" or \"after\"")
                }
                override.nationalDayAdjacent = value
            }
            try Self.validate(year: year, override)
            years[year] = override
        }
        self.years = years
    }

    public func encode(to encoder: any Encoder) throws {
        var root = encoder.container(keyedBy: FieldKey.self)
        var yearsContainer = root.nestedContainer(keyedBy: FieldKey.self, forKey: FieldKey("years"))
        for (year, override) in years {
            try yearsContainer.encode(override, forKey: FieldKey(String(year)))
        }
    }

    /// Rules that need the year: dates must belong to it, worked days must be weekend days.
    private static func validate(year: Int, _ override: YearOverride) throws(HolidayOverridesError) {
        let context = "holiday overrides: year \(year)"
        guard (1...9999).contains(year) else {
            throw HolidayOverridesError("holiday overrides: year \(year) is out of range 1...9999")
        }
        for (index, entry) in override.add.enumerated() {
            if entry.date.year != year {
                throw HolidayOverridesError("\(context), add[\(index)].date \(entry.date) is not in \(year)")
            }
            if entry.name.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
                throw HolidayOverridesError("\(context), add[\(index)].name must not be empty")
            }
        }
        for (index, date) in override.remove.enumerated() where date.year != year {
            throw HolidayOverridesError("\(context), remove[\(index)] \(date) is not in \(year)")
        }
        for (index, date) in override.workingSaturdays.enumerated() {
            if date.year != year {
                throw HolidayOverridesError("\(context), workingSaturdays[\(index)] \(date) is not in \(year)")
            }
            if !date.isWeekend {
                throw HolidayOverridesError(
                    "\(context), workingSaturdays[\(index)] \(date) is a weekday, not a Saturday or Sunday")
            }
        }
        if override.replaceComputed && !override.remove.isEmpty {
            throw HolidayOverridesError(
                "\(context), remove has no effect when replaceComputed is true; list only the days off in add")
        }
    }

    /// Exactly four ASCII digits, so "26" or " 2026" are caught as typos.
    private static func parseYear(_ text: String) -> Int? {
        guard text.utf8.count == 4, text.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }),
            let year = Int(text), year >= 1
        else { return nil }
        return year
    }

    /// Keys of objects whose keys are data (years) or are checked by hand.
    private struct FieldKey: CodingKey {
        let stringValue: String
        var intValue: Int? { nil }

        init(_ string: String) {
            self.stringValue = string
        }

        init?(stringValue: String) {
            self.stringValue = stringValue
        }

        init?(intValue: Int) {
            return nil
        }
    }

    private struct RawAddedHoliday: Decodable {
        let date: String
        let name: String
    }
}

/// A problem in the overrides table, with a message meant for the person editing it.
public struct HolidayOverridesError: Error, LocalizedError, CustomStringConvertible, Equatable {
    public let message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
    public var errorDescription: String? { message }

    /// Turns Foundation's coding paths into "year 2026, add[0].name" so the message
    /// points at the JSON the user wrote.
    init(decodingError: DecodingError) {
        func location(_ path: [any CodingKey]) -> String {
            var keys = path
            var text = ""
            if keys.count >= 2, keys[0].stringValue == "years" {
                text = "year \(keys[1].stringValue)"
                keys.removeFirst(2)
            }
            var field = ""
            for key in keys {
                if let index = key.intValue {
                    field += "[\(index)]"
                } else {
                    field += field.isEmpty ? key.stringValue : ".\(key.stringValue)"
                }
            }
            return [text, field].filter { !$0.isEmpty }.joined(separator: ", ")
        }
        func describe(_ type: Any.Type) -> String {
            if type == String.self { return "a string" }
            if type == Bool.self { return "true or false" }
            let name = String(describing: type)
            if name.hasPrefix("Array") { return "an array" }
            if name.hasPrefix("Dictionary") { return "an object" }
            return name
        }
        let prefix = "holiday overrides: "
        switch decodingError {
        case .typeMismatch(let type, let context):
            self.init(prefix + "\(location(context.codingPath)): expected \(describe(type))")
        case .valueNotFound(let type, let context):
            self.init(prefix + "\(location(context.codingPath)): expected \(describe(type)), found null")
        case .keyNotFound(let key, let context):
            let place = location(context.codingPath)
            self.init(prefix + (place.isEmpty ? "" : "\(place): ") + "missing field \"\(key.stringValue)\"")
        case .dataCorrupted(let context):
            let place = location(context.codingPath)
            if context.codingPath.isEmpty {
                let detail = (context.underlyingError as NSError?)?.userInfo[NSDebugDescriptionErrorKey] as? String
                self.init(prefix + "not valid JSON" + (detail.map { " (\($0))" } ?? ""))
            } else {
                self.init(prefix + "\(place): \(context.debugDescription)")
            }
        @unknown default:
            self.init(prefix + "\(decodingError)")
        }
    }
}
