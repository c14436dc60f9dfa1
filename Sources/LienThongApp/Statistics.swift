import Foundation
import LienThongAPI
import LienThongDomain
import LienThongRegistry

/// The district's figures: counts and ratios for an agency, or the agencies under it, over a period.
extension DocumentService {
    package func stats(
        agency code: String?, subtree: Bool, from: String?, to: String?, by grouping: String?,
        caller: UserRecord
    ) throws -> StatsReport {
        try Permissions(caller).require(.readFigures)
        // One reading of the settings: the definitions the report states are the ones it used.
        let ratios = settings.current.ratios
        let directory = try registry.directory.agencies()
        let agency = try Self.agencyInView(code, of: caller, in: directory)
        let today = CivilDate.inVietnam(now())
        let start = try from.map { try Self.day($0, "from") } ?? CivilDate(year: today.year, month: 1, day: 1)!
        let end = try to.map { try Self.day($0, "to") } ?? today
        guard start <= end else { throw Refusal.invalidRequest("from (\(start)) is after to (\(end))") }
        guard end.julianDayNumber - start.julianDayNumber <= 3660 else {
            throw Refusal.invalidRequest("a period is at most ten years")
        }
        guard let grouping = FigureGrouping(rawValue: grouping ?? "total") else {
            throw Refusal.invalidRequest("by is month or agency (or total, the default)")
        }
        let agencies = subtree ? Self.subtree(of: agency.code, in: directory) : [agency.code]
        let rows = try registry.registers.figures(agencies: agencies.sorted(), from: start, to: end, by: grouping)
        let names = Dictionary(uniqueKeysWithValues: directory.map { ($0.code, $0.name) })
        let total = rows.reduce(DocumentFigures()) { $0 + $1.1 }
        return StatsReport(
            agency: AgencyRef(code: agency.code, name: agency.name), subtree: subtree, agencyCount: agencies.count,
            from: start.description, to: end.description, by: grouping.rawValue, definitions: ratios,
            rows: grouping == .total
                ? []
                : rows.map { key, figures in
                    StatsRow(
                        key: key, label: grouping == .agency ? names[key] : nil, figures: figures,
                        ratios: ratios.ratios(figures))
                },
            total: StatsRow(key: "total", label: nil, figures: total, ratios: ratios.ratios(total)))
    }

    /// The agency a caller asks about (its own when nil): itself or one under it, never a sibling's
    /// or a parent's, whose figures and registers are theirs to publish.
    package static func agencyInView(
        _ code: String?, of caller: UserRecord, in directory: [AgencyRecord]
    ) throws -> AgencyRecord {
        let requested = code.map { $0.trimmingWhitespace() } ?? caller.agencyCode
        guard let agency = directory.first(where: { $0.code == requested }) else {
            throw Refusal.unknownAgency(code: requested)
        }
        guard subtree(of: caller.agencyCode, in: directory).contains(agency.code) else {
            throw Refusal.forbidden(
                "\(agency.name) is not your agency or one under it; ask its own office for its figures and registers")
        }
        return agency
    }

    /// `root` and every agency whose chain of parents leads to it.
    package static func subtree(of root: String, in directory: [AgencyRecord]) -> Set<String> {
        let children = Dictionary(grouping: directory.filter { $0.parentCode != nil }, by: { $0.parentCode! })
        var found: Set<String> = [root]
        var queue = [root]
        while let next = queue.popLast() {
            for child in children[next] ?? [] where found.insert(child.code).inserted { queue.append(child.code) }
        }
        return found
    }

    private static func day(_ text: String, _ field: String) throws -> CivilDate {
        guard let day = CivilDate(iso: text.trimmingWhitespace()) else {
            throw Refusal.invalidRequest("\(field) \"\(text)\" is not a date: write it as YYYY-MM-DD, e.g. 2026-01-01")
        }
        return day
    }
}
