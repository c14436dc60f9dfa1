import LienThongAPI
import LienThongRegistry

/// Who may do what, in one place: each action names the roles that may take it, and a refusal
/// says who may and what the caller is. Asked before anything is looked up, so that a refusal
/// never tells a caller of a document it may not see.
package struct Permissions {
    package enum Action {
        /// Send a document, and upload the files it carries.
        case send, upload
        /// Recall a document the agency sent (13).
        case recall
        /// Register, return, assign or complete a document received, or answer a recall.
        case reportStatus
        /// Register paper documents in the agency's registers.
        case keepPaperRegisters
        /// Approve a file for one's own key to sign (ký duyệt).
        case approve
        /// List and withdraw the agency's approvals.
        case useApprovals
        /// Read documents, their files and the agency's registers.
        case readDocuments
        /// The figures of the agency and the agencies under it.
        case readFigures
        case manageDirectory, manageUsers
        /// The audit log, backups and integrity checks, which span every agency.
        case audit(topLevel: Bool)
    }

    package let caller: UserRecord

    package init(_ caller: UserRecord) { self.caller = caller }

    /// Whether the caller's role allows `action`.
    package func allows(_ action: Action) -> Bool {
        switch action {
        case .send, .upload, .recall, .reportStatus, .keepPaperRegisters: caller.role == .clerk
        case .approve: caller.role == .signer
        case .useApprovals: [.clerk, .signer].contains(caller.role)
        case .readDocuments: [.clerk, .signer, .viewer].contains(caller.role)
        case .readFigures: caller.role != .admin
        case .manageDirectory, .manageUsers: caller.role == .admin
        case .audit(let topLevel): caller.role == .admin && topLevel
        }
    }

    /// Refuses `action` with a 403 that says who may take it.
    package func require(_ action: Action) throws {
        guard !allows(action) else { return }
        let who =
            switch action {
            case .send: "only a clerk (văn thư) sends documents"
            case .upload: "only a clerk (văn thư) uploads files to send"
            case .recall: "only a clerk (văn thư) recalls documents"
            case .reportStatus: "only a clerk (văn thư) registers incoming documents"
            case .keepPaperRegisters: "only a clerk (văn thư) keeps the registers"
            case .approve: "only a signer approves what their own key signs"
            case .useApprovals: "approvals are for the agency's clerks and signers"
            case .readDocuments: "only clerks, signers and viewers read documents"
            case .readFigures:
                "the figures are for statisticians, clerks, signers and viewers; an administrator keeps the directory and users"
            case .manageDirectory: "only an administrator changes the directory"
            case .manageUsers: "only an administrator manages users"
            case .audit:
                "only an administrator of a top-level agency reads the audit log, makes backups and checks"
            }
        throw Refusal.forbidden("\(who); \(caller.username) is a \(caller.role.rawValue) of \(caller.agencyCode)")
    }
}
