import Foundation
import LienThongAPI
import LienThongCrypto
import LienThongDomain

/// `POST /v1/verify`: anyone (a commune that received a document by e-mail) sends a file and its
/// detached signature and gets the full report, checked online: missing revocation information
/// is fetched from the responders and distribution points the certificates name.
package struct VerificationService: Sendable {
    package let settings: LiveSettings
    package let fetcher: RevocationFetcher
    package let blobs: BlobStore
    package let gate: VerificationGate

    /// `address`: the caller's, for the per-address bound.
    package func verify(_ request: VerifyRequest, from address: String) async throws -> FileReport {
        guard let content = Data(base64Encoded: request.content) else {
            throw Refusal.invalidRequest("content is not base64: send the file's bytes base64-encoded")
        }
        let text = Data(request.signature.utf8)
        guard let signature = Data(base64Encoded: request.signature) ?? (isPEM(text) ? text : nil) else {
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
