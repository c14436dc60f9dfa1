import Foundation
import LienThongAPI
import LienThongDomain
import LienThongRegistry

/// Signers approve, file by file, what their key signs; clerks send with the approval.
///
/// The daemon holds every signer's key, so without this a clerk could sign anything in a
/// leader's name. An approval names the exact bytes (the main document's SHA-256), one signer,
/// one agency, and a deadline, and is used up by the send that uses it.
package struct SignerApprovals: Sendable {
    package let registry: Registry
    package let now: @Sendable () -> Date

    package func grant(_ request: ApprovalRequest, caller: UserRecord) async throws -> ApprovalView {
        try Permissions(caller).require(.approve)
        guard caller.certificatePath != nil else {
            throw Refusal.noSigningKey(
                "\(caller.username) has no signing certificate and key; ask the administrator to issue them")
        }
        let sha = request.sha256.lowercased()
        guard sha.count == 64, sha.allSatisfy(\.isHexDigit) else {
            throw Refusal.invalidRequest(
                "\(request.sha256) is not a SHA-256 (64 hexadecimal characters); `lienthong approve FILE` computes it"
            )
        }
        let hours = request.validForHours ?? 24
        guard (1...720).contains(hours) else {
            throw Refusal.invalidRequest("validForHours is how long the clerk has to send it, from 1 to 720")
        }
        let note: String?
        note = try request.note.map { try FieldLimit.notes.check($0) }
        let created = now()
        let approval = SignerApprovalRecord(
            id: UUID().uuidString.lowercased(), agencyCode: caller.agencyCode, signerUsername: caller.username,
            sha256: sha, note: note, createdAt: created, expiresAt: created.addingTimeInterval(Double(hours) * 3600)
        )
        try await registry.approvals.grant(approval)
        return view(approval, signer: caller)
    }

    /// The agency's approvals that can still be used, for its clerks and signers.
    package func open(caller: UserRecord) throws -> [ApprovalView] {
        try Permissions(caller).require(.useApprovals)
        return try registry.approvals.open(agency: caller.agencyCode, at: now()).map {
            view($0, signer: try registry.directory.user($0.signerUsername))
        }
    }

    /// Only the signer who granted an approval withdraws it, and only while it is unused.
    package func withdraw(_ id: String, caller: UserRecord) async throws -> ApprovalView {
        guard let approval = try registry.approvals.approval(id.lowercased()),
            approval.signerUsername == caller.username
        else {
            throw Refusal.notFound("you have no approval \(id); `lienthong approvals` lists your agency's")
        }
        if let reason = approval.unusable(at: now()) {
            throw Refusal.approvalNotWithdrawable(
                "approval \(id): \(reason)")
        }
        guard let withdrawn = try await registry.approvals.withdraw(approval.id, actor: caller.username, at: now())
        else {
            throw Refusal.approvalNotWithdrawable(
                "approval \(id) was used a moment ago")
        }
        return view(withdrawn, signer: caller)
    }

    /// The signer whose key signs `mainFile` for a clerk of `agency`: the approval's, checked
    /// against everything it promises, or without one, when the policy allows, the one named.
    package func signer(
        for request: SendRequest, mainFile: String, agency: AgencyRecord, required: Bool,
        named: (String?) throws -> UserRecord
    ) throws -> (UserRecord, SignerApprovalRecord?) {
        guard let id = request.approval else {
            guard !required else {
                throw Refusal.approvalRequired(
                    "a signer's key signs only what the signer approved: ask the signer to approve the main document (`lienthong approve FILE`; its SHA-256 is \(mainFile)), then send with --approval ID"
                )
            }
            return (try named(request.signer), nil)
        }
        let unknown = DomainError.invalid(
            field: "approval", value: id,
            rule: "no approval of \(agency.name) has this id; `lienthong approvals` lists the open ones")
        guard UUID(uuidString: id) != nil, let approval = try registry.approvals.approval(id.lowercased()),
            approval.agencyCode == agency.code
        else {
            throw unknown
        }
        if let reason = approval.unusable(at: now()) {
            throw Refusal.approvalUnusable(
                "approval \(approval.id) by \(approval.signerUsername): \(reason); ask the signer to approve the document again"
            )
        }
        guard approval.sha256 == mainFile else {
            throw Refusal.approvalMismatch(
                "approval \(approval.id) by \(approval.signerUsername) is for the file with SHA-256 \(approval.sha256), but the main document's is \(mainFile); the signer approves the exact file that is sent first"
            )
        }
        if let named = request.signer, named != approval.signerUsername {
            throw DomainError.invalid(
                field: "signer", value: named,
                rule: "the approval is \(approval.signerUsername)'s; leave signer out or name them")
        }
        guard let signer = try registry.directory.user(approval.signerUsername), Permissions(signer).allows(.approve),
            signer.accessRevokedAt == nil
        else {
            throw Refusal.approvalUnusable(
                "\(approval.signerUsername), who approved it, no longer signs for \(agency.name)")
        }
        return (signer, approval)
    }

    private func view(_ approval: SignerApprovalRecord, signer: UserRecord?) -> ApprovalView {
        let status =
            approval.documentID != nil
            ? "used" : approval.withdrawnAt != nil ? "withdrawn" : approval.expiresAt <= now() ? "expired" : "open"
        return ApprovalView(
            id: approval.id, sha256: approval.sha256, signer: approval.signerUsername,
            signerName: signer?.fullName ?? "",
            note: approval.note, createdAt: approval.createdAt, expiresAt: approval.expiresAt, status: status,
            documentID: approval.documentID)
    }
}
