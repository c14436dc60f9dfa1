import Foundation
import LienThongTestSupport
import Testing

/// `GET /v1/inbox` with its query, as any JSON client pages and searches it.
@Suite("The inbox over HTTP: pages, search, read marks, refusals")
struct InboxHTTPTests {
    @Test func aClientPagesSearchesAndIsToldWhatItWroteWrong() async throws {
        try await LiveServer.run { server in
            var ids: [String] = []
            for subject in ["Về cải cách hành chính", "Về chuyển đổi số", "Về phòng chống lụt bão"] {
                let sent = try await server.send(
                    Data(subject.utf8), name: "cv.txt", type: "TB", subject: subject, as: "clerk.tinh-dien-bien")
                ids.append(try #require(sent["id"] as? String))
            }
            func page(_ query: String) async throws -> (Int, [String: Any]) {
                let answer = try await server.http("GET", "/v1/inbox" + query, as: "clerk.xa-na-son")
                return (answer.status, try JSONSerialization.jsonObject(with: answer.body) as? [String: Any] ?? [:])
            }
            let entries = { (page: [String: Any]) in
                (page["entries"] as? [[String: Any]])?.compactMap { $0["id"] as? String } ?? []
            }
            let (status, first) = try await page("?limit=2")
            #expect(status == 200 && entries(first) == [ids[2], ids[1]])
            #expect(first["total"] as? Int == 3 && first["unread"] as? Int == 3)
            let cursor = try #require(first["nextCursor"] as? String)
            let (_, second) = try await page("?limit=2&cursor=\(cursor)")
            #expect(entries(second) == [ids[0]] && second["nextCursor"] == nil)

            let (_, found) = try await page("?search=CAI%20CACH")
            #expect(entries(found) == [ids[0]] && found["total"] as? Int == 1)
            // As a form writes it: `+` for a space, empty values for none.
            let (_, form) = try await page("?search=cai+cach&status=&unread=")
            #expect(entries(form) == [ids[0]])
            #expect(try await server.http("GET", "/v1/documents/\(ids[0])", as: "clerk.xa-na-son").status == 200)
            let (_, unread) = try await page("?unread=true")
            #expect(entries(unread) == [ids[2], ids[1]] && unread["unread"] as? Int == 2)

            for (query, says) in [
                ("?overdue=maybe", "overdue is true or false"), ("?limit=many", "limit is a number"),
                ("?from=29/11/2026", "2026-11-01"), ("?limit=0", "from 1 to 200"), ("?status=99", "status"),
                ("?search=%E0%A4", "percent-encoded"),
            ] {
                let (status, problem) = try await page(query)
                #expect(status == 400, "\(query)")
                #expect((problem["detail"] as? String)?.contains(says) == true, "\(query): \(problem)")
            }
        }
    }
}
