import Foundation
import LienThongAPI
import LienThongApp
import LienThongDomain
import LienThongRegistry
import Testing

/// The directory, users and tokens, sign-in, and the administrators' backups and checks, without HTTP.
@Suite("Administration services: directory, users, sign-in, audit and backups")
struct AdministrationServiceTests {
    @Test func theDirectoryImportsLineByLineAndRetiresWithASuccessor() async throws {
        let fixture = try await ServiceFixture()
        let directory = fixture.services.directory
        let admin = try fixture.user("admin.tinh-dien-bien")
        let csv = """
            code,name,abbreviation,parent
            000.05.21.H18,Ủy ban nhân dân xã Tìa Dình,UBND,000.00.00.H18
            000.06.21.H18,Ủy ban nhân dân xã Mới,UBND,999.99.99.H99
            bad,Không mã,UBND,
            """
        let lines = try await directory.importCSV(csv, caller: admin)
        #expect(lines.map(\.outcome) == ["added", "rejected", "rejected"])
        #expect(lines[1].detail.contains("parent 999.99.99.H99 is not in the directory"))
        #expect(try directory.show("000.05.21.H18").name == "Ủy ban nhân dân xã Tìa Dình")

        let retired = try await directory.retire("000.04.21.H18", successor: "000.05.21.H18", caller: admin)
        #expect(retired.status == "retired" && retired.successor == "000.05.21.H18")
        await expectRefusal("ownAgencyRetirement", "an administrator retired their own agency") {
            try await directory.retire(ServiceFixture.province, successor: nil, caller: admin)
        }
        #expect(await refusal { try directory.show("999.99.99.H99") } == .unknownAgency(code: "999.99.99.H99"))
        await expectRefusal("forbidden", "a clerk changed the directory") {
            try await directory.importCSV(csv, caller: fixture.user("clerk.tinh-dien-bien"))
        }
    }

    @Test func usersAreKeptByTheirAdministratorAndTokensOpenOnlyWhileValid() async throws {
        let fixture = try await ServiceFixture()
        let users = fixture.services.users
        let admin = try fixture.user("admin.tinh-dien-bien")
        let issued = try await users.add(
            NewUserRequest(
                username: "clerk2.xa-na-son", fullName: "Lò Văn Minh", position: "Văn thư",
                agency: ServiceFixture.naSon, role: "clerk", days: 30),
            caller: admin)
        let signedIn = try fixture.services.authentication.user(token: issued.token)
        #expect(signedIn.username == "clerk2.xa-na-son" && signedIn.role == .clerk)
        await expectRefusal("userExists", "a user was added twice") {
            try await users.add(
                NewUserRequest(
                    username: "clerk2.xa-na-son", fullName: "X", position: nil, agency: ServiceFixture.naSon,
                    role: "clerk", days: nil),
                caller: admin)
        }
        await expectRefusal("invalidRequest", "a username with diacritics and a space was taken") {
            try await users.add(
                NewUserRequest(
                    username: "Có Dấu", fullName: "X", position: nil, agency: ServiceFixture.naSon, role: "clerk",
                    days: nil),
                caller: admin)
        }
        #expect(
            await refusal { try await users.issueToken("clerk2.xa-na-son", days: 731, caller: admin) }
                == .invalidRequest("days is how long the token lives, from 1 to 730"))
        #expect(try await users.revoke("clerk2.xa-na-son", caller: admin) == 1)
        #expect(await refusal { try fixture.services.authentication.user(token: issued.token) } == .unauthenticated)
        await expectRefusal("ownAccessRevocation", "an administrator revoked their own access") {
            try await users.revoke(admin.username, caller: admin)
        }
        #expect(
            await refusal {
                try fixture.services.authentication.user(token: "lt_" + String(repeating: "x", count: 300))
            }
                == .unauthenticated)
        #expect(try users.me(caller: admin).agency.name == "Ủy ban nhân dân tỉnh Điện Biên")
    }

    @Test func anExpiredTokenOpensNothing() async throws {
        let later = Date().addingTimeInterval(400 * 86_400)
        let fixture = try await ServiceFixture(now: { later })
        // The demo's tokens live a year.
        let token = try fixture.workspace.token("clerk.xa-na-son")
        #expect(await refusal { try fixture.services.authentication.user(token: token) } == .unauthenticated)
    }

    @Test func onlyATopLevelAdministratorReadsTheAuditAndBacksUp() async throws {
        let fixture = try await ServiceFixture()
        let maintenance = fixture.services.maintenance
        let admin = try fixture.user("admin.tinh-dien-bien")
        _ = try await fixture.send()
        let entries = try maintenance.auditEntries(limit: 5, caller: admin)
        #expect((2...5).contains(entries.count) && entries.contains { $0.action == "document.filed" })
        #expect(try maintenance.auditEntries(limit: 1, caller: admin).count == 1)
        #expect(
            await refusal { try maintenance.auditEntries(limit: 0, caller: admin) }
                == .invalidRequest("limit is a number of entries from 1 to 10000"))
        await expectRefusal("forbidden", "a clerk read the audit log") {
            try maintenance.auditEntries(limit: nil, caller: fixture.user("clerk.tinh-dien-bien"))
        }
        #expect(try await maintenance.auditCheck(caller: admin).problem == nil)
        let check = try await maintenance.check(caller: admin)
        #expect(check.problems.isEmpty && check.rowProblems.isEmpty && check.audit.problem == nil)

        let target = fixture.workspace.directory.appendingPathComponent("backup")
        let backup = try await maintenance.backup(caller: admin) { target.path }
        #expect(backup.documents == 1 && backup.files >= 1)
        #expect(FileManager.default.fileExists(atPath: target.appendingPathComponent("registry.sqlite").path))
        await expectRefusal("backupDirectoryNotEmpty", "a backup was written over another") {
            try await maintenance.backup(caller: admin) { target.path }
        }
        #expect(
            await refusal { try await maintenance.backup(caller: admin) { "relative/dir" } }
                == .invalidRequest("the backup directory is an absolute path on the daemon's machine, without .."))
        #expect(try maintenance.timeStampsPending() == 0)
        try maintenance.readiness()
    }
}
