import Foundation
import GRDB
import LienThongDomain

/// A column of the `figure` table: one of the counts of ``DocumentFigures``.
enum FigureCounter: String, CaseIterable {
    case outgoingElectronic, outgoingPaper, incomingElectronic, incomingPaper
    case signerAndSeal, sealOnly, due, registeredOnTime, completedOnTime

    /// The column of a count the rules name (``FigureRules``).
    init(_ keyPath: WritableKeyPath<DocumentFigures, Int>) {
        self = Self.allCases.first { $0.keyPath == keyPath }!
    }

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
    /// Adds `delta` to `counter` of `agency` on `day` (YYYY-MM-DD in Vietnam), and in its month.
    static func add(_ db: Database, agency: String, day: String, _ counter: FigureCounter, _ delta: Int = 1) throws {
        let column = counter.rawValue
        for (table, period, key) in [("figure", "day", day), ("figureMonth", "month", String(day.prefix(7)))] {
            try db.cachedStatement(
                sql: """
                    INSERT INTO \(table) (agencyCode, \(period), \(column)) VALUES (?, ?, ?)
                    ON CONFLICT (agencyCode, \(period)) DO UPDATE SET \(column) = \(column) + excluded.\(column)
                    """
            ).execute(arguments: [agency, key, delta])
        }
    }

    static func day(_ date: Date) -> String { CivilDate.inVietnam(date).description }

    /// Counts everything again from the documents, deliveries and status events.
    static func rebuild(_ db: Database) throws {
        try db.execute(sql: "DELETE FROM figure")
        try db.execute(sql: "DELETE FROM figureMonth")
        // Times are stored in UTC; '+7 hours' gives the day in Vietnam.
        let electronicMain = """
            SELECT d.issuerCode AS agency, date(d.issuedAt, '+7 hours') AS day,
                   EXISTS (SELECT 1 FROM signature s WHERE s.documentID = d.id AND s.filePosition = 0 AND s.role = 'signer') AS bySigner,
                   EXISTS (SELECT 1 FROM signature s WHERE s.documentID = d.id AND s.filePosition = 0 AND s.role = 'seal') AS bySeal
            FROM document d WHERE d.medium = 'electronic'
            """
        let onTime = { (status: String) in
            """
            SELECT v.recipientCode, d.deadline, COUNT(*) FROM delivery v JOIN document d ON d.id = v.documentID
            WHERE d.deadline IS NOT NULL AND v.status <> '15' AND EXISTS (
                SELECT 1 FROM statusEvent e WHERE e.deliveryID = v.id AND e.status = '\(status)' AND date(e.at, '+7 hours') <= d.deadline)
            GROUP BY 1, 2
            """
        }
        let queries: [(FigureCounter, String)] = [
            (.outgoingElectronic, "SELECT agency, day, COUNT(*) FROM (\(electronicMain)) GROUP BY 1, 2"),
            (
                .signerAndSeal,
                "SELECT agency, day, COUNT(*) FROM (\(electronicMain)) WHERE bySigner AND bySeal GROUP BY 1, 2"
            ),
            (
                .sealOnly,
                "SELECT agency, day, COUNT(*) FROM (\(electronicMain)) WHERE bySeal AND NOT bySigner GROUP BY 1, 2"
            ),
            (
                .outgoingPaper,
                "SELECT issuerCode, date(issuedAt, '+7 hours'), COUNT(*) FROM document WHERE medium = 'paper' GROUP BY 1, 2"
            ),
            (
                .incomingElectronic,
                """
                SELECT v.recipientCode, date(d.issuedAt, '+7 hours'), COUNT(*) FROM delivery v JOIN document d ON d.id = v.documentID GROUP BY 1, 2
                """
            ),
            (
                .incomingPaper,
                "SELECT recipientCode, date(receivedAt, '+7 hours'), COUNT(*) FROM paperArrival GROUP BY 1, 2"
            ),
            (
                .due,
                """
                SELECT v.recipientCode, d.deadline, COUNT(*) FROM delivery v JOIN document d ON d.id = v.documentID
                WHERE d.deadline IS NOT NULL AND v.status <> '15' GROUP BY 1, 2
                """
            ),
            (.registeredOnTime, onTime(DeliveryStatus.accepted.code)),
            (.completedOnTime, onTime(DeliveryStatus.completed.code)),
        ]
        for (counter, query) in queries {
            let column = counter.rawValue
            try db.execute(
                sql: """
                    INSERT INTO figure (agencyCode, day, \(column)) SELECT * FROM (\(query)) WHERE true
                    ON CONFLICT (agencyCode, day) DO UPDATE SET \(column) = \(column) + excluded.\(column)
                    """)
        }
        let columns = FigureCounter.allCases.map(\.rawValue)
        try db.execute(
            sql: """
                INSERT INTO figureMonth (agencyCode, month, \(columns.joined(separator: ", ")))
                SELECT agencyCode, substr(day, 1, 7), \(columns.map { "SUM(\($0))" }.joined(separator: ", ")) FROM figure GROUP BY 1, 2
                """)
    }

