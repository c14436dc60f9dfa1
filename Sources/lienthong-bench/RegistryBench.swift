import Foundation
import LienThongCrypto
import LienThongDomain
@_spi(Import) import LienThongRegistry

/// The registry at scale: a registry of `documents` documents from 600 agencies over 2026 (made
/// once and kept for the next run), then p50 and p99 of what clerks and the district ask most.
struct RegistryBench {
    let documents: Int
    let path: String

    struct Latency: Encodable {
        let name: String
        let runs: Int
        let p50Milliseconds: Double
        let p99Milliseconds: Double
    }

    /// The province, 30 departments, 10 districts and 55 communes under each.
    static let agencies: [AgencyRecord] = {
        func agency(_ code: String, _ name: String, parent: String?) -> AgencyRecord {
            AgencyRecord(
                code: code, name: name, abbreviation: "UBND", parentCode: parent, isActive: true,
                sealCertificatePath: nil, sealKeyPath: nil)
        }
        let province = agency("000.00.00.H18", "Ủy ban nhân dân tỉnh Điện Biên", parent: nil)
        let departments = (1...30).map {
            agency(String(format: "000.00.%02d.H18", $0), "Sở \($0)", parent: province.code)
        }
        let districts = (31...40).map {
            agency(String(format: "000.00.%02d.H18", $0), "Huyện \($0)", parent: province.code)
        }
        let communes = districts.flatMap { district in
            (1...55).map {
                agency(
                    String(format: "000.%02d.%@.H18", $0, String(district.code.dropFirst(7).prefix(2))),
                    "Xã \($0) \(district.name)",
                    parent: district.code)
            }
        }
        return [province] + departments + districts + communes
    }()

    static func id(_ index: Int) -> String { String(format: "00000000-0000-4000-8000-%012x", index) }

    func run(_ print: (String) -> Void) async throws -> [Latency] {
        let registry = try Registry(path: path)
        if try registry.documents.documentCount() < documents {
            let start = Date()
            try await generate(registry, print)
            print(
                String(
                    format: "generated %d documents in %.0f s at %@", documents, Date().timeIntervalSince(start), path))
        }
        let agencies = Self.agencies
        var latencies: [Latency] = []
        latencies.append(
            try measure("track one document (document, deliveries, histories, signatures, links)", runs: 2000) {
                let id = Self.id(Int.random(in: 0..<documents))
                guard let document = try registry.documents.document(id) else { throw RegistryError.notFound }
                let deliveries = try registry.documents.deliveries(of: id)
                _ = try registry.documents.history(of: deliveries.compactMap(\.id))
                _ = try registry.documents.signatures(of: id)
                _ = try registry.documents.files(of: id)
                _ = try registry.documents.documents(replacing: document.id)
                _ = try registry.documents.documents(answering: document.id)
            })
        latencies.append(
            try measure("a page of an inbox (50 newest, with its counts)", runs: 2000) {
                _ = try registry.documents.inbox(agency: agencies.randomElement()!.code, filter: InboxFilter())
            })
        var search = InboxFilter()
        search.search = SearchText.words("cải cách")
        latencies.append(
            try measure("an inbox searched without diacritics (\"cai cach\")", runs: 500) {
                _ = try registry.documents.inbox(agency: agencies.randomElement()!.code, filter: search)
            })
        latencies.append(
            try measure("an agency's outgoing register of the year", runs: 200) {
                _ = try registry.registers.outgoingRegister(issuer: agencies.randomElement()!.code, year: 2026)
            })
        let codes = agencies.map(\.code)
        let (first, last) = (CivilDate(year: 2026, month: 1, day: 1)!, CivilDate(year: 2026, month: 12, day: 31)!)
        latencies.append(
            try measure("province-year stats, subtree of \(codes.count) agencies", runs: 50) {
                _ = try registry.registers.figures(agencies: codes, from: first, to: last, by: .total)
            })
        latencies.append(
            try measure("province-year stats by month", runs: 50) {
                _ = try registry.registers.figures(agencies: codes, from: first, to: last, by: .month)
            })
        return latencies
    }

