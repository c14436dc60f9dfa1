import Foundation
import LienThongAPI
import LienThongApp
import LienThongDomain
import Synchronization
import Testing

/// The inbox as a commune's clerk pages, filters and searches it, and what opening a document marks.
@Suite("The inbox: pages, filters, search without diacritics, read marks")
struct InboxTests {
    static let clerk = "clerk.xa-na-son"

    /// Each page follows the one before without a gap or a repeat, even as new documents arrive between them.
    @Test func pagesFollowOneAnotherWhileDocumentsArrive() async throws {
        let fixture = try await ServiceFixture()
        var sent: [String] = []
        for index in 1...12 { sent.append(try await fixture.send(subject: "Thông báo số \(index)").id) }
        let documents = fixture.services.documents
        let caller = try fixture.user(Self.clerk)
        var query = InboxQuery()
        query.limit = 5
        var seen: [String] = []
        var pages = 0
        repeat {
            let page = try documents.inbox(caller: caller, query: query)
            #expect(page.entries.count <= 5 && page.unread >= page.entries.count)
            seen += page.entries.map(\.id)
            query.cursor = page.nextCursor
            pages += 1
            if pages == 1 { sent.append(try await fixture.send(subject: "Đến giữa chừng").id) }
        } while query.cursor != nil && pages < 10
        #expect(pages == 3)
        // Newest first; the one that arrived while paging is on page 1 of the next look, not repeated here.
        #expect(seen == Array(sent.prefix(12).reversed()))
        #expect(try documents.inbox(caller: caller).total == 13)
    }

    @Test func filtersAndSearchNarrowItAndWhatCannotBeReadIsRefused() async throws {
        let clock = Mutex(Date())
        let fixture = try await ServiceFixture(now: { clock.withLock { $0 } })
        let documents = fixture.services.documents
        let caller = try fixture.user(Self.clerk)
        let reform = try await fixture.send(subject: "Về đẩy mạnh CẢI CÁCH hành chính năm 2027")
        let deadline = CivilDate.inVietnam(Date()).adding(days: 20)
        let flood = try await fixture.send(subject: "Kế hoạch phòng, chống lụt bão", deadline: deadline.description)
        let sha = try await fixture.upload("khẩn \(UUID())")
        let urgent = try await documents.send(
            SendRequest(
                files: [.init(sha256: sha, name: "cv.pdf")], to: [ServiceFixture.naSon], type: "TB",
                subject: "Về việc báo cáo số liệu đột xuất", urgency: "khan"),
            by: fixture.user("clerk.tinh-dien-bien"))
        func ids(_ change: (inout InboxQuery) -> Void) throws -> Set<String> {
            var query = InboxQuery()
            change(&query)
            return Set(try documents.inbox(caller: caller, query: query).entries.map(\.id))
        }
        #expect(try ids { $0.search = "cai cach" } == [reform.id])
        #expect(try ids { $0.search = "  Cải   Cách " } == [reform.id])
        #expect(try ids { $0.search = "lut bao" } == [flood.id])
        #expect(try ids { $0.search = flood.numberAndSymbol } == [flood.id])
        #expect(try ids { $0.search = "phong chong lut bao" } == [flood.id], "punctuation is space")
        #expect(try ids { $0.search = "hanh chinh cai cach" } == [reform.id], "each word, in any order")
        #expect(try ids { $0.search = "cai cach lut bao" }.isEmpty, "every word")
        #expect(try ids { $0.search = "cai ca" } == [reform.id], "a word by its start")
        #expect(try ids { $0.search = "ach" }.isEmpty, "not from inside a word")
        #expect(try ids { $0.urgencies = ["khẩn"] } == [urgent.id])
        #expect(try ids { $0.sender = ServiceFixture.province }.count == 3)
        #expect(try ids { $0.sender = ServiceFixture.phiNhu }.isEmpty)
        let today = CivilDate.inVietnam(Date())
        #expect(
            try ids {
                $0.from = today.description
                $0.to = today.description
            }.count == 3)
        #expect(try ids { $0.from = today.adding(days: 1).description }.isEmpty)

        _ = try await documents.accept(urgent.id, caller: caller)
        #expect(try ids { $0.statuses = ["03"] } == [urgent.id])
        #expect(try ids { $0.statuses = ["arrived"] } == [reform.id, flood.id])

        // Past its deadline and still open: overdue, until it is completed.
        #expect(try ids { $0.overdue = true }.isEmpty)
        clock.withLock { $0 = deadline.adding(days: 2).startInVietnam }
        #expect(try ids { $0.overdue = true } == [flood.id])
        _ = try await documents.accept(flood.id, caller: caller)
        _ = try await documents.report(flood.id, status: "06", to: nil, note: nil, caller: caller)
        #expect(try ids { $0.overdue = true }.isEmpty)

        for (change, says) in [
            ({ (query: inout InboxQuery) in query.limit = 0 }, "limit"),
            ({ $0.limit = 201 }, "limit"), ({ $0.cursor = "trang-2" }, "cursor"), ({ $0.from = "1/11/2026" }, "from"),
            ({ $0.search = String(repeating: "ả", count: 201) }, "search"), ({ $0.statuses = ["99"] }, "status"),
            ({ $0.sender = "xa na son" }, "sender"),
            (
                {
                    $0.from = "2026-12-01"
                    $0.to = "2026-11-01"
                }, "from"
            ),
        ] as [((inout InboxQuery) -> Void, String)] {
            #expect(throws: Refusal.self, "\(says)") { try ids(change) }
        }
    }

    @Test func openingADocumentMarksItReadForTheRecipientAlone() async throws {
        let fixture = try await ServiceFixture()
        let documents = fixture.services.documents
        let first = try await fixture.send(to: [ServiceFixture.naSon, ServiceFixture.phiNhu])
        let second = try await fixture.send(to: [ServiceFixture.naSon])
        let naSon = try fixture.user(Self.clerk)
        let phiNhu = try fixture.user("clerk.xa-phi-nhu")
        #expect(try documents.inbox(caller: naSon).unread == 2)
        // The issuer reading it marks nothing; the recipient's clerk does, for the whole commune.
        _ = try await documents.document(first.id, caller: fixture.user("clerk.tinh-dien-bien"))
        #expect(try documents.inbox(caller: naSon).unread == 2)
        _ = try await documents.document(first.id, caller: naSon)
        _ = try await documents.document(first.id, caller: naSon)
        let page = try documents.inbox(caller: naSon)
        #expect(page.unread == 1 && page.total == 2)
        #expect(page.entries.map(\.read) == [false, true] && page.entries.map(\.id) == [second.id, first.id])
        var unread = InboxQuery()
        unread.unread = true
        #expect(try documents.inbox(caller: naSon, query: unread).entries.map(\.id) == [second.id])
        #expect(try documents.inbox(caller: phiNhu).unread == 1, "another commune's copy is its own")
        // Answered without being opened here (registered from the CLI, say): seen all the same.
        _ = try await documents.accept(second.id, caller: naSon)
        #expect(try documents.inbox(caller: naSon).unread == 0)
    }
}
