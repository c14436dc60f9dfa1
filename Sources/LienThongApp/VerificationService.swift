import Foundation
import LienThongAPI
import LienThongCrypto
import LienThongDomain
import LienThongPDF

/// `POST /v1/verify`: anyone (a commune that received a document by e-mail) sends a file and its
/// detached signature, or a signed PDF alone, and gets the full report, checked online: missing revocation information
/// is fetched from the responders and distribution points the certificates name.
package struct VerificationService: Sendable {
    package let settings: LiveSettings
    package let fetcher: RevocationFetcher
    package let blobs: BlobStore
    package let gate: VerificationGate

    /// A file with its detached signature, or a PDF alone with the signatures it carries.
    /// `address`: the caller's, for the per-address bound.
    package func answer(_ request: VerifyRequest, from address: String) async throws -> VerificationAnswer {
        guard request.signature == nil else { return .file(try await verify(request, from: address)) }
        guard let content = Data(base64Encoded: request.content) else {
            throw Refusal.invalidRequest("content is not base64: send the file's bytes base64-encoded")
        }
        guard content.starts(with: Data("%PDF-".utf8)) else {
            throw Refusal.invalidRequest(
                "signature is missing: send a file's detached signature with it, or a PDF that carries its own")
        }
        let name = try request.name.map(DocumentFileName.check) ?? "document.pdf"
        let pdf = ByteSource(content)
        return .pdf(try await gate.admit(address) { try await verify(pdf, name: name, expecting: request.expect) })
    }

    /// A signed PDF sent as it is (`Content-Type: application/pdf`), which `receive` hands in chunks to the writer
    /// it is given: streamed to a staging file and verified from there, so that a 500 MB PDF costs the daemon only
    /// the pages qpdf reads. A larger `declaredSize` (the Content-Length) than `limit` is refused before a byte is
    /// read; the daemon's place and the address's are held before the body is taken, so that what anyone may make
    /// the daemon write is bounded as what they may make it verify is.
    package func verifyPDF(
        name: String?, expect: SignatureExpectation?, declaredSize: Int64?, limit: Int64, from address: String,
        receive: (_ write: (UnsafeRawBufferPointer) throws -> Void) async throws -> Void
    ) async throws -> VerificationReport {
        let name = try name.map(DocumentFileName.check) ?? "document.pdf"
        if let declaredSize, declaredSize > limit { throw Refusal.fileTooLarge(limit: limit) }
        return try await gate.admit(address) {
            let (staged, handle) = try blobs.stagingFile()
            defer { blobs.discard(staged) }
            do {
                try await receive { try handle.write(contentsOf: $0) }
                try handle.close()
            } catch {
                try? handle.close()
                throw error
            }
            let pdf = try ByteSource(contentsOf: staged)
            guard pdf.data.starts(with: Data("%PDF-".utf8)) else {
                throw Refusal.invalidRequest(
                    "the body is not a PDF (it does not start with %PDF-): send the signed PDF's bytes as they are, "
                        + "or JSON with a file and its detached signature")
            }
            return try await verify(pdf, name: name, expecting: expect)
        }
    }

    /// Every signature `pdf` carries, checked online, inside the gate.
    private func verify(
        _ pdf: ByteSource, name: String, expecting expectation: SignatureExpectation?
    ) async throws -> VerificationReport {
        let current = settings.current
        let (trust, local) = (current.trust, current.crls)
        var verifier = SignatureVerifier(trust: trust, evidence: local)
        // Listed on the gate's threads, as qpdf reads the file's structure; signatures that cannot even be listed are
        // reported as such by the verification itself.
        let embedded = try await gate.offload { ((try? PDFVerifier.signatures(in: pdf)) ?? []).map(\.cms) }
        guard embedded.count <= verifier.limits.signerInfos else {
            throw Refusal.signatureRefused(
                "the PDF carries \(embedded.count) signatures, more than the \(verifier.limits.signerInfos) one "
                    + "document may have")
        }
        if let violation = embedded.lazy.compactMap(verifier.limitViolation).first {
            throw Refusal.signatureRefused("\(violation); send the PDF exactly as the sender's system made it")
        }
        let chains = embedded.flatMap { verifier.chains(of: $0) }
        verifier.evidence = local + (await fetcher.collect(chains: chains, known: local, trust: trust))
        let checked = PDFVerifier(verifier: verifier)
        return try await gate.offload { checked.verify(pdf, name: name, expecting: expectation ?? .document) }
    }

    /// A file and its detached signature. `address`: the caller's, for the per-address bound.
    package func verify(_ request: VerifyRequest, from address: String) async throws -> FileReport {
        guard let content = Data(base64Encoded: request.content) else {
            throw Refusal.invalidRequest("content is not base64: send the file's bytes base64-encoded")
        }
        let text = Data((request.signature ?? "").utf8)
        guard let signature = Data(base64Encoded: request.signature ?? "") ?? (isPEM(text) ? text : nil) else {
            throw Refusal.invalidRequest("signature is neither base64 DER nor PEM CMS")
        }
        let name: String
        do { name = try request.name.map(DocumentFileName.check) ?? "document" } catch { throw error }
        let current = settings.current
        let (trust, local) = (current.trust, current.crls)
        var verifier = SignatureVerifier(trust: trust, evidence: local)
        if let violation = verifier.limitViolation(in: signature) {
            throw Refusal.signatureRefused(
                "\(violation); send the detached signature exactly as the sender's system made it")
        }
        let (expectation, blobs, gate) = (request.expect ?? .document, blobs, gate)
        return try await gate.admit(address) {
            verifier.evidence =
                local + (await fetcher.collect(chains: verifier.chains(of: signature), known: local, trust: trust))
            let checked = verifier
            return try await gate.offload {
                let (staged, handle) = try blobs.stagingFile()
                defer { blobs.discard(staged) }
                try handle.write(contentsOf: content)
                try handle.close()
                return checked.verify(content: staged, signature: signature, name: name, expecting: expectation)
            }
        }
    }
}
