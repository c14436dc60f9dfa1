/// An RFC 9457 problem: every error the API returns, as `application/problem+json`.
public struct Problem: Codable, Sendable, Error, CustomStringConvertible {
    /// A stable URI naming the kind of problem: `urn:lienthong:problem:unknown-agency`.
    public var type: String
    public var title: String
    public var status: Int
    /// What was wrong and how to fix it, for a clerk.
    public var detail: String

    public init(_ slug: String, status: Int, title: String, detail: String) {
        type = "urn:lienthong:problem:\(slug)"
        self.title = title
        self.status = status
        self.detail = detail
    }

    public var slug: String { type.replacingOccurrences(of: "urn:lienthong:problem:", with: "") }

    public var description: String { detail }

    public static let mediaType = "application/problem+json"
}
