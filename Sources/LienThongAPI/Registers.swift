import Foundation
import LienThongCrypto

/// `GET /v1/registers/out|in`: a register of Decree 30/2020/NĐ-CP (Appendix IV) as rows whose
/// keys are its column headings, in order.
public struct Register: Codable, Sendable {
    public var kind: String
    public var agency: AgencyRef
    public var year: Int
    public var columns: [String]
    public var rows: [[String]]

    public init(kind: String, agency: AgencyRef, year: Int, columns: [String], rows: [[String]]) {
        self.kind = kind
        self.agency = agency
        self.year = year
        self.columns = columns
        self.rows = rows
    }
}
