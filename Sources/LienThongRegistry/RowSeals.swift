import Foundation
import GRDB
import LienThongCrypto

/// Seals over every row that carries legal meaning (documents and their files, signatures and
/// identities, deliveries with their arrival numbers and status history, paper arrivals, agencies,
/// users, tokens and approvals), so that `admin check` finds a row edited, added or deleted
/// outside LienThong and names it.
///
/// - A row's seal is an HMAC-SHA256, under a key the daemon derives from its key passphrase, of
///   the table's name and every column's value; `rowSeal` keeps it by rowid with a label to name
///   the row by. Without the key, nobody can write a seal that matches an edited row.
/// - Triggers keep the seals as LienThong writes. They call `lienthong_seal`, which only
///   LienThong's connections define: the `sqlite3` shell cannot change a sealed table at all until
///   the triggers are dropped, and `admin check` finds the triggers gone as well as the rows.
/// - Per table, the XOR of all its seals, itself sealed (`tableSeal`), finds a row deleted
///   together with its seal.
///
/// A migration that changes a sealed table's columns calls `install` again, which seals every row
/// as it then is: run `lienthong admin check` before upgrading.
enum RowSeals {
    /// The sealed tables, and the SQL (over `NEW.`/`OLD.` or a table's own columns) that names a row.
    static let tables: [(name: String, label: @Sendable (String) -> String)] = [
        ("agency", { "\($0)code" }),
        ("user", { "\($0)username" }),
        ("token", { "\($0)username || ' token ' || substr(\($0)sha256, 1, 12)" }),
        ("document", { "\($0)id" }),
        ("documentFile", { "\($0)documentID || ' file ' || \($0)position" }),
        ("signature", { "\($0)documentID || ' file ' || \($0)filePosition || ' signature ' || \($0)signerIndex" }),
        ("sealedIdentity", { "\($0)documentID" }),
        ("delivery", { "\($0)documentID || ' to ' || \($0)recipientCode" }),
        ("statusEvent", { "'delivery ' || \($0)deliveryID || ' status ' || \($0)status || ' at ' || \($0)at" }),
        (
            "paperArrival",
            { "\($0)recipientCode || ' paper arrival ' || \($0)arrivalNumber || '/' || \($0)arrivalYear" }
        ),
        ("signerApproval", { "\($0)id" }),
        (
            "pdfRevision",
            { "\($0)documentID || ' file ' || \($0)filePosition || ' revision ' || \($0)revision" }
        ),
    ]

    /// The SQL functions the triggers call, for every connection: `lienthong_seal(table, values…)`
    /// and `lienthong_fold(table, state, rowid, seal)`, which adds a row's share to the table's
    /// state or takes it out (XOR is its own inverse).
    static func functions(key: [UInt8]) -> [DatabaseFunction] {
        [
            DatabaseFunction("lienthong_seal", pure: true) { values in
                Data(seal(values, key: key))
            },
            DatabaseFunction("lienthong_fold", argumentCount: 4, pure: true) { values in
                guard case .string(let table) = values[0].storage, case .blob(let state) = values[1].storage,
                    let rowid = Int64.fromDatabaseValue(values[2])
                else {
                    return Data([0])
                }
                return fold(table: table, state: state, rowid: rowid, seal: Data.fromDatabaseValue(values[3]), key: key)
            },
        ]
    }

    /// HMAC over the values, each with its type and length, so that no two rows seal alike.
    static func seal(_ values: [DatabaseValue], key: [UInt8]) -> [UInt8] {
        var message: [UInt8] = []
        for value in values {
            switch value.storage {
            case .null: message += Array("n;".utf8)
            case .int64(let integer): message += Array("i\(integer);".utf8)
            case .double(let double): message += Array("r\(double.bitPattern);".utf8)
            case .string(let text):
                message += Array("t\(text.utf8.count):".utf8) + Array(text.utf8)
            case .blob(let data):
                message += Array("b\(data.count):".utf8) + Array(data)
            }
        }
        return Digest.hmacSHA256(key: key, message)
    }

    /// A table's state: the XOR of its rows' shares (32 bytes) and an HMAC over it (32 bytes).
    /// A state that does not hold stays broken (one zero byte) for `check` to report.
    static func fold(table: String, state: Data, rowid: Int64, seal: Data?, key: [UInt8]) -> Data {
        var folded = Array(state.prefix(32))
        guard state == sealedState(table: table, folded: folded, key: key) else { return Data([0]) }
        if let seal { toggle(&folded, share(table: table, rowid: rowid, seal: seal, key: key)) }
        return sealedState(table: table, folded: folded, key: key)
    }

