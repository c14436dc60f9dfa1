import Foundation
import GRDB
import LienThongDomain

/// A column of the `figure` table: one of the counts of ``DocumentFigures``.
enum FigureCounter: String, CaseIterable {
    case outgoingElectronic, outgoingPaper, incomingElectronic, incomingPaper
    case signerAndSeal, sealOnly, due, registeredOnTime, completedOnTime

    var keyPath: WritableKeyPath<DocumentFigures, Int> {
        switch self {
        case .outgoingElectronic: \.outgoingElectronic
        case .outgoingPaper: \.outgoingPaper
        case .incomingElectronic: \.incomingElectronic
        case .incomingPaper: \.incomingPaper
        case .signerAndSeal: \.signerAndSeal
        case .sealOnly: \.sealOnly
        case .due: \.due
        case .registeredOnTime: \.registeredOnTime
        case .completedOnTime: \.completedOnTime
        }
    }
}

/// The daily figures per agency, kept by the same transactions that change the documents and
/// deliveries they count, and rebuilt from those rows by ``rebuild(_:)`` when needed.
enum Figures {
    /// Adds `delta` to `counter` of `agency` on `day` (YYYY-MM-DD in Vietnam).
    static func add(_ db: Database, agency: String, day: String, _ counter: FigureCounter, _ delta: Int = 1) throws {
        try db.execute(sql: """
            INSERT INTO figure (agencyCode, day, \(counter.rawValue)) VALUES (?, ?, ?)
            ON CONFLICT (agencyCode, day) DO UPDATE SET \(counter.rawValue) = \(counter.rawValue) + excluded.\(counter.rawValue)
            """, arguments: [agency, day, delta])
    }

    static func day(_ date: Date) -> String { CivilDate.inVietnam(date).description }

    /// Counts everything again from the documents, deliveries and status events.
    static func rebuild(_ db: Database) throws {
        try db.execute(sql: "DELETE FROM figure")
        // Times are stored in UTC; '+7 hours' gives the day in Vietnam.
        let electronicMain = """
            SELECT d.issuerCode AS agency, date(d.issuedAt, '+7 hours') AS day,
                   EXISTS (SELECT 1 FROM signature s WHERE s.documentID = d.id AND s.filePosition = 0 AND s.role = 'signer') AS bySigner,
                   EXISTS (SELECT 1 FROM signature s WHERE s.documentID = d.id AND s.filePosition = 0 AND s.role = 'seal') AS bySeal
            FROM document d WHERE d.medium = 'electronic'
            """
        let onTime = { (status: String) in """
            SELECT v.recipientCode, d.deadline, COUNT(*) FROM delivery v JOIN document d ON d.id = v.documentID
            WHERE d.deadline IS NOT NULL AND v.status <> '15' AND EXISTS (
                SELECT 1 FROM statusEvent e WHERE e.deliveryID = v.id AND e.status = '\(status)' AND date(e.at, '+7 hours') <= d.deadline)
            GROUP BY 1, 2
            """ }
        let queries: [(FigureCounter, String)] = [
            (.outgoingElectronic, "SELECT agency, day, COUNT(*) FROM (\(electronicMain)) GROUP BY 1, 2"),
            (.signerAndSeal, "SELECT agency, day, COUNT(*) FROM (\(electronicMain)) WHERE bySigner AND bySeal GROUP BY 1, 2"),
            (.sealOnly, "SELECT agency, day, COUNT(*) FROM (\(electronicMain)) WHERE bySeal AND NOT bySigner GROUP BY 1, 2"),
            (.outgoingPaper, "SELECT issuerCode, date(issuedAt, '+7 hours'), COUNT(*) FROM document WHERE medium = 'paper' GROUP BY 1, 2"),
            (.incomingElectronic, """
                SELECT v.recipientCode, date(d.issuedAt, '+7 hours'), COUNT(*) FROM delivery v JOIN document d ON d.id = v.documentID GROUP BY 1, 2
                """),
            (.incomingPaper, "SELECT recipientCode, date(receivedAt, '+7 hours'), COUNT(*) FROM paperArrival GROUP BY 1, 2"),
            (.due, """
                SELECT v.recipientCode, d.deadline, COUNT(*) FROM delivery v JOIN document d ON d.id = v.documentID
                WHERE d.deadline IS NOT NULL AND v.status <> '15' GROUP BY 1, 2
                """),
            (.registeredOnTime, onTime(DeliveryStatus.accepted.code)),
            (.completedOnTime, onTime(DeliveryStatus.completed.code)),
        ]
        for (counter, query) in queries {
            let column = counter.rawValue
            try db.execute(sql: """
                INSERT INTO figure (agencyCode, day, \(column)) SELECT * FROM (\(query)) WHERE true
                ON CONFLICT (agencyCode, day) DO UPDATE SET \(column) = \(column) + excluded.\(column)
                """)
        }
    }

    /// The figures of `agencies` from `from` to `to` (days in Vietnam, inclusive), grouped.
    static func sum(_ db: Database, agencies: [String], from: String, to: String, by grouping: FigureGrouping) throws -> [(String, DocumentFigures)] {
        let key = switch grouping {
        case .total: "''"
        case .month: "substr(day, 1, 7)"
        case .agency: "agencyCode"
        }
        let sums = FigureCounter.allCases.map { "SUM(\($0.rawValue))" }.joined(separator: ", ")
        // Chunks keep every statement under SQLite's limit on bound parameters.
        var totals: [String: DocumentFigures] = [:]
        for start in stride(from: 0, to: agencies.count, by: 500) {
            let chunk = Array(agencies[start..<min(start + 500, agencies.count)])
            let marks = Array(repeating: "?", count: chunk.count).joined(separator: ", ")
            let rows = try Row.fetchAll(db, sql: """
                SELECT \(key), \(sums) FROM figure WHERE agencyCode IN (\(marks)) AND day BETWEEN ? AND ? GROUP BY 1
                """, arguments: StatementArguments(chunk + [from, to]))
            for row in rows {
                var figures = DocumentFigures()
                for (index, counter) in FigureCounter.allCases.enumerated() { figures[keyPath: counter.keyPath] = row[index + 1] ?? 0 }
                let name: String = row[0]
                totals[name] = (totals[name] ?? DocumentFigures()) + figures
            }
        }
        return totals.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }
}

/// How summed figures are grouped: one total, by month (YYYY-MM), or by agency code.
public enum FigureGrouping: String, Sendable, CaseIterable {
    case total, month, agency
}
