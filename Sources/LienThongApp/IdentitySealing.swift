import Foundation
import LienThongAPI
import LienThongCrypto
import LienThongRegistry
import Logging
import ServiceLifecycle

extension DocumentService {
    /// The identity a document's export carries, from its filed rows.
    package static func identity(
        of document: DocumentRecord, files: [DocumentFileRecord], deliveries: [DeliveryRecord]
    ) -> DocumentIdentity {
        DocumentIdentity(
            id: document.id, issuer: AgencyRef(code: document.issuerCode, name: document.issuerName),
            number: document.number,
            symbol: document.symbol, numberAndSymbol: numberAndSymbol(document), typeName: document.typeName,
            subject: document.subject,
            issuedAt: document.issuedAt,
            recipients: deliveries.sorted { $0.recipientCode < $1.recipientCode }.map {
                AgencyRef(code: $0.recipientCode, name: $0.recipientName)
            },
            files: files.sorted { $0.position < $1.position }.map {
                DocumentIdentity.File(
                    position: $0.position, name: $0.name, role: $0.kind.rawValue, sha256: $0.sha256, size: $0.size)
            })
    }

    /// Seals `document`'s identity with its issuer's seal and keeps it. Made after filing, as the
    /// number and symbol exist only then; a stop in between is mended by ``IdentityBackfill``.
    /// Time-stamped when the TSA answers, so that the seal outlives its certificate as the files' do.
    package func sealDocumentIdentity(
        of document: DocumentRecord, files: [DocumentFileRecord], deliveries: [DeliveryRecord],
        seal: SigningIdentity, evidence revocation: RevocationEvidence?, stamper: (any TimeStamper)?
    ) async throws {
        let bytes = try Self.identity(of: document, files: files, deliveries: deliveries).encoded()
        let (staged, handle) = try blobs.stagingFile()
        defer { blobs.discard(staged) }
        try handle.write(contentsOf: bytes)
        try handle.close()
        let cms: Data
        do {
            cms = try await signer.sign(
                content: staged, signer: nil, seal: seal, timeStamper: stamper, evidence: revocation,
                documentID: document.id, contentType: .documentIdentity)
        } catch is TimeStampUnavailable {
            logger.warning(
                "identity sealed without a time stamp: the TSA does not answer",
                metadata: ["document": "\(document.id)"])
            cms = try await signer.sign(
                content: staged, signer: nil, seal: seal, timeStamper: nil, evidence: revocation,
                documentID: document.id, contentType: .documentIdentity)
        }
        let record = SealedIdentityRecord(documentID: document.id, identity: bytes, signature: cms, sealedAt: now())
        try await registry.documents.saveSealedIdentity(record)
    }

    /// Seals the identities that documents filed after `cursor` without one still lack. Returns
    /// how many it sealed and where the next pass may start; throws when it could seal none.
    package func sealPendingIdentities(after cursor: Int64?) async throws -> (sealed: Int, nextAfter: Int64) {
        let (pending, nextAfter) = try registry.documents.documentsAwaitingSealedIdentity(after: cursor)
        var sealed = 0
        var failure: (any Error)?
        // One document that cannot be sealed (its agency's seal revoked, say) holds up no other.
        for document in pending {
            do {
                guard let issuer = try registry.directory.agency(document.issuerCode) else { continue }
                let seal = try keys.seal(of: issuer)
                try await sealDocumentIdentity(
                    of: document, files: registry.documents.files(of: document.id),
                    deliveries: registry.documents.deliveries(of: document.id),
                    seal: seal,
                    evidence: try await evidence.evidence(for: [seal], settings: settings.current, at: now()),
                    stamper: timeStamper)
                sealed += 1
            } catch {
                logger.warning("identity not sealed", metadata: ["document": "\(document.id)", "reason": "\(error)"])
                failure = error
            }
        }
        // Where documents are left unsealed, the next pass starts before them again.
        if let failure, sealed == 0 { throw failure }
        return (sealed, nextAfter)
    }

    /// `GET /v1/documents/{id}/identity[/signature]`: for those who may read the document.
    package func sealedIdentity(_ id: String, caller: UserRecord) throws -> SealedIdentityRecord {
        try Permissions(caller).require(.readDocuments)
        _ = try accessibleDocument(id, agency: caller.agencyCode)
        guard let record = try registry.documents.sealedIdentity(of: id) else {
            throw Refusal.notFound("the identity of document \(id) is not sealed yet; try again in a minute")
        }
        return record
    }
}

/// Seals the identities of documents filed without one: at start, and again every `interval`.
package struct IdentityBackfill: Service {
    package let service: DocumentService
    package let interval: Duration
    package let logger: Logger

    /// Returns, without an error, when the daemon shuts down.
    package func run() async throws {
        await cancelWhenGracefulShutdown {
            var cursor: Int64?
            while !Task.isCancelled {
                do {
                    let (sealed, nextAfter) = try await service.sealPendingIdentities(after: cursor)
                    cursor = nextAfter
                    if sealed > 0 { logger.notice("sealed the identities of \(sealed) documents filed without one") }
                } catch {
                    logger.warning("document identities still to seal", metadata: ["reason": "\(error)"])
                }
                try? await Task.sleep(for: interval)
            }
        }
    }
}
