import Foundation
import GRDB
import LienThongCrypto
import LienThongDomain

/// The SQLite registry: the legal record of what was sent, to whom, and what each recipient said.
///
/// One database, one store per aggregate: the directory, documents and their deliveries, the registers and
/// figures, signer approvals, the audit log, and maintenance (backups and checks). The stores share the one
/// writer, so that a filing, its figures and its audit entry commit together.
///
/// WAL with `synchronous = FULL`: a transaction that returned has reached the disk, so a send
/// acknowledged after its commit survives a crash or a power cut.
public final class Registry: Sendable {
    public let directory: DirectoryStore
    public let documents: DocumentStore
    public let registers: RegisterStore
    public let approvals: ApprovalStore
    public let audit: AuditStore
    public let maintenance: MaintenanceStore
    let database: RegistryDatabase

    /// - Parameter sealSecret: what the row seals' key is derived from: the daemon gives its key
    ///   passphrase, so that whoever holds the database but not the passphrase cannot forge a seal.
    ///   The default makes seals that find edits but not a forger who knows LienThong.
    public convenience init(path: String, sealSecret: String = "") throws {
        let key = RegistryDatabase.sealKey(sealSecret)
        try self.init(
            RegistryDatabase(
                pool: DatabasePool(path: path, configuration: RegistryDatabase.configuration(key)), sealKey: key))
    }

    /// A registry in memory, for tests: the same schema, triggers and rules, without a file.
    public static func inMemory(sealSecret: String = "") throws -> Registry {
        let key = RegistryDatabase.sealKey(sealSecret)
        return try Registry(
            RegistryDatabase(pool: DatabaseQueue(configuration: RegistryDatabase.configuration(key)), sealKey: key))
    }

    private init(_ database: RegistryDatabase) throws {
        try Schema.migrator(sealKey: database.sealKey).migrate(database.pool)
        self.database = database
        directory = DirectoryStore(database: database)
        documents = DocumentStore(database: database)
        registers = RegisterStore(database: database)
        approvals = ApprovalStore(database: database)
        audit = AuditStore(database: database)
        maintenance = MaintenanceStore(database: database)
    }
}

/// The one database every store reads and writes.
final class RegistryDatabase: Sendable {
    /// Lookups of one row per statement use `unsafeRead`, without a snapshot: each statement is
    /// atomic by itself, and the BEGIN and COMMIT around it cost more than the lookup.
    let pool: any DatabaseWriter
    /// Filings, committed in groups: concurrent sends share one durable commit.
    let filings: GroupCommit
    /// The key of the row seals (`RowSeals`).
    let sealKey: [UInt8]

    init(pool: any DatabaseWriter, sealKey: [UInt8]) {
        self.pool = pool
        self.sealKey = sealKey
        filings = GroupCommit(pool: pool)
    }

    static func sealKey(_ secret: String) -> [UInt8] {
        Digest.hmacSHA256(key: Array("lienthong row seals v1".utf8), Array(secret.utf8))
    }

    static func configuration(_ key: [UInt8]) -> Configuration {
        var configuration = Configuration()
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
            for function in RowSeals.functions(key: key) { db.add(function: function) }
        }
        configuration.busyMode = .timeout(10)
        return configuration
    }

    /// Every write: one transaction, durable when it returns, run on the disk's threads so that no
    /// cooperative thread waits for SQLite's writer or its fsync.
    func write<T: Sendable>(_ updates: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await DiskWork.shared.run { [pool] in try pool.write(updates) }
    }
}

public enum RegistryError: Error, Equatable {
    case notFound
    case unknownAgency(String)
    case retiredSuccessor(String)
    /// A signer approval used, withdrawn or expired while a send was being signed.
    case approvalUsed(String)
}
