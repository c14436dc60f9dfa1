import Foundation
import LienThongAPI
import LienThongDomain
import LienThongRegistry

/// The outgoing and incoming registers (sổ đăng ký văn bản đi, đến) with the columns Decree
/// 30/2020/NĐ-CP Appendix IV gives them. Dates are in Vietnam.
extension DocumentService {
    package static let outgoingColumns = [
        "Số, ký hiệu văn bản", "Ngày tháng văn bản", "Tên loại và trích yếu nội dung văn bản", "Người ký",
        "Nơi nhận văn bản", "Đơn vị, người nhận bản lưu", "Số lượng bản", "Ngày chuyển", "Ký nhận", "Ghi chú",
    ]
    package static let incomingColumns = [
        "Ngày đến", "Số đến", "Tác giả", "Số, ký hiệu", "Ngày tháng", "Tên loại và trích yếu nội dung",
        "Đơn vị hoặc người nhận", "Ngày chuyển", "Ký nhận", "Ghi chú",
    ]

    /// - Parameters:
    ///   - year: this year in Vietnam when nil.
    ///   - agency: the caller's own when nil; or an agency under it.
    package func register(outgoing: Bool, year: Int?, agency code: String? = nil, caller: UserRecord) throws -> Register
    {
        try Permissions(caller).require(.readDocuments)
        let year = year ?? VietnamTime.year(of: now())
        guard (2000...2100).contains(year) else {
            throw Refusal.invalidRequest("year \(year) is out of range (2000–2100)")
        }
        let agency = try Self.agencyInView(code, of: caller, in: registry.directory.agencies())
        let day = { (date: Date) in String(VietnamTime.iso8601(date).prefix(10)) }
        let rows: [[String]]
        if outgoing {
            rows = try registry.registers.outgoingRegister(issuer: agency.code, year: year).map {
                document, deliveries in
                let paper = document.medium == .paper
                return [
                    Self.numberAndSymbol(document), day(document.issuedAt), "\(document.typeName): \(document.subject)",
                    [document.authorityPrefix, document.signerPosition, document.signerName].compactMap { $0 }.filter {
                        !$0.isEmpty
                    }.joined(separator: " "),
                    paper ? document.paperRecipients ?? "" : deliveries.map(\.recipientName).joined(separator: "; "),
                    document.createdBy,
                    paper ? "" : String(deliveries.count), day(document.issuedAt),
                    paper ? "giấy" : "điện tử (LienThong)",
                    [Self.seriesNote(document.register), document.notes].compactMap { $0 }.joined(separator: "; "),
                ]
            }
        } else {
            let electronic = try registry.registers.incomingRegister(recipient: agency.code, year: year).map {
                document, delivery, events in
                let arrived = events.first { $0.status == .arrived }?.at ?? delivery.updatedAt
                let assigned = events.last { $0.status == .assigned }
                return (
                    delivery.arrivalNumber ?? 0,
                    [
                        day(arrived), delivery.arrivalNumber.map(String.init) ?? "", document.issuerName,
                        Self.numberAndSymbol(document),
                        day(document.issuedAt), "\(document.typeName): \(document.subject)", delivery.assignee ?? "",
                        assigned.map { day($0.at) } ?? "", assigned?.actor ?? "",
                        delivery.status.description,
                    ]
                )
            }
            let paper = try registry.registers.paperArrivals(recipient: agency.code, year: year).map { arrival in
                (
                    arrival.arrivalNumber,
                    [
                        day(arrival.receivedAt), String(arrival.arrivalNumber), arrival.senderName,
                        arrival.numberAndSymbol, arrival.issuedOn,
                        "\(arrival.typeName): \(arrival.subject)", arrival.assignee ?? "", "", "",
                        ["giấy", arrival.notes].compactMap { $0 }.joined(separator: "; "),
                    ]
                )
            }
            // One series of arrival numbers for paper and electronic documents.
            rows = (electronic + paper).sorted { $0.0 < $1.0 }.map(\.1)
        }
        return Register(
            kind: outgoing ? "out" : "in", agency: AgencyRef(code: agency.code, name: agency.name), year: year,
            columns: outgoing ? Self.outgoingColumns : Self.incomingColumns, rows: rows)
    }

    /// Which series a number is from, when it is not the main one.
    package static func seriesNote(_ register: String) -> String? {
        switch register {
        case "main": nil
        case "copy": "sổ bản sao"
        case let other: "sổ \(other.replacingOccurrences(of: "advisory:", with: "tổ chức tư vấn "))"
        }
    }
}
