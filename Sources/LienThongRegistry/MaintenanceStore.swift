import Foundation
import GRDB
import LienThongCrypto
import LienThongDomain

/// Backups and the checks an administrator runs: stored files, held signatures and row seals.
public struct MaintenanceStore: Sendable {
    let database: RegistryDatabase

    /// How many sealed rows there are, and every one edited, added or deleted outside LienThong, by name.
    public func checkRowSeals() throws -> (rows: Int, problems: [RowSealProblem]) {
        try database.pool.read { try RowSeals.check($0, key: database.sealKey) }
    }

    /// Every file under `blobs/` the registry knows of (not the blobs it holds itself).
    public func blobHashes() throws -> Set<String> {
        try database.pool.read { try Self.blobHashes($0) }
    }

    private static func blobHashes(_ db: Database) throws -> Set<String> {
        try Set(String.fetchAll(db, sql: "SELECT sha256 FROM blob WHERE bytes IS NULL"))
    }

    /// Hashes again every blob the registry holds.
    /// - Returns: how many there are, their size, and those whose bytes no longer match their hash.
    public func checkHeldBlobs() throws -> (count: Int, bytes: Int64, changed: [String]) {
        try database.pool.read { db in
            var result = (count: 0, bytes: Int64(0), changed: [String]())
            let rows = try Row.fetchCursor(
                db, sql: "SELECT sha256, bytes FROM blob WHERE bytes IS NOT NULL ORDER BY sha256")
            while let row = try rows.next() {
                let sha256: String = row["sha256"]
                let bytes: Data = row["bytes"]
                result.count += 1
                result.bytes += Int64(bytes.count)
                if Digest.sha256(bytes) != sha256 { result.changed.append(sha256) }
            }
            return result
        }
    }

    /// Copies the registry as of one moment into a new SQLite file, while requests keep writing.
    /// - Returns: the copy's document count, the files under `blobs/` it names, the blobs it holds
    ///   itself (count and bytes), and its audit head.
    public func backup(
        to path: String
    ) async throws -> (documents: Int, files: Set<String>, held: (count: Int, bytes: Int64), auditHead: String) {
        try await DiskWork.shared.run { [pool = database.pool] in try Self.backup(pool, to: path) }
    }

    private static func backup(
        _ pool: any DatabaseWriter, to path: String
    ) throws -> (documents: Int, files: Set<String>, held: (count: Int, bytes: Int64), auditHead: String) {
        let copy = try DatabaseQueue(path: path)
        try pool.backup(to: copy)
        defer { try? copy.close() }
        return try copy.read { db in
            let held = try Row.fetchOne(
                db, sql: "SELECT COUNT(*), IFNULL(SUM(length(bytes)), 0) FROM blob WHERE bytes IS NOT NULL")
            return (
                try DocumentRecord.fetchCount(db), try Self.blobHashes(db), (held?[0] ?? 0, held?[1] ?? 0),
                try AuditLog.head(db).hash
            )
        }
    }

    /// Which documents use a stored file, as "number/symbol (id)", for reports about that file.
    public func documents(using sha256: String) throws -> [String] {
        try database.pool.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT DISTINCT d.id, d.number, d.symbol FROM documentFile f JOIN document d ON d.id = f.documentID
                    WHERE f.sha256 = ?1 OR f.signatureSHA256 = ?1
                    """, arguments: [sha256]
            ).map { "\(NumberAndSymbol.format($0["number"]))/\($0["symbol"] as String) (\($0["id"] as String))" }
        }
    }
}
