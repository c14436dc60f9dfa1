import Foundation
import LienThongAPI
import LienThongDomain
import LienThongRegistry

/// The outgoing and incoming registers (sổ đăng ký văn bản đi, đến) with the columns Decree
/// 30/2020/NĐ-CP Appendix IV gives them. Dates are in Vietnam.
extension DocumentService {
    static let outgoingColumns = [
        "Số, ký hiệu văn bản", "Ngày tháng văn bản", "Tên loại và trích yếu nội dung văn bản", "Người ký",
        "Nơi nhận văn bản", "Đơn vị, người nhận bản lưu", "Số lượng bản", "Ngày chuyển", "Ký nhận", "Ghi chú",
    ]
    static let incomingColumns = [
        "Ngày đến", "Số đến", "Tác giả", "Số, ký hiệu", "Ngày tháng", "Tên loại và trích yếu nội dung",
        "Đơn vị hoặc người nhận", "Ngày chuyển", "Ký nhận", "Ghi chú",
    ]

    public func register(outgoing: Bool, year: Int, caller: UserRecord) throws -> Register {
        guard (2000...2100).contains(year) else { throw Problem.invalid("year \(year) is out of range (2000–2100)") }
        guard let agency = try registry.agency(caller.agencyCode) else { throw Problem.internalError }
        let day = { (date: Date) in String(VietnamTime.iso8601(date).prefix(10)) }
        let rows: [[String]]
        if outgoing {
            rows = try registry.outgoingRegister(issuer: agency.code, year: year).map { document, deliveries in
                [Self.numberAndSymbol(document), day(document.issuedAt), "\(document.typeName): \(document.subject)",
                 [document.authorityPrefix, document.signerPosition, document.signerName].compactMap { $0 }.joined(separator: " "),
                 deliveries.map(\.recipientName).joined(separator: "; "), document.createdBy, String(deliveries.count),
                 day(document.issuedAt), "điện tử (LienThong)", document.notes ?? ""]
            }
        } else {
            rows = try registry.incomingRegister(recipient: agency.code, year: year).map { document, delivery, events in
                let arrived = events.first { $0.status == DeliveryStatus.arrived.code }?.at ?? delivery.updatedAt
                let assigned = events.last { $0.status == DeliveryStatus.assigned.code }
                return [day(arrived), delivery.arrivalNumber.map(String.init) ?? "", document.issuerName, Self.numberAndSymbol(document),
                        day(document.issuedAt), "\(document.typeName): \(document.subject)", delivery.assignee ?? "",
                        assigned.map { day($0.at) } ?? "", assigned?.actor ?? "", DeliveryStatus(rawValue: delivery.status)?.description ?? ""]
            }
        }
        return Register(kind: outgoing ? "out" : "in", agency: AgencyRef(code: agency.code, name: agency.name), year: year,
                        columns: outgoing ? Self.outgoingColumns : Self.incomingColumns, rows: rows)
    }
}
