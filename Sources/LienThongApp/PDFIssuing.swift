import Foundation
import LienThongCrypto
import LienThongDomain
import LienThongPDF
import LienThongRegistry
import Synchronization

/// The Decree 30 flow for a send whose files are PDFs (``Decree30Issuance``): the signer's visible signature on the
/// main document, then, under the number the registry is about to give, the number and date filled in and the
/// agency's seal; PDF attachments sealed with that number. The detached signatures are then made over the signed
/// PDFs as over any file, so that every reader of LienThong's packages verifies them as before.
package final class PDFIssuing: Sendable {
    package let issuance: Decree30Issuance
    /// Where the signature and seal images are: a PNG beside each certificate, with its name.
    let certificates: URL
    private let images = Mutex<[String: PNGImage?]>([:])

    /// The largest PDF signed inside; larger ones are signed detached only.
    let largest: UInt64

    package init(issuance: Decree30Issuance, certificates: URL, largest: UInt64 = 1 << 30) {
        self.largest = largest
        self.issuance = issuance
        self.certificates = certificates
    }

    /// The PDF as a working copy in `directory`, or nil for a file that is not one: other files are signed detached
    /// only, as they always were, and so is a PDF larger than `largest`. A damaged or encrypted PDF is refused,
    /// saying how to repair it: a signature over it would cover what each reader guesses differently.
    func pdf(_ url: URL, name: String, content: String, workingIn directory: URL) throws -> SignedPDF? {
        let handle = try FileHandle(forReadingFrom: url)
        defer { try? handle.close() }
        guard try handle.read(upToCount: 5) == Data("%PDF-".utf8), try handle.seekToEnd() <= largest else {
            return nil
        }
        do {
            try PDFSigner.check(ByteSource(contentsOf: url), name: name)
        } catch let error as PDFError {
            throw Refusal.pdfRefused(error.description)
        }
        return try SignedPDF(copying: url, into: directory, content: content)
    }

    /// The image beside a certificate (`demo/agency.pem` → `demo/agency.png`), if there is one: read and decoded
    /// once, like the keys.
    func image(besideCertificate path: String?) throws -> PNGImage? {
        guard let path else { return nil }
        if let known = images.withLock({ $0[path] }) { return known }
        let url = URL(fileURLWithPath: path, relativeTo: certificates).deletingPathExtension()
            .appendingPathExtension("png")
        let image = try FileManager.default.contents(atPath: url.path).map { try PNGImage($0, name: url.path) }
        images.withLock { $0[path] = image }
        return image
    }
}

/// The number a PDF was stamped with was given to another document first.
struct NumberTaken: Error {}

extension DocumentService {
    /// A send's files as they are filed: each PDF signed inside, the others as uploaded.
    struct IssuedFiles {
        var files: [(name: String, blob: BlobRecord)]
        /// The signed PDFs, stored already, for the registry to record with the filing.
        var madePDFs: [BlobRecord]
        /// Each signed PDF's revisions, from the file as uploaded.
        var revisions: [PDFRevisionRecord]
    }

    /// The main document with the signer's visible signature, when it is a PDF.
    func approve(
        _ main: (name: String, blob: BlobRecord), signer: UserRecord, identity: SigningIdentity, at time: Date,
        timeStamper: (any TimeStamper)?
    ) async throws -> (pdf: SignedPDF, cms: Data)? {
        guard let draft = try await workingCopy(main, "draft") else { return nil }
        // The working copy is handed on, not shared: it is appended to where it lies, never copied again.
        do {
            return try await pdf.issuance.approve(
                consume draft, as: identity, name: signer.fullName,
                image: try pdf.image(besideCertificate: signer.certificatePath), at: time, timeStamper: timeStamper)
        } catch {
            throw Self.refusal(error, signing: main.name)
        }
    }

    /// A failure signing a PDF as the refusal a clerk reads. The time stamps are inside the PDF: while the TSA is
    /// down a PDF is not sent, even when other files may go out and be stamped later.
    private static func refusal(_ error: any Error, signing name: String) -> any Error {
        switch error {
        case let error as TimeStampUnavailable:
            Refusal.timeStampUnavailable(
                "\(error); \(name) carries its time stamps inside and nothing was sent. Try again, or ask the "
                    + "administrator to check the TSA")
        case let refusal as Refusal: refusal
        case let error as PDFError: Refusal.pdfRefused("\(name) cannot be signed: \(error.description)")
        default: Refusal.signingFailed("signing \(name) failed: \(error)")
        }
    }

