import Foundation
import Testing

/// What a hostile or careless administrator's command line cannot do: lock everyone out, or reach another route
/// through an argument. Hostile requests themselves are tested over HTTP in process (HostileRequestTests).
@Suite("End to end: hostile input", .serialized)
final class HostileInputTests {
    let daemon: DaemonUnderTest

    init() throws { daemon = try DaemonUnderTest() }

    @Test func administratorsCannotLockEveryoneOut() throws {
        let admin = "admin.tinh-dien-bien"
        let selfRevoke = try daemon.cli(["admin", "user", "revoke", admin], as: admin)
        #expect(selfRevoke.status != 0 && selfRevoke.stderr.contains("would-lock-out"), "\(selfRevoke.stderr)")
        #expect(try daemon.cli(["whoami"], as: admin).status == 0, "the administrator keeps access")
        let ownAgency = try daemon.cli(["agencies", "retire", "000.00.00.H18"], as: admin)
        #expect(ownAgency.status != 0 && ownAgency.stderr.contains("would-lock-out"), "\(ownAgency.stderr)")
        let itself = try daemon.cli(["agencies", "retire", "000.02.21.H18", "--successor", "000.02.21.H18"], as: admin)
        #expect(itself.status != 0 && itself.stderr.contains("cannot succeed itself"), "\(itself.stderr)")
        // A retired agency sends nothing: its successor sends in its name.
        let retired = try daemon.cli(
            ["agencies", "retire", "000.02.21.H18", "--successor", "000.01.21.H18"], as: admin)
        #expect(retired.status == 0, "\(retired.stderr)")
        let file = try daemon.write("sau-sap-nhap.pdf", "%PDF-1.7 sau sáp nhập\n")
        let sent = try daemon.cli(
            ["send", file, "--to", "000.00.00.H18", "--type", "TB", "--subject", "Vẫn gửi"], as: "clerk.xa-phi-nhu")
        #expect(sent.status != 0 && sent.stderr.contains("agency-retired"), "\(sent.stderr)")
    }

    @Test func anArgumentCannotReachAnotherRoute() throws {
        // Ids are UUIDs, checked before anything is sent (issue 14: these once retired an agency
        // and revoked a user with an admin's token).
        let retire = try daemon.cli(
            ["reject", "../agencies/000.02.21.H18/retire?", "--reason", "x"], as: "admin.tinh-dien-bien")
        #expect(retire.status != 0 && retire.stderr.contains("is not a document id"), "\(retire.stderr)")
        let revoke = try daemon.cli(["ack", "../admin/users/clerk.xa-na-son/revoke?"], as: "admin.tinh-dien-bien")
        #expect(revoke.status != 0 && revoke.stderr.contains("is not a document id"), "\(revoke.stderr)")
        // Names and codes travel as one percent-encoded segment: this one names no user.
        let climb = try daemon.cli(
            ["admin", "user", "revoke", "../../agencies/000.02.21.H18/retire?"], as: "admin.tinh-dien-bien")
        #expect(climb.status != 0, "\(climb.stdout)")
        let agency = try daemon.cli(["agencies", "show", "000.02.21.H18", "--json"], as: "admin.tinh-dien-bien")
        #expect(
            (try json(agency.stdout) as? [String: Any])?["status"] as? String == "active",
            "\(agency.stdout)\(agency.stderr)")
        #expect(try daemon.cli(["inbox"], as: "clerk.xa-na-son").status == 0, "the clerk's token still opens the inbox")
    }
}