    /// A row's share of its table's state: keyed, so that nobody who reads the seals can pick rows
    /// whose shares cancel out, and bound to the rowid, so that two equal rows do not cancel.
    static func share(table: String, rowid: Int64, seal: Data, key: [UInt8]) -> [UInt8] {
        Digest.hmacSHA256(key: key, Array("share \(table) \(rowid):".utf8) + Array(seal))
    }

    static func toggle(_ folded: inout [UInt8], _ share: [UInt8]) {
        for (index, byte) in share.enumerated() where index < folded.count { folded[index] ^= byte }
    }

    /// The folded shares followed by an HMAC over them, as `tableSeal` keeps them.
    static func sealedState(table: String, folded: [UInt8], key: [UInt8]) -> Data {
        Data(folded + Digest.hmacSHA256(key: key, Array("table \(table):".utf8) + folded))
    }

    /// The SQL that seals a row of `table`: `NEW.`'s or `OLD.`'s in a trigger, or the row a query reads.
    static func sealCall(_ db: Database, _ table: String, row: String? = nil) throws -> String {
        let columns = try db.columns(in: table).map { (row.map { $0 + "." } ?? "") + "\"\($0.name)\"" }
        return "lienthong_seal('\(table)', " + columns.joined(separator: ", ") + ")"
    }

    static func triggerSQL(_ db: Database, _ table: String, label: (String) -> String) throws -> [String: String] {
        let sealOfNew = try sealCall(db, table, row: "NEW")
        func key(_ row: String) -> String { "tableName = '\(table)' AND rowKey = \(row).rowid" }
        func insert(_ row: String) -> String {
            """
            INSERT OR REPLACE INTO rowSeal
              VALUES ('\(table)', \(row).rowid, IFNULL(\(label(row + ".")), '?'), \(sealOfNew));
            UPDATE tableSeal
              SET state = lienthong_fold('\(table)', state, \(row).rowid, (SELECT seal FROM rowSeal WHERE \(key(row))))
              WHERE tableName = '\(table)';
            """
        }
        func remove(_ row: String) -> String {
            """
            UPDATE tableSeal
              SET state = lienthong_fold('\(table)', state, \(row).rowid, (SELECT seal FROM rowSeal WHERE \(key(row))))
              WHERE tableName = '\(table)';
            DELETE FROM rowSeal WHERE \(key(row));
            """
        }
        let on = { (event: String) in
            "CREATE TRIGGER rowSeal_\(table)_\(event) AFTER \(event.uppercased()) ON \"\(table)\" BEGIN\n"
        }
        return [
            "rowSeal_\(table)_insert": on("insert") + insert("NEW") + "\nEND",
            "rowSeal_\(table)_update": on("update") + remove("OLD") + "\n" + insert("NEW") + "\nEND",
            "rowSeal_\(table)_delete": on("delete") + remove("OLD") + "\nEND",
        ]
    }

    /// Creates the seal tables and triggers, and seals every row as it is now.
    static func install(_ db: Database, key: [UInt8]) throws {
        try db.execute(
            sql: """
                CREATE TABLE IF NOT EXISTS rowSeal (
                    tableName TEXT NOT NULL, rowKey INTEGER NOT NULL, label TEXT NOT NULL, seal BLOB NOT NULL,
                    PRIMARY KEY (tableName, rowKey));
                CREATE TABLE IF NOT EXISTS tableSeal (tableName TEXT PRIMARY KEY, state BLOB NOT NULL);
                DELETE FROM rowSeal;
                DELETE FROM tableSeal;
                """)
        // A table a later migration creates is sealed by that migration's own install.
        for (table, label) in tables where try db.tableExists(table) {
            for (name, sql) in try triggerSQL(db, table, label: label) {
                try db.execute(sql: "DROP TRIGGER IF EXISTS \(name)")
                try db.execute(sql: sql)
            }
            try db.execute(
                sql: """
                    INSERT INTO rowSeal
                    SELECT '\(table)', rowid, IFNULL(\(label("")), '?'), \(try sealCall(db, table))
                    FROM "\(table)"
                    """)
            var folded = [UInt8](repeating: 0, count: 32)
            for row in try Row.fetchAll(
                db, sql: "SELECT rowKey, seal FROM rowSeal WHERE tableName = ?", arguments: [table])
            {
                toggle(&folded, share(table: table, rowid: row["rowKey"], seal: row["seal"], key: key))
            }
            try db.execute(
                sql: "INSERT INTO tableSeal VALUES (?, ?)",
                arguments: [table, sealedState(table: table, folded: folded, key: key)])
        }
    }

