import Foundation
import LienThongAPI
import LienThongDomain
import LienThongRegistry

/// Paper documents (văn bản giấy) entered in the registers: an outgoing one takes the next number
/// of its series like an electronic one; an incoming one the next số đến. Nothing is signed or
/// delivered: they are on record so that the registers are whole and the ratios true.
extension DocumentService {
    package func registerPaper(_ request: PaperRequest, caller: UserRecord) async throws -> PaperRegistration {
        try Permissions(caller).require(.keepPaperRegisters)
        guard let agency = try registry.directory.agency(caller.agencyCode) else { throw Refusal.internalError }
        let (type, subject, notes, urgency) = try metadata(
            type: request.type, subject: request.subject, notes: request.notes,
            urgency: request.urgency, secrecy: request.secrecy, types: settings.current.types)
        switch request.direction.lowercased() {
        case "out":
            return try await registerPaperOutgoing(
                request, agency: agency, type: type, subject: subject, notes: notes, urgency: urgency,
                caller: caller)
        case "in":
            return try await registerPaperIncoming(
                request, agency: agency, type: type, subject: subject, notes: notes, urgency: urgency,
                caller: caller)
        default:
            throw DomainError.invalid(
                field: "direction", value: request.direction,
                rule: "in (received on paper) or out (issued on paper)")
        }
    }

    private func registerPaperOutgoing(
        _ request: PaperRequest, agency: AgencyRecord, type: DocumentType, subject: String, notes: String?,
        urgency: Urgency, caller: UserRecord
    ) async throws -> PaperRegistration {
        let series = try request.series.map { try NumberSeries(parsing: $0) } ?? .main
        let signerName = try FieldLimit.signerName.check(request.signerName ?? "", required: true)
        let position = try FieldLimit.signerPosition.check(request.signerPosition ?? "")
        let authority = try request.authority.map { try AuthorityPrefix(parsing: $0) }
        let recipients = try FieldLimit.receivingUnits.check(request.recipients ?? "", required: true)
        if let pages = request.pageCount, pages < 1 {
            throw DomainError.invalid(field: "pageCount", value: String(pages), rule: "1 or more")
        }
        // The symbol's parts are checked as it is formed, inside the filing transaction: a refusal files nothing.
        let issuedAt = now()
        let (document, _) = try await fileNumbered(
            issuer: agency, series: series, type: type, draftingUnit: request.draftingUnit, issuedAt: issuedAt,
            actor: caller.username,
            record: { number, symbol in
                DocumentRecord(
                    id: UUID().uuidString.lowercased(), issuerCode: agency.code, issuerName: agency.name,
                    register: series.register,
                    year: 0, number: number, symbol: symbol, typeName: type.name, typeAbbreviation: type.abbreviation,
                    subject: subject, language: "vi", pageCount: request.pageCount, notes: notes,
                    urgency: urgency.rawValue,
                    authorityPrefix: authority?.rawValue, signerUsername: "", signerName: signerName,
                    signerPosition: position,
                    deadline: nil, issuedAt: issuedAt, createdBy: caller.username, medium: .paper,
                    paperRecipients: recipients)
            })
        return PaperRegistration(
            direction: "out", numberAndSymbol: Self.numberAndSymbol(document), id: document.id,
            arrivalNumber: nil, year: document.year, subject: subject)
    }

    private func registerPaperIncoming(
        _ request: PaperRequest, agency: AgencyRecord, type: DocumentType, subject: String, notes: String?,
        urgency: Urgency, caller: UserRecord
    ) async throws -> PaperRegistration {
        let sender = try FieldLimit.issuerName.check(request.sender ?? "", required: true)
        let numberAndSymbol = try FieldLimit.symbol.check(request.numberAndSymbol ?? "", required: true)
        guard let issuedOn = request.issuedOn.flatMap(CivilDate.init(iso:)) else {
            throw DomainError.invalid(
                field: "issuedOn", value: request.issuedOn ?? "", rule: "the date on the paper, as YYYY-MM-DD")
        }
        let receivedAt = now()
        guard issuedOn <= CivilDate.inVietnam(receivedAt) else {
            throw DomainError.invalid(
                field: "issuedOn", value: issuedOn.description, rule: "a document cannot be dated after it arrived")
        }
        let assignee = try request.assignee.map { try FieldLimit.receivingUnits.check($0) }
        let record = try await registry.registers.registerPaperArrival(
            PaperArrivalRecord(
                recipientCode: agency.code, receivedAt: receivedAt, senderName: sender,
                numberAndSymbol: numberAndSymbol,
                issuedOn: issuedOn.description, typeName: type.name, subject: subject, urgency: urgency.rawValue,
                assignee: assignee, notes: notes, registeredBy: caller.username))
        return PaperRegistration(
            direction: "in", numberAndSymbol: numberAndSymbol, id: nil, arrivalNumber: record.arrivalNumber,
            year: record.arrivalYear, subject: subject)
    }
}