    /// The files with the number stamped into each PDF and the seal over it, the signed PDFs stored durably (a send
    /// that fails after this leaves them unreferenced, for the orphan sweep at the next start; no number is used).
    func issue(
        _ files: [(name: String, blob: BlobRecord)], documentID: String, approved: (pdf: SignedPDF, cms: Data)?,
        signer: SigningIdentity, seal: SigningIdentity, issuer: AgencyRecord, series: NumberSeries,
        numbered: NumberAndSymbol, at time: Date, timeStamper: (any TimeStamper)?,
        evidence: @escaping @Sendable () async throws -> RevocationEvidence
    ) async throws -> IssuedFiles {
        var issued = IssuedFiles(files: files, madePDFs: [], revisions: [])
        let trust = settings.current.trust
        let sealImage = try pdf.image(besideCertificate: issuer.sealCertificatePath)
        for (position, file) in files.enumerated() {
            let signed: SignedPDF
            if position == 0, case .copy(let form) = series {
                // A copy (bản sao) carries the agency's signature alone, with its notation, at the top right.
                guard let original = try await workingCopy(file, "original") else { continue }
                do {
                    signed = try await pdf.issuance.sealCopy(
                        consume original, notation: form.notation, numberAndSymbol: numbered.description, seal: seal,
                        agency: issuer.name, at: time, timeStamper: timeStamper, trust: trust, evidence: evidence)
                } catch {
                    throw Self.refusal(error, signing: file.name)
                }
            } else if position == 0 {
                guard let approved else { continue }
                // Issued from a copy of the approved file: a retry under the next number starts from it again.
                do {
                    signed = try await pdf.issuance.issue(
                        approved.pdf, approval: approved.cms,
                        approverChain: [signer.certificate] + signer.intermediates,
                        numberAndSymbol: numbered.description, place: nil, date: CivilDate.inVietnam(time), seal: seal,
                        agency: issuer.name, image: sealImage, at: time, timeStamper: timeStamper, trust: trust,
                        evidence: evidence)
                } catch {
                    throw Self.refusal(error, signing: file.name)
                }
            } else {
                guard let attachment = try await workingCopy(file, "attachment") else { continue }
                do {
                    signed = try await pdf.issuance.sealAttachment(
                        consume attachment, numberAndSymbol: numbered.description, seal: seal, agency: issuer.name,
                        at: time, timeStamper: timeStamper, trust: trust, evidence: evidence)
                } catch {
                    throw Self.refusal(error, signing: file.name)
                }
            }
            let (blob, hashes) = try await blobs.keep(signed, at: time)
            issued.files[position].blob = blob
            issued.madePDFs.append(blob)
            issued.revisions += zip(signed.revisions, hashes).enumerated().map { index, revision in
                PDFRevisionRecord(
                    documentID: documentID, filePosition: position, revision: index + 1, content: revision.0.content,
                    length: Int64(revision.0.length), sha256: revision.1)
            }
        }
        return issued
    }

    /// A working copy of the file in the blob store's staging area, when it is a PDF: signed there, then kept.
    private func workingCopy(_ file: (name: String, blob: BlobRecord), _ content: String) async throws -> SignedPDF? {
        try await DiskWork.shared.run { [pdf, blobs] in
            try pdf.pdf(
                blobs.url(for: file.blob.sha256), name: file.name, content: content, workingIn: blobs.staging)
        }
    }

    /// Each file's detached CMS (the signer's and the seal's on the main document, the seal's on attachments), as
    /// LienThong's packages carry them. `stamper` becomes nil when the TSA is down and stamps may come later.
    func signDetached(
        _ files: [(name: String, blob: BlobRecord)], documentID id: String, signer: SigningIdentity,
        seal: SigningIdentity, evidence: RevocationEvidence, stamper: inout (any TimeStamper)?, at issuedAt: Date
    ) async throws -> (files: [DocumentFileRecord], blobs: [BlobRecord], signatures: [SignatureRecord]) {
        var fileRecords: [DocumentFileRecord] = []
        var signatureBlobs: [BlobRecord] = []
        var signatureRecords: [SignatureRecord] = []
        for (position, file) in files.enumerated() {
            let isMain = position == 0
            var cms = Data()
            do {
                do {
                    cms = try await self.signer.sign(
                        content: blobs.url(for: file.blob.sha256), signer: isMain ? signer : nil,
                        seal: seal, timeStamper: stamper, evidence: evidence, documentID: id)
                } catch let error as TimeStampUnavailable where stampLater {
                    // Sent now, stamped by the backfill as soon as the TSA answers; the file says so.
                    logger.warning("sending without time stamps for now", metadata: ["reason": "\(error)"])
                    stamper = nil
                    cms = try await self.signer.sign(
                        content: blobs.url(for: file.blob.sha256), signer: isMain ? signer : nil,
                        seal: seal, timeStamper: nil, evidence: evidence, documentID: id)
                }
            } catch let error as TimeStampUnavailable {
                throw Refusal.timeStampUnavailable(
                    "\(error); nothing was sent. Try again, or ask the administrator to check the TSA")
            } catch {
                throw Refusal.signingFailed("signing \(file.name) failed: \(error)")
            }
            let signatureSHA = Digest.sha256(cms)
            signatureBlobs.append(
                BlobRecord(sha256: signatureSHA, size: Int64(cms.count), createdAt: issuedAt, bytes: cms))
            fileRecords.append(
                DocumentFileRecord(
                    documentID: id, position: position, name: file.name, sha256: file.blob.sha256,
                    size: file.blob.size, kind: isMain ? .document : .attachment, signatureSHA256: signatureSHA,
                    awaitingTimeStamp: timeStamper != nil && stamper == nil))
            let parties = isMain ? [(CertificateRole.signer, signer), (.seal, seal)] : [(.seal, seal)]
            for (index, (role, identity)) in parties.enumerated() {
                signatureRecords.append(
                    SignatureRecord(
                        documentID: id, filePosition: position, signerIndex: index, role: role,
                        commonName: identity.certificate.commonName ?? identity.certificate.subject,
                        organization: identity.certificate.organization,
                        serialNumber: identity.certificate.serialNumber,
                        algorithm: identity.key.isRSA
                            ? (self.signer.padding == .pss ? "RSASSA-PSS" : "RSA PKCS#1 v1.5")
                                + " with \(self.signer.digest.rawValue)" : "ECDSA with \(self.signer.digest.rawValue)",
                        signedAt: issuedAt))
            }
        }
        return (fileRecords, signatureBlobs, signatureRecords)
    }
}
