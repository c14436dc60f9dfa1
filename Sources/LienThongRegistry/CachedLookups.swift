import GRDB

/// Lookups made on every request, through statements each connection prepares once.
///
/// `fetchOne(_:key:)` builds its SQL and has SQLite parse it again on every call: with the
/// figure upserts, that was a quarter of the daemon's CPU under a stream of sends.
extension FetchableRecord where Self: TableRecord {
    /// The record whose single-column primary key is `key`, or nil.
    static func lookUp(_ db: Database, _ key: some DatabaseValueConvertible) throws -> Self? {
        let column = try db.primaryKey(databaseTableName).columns[0]
        return try fetchOne(
            db.cachedStatement(
                sql: """
                    SELECT * FROM \(databaseTableName.quotedDatabaseIdentifier) WHERE \(column.quotedDatabaseIdentifier) = ?
                    """), arguments: [key])
    }
}
