import Foundation
import GRDB
import LienThongCrypto
import LienThongDomain
import Testing

@testable import LienThongRegistry

/// A year of documents generated at random with a fixed seed, whose true figures the generator
/// counts as it goes; the registry's must be the same, kept or rebuilt.
@Suite("The district's figures on a generated year")
struct FiguresTests {
    let registry: Registry
    let province = AgencyRecord(
        code: "000.00.00.H18", name: "Tỉnh", abbreviation: "UBND", parentCode: nil, isActive: true,
        sealCertificatePath: nil, sealKeyPath: nil)
    let district = AgencyRecord(
        code: "000.00.21.H18", name: "Huyện", abbreviation: "UBND", parentCode: "000.00.00.H18", isActive: true,
        sealCertificatePath: nil, sealKeyPath: nil)
    let communes = (1...3).map {
        AgencyRecord(
            code: "000.0\($0).21.H18", name: "Xã \($0)", abbreviation: "UBND", parentCode: "000.00.21.H18",
            isActive: true,
            sealCertificatePath: nil, sealKeyPath: nil)
    }
    var all: [AgencyRecord] { [province, district] + communes }

    init() async throws {
        registry = try Registry.inMemory()
        try await registry.directory.seed(agencies: all, users: [])
    }

    /// SplitMix64: the same year on every run.
    struct Generator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    func day(_ iso: String) -> CivilDate { CivilDate(iso: iso)! }

    /// 05:00 in Vietnam on day `n` of 2026 (0-based), plus `hours`.
    func time(day n: Int, hours: Double = 0) -> Date {
        Date(timeIntervalSince1970: 1_767_200_400 + Double(n) * 86_400 + 5 * 3600 + hours * 3600)
    }

    /// Files a document of `issuer` in its main register.
    @discardableResult
    func file(
        _ issuer: AgencyRecord, id: String = UUID().uuidString.lowercased(), at: Date, year: Int = 2026,
        deadline: String? = nil,
        paper: Bool = false, roles: [CertificateRole] = [], to recipients: [AgencyRecord] = []
    ) async throws -> DocumentRecord {
        try await registry.documents.file(
            issuerCode: issuer.code, register: "main", year: year,
            makeDocument: { number in
                DocumentRecord(
                    id: id, issuerCode: issuer.code, issuerName: issuer.name, register: "main", year: year,
                    number: number,
                    symbol: "QĐ-UBND", typeName: "Quyết định", typeAbbreviation: "QĐ", subject: "Thử", language: "vi",
                    pageCount: nil, notes: nil, urgency: 0, authorityPrefix: nil, signerUsername: "", signerName: "S",
                    signerPosition: "", deadline: deadline, issuedAt: at, createdBy: "clerk",
                    medium: paper ? .paper : .electronic)
            },
            files: [], signatureBlobs: [],
            signatures: roles.enumerated().map {
                SignatureRecord(
                    documentID: id, filePosition: 0, signerIndex: $0.offset, role: $0.element, commonName: "X",
                    organization: nil, serialNumber: "1", algorithm: "RSASSA-PSS", signedAt: at)
            },
            recipients: recipients.map { ($0, nil) }, actor: "clerk", at: at
        ).0
    }

    @Test func theRegistrysFiguresAreTheTrueOnes() async throws {
        var random = Generator(state: 2026)
        var truth: [String: DocumentFigures] = [:]
        func count(_ agency: String, _ counter: WritableKeyPath<DocumentFigures, Int>, _ delta: Int = 1) {
            truth[agency, default: DocumentFigures()][keyPath: counter] += delta
        }
        for _ in 0..<600 {
            let issuer = all.randomElement(using: &random)!
            let day = Int.random(in: 0..<365, using: &random)
            let at = time(day: day)
            let paper = Int.random(in: 0..<4, using: &random) == 0
            let roles: [CertificateRole] =
                paper ? [] : [[.signer, .seal], [.seal]][Int.random(in: 0..<5, using: &random) == 0 ? 1 : 0]
            let recipients =
                paper
                ? []
                : Array(
                    all.filter { $0.code != issuer.code }.shuffled(using: &random).prefix(
                        Int.random(in: 1...3, using: &random)))
            let deadlineDay = Bool.random(using: &random) && !paper ? min(day + 10, 364) : nil
            let deadline = deadlineDay.map { CivilDate.inVietnam(time(day: $0)).description }
            let id = try await file(issuer, at: at, deadline: deadline, paper: paper, roles: roles, to: recipients).id
            if paper {
                count(issuer.code, \.outgoingPaper)
                continue
            }
            count(issuer.code, \.outgoingElectronic)
            count(issuer.code, roles.count == 2 ? \.signerAndSeal : \.sealOnly)
            for recipient in recipients {
                count(recipient.code, \.incomingElectronic)
                // What happens to it: nothing, registered, completed, or recalled after registering,
                // each on time or a few days late.
                let fate = Int.random(in: 0..<4, using: &random)
                let late = Int.random(in: 0..<3, using: &random) == 0
                let actedOn = deadlineDay.map { late ? $0 + 2 : $0 - 1 } ?? day + 1
                let onTime = deadlineDay != nil && !late
                if deadlineDay != nil, fate != 3 { count(recipient.code, \.due) }
                guard fate > 0 else { continue }
                try await registry.documents.changeStatus(
                    documentID: id, recipient: recipient.code, to: .accepted, actor: "c", note: nil,
                    at: time(day: actedOn))
                if onTime, fate != 3 { count(recipient.code, \.registeredOnTime) }
                if fate == 2 {
                    try await registry.documents.changeStatus(
                        documentID: id, recipient: recipient.code, to: .completed, actor: "c", note: nil,
                        at: time(day: actedOn, hours: 2))
                    if onTime { count(recipient.code, \.completedOnTime) }
                } else if fate == 3 {
                    try await registry.documents.changeStatus(
                        documentID: id, recipient: recipient.code, to: .recallRequested, actor: "p", note: "sai",
                        at: time(day: actedOn, hours: 1))
                    try await registry.documents.changeStatus(
                        documentID: id, recipient: recipient.code, to: .recallAccepted, actor: "c", note: nil,
                        at: time(day: actedOn, hours: 2))
                }
            }
        }
        for _ in 0..<80 {
            let recipient = all.randomElement(using: &random)!
            _ = try await registry.registers.registerPaperArrival(
                PaperArrivalRecord(
                    recipientCode: recipient.code, receivedAt: time(day: Int.random(in: 0..<365, using: &random)),
                    senderName: "Bộ Nội vụ",
                    numberAndSymbol: "1/BNV", issuedOn: "2026-01-01", typeName: "Công văn", subject: "Giấy", urgency: 0,
                    assignee: nil,
                    notes: nil, registeredBy: "c"))
            count(recipient.code, \.incomingPaper)
        }

        let codes = all.map(\.code)
        let everything = try registry.registers.figures(
            agencies: codes, from: day("2026-01-01"), to: day("2026-12-31"), by: .agency)
        for (code, figures) in everything { #expect(figures == truth[code] ?? DocumentFigures(), "figures of \(code)") }
        #expect(Set(everything.map(\.0)) == Set(truth.keys))
        let total = try registry.registers.figures(
            agencies: codes, from: day("2026-01-01"), to: day("2026-12-31"), by: .total)
        #expect(total.map(\.1) == [truth.values.reduce(DocumentFigures(), +)])
        #expect(
            try registry.registers.figures(agencies: codes, from: day("2026-01-01"), to: day("2026-12-31"), by: .month)
                .count
                == 12)
        // Documents from 2025 or 2027 would not be in 2026; nothing outside the year is counted.
        #expect(
            try registry.registers.figures(agencies: codes, from: day("2027-01-01"), to: day("2027-12-31"), by: .total)
                .isEmpty)

