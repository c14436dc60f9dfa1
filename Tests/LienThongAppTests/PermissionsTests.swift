import LienThongAPI
import LienThongRegistry
import Testing

@testable import LienThongApp

/// Every role against every action: the one table of who may do what.
@Suite("Permissions: who may do what")
struct PermissionsTests {
    func user(_ role: UserRole) -> UserRecord {
        UserRecord(
            username: "\(role.rawValue).xa-na-son", fullName: "Người thử", position: "Cán bộ",
            agencyCode: "000.01.21.H18",
            role: role, certificatePath: nil, keyPath: nil)
    }

    @Test func eachActionIsAllowedToItsRolesOnly() throws {
        let table: [(Permissions.Action, Set<UserRole>)] = [
            (.send, [.clerk]), (.upload, [.clerk]), (.recall, [.clerk]), (.reportStatus, [.clerk]),
            (.keepPaperRegisters, [.clerk]), (.approve, [.signer]), (.useApprovals, [.clerk, .signer]),
            (.readDocuments, [.clerk, .signer, .viewer]), (.readFigures, [.clerk, .signer, .viewer, .statistician]),
            (.manageDirectory, [.admin]), (.manageUsers, [.admin]), (.audit(topLevel: true), [.admin]),
            (.audit(topLevel: false), []),
        ]
        for (action, roles) in table {
            for role in UserRole.allCases {
                let permissions = Permissions(user(role))
                #expect(permissions.allows(action) == roles.contains(role), "\(role) \(action)")
                if roles.contains(role) {
                    #expect(throws: Never.self) { try permissions.require(action) }
                } else {
                    let refusal = #expect(throws: Refusal.self) { try permissions.require(action) }
                    guard case .forbidden(let detail)? = refusal else {
                        Issue.record("\(role) \(action): \(String(describing: refusal))")
                        continue
                    }
                    #expect(detail.contains("is a \(role.rawValue) of 000.01.21.H18"), "\(detail)")
                }
            }
        }
    }
}
