import Foundation
import GRDB

/// The registry's schema, one migration per change, next to the records it describes.
enum Schema {
    /// - Parameter sealKey: the key of the row seals (`RowSeals`), for the migrations that seal rows.
    static func migrator(sealKey: [UInt8]) -> DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: agencies, users, documents, deliveries") { db in
            try db.create(table: "agency") { t in
                t.primaryKey("code", .text)
                t.column("name", .text).notNull()
                t.column("abbreviation", .text).notNull()
                t.column("parentCode", .text).references("agency")
                t.column("isActive", .boolean).notNull()
                t.column("sealCertificatePath", .text)
                t.column("sealKeyPath", .text)
            }
            try db.create(table: "user") { t in
                t.primaryKey("username", .text)
                t.column("fullName", .text).notNull()
                t.column("position", .text).notNull()
                t.column("agencyCode", .text).notNull().references("agency")
                t.column("role", .text).notNull()
                t.column("tokenSHA256", .text).notNull().unique()
                t.column("certificatePath", .text)
                t.column("keyPath", .text)
            }
            try db.create(table: "blob") { t in
                t.primaryKey("sha256", .text)
                t.column("size", .integer).notNull()
                t.column("createdAt", .datetime).notNull()
            }
            try db.create(table: "upload") { t in
                t.column("sha256", .text).notNull().references("blob")
                t.column("agencyCode", .text).notNull().references("agency")
                t.column("uploadedAt", .datetime).notNull()
                t.primaryKey(["sha256", "agencyCode"])
            }
            try db.create(table: "document") { t in
                t.primaryKey("id", .text)
                t.column("issuerCode", .text).notNull().references("agency")
                t.column("issuerName", .text).notNull()
                t.column("register", .text).notNull()
                t.column("year", .integer).notNull()
                t.column("number", .integer).notNull()
                t.column("symbol", .text).notNull()
                t.column("typeName", .text).notNull()
                t.column("typeAbbreviation", .text).notNull()
                t.column("subject", .text).notNull()
                t.column("language", .text).notNull()
                t.column("pageCount", .integer)
                t.column("notes", .text)
                t.column("urgency", .integer).notNull()
                t.column("authorityPrefix", .text)
                t.column("signerUsername", .text).notNull()
                t.column("signerName", .text).notNull()
                t.column("signerPosition", .text).notNull()
                t.column("deadline", .text)
                t.column("issuedAt", .datetime).notNull()
                t.column("createdBy", .text).notNull()
                // Numbers are never reused: one per issuer, register and year.
                t.uniqueKey(["issuerCode", "register", "year", "number"])
                // Number + symbol + issuer is unique in a year (Decree 30).
                t.uniqueKey(["issuerCode", "year", "number", "symbol"])
            }
            try db.create(table: "documentFile") { t in
                t.column("documentID", .text).notNull().references("document")
                t.column("position", .integer).notNull()
                t.column("name", .text).notNull()
                t.column("sha256", .text).notNull().references("blob")
                t.column("size", .integer).notNull()
                t.column("kind", .text).notNull()
                t.column("signatureSHA256", .text).notNull().references("blob")
                t.primaryKey(["documentID", "position"])
            }
            try db.create(table: "signature") { t in
                t.column("documentID", .text).notNull().references("document")
                t.column("filePosition", .integer).notNull()
                t.column("signerIndex", .integer).notNull()
                t.column("role", .text).notNull()
                t.column("commonName", .text).notNull()
                t.column("organization", .text)
                t.column("serialNumber", .text).notNull()
                t.column("algorithm", .text).notNull()
                t.column("signedAt", .datetime).notNull()
                t.primaryKey(["documentID", "filePosition", "signerIndex"])
            }
            try db.create(table: "delivery") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("documentID", .text).notNull().references("document")
                t.column("recipientCode", .text).notNull().references("agency")
                t.column("recipientName", .text).notNull()
                t.column("status", .text).notNull()
                t.column("arrivalNumber", .integer)
                t.column("arrivalYear", .integer)
                t.column("updatedAt", .datetime).notNull()
                t.uniqueKey(["documentID", "recipientCode"])
                // Arrival numbers run once through the year per receiving agency.
                t.uniqueKey(["recipientCode", "arrivalYear", "arrivalNumber"])
            }
            try db.create(index: "delivery_inbox", on: "delivery", columns: ["recipientCode", "updatedAt"])
            try db.create(table: "statusEvent") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("deliveryID", .integer).notNull().references("delivery")
                t.column("status", .text).notNull()
                t.column("at", .datetime).notNull()
                t.column("actor", .text).notNull()
                t.column("note", .text)
            }
            try db.create(index: "statusEvent_delivery", on: "statusEvent", columns: ["deliveryID", "id"])
        }
        migrator.registerMigration("v2: signatures awaiting their time stamp") { db in
            try db.alter(table: "documentFile") { t in
                t.add(column: "awaitingTimeStamp", .boolean).notNull().defaults(to: false)
            }
            try db.create(
                index: "documentFile_awaiting", on: "documentFile", columns: ["awaitingTimeStamp"],
                condition: Column("awaitingTimeStamp") == true)
        }
        migrator.registerMigration("v3: assignees, recalls and frozen copies") { db in
            try db.alter(table: "delivery") { t in t.add(column: "assignee", .text) }
            try db.alter(table: "statusEvent") { t in t.add(column: "assignee", .text) }
            try db.alter(table: "document") { t in t.add(column: "frozenAt", .datetime) }
        }
        migrator.registerMigration("v4: retired agencies and their successors") { db in
            try db.alter(table: "agency") { t in
                t.add(column: "successorCode", .text).references("agency")
                t.add(column: "retiredAt", .datetime)
            }
            try db.alter(table: "delivery") { t in t.add(column: "addressedTo", .text) }
        }
        migrator.registerMigration("v5: paper documents, replacement and reply links, daily figures") { db in
            try db.alter(table: "document") { t in
                t.add(column: "medium", .text).notNull().defaults(to: "electronic")
                t.add(column: "paperRecipients", .text)
                t.add(column: "replacesID", .text).references("document")
                t.add(column: "repliesToID", .text).references("document")
            }
            try db.create(
                index: "document_replaces", on: "document", columns: ["replacesID"],
                condition: Column("replacesID") != nil)
            try db.create(
                index: "document_repliesTo", on: "document", columns: ["repliesToID"],
                condition: Column("repliesToID") != nil)
            // An inbox page is the newest deliveries of one agency: read in index order, not sorted.
            try db.create(index: "delivery_recipient_id", on: "delivery", columns: ["recipientCode", "id"])
            try db.create(table: "paperArrival") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("recipientCode", .text).notNull().references("agency")
                t.column("arrivalYear", .integer).notNull()
                t.column("arrivalNumber", .integer).notNull()
                t.column("receivedAt", .datetime).notNull()
                t.column("senderName", .text).notNull()
                t.column("numberAndSymbol", .text).notNull()
                t.column("issuedOn", .text).notNull()
                t.column("typeName", .text).notNull()
                t.column("subject", .text).notNull()
                t.column("urgency", .integer).notNull()
                t.column("assignee", .text)
                t.column("notes", .text)
                t.column("registeredBy", .text).notNull()
                t.uniqueKey(["recipientCode", "arrivalYear", "arrivalNumber"])
            }
            // One row per agency and day (Vietnam), kept in the transaction that changes what it
            // counts, so that a province's year is a sum over a few hundred thousand small rows
            // instead of a scan of millions of documents and deliveries.
            // The same counts per month, so that a year is twelve rows per agency, not 365.
            for (table, period) in [("figure", "day"), ("figureMonth", "month")] {
                try db.create(table: table) { t in
                    t.column("agencyCode", .text).notNull()
                    t.column(period, .text).notNull()
                    for counter in FigureCounter.allCases {
                        t.column(counter.rawValue, .integer).notNull().defaults(to: 0)
                    }
                    t.primaryKey(["agencyCode", period])
                }
            }
            try Figures.rebuild(db)
        }
        migrator.registerMigration("v6: idempotency keys") { db in
            // The answer to each POST made with an Idempotency-Key, replayed when the client retries.
            try db.create(table: "idempotentResponse") { t in
                t.primaryKey("requestKey", .text)
                t.column("requestSHA256", .text).notNull()
                t.column("status", .integer).notNull()
                t.column("contentType", .text).notNull()
                t.column("body", .blob).notNull()
                t.column("createdAt", .datetime).notNull()
            }
            // A send's key is filed with the document, in the same transaction: a retry after a crash
            // between filing and answering finds the document and sends nothing twice.
            try db.alter(table: "document") { t in
                t.add(column: "requestKey", .text)
                t.add(column: "requestSHA256", .text)
            }
            try db.create(
                index: "document_requestKey", on: "document", columns: ["requestKey"], unique: true,
                condition: Column("requestKey") != nil)
        }
        migrator.registerMigration("v7: the audit log") { db in
            try db.create(table: "auditEntry") { t in
                t.primaryKey("id", .integer)
                t.column("at", .text).notNull()
                t.column("actor", .text).notNull()
                t.column("agencyCode", .text).notNull()
                t.column("action", .text).notNull()
                t.column("subject", .text).notNull()
                t.column("detail", .text).notNull()
                t.column("previousHash", .text).notNull()
                t.column("hash", .text).notNull()
            }
            // Append-only from this program's side too: an UPDATE or DELETE is refused by SQLite.
            // (Someone with the file can drop the triggers; the hash chain is what catches them.)
            try db.execute(
                sql: """
                    CREATE TRIGGER auditEntry_no_update BEFORE UPDATE ON auditEntry BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
                    CREATE TRIGGER auditEntry_no_delete BEFORE DELETE ON auditEntry BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
                    """)
        }
        migrator.registerMigration("v8: expiring, revocable tokens apart from users") { db in
            let tokens = try Row.fetchAll(db, sql: "SELECT username, tokenSHA256 FROM user")
            try db.create(table: "userWithoutToken") { t in
                t.primaryKey("username", .text)
                t.column("fullName", .text).notNull()
                t.column("position", .text).notNull()
                t.column("agencyCode", .text).notNull().references("agency")
                t.column("role", .text).notNull()
                t.column("certificatePath", .text)
                t.column("keyPath", .text)
            }
            try db.execute(
                sql: """
                    INSERT INTO userWithoutToken SELECT username, fullName, position, agencyCode, role, certificatePath, keyPath FROM user;
                    DROP TABLE user;
                    ALTER TABLE userWithoutToken RENAME TO user;
                    """)
            try db.create(table: "token") { t in
                t.primaryKey("sha256", .text)
                t.column("username", .text).notNull().references("user")
                t.column("createdAt", .datetime).notNull()
                t.column("expiresAt", .datetime).notNull()
                t.column("revokedAt", .datetime)
            }
            try db.create(index: "token_user", on: "token", columns: ["username"])
            let now = Date()
            for row in tokens {
                try TokenRecord(
                    sha256: row["tokenSHA256"], username: row["username"], createdAt: now,
                    expiresAt: now.addingTimeInterval(365 * 86_400)
                ).insert(db)
            }
        }
        migrator.registerMigration("v9: signer approvals, revoked access") { db in
            try db.create(table: "signerApproval") { t in
                t.primaryKey("id", .text)
                t.column("agencyCode", .text).notNull().references("agency")
                t.column("signerUsername", .text).notNull().references("user")
                t.column("sha256", .text).notNull()
                t.column("note", .text)
                t.column("createdAt", .datetime).notNull()
                t.column("expiresAt", .datetime).notNull()
                t.column("withdrawnAt", .datetime)
                // The document it was used for: an approval signs once.
                t.column("documentID", .text).unique()
            }
            try db.create(index: "signerApproval_agency", on: "signerApproval", columns: ["agencyCode", "expiresAt"])
            try db.alter(table: "user") { t in t.add(column: "accessRevokedAt", .datetime) }
        }
        migrator.registerMigration("v10: signatures held in the registry") { db in
            // A signature is a few kilobytes. Kept in its row, it is made durable by the filing's
            // own commit, instead of by a file, its directory and two fsyncs of its own.
            try db.alter(table: "blob") { t in t.add(column: "bytes", .blob) }
        }
        migrator.registerMigration("v11: sealed document identities") { db in
            // The issuer's seal over the document's identity and files (SealedIdentityRecord),
            // made once its number is known, right after filing.
            try db.create(table: "sealedIdentity") { t in
                t.primaryKey("documentID", .text).references("document")
                t.column("identity", .blob).notNull()
                t.column("signature", .blob).notNull()
                t.column("sealedAt", .datetime).notNull()
            }
            // Documents filed before identities were sealed keep their exports as they were
            // (verified with a warning); the backfill looks only after this row.
            try db.create(table: "identitySealingStart") { t in t.column("afterRowid", .integer).notNull() }
            try db.execute(sql: "INSERT INTO identitySealingStart SELECT IFNULL(MAX(rowid), 0) FROM document")
        }
        migrator.registerMigration("v12: row seals") { db in
            // Every row of legal meaning sealed as it is now, and by triggers from here on (RowSeals).
            try RowSeals.install(db, key: sealKey)
        }
        migrator.registerMigration("v13: the revisions of signed PDFs") { db in
            try db.create(table: "pdfRevision") { t in
                t.column("documentID", .text).notNull()
                t.column("filePosition", .integer).notNull()
                t.column("revision", .integer).notNull()
                t.column("content", .text).notNull()
                t.column("length", .integer).notNull()
                t.column("sha256", .text).notNull()
                t.primaryKey(["documentID", "filePosition", "revision"])
                t.foreignKey(["documentID", "filePosition"], references: "documentFile")
            }
            // Of legal meaning like the files they describe: sealed from the start.
            try RowSeals.install(db, key: sealKey)
        }
        migrator.registerMigration("v14: the inbox's search text and read marks") { db in
            // What a search compares (SearchText.fold of the number, symbol and subject): derived from the sealed
            // document row, so kept beside it, unsealed, and made again from it here.
            try db.create(table: "documentSearch") { t in
                t.primaryKey("documentID", .text).references("document")
                t.column("text", .text).notNull()
            }
            // Row by row, the columns it needs alone: a registry of millions is not read into memory.
            let documents = try Row.fetchCursor(db, sql: "SELECT id, number, symbol, subject FROM document")
            while let row = try documents.next() {
                try DocumentSearch(id: row["id"], number: row["number"], symbol: row["symbol"], subject: row["subject"])
                    .insert(db)
            }
            // Which deliveries their recipient has opened, and who first did: a convenience for the inbox, not a
            // record of legal meaning (the status trail is that). What was delivered before counts as read.
            try db.create(table: "inboxRead") { t in
                t.primaryKey("deliveryID", .integer).references("delivery")
                t.column("readAt", .datetime).notNull()
                t.column("readBy", .text).notNull()
            }
            try db.execute(sql: "INSERT INTO inboxRead SELECT id, updatedAt, 'before v14' FROM delivery")
        }
        return migrator
    }
}
