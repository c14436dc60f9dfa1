import Foundation
import LienThongAPI
import LienThongDomain
import LienThongRegistry

/// The directory of agencies: listing for everyone, import and retirement for administrators.
package struct Directory: Sendable {
    package let registry: Registry
    package let now: @Sendable () -> Date

    package static func view(_ agency: AgencyRecord) -> AgencyView {
        AgencyView(
            code: agency.code, name: agency.name, abbreviation: agency.abbreviation, parent: agency.parentCode,
            status: agency.isActive ? "active" : "retired", successor: agency.successorCode)
    }

    package func list() throws -> [AgencyView] { try registry.directory.agencies().map(Self.view) }

    package func show(_ text: String) throws -> AgencyView {
        let code: AgencyCode
        do { code = try AgencyCode(text) } catch { throw error }
        guard let agency = try registry.directory.agency(code.rawValue) else {
            throw Refusal.unknownAgency(code: code.rawValue)
        }
        return Self.view(agency)
    }

    /// Imports `code,name,abbreviation,parent` lines (a header first, UTF-8, BOM allowed), line by
    /// line: each is added, updated, unchanged or rejected with its reason; importing twice changes nothing.
    package func importCSV(_ text: String, caller: UserRecord) async throws -> [ImportLine] {
        try Permissions(caller).require(.manageDirectory)
        let records = CSV.parse(text.hasPrefix("\u{FEFF}") ? String(text.dropFirst()) : text)
        guard let header = records.first?.fields.map({ $0.trimmingWhitespace().lowercased() }),
            ["code", "name", "abbreviation", "parent"].allSatisfy(header.contains)
        else {
            throw Refusal.invalidRequest("the CSV must start with the header code,name,abbreviation,parent")
        }
        var lines: [ImportLine] = []
        for record in records.dropFirst() {
            lines.append(await importLine(record, header: header, caller: caller))
        }
        return lines
    }

    /// One line of an import: added, updated, unchanged, or rejected with the reason.
    private func importLine(
        _ record: (line: Int, fields: [String]), header: [String], caller: UserRecord
    ) async -> ImportLine {
        let column = { (name: String) in header.firstIndex(of: name)! }
        let value = { (name: String) in
            record.fields.indices.contains(column(name)) ? record.fields[column(name)].trimmingWhitespace() : ""
        }
        do {
            let code = try AgencyCode(value("code"))
            let name = try FieldLimit.issuerName.check(value("name"), required: true)
            let abbreviation = try FieldLimit.agencyAbbreviation.check(value("abbreviation"), required: true)
            let parent = value("parent").isEmpty ? nil : try AgencyCode(value("parent")).rawValue
            let outcome = try await registry.directory.importAgency(
                code: code.rawValue, name: name, abbreviation: abbreviation, parentCode: parent,
                actor: caller.username)
            return ImportLine(line: record.line, outcome: outcome.rawValue, code: code.rawValue, detail: name)
        } catch let error as DomainError {
            return ImportLine(line: record.line, outcome: "rejected", code: nil, detail: error.description)
        } catch RegistryError.unknownAgency(let parent) {
            return ImportLine(
                line: record.line, outcome: "rejected", code: value("code"),
                detail: "the parent \(parent) is not in the directory: list parents before their children")
        } catch {
            return ImportLine(line: record.line, outcome: "rejected", code: value("code"), detail: "\(error)")
        }
    }

    package func retire(_ text: String, successor: String?, caller: UserRecord) async throws -> AgencyView {
        try Permissions(caller).require(.manageDirectory)
        do {
            let code = try AgencyCode(text).rawValue
            let next = try successor.map { try AgencyCode($0).rawValue }
            guard code != caller.agencyCode else {
                throw Refusal.ownAgencyRetirement(
                    "\(code) is your own agency: an administrator of the agency above it retires it")
            }
            guard next != code else {
                throw Refusal.invalidRequest(
                    "an agency cannot succeed itself: name the agency that now answers for \(code)")
            }
            return Self.view(
                try await registry.directory.retire(code, successor: next, actor: caller.username, at: now()))
        } catch RegistryError.unknownAgency(let code) {
            throw Refusal.unknownAgency(code: code)
        } catch RegistryError.retiredSuccessor(let code) {
            throw Refusal.invalidRequest(
                "the successor \(code) is itself retired: name the agency that now answers for it")
        }
    }
}

/// RFC 4180 records with the line each starts on: quoted fields may hold commas, quotes and newlines.
package enum CSV {
    package static func parse(_ text: String) -> [(line: Int, fields: [String])] {
        var records: [(Int, [String])] = []
        var fields: [String] = []
        var field = ""
        var quoted = false
        var line = 1
        var recordLine = 1
        var characters = text.makeIterator()
        var pending: Character? = nil
        func endRecord() {
            fields.append(field)
            if !(fields.count == 1 && fields[0].isEmpty) { records.append((recordLine, fields)) }
            fields = []
            field = ""
        }
        while let character = pending ?? characters.next() {
            pending = nil
            if quoted {
                if character == "\"" {
                    let next = characters.next()
                    if next == "\"" {
                        field.append("\"")
                    } else {
                        quoted = false
                        pending = next
                    }
                } else {
                    if character == "\n" || character == "\r\n" { line += 1 }
                    field.append(character)
                }
                continue
            }
            switch character {
            case "\"": quoted = true
            case ",":
                fields.append(field)
                field = ""
            case "\n", "\r\n", "\r":
                endRecord()
                line += 1
                recordLine = line
            default: field.append(character)
            }
        }
        if !field.isEmpty || !fields.isEmpty { endRecord() }
        return records
    }
}
