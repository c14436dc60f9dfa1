/// An agency's identifier (mã định danh, QCVN 102:2016/BTTTT): `DDD.DD.DD.LDD`, e.g. `000.00.00.H18`.
///
/// Read right to left: the last group is the level-1 unit (H = provincial People's Committee,
/// G = ministries …), the groups to its left are levels 2, 3 and 4; unused levels are zeros.
public struct AgencyCode: Hashable, Sendable, Codable, Comparable, CustomStringConvertible {
    public let rawValue: String

    /// Accepts exactly 13 characters in the QCVN 102 shape; letters are upper-cased.
    public init(_ text: String) throws(DomainError) {
        let candidate = text.trimmingWhitespace().uppercased()
        let groups = candidate.split(separator: ".", omittingEmptySubsequences: false)
        let digits: (Substring) -> Bool = { $0.allSatisfy { $0.isASCII && $0.isNumber } }
        guard candidate.count == 13, groups.count == 4,
            groups[0].count == 3, digits(groups[0]),
            groups[1].count == 2, digits(groups[1]),
            groups[2].count == 2, digits(groups[2]),
            groups[3].count == 3, let letter = groups[3].first, letter.isASCII, letter.isLetter,
            digits(groups[3].dropFirst())
        else {
            throw .invalid(
                field: "agency code", value: text,
                rule: "an agency code has the QCVN 102 shape DDD.DD.DD.LDD, e.g. 000.00.00.H18")
        }
        rawValue = candidate
    }

    public var description: String { rawValue }

    public static func < (lhs: AgencyCode, rhs: AgencyCode) -> Bool { lhs.rawValue < rhs.rawValue }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        do {
            try self.init(text)
        } catch {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: error.description)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}