    /// The figures of `agencies` from `from` to `to` (days in Vietnam, inclusive), grouped: whole
    /// months from the monthly rows, the days at either end from the daily ones.
    static func sum(
        _ db: Database, agencies: [String], from: CivilDate, to: CivilDate, by grouping: FigureGrouping
    ) throws -> [(String, DocumentFigures)] {
        let key =
            switch grouping {
            case .total: "''"
            case .month: "substr(period, 1, 7)"
            case .agency: "agencyCode"
            }
        let sums = FigureCounter.allCases.map { "SUM(\($0.rawValue))" }.joined(separator: ", ")
        let columns = FigureCounter.allCases.map(\.rawValue).joined(separator: ", ")
        let (days, months) = periods(from: from, to: to)
        var totals: [String: DocumentFigures] = [:]
        // Chunks keep every statement under SQLite's limit on bound parameters.
        for start in stride(from: 0, to: agencies.count, by: 300) {
            let chunk = Array(agencies[start..<min(start + 300, agencies.count)])
            let marks = Array(repeating: "?", count: chunk.count).joined(separator: ", ")
            var parts: [String] = []
            var arguments: [any DatabaseValueConvertible] = []
            for (first, last) in days {
                parts.append(
                    "SELECT agencyCode, day AS period, \(columns) FROM figure WHERE agencyCode IN (\(marks)) AND day BETWEEN ? AND ?"
                )
                arguments += chunk as [any DatabaseValueConvertible] + [first.description, last.description]
            }
            if let (first, last) = months {
                parts.append(
                    "SELECT agencyCode, month AS period, \(columns) FROM figureMonth WHERE agencyCode IN (\(marks)) AND month BETWEEN ? AND ?"
                )
                arguments += chunk as [any DatabaseValueConvertible] + [first, last]
            }
            let rows = try Row.fetchAll(
                db, sql: "SELECT \(key), \(sums) FROM (\(parts.joined(separator: " UNION ALL "))) GROUP BY 1",
                arguments: StatementArguments(arguments))
            for row in rows {
                var figures = DocumentFigures()
                for (index, counter) in FigureCounter.allCases.enumerated() {
                    figures[keyPath: counter.keyPath] = row[index + 1] ?? 0
                }
                let name: String = row[0]
                totals[name] = (totals[name] ?? DocumentFigures()) + figures
            }
        }
        return totals.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }

    /// A period cut into the whole months inside it (YYYY-MM, first and last) and the runs of days
    /// before and after them.
    static func periods(from: CivilDate, to: CivilDate) -> (days: [(CivilDate, CivilDate)], months: (String, String)?) {
        let firstWhole =
            from.day == 1 ? from : CivilDate(year: from.year + from.month / 12, month: from.month % 12 + 1, day: 1)!
        let lastDay = CivilDate.daysInMonth(year: to.year, month: to.month)
        let lastWhole = to.day == lastDay ? to : CivilDate(year: to.year, month: to.month, day: 1)!.adding(days: -1)
        guard firstWhole < lastWhole else { return ([(from, to)], nil) }
        var days: [(CivilDate, CivilDate)] = []
        if from < firstWhole { days.append((from, firstWhole.adding(days: -1))) }
        if lastWhole < to { days.append((lastWhole.adding(days: 1), to)) }
        return (days, (String(firstWhole.description.prefix(7)), String(lastWhole.description.prefix(7))))
    }
}

/// How summed figures are grouped: one total, by month (YYYY-MM), or by agency code.
public enum FigureGrouping: String, Sendable, CaseIterable {
    case total, month, agency
}
