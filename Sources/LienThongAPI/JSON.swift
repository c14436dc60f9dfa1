import Foundation
import LienThongDomain

/// The JSON conventions of the API: times as ISO 8601 with the +07:00 offset, read in any offset.
public enum APIJSON {
    public static var encoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(VietnamTime.iso8601(date))
        }
        return encoder
    }

    public static var prettyEncoder: JSONEncoder {
        let encoder = encoder
        encoder.outputFormatting.insert(.prettyPrinted)
        return encoder
    }

    public static var decoder: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let container = try decoder.singleValueContainer()
            let text = try container.decode(String.self)
            guard let date = parseTime(text) else {
                throw DecodingError.dataCorruptedError(
                    in: container, debugDescription: "\"\(text)\" is not an ISO 8601 time")
            }
            return date
        }
        return decoder
    }

    /// An ISO 8601 time with an offset, with or without fractions of a second.
    public static func parseTime(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions.insert(.withFractionalSeconds)
        return formatter.date(from: text)
    }
}