        // Any period, cut into whole months and the days around them, sums what the daily rows hold.
        for (first, last) in [
            ("2026-01-01", "2026-12-31"), ("2026-02-10", "2026-07-20"), ("2026-03-01", "2026-03-31"),
            ("2026-03-05", "2026-03-05"), ("2026-04-30", "2026-06-01"), ("2026-11-15", "2027-01-10"),
        ] {
            let daily = try registry.database.pool.read { db in
                try Row.fetchOne(
                    db,
                    sql: "SELECT " + FigureCounter.allCases.map { "TOTAL(\($0.rawValue))" }.joined(separator: ", ")
                        + " FROM figure WHERE day BETWEEN ? AND ?", arguments: [first, last])!
            }
            let summed =
                try registry.registers.figures(agencies: codes, from: day(first), to: day(last), by: .total).first?.1
                ?? DocumentFigures()
            for (index, counter) in FigureCounter.allCases.enumerated() {
                #expect(
                    summed[keyPath: counter.keyPath] == Int(daily[index] as Double),
                    "\(counter) from \(first) to \(last)")
            }
        }

        // What the transactions kept is what the rows say (a recall can leave a row of zeros behind).
        let rows = {
            try registry.database.pool.read { db in
                try Set(
                    Row.fetchAll(db, sql: "SELECT 'day', * FROM figure UNION ALL SELECT 'month', * FROM figureMonth")
                        .filter { row in FigureCounter.allCases.contains { row[$0.rawValue] != 0 } }
                        .map(\.description))
            }
        }
        let kept = try rows()
        try await registry.database.pool.write { try Figures.rebuild($0) }
        #expect(kept.symmetricDifference(try rows()).isEmpty)
        #expect(kept.count > 100)
    }

    @Test func aDocumentIssuedJustAfterMidnightInVietnamCountsOnTheNewDay() async throws {
        // 2026-12-31T17:30Z is 2027-01-01 00:30 in Vietnam.
        let at = Date(timeIntervalSince1970: 1_798_738_200)
        try await file(province, at: at, year: 2027, paper: true)
        #expect(
            try registry.registers.figures(
                agencies: [province.code], from: day("2026-01-01"), to: day("2026-12-31"), by: .total
            )
            .isEmpty)
        #expect(
            try registry.registers.figures(
                agencies: [province.code], from: day("2027-01-01"), to: day("2027-01-01"), by: .total
            )
            .first?.1.outgoingPaper == 1)
    }

    @Test func paperAndElectronicDocumentsShareOneSeriesOfArrivalNumbers() async throws {
        let commune = communes[0]
        let paper = { @Sendable [registry] in
            try await registry.registers.registerPaperArrival(
                PaperArrivalRecord(
                    recipientCode: commune.code, receivedAt: time(day: 100), senderName: "Bộ", numberAndSymbol: "1/BNV",
                    issuedOn: "2026-04-01",
                    typeName: "Công văn", subject: "Giấy", urgency: 0, assignee: nil, notes: nil, registeredBy: "c")
            ).arrivalNumber
        }
        await #expect(try paper() == 1)
        let id = try await file(province, at: time(day: 100), to: [commune]).id
        #expect(
            try await registry.documents.changeStatus(
                documentID: id, recipient: commune.code, to: .accepted, actor: "c", note: nil, at: time(day: 100)
            ).arrivalNumber == 2)
        await #expect(try paper() == 3)
    }
}
