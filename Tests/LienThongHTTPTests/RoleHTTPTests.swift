import Foundation
import LienThongTestSupport
import Testing

/// Each role of an agency does its own work and no other, whatever the route.
@Suite("Roles of one agency, over HTTP in process")
struct RoleHTTPTests {
    @Test func rolesOfTheSameAgencyDoOnlyTheirWork() async throws {
        try await LiveServer.run { server in
            // The province sends a directive to Na Son, which registers it.
            let sent = try await server.send(
                Data("Chỉ thị\n".utf8), name: "chi-thi.pdf", type: "CT",
                subject: "Về công tác bảo vệ rừng mùa khô", as: "clerk.tinh-dien-bien")
            let id = try #require(sent["id"] as? String)
            #expect(try await server.http("POST", "/v1/documents/\(id)/ack", as: "clerk.xa-na-son").status == 200)
            let viewer = "viewer.tinh-dien-bien"
            let statistician = "statistician.tinh-dien-bien"
            let admin = "admin.tinh-dien-bien"
            #expect(try await server.http("GET", "/v1/documents/\(id)/track", as: viewer).status == 200)
            #expect(
                try await server.http(
                    "POST", "/v1/documents/\(id)/recall", body: Data(#"{"reason": "x"}"#.utf8), as: viewer
                ).status == 403)
            #expect(try await server.http("POST", "/v1/files", body: Data("x".utf8), as: viewer).status == 403)
            for user in [statistician, admin] {
                #expect(try await server.http("GET", "/v1/documents/\(id)", as: user).status == 403, "\(user)")
                #expect(try await server.http("GET", "/v1/registers/out", as: user).status == 403, "\(user)")
                #expect(try await server.http("GET", "/v1/inbox", as: user).status == 403, "\(user)")
            }
            let stats = try await server.http("GET", "/v1/stats?subtree=true", as: statistician)
            #expect(stats.status == 200 && !String(decoding: stats.body, as: UTF8.self).contains(id))
            #expect(try await server.http("GET", "/v1/stats", as: admin).status == 403)
            #expect(try await server.http("GET", "/v1/admin/users", as: "clerk.tinh-dien-bien").status == 403)
        }
    }
}