    /// Every sealed row that does not match its seal, every row without one, every seal without
    /// its row, every table whose seals do not add up, and every seal trigger dropped or changed.
    static func check(_ db: Database, key: [UInt8]) throws -> (rows: Int, problems: [RowSealProblem]) {
        var problems: [RowSealProblem] = []
        var count = 0
        let installed = Dictionary(
            try Row.fetchAll(
                db, sql: "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'rowSeal_%'"
            )
            .map { ($0["name"] as String, $0["sql"] as String) }, uniquingKeysWith: { first, _ in first })
        let triggers = try tables.map { table in (table, try triggerSQL(db, table.name, label: table.label)) }
        // Anything else that calls the seal functions could make LienThong seal what it did not write.
        let expected = Set(triggers.flatMap(\.1.keys))
        for row in try Row.fetchAll(
            db, sql: "SELECT type, name FROM sqlite_master WHERE sql LIKE '%lienthong\\_%' ESCAPE '\\'")
        where !expected.contains(row["name"] as String) {
            problems.append(
                RowSealProblem(
                    table: row["name"], row: nil, kind: .foreignObject,
                    detail: "the \(row["type"] as String) \(row["name"] as String) was not made by LienThong but calls "
                        + "its seal functions: it could seal what LienThong did not write; drop it and check again"))
        }
        for ((table, label), expectedSQL) in triggers {
            for (name, sql) in expectedSQL where installed[name] != sql {
                problems.append(
                    RowSealProblem(
                        table: table, row: nil, kind: .triggerChanged,
                        detail: "the trigger \(name) was \(installed[name] == nil ? "dropped" : "changed"): "
                            + "what was written to \(table) since is not sealed"))
            }
            var seals: [Int64: (label: String, seal: Data)] = [:]
            var folded = [UInt8](repeating: 0, count: 32)
            for row in try Row.fetchAll(
                db, sql: "SELECT rowKey, label, seal FROM rowSeal WHERE tableName = ?", arguments: [table])
            {
                let (rowid, seal): (Int64, Data) = (row["rowKey"], row["seal"])
                seals[rowid] = (row["label"], seal)
                toggle(&folded, share(table: table, rowid: rowid, seal: seal, key: key))
            }
            let rows = try Row.fetchCursor(
                db,
                sql: """
                    SELECT rowid AS rowKey, \(label("")) AS label, \(try sealCall(db, table)) AS seal
                    FROM "\(table)"
                    """)
            while let row = try rows.next() {
                count += 1
                let rowid: Int64 = row["rowKey"]
                let name: String = row["label"] ?? "rowid \(rowid)"
                switch seals.removeValue(forKey: rowid) {
                case nil:
                    problems.append(
                        RowSealProblem(
                            table: table, row: name, kind: .added,
                            detail: "\(table) \(name) was added outside LienThong"))
                case let sealed? where sealed.seal != (row["seal"] as Data):
                    problems.append(
                        RowSealProblem(
                            table: table, row: name, kind: .edited,
                            detail: "\(table) \(name) was changed outside LienThong"))
                default: break
                }
            }
            for (_, sealed) in seals.sorted(by: { $0.key < $1.key }) {
                problems.append(
                    RowSealProblem(
                        table: table, row: sealed.label, kind: .deleted,
                        detail: "\(table) \(sealed.label) was deleted outside LienThong"))
            }
            let state = try Data.fetchOne(
                db, sql: "SELECT state FROM tableSeal WHERE tableName = ?", arguments: [table])
            if state != sealedState(table: table, folded: folded, key: key) {
                problems.append(
                    RowSealProblem(
                        table: table, row: nil, kind: .sealsChanged,
                        detail: "the seals of \(table) do not add up: rows were deleted with their seals, "
                            + "or seals were written outside LienThong"))
            }
        }
        return (count, problems)
    }
}

/// A row, or a table's seals, changed outside LienThong.
public struct RowSealProblem: Sendable, Equatable {
    public enum Kind: String, Sendable {
        case edited, added, deleted
        case sealsChanged = "seals-changed"
        case triggerChanged = "trigger-changed"
        case foreignObject = "foreign-object"
    }

    public let table: String
    /// The row's label (`document 6f1c…`, `delivery … to 000.01.21.H18`); nil for the whole table.
    public let row: String?
    public let kind: Kind
    public let detail: String
}