    func measure(_ name: String, runs: Int, _ body: () throws -> Void) throws -> Latency {
        for _ in 0..<min(runs / 10, 50) { try body() }
        var times: [Double] = []
        for _ in 0..<runs {
            let start = DispatchTime.now().uptimeNanoseconds
            try body()
            times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
        }
        times.sort()
        return Latency(
            name: name, runs: runs, p50Milliseconds: times[runs / 2],
            p99Milliseconds: times[min(runs - 1, runs * 99 / 100)])
    }

    /// One to three recipients per document; a fifth with a deadline; seven in ten registered and
    /// half of those completed, each with its status events.
    func generate(_ registry: Registry, _ print: (String) -> Void) async throws {
        let agencies = Self.agencies
        try await registry.directory.seed(agencies: agencies, users: [])
        let start = try registry.documents.documentCount()
        var numbers: [String: Int] = [:]
        var arrivals: [String: Int] = [:]
        let year = Date(timeIntervalSince1970: 1_767_200_400)  // 2026-01-01 00:00 in Vietnam
        for batchStart in stride(from: start, to: documents, by: 5000) {
            var batch: [HistoricalDocument] = []
            for index in batchStart..<min(batchStart + 5000, documents) {
                let issuer = agencies.randomElement()!
                let issuedAt = year.addingTimeInterval(Double.random(in: 0..<(365 * 86_400 - 7 * 86_400)))
                numbers[issuer.code, default: 0] += 1
                let id = Self.id(index)
                let deadline =
                    Int.random(in: 0..<5) == 0
                    ? CivilDate.inVietnam(issuedAt.addingTimeInterval(14 * 86_400)).description : nil
                let document = DocumentRecord(
                    id: id, issuerCode: issuer.code, issuerName: issuer.name, register: "main", year: 2026,
                    number: numbers[issuer.code]!,
                    symbol: "QĐ-UBND", typeName: "Quyết định", typeAbbreviation: "QĐ",
                    subject: "Về việc triển khai nhiệm vụ số \(index)",
                    language: "vi", pageCount: 2, notes: nil, urgency: 0, authorityPrefix: "KT.",
                    signerUsername: "signer",
                    signerName: "Nguyễn Văn An", signerPosition: "Phó Chủ tịch", deadline: deadline, issuedAt: issuedAt,
                    createdBy: "clerk")
                let signatures = [CertificateRole.signer, .seal].enumerated().map {
                    SignatureRecord(
                        documentID: id, filePosition: 0, signerIndex: $0.offset, role: $0.element,
                        commonName: "Nguyễn Văn An",
                        organization: issuer.name, serialNumber: "01", algorithm: "RSASSA-PSS with SHA-256",
                        signedAt: issuedAt)
                }
                var recipients = Set<String>()
                while recipients.count < Int.random(in: 1...3) {
                    let recipient = agencies.randomElement()!
                    if recipient.code != issuer.code { recipients.insert(recipient.code) }
                }
                let deliveries = recipients.map { code -> (DeliveryRecord, [StatusEventRecord]) in
                    var events = [
                        StatusEventRecord(
                            id: nil, deliveryID: 0, status: .arrived, at: issuedAt, actor: "clerk", note: nil)
                    ]
                    var delivery = DeliveryRecord(
                        id: nil, documentID: id, recipientCode: code, recipientName: code, status: .arrived,
                        arrivalNumber: nil, arrivalYear: nil, updatedAt: issuedAt)
                    if Int.random(in: 0..<10) < 7 {
                        arrivals[code, default: 0] += 1
                        delivery.status = .accepted
                        delivery.arrivalNumber = arrivals[code]
                        delivery.arrivalYear = 2026
                        events.append(
                            StatusEventRecord(
                                id: nil, deliveryID: 0, status: .accepted, at: issuedAt.addingTimeInterval(3600),
                                actor: "clerk", note: nil))
                        if Bool.random() {
                            delivery.status = .completed
                            events.append(
                                StatusEventRecord(
                                    id: nil, deliveryID: 0, status: .completed,
                                    at: issuedAt.addingTimeInterval(3 * 86_400),
                                    actor: "clerk", note: nil))
                        }
                    }
                    delivery.updatedAt = events.last!.at
                    return (delivery, events)
                }
                batch.append(HistoricalDocument(document: document, signatures: signatures, deliveries: deliveries))
            }
            try await registry.registers.importHistory(batch)
            if batchStart % 100_000 == 0 { print("  … \(batchStart) documents") }
        }
        try await registry.registers.rebuildFigures()
    }
}
