import Foundation
import LienThongTestSupport
import Testing

/// Number series, links between documents, paper documents and the district's figures, over HTTP in process: the
/// routes the CLI's `send`, `register-paper`, `register`, `ack`, `track` and `stats` call, with the data the
/// end-to-end tests gave them.
@Suite("Series, links, paper and figures, over HTTP in process")
struct RegistersAndFiguresHTTPTests {
    static let province = "clerk.tinh-dien-bien"

    private static func object(_ answer: LoopbackHTTP.Answer) throws -> [String: Any] {
        try #require(
            try JSONSerialization.jsonObject(with: answer.body) as? [String: Any],
            "\(String(decoding: answer.body, as: UTF8.self))")
    }

    /// The rows of a register (`lienthong register KIND --format json`).
    private static func rows(_ answer: LoopbackHTTP.Answer) throws -> [[String]] {
        try #require(try object(answer)["rows"] as? [[String]], "\(String(decoding: answer.body, as: UTF8.self))")
    }

    /// `lienthong send FILE --to … ` as `user`: the file's bytes to POST /v1/files, then POST /v1/documents naming it.
    private static func send(
        _ server: LiveServer, _ fields: [String: Any], as user: String, to: [String],
        file name: String = "vb-\(UUID().uuidString).pdf", content: String? = nil
    ) async throws -> LoopbackHTTP.Answer {
        let bytes = Data((content ?? "\(fields["subject"] ?? "")\n").utf8)
        let upload = try await server.http("POST", "/v1/files", body: bytes, as: user)
        let sha = try #require(try object(upload)["sha256"] as? String)
        var body = fields
        body["files"] = [["sha256": sha, "name": name]]
        body["to"] = to
        return try await server.post("/v1/documents", body, as: user)
    }

    /// Sends a one-page document and answers its JSON view.
    private static func sent(
        _ server: LiveServer, _ fields: [String: Any], as user: String = RegistersAndFiguresHTTPTests.province,
        to: [String] = ["000.01.21.H18"]
    ) async throws -> [String: Any] {
        let answer = try await send(server, fields, as: user, to: to)
        #expect(answer.status == 201, "\(String(decoding: answer.body, as: UTF8.self))")
        return try object(answer)
    }

    /// `lienthong register-paper …`.
    private static func paper(
        _ server: LiveServer, _ fields: [String: Any], as user: String = RegistersAndFiguresHTTPTests.province
    ) async throws -> LoopbackHTTP.Answer {
        try await server.post("/v1/paper", fields, as: user)
    }

    @Test func copiesAndAdvisoryBodiesCountInTheirOwnSeriesAndPaperInTheAgencys() async throws {
        try await LiveServer.run { server in
            // The number a decision (QĐ) with `subject` takes in `series` (the main one when nil).
            let number = { (subject: String, series: String?) async throws -> String? in
                var fields: [String: Any] = ["type": "QĐ", "subject": subject]
                fields["series"] = series
                return try await Self.sent(server, fields)["numberAndSymbol"] as? String
            }
            #expect(try await number("Quyết định", nil) == "01/QĐ-UBND")
            #expect(try await number("Sao y", "copy") == "01/SY-UBND")
            #expect(try await number("Trích sao", "copy:TS") == "02/TS-UBND")
            #expect(try await number("Hội đồng", "advisory:HĐTĐ") == "01/QĐ-HĐTĐ")
            #expect(try await number("Quyết định 2", nil) == "02/QĐ-UBND")
            let bad = try await Self.send(
                server, ["type": "QĐ", "subject": "x", "series": "copy:XX"], as: Self.province,
                to: ["000.01.21.H18"], file: "x.pdf", content: "x")
            expectProblem(bad, 422, "invalid-field", "copy:SY (sao y)")

            let paper = try await Self.paper(
                server,
                [
                    "direction": "out", "type": "QĐ", "subject": "Quyết định trên giấy", "signerName": "Lò Văn Mừng",
                    "signerPosition": "Chủ tịch", "recipients": "UBND các xã",
                ])
            let entry = try Self.object(paper)
            #expect(paper.status == 201 && entry["numberAndSymbol"] as? String == "03/QĐ-UBND", "\(entry)")
            // The rows the CLI writes as CSV: the paper document, and each series named in Ghi chú.
            let rows = try await Self.rows(server.http("GET", "/v1/registers/out", as: Self.province))
            let row = { (symbol: String) in rows.first { $0.first == symbol } }
            #expect(row("03/QĐ-UBND")?[4] == "UBND các xã" && row("03/QĐ-UBND")?[8] == "giấy", "\(rows)")
            #expect(
                row("01/SY-UBND")?.last == "sổ bản sao" && row("01/QĐ-HĐTĐ")?.last == "sổ tổ chức tư vấn HĐTĐ",
                "\(rows)")
            let refusals: [([String: Any], String, String)] = [
                (
                    ["direction": "out", "type": "QĐ", "subject": "x", "recipients": "y"], "invalid-field",
                    "signer full name is required"
                ),
                (
                    [
                        "direction": "out", "type": "QĐ", "subject": "x", "signerName": "A", "recipients": "y",
                        "secrecy": "Mật",
                    ], "secret-document", "secret documents"
                ),
                (
                    ["direction": "sideways", "type": "QĐ", "subject": "x"], "invalid-field",
                    "in (received on paper) or out"
                ),
            ]
            for (fields, slug, words) in refusals {
                expectProblem(try await Self.paper(server, fields), 422, slug, words)
            }
            // A refused entry used up no number.
            let next = try await Self.paper(
                server,
                ["direction": "out", "type": "QĐ", "subject": "Tiếp", "signerName": "A", "recipients": "B"])
            #expect(try Self.object(next)["numberAndSymbol"] as? String == "04/QĐ-UBND")
        }
    }

    @Test func paperAndElectronicArrivalsShareTheArrivalNumbers() async throws {
        try await LiveServer.run { server in
            let id = try #require(try await Self.sent(server, ["type": "CT", "subject": "Chỉ thị"])["id"] as? String)
            let commune = "clerk.xa-na-son"
            let paper = try await Self.paper(
                server,
                [
                    "direction": "in", "type": "CV", "subject": "Công văn giấy", "sender": "Bộ Nội vụ",
                    "numberAndSymbol": "12/BNV-VP", "issuedOn": "2026-01-02", "assignee": "Văn phòng",
                ], as: commune)
            let entry = try Self.object(paper)
            #expect(paper.status == 201 && entry["arrivalNumber"] as? Int == 1, "\(entry)")
            let ack = try await server.post("/v1/documents/\(id)/ack", [:], as: commune)
            #expect(try Self.object(ack)["arrivalNumber"] as? Int == 2)
            let future = try await Self.paper(
                server,
                [
                    "direction": "in", "type": "CV", "subject": "x", "sender": "Bộ", "numberAndSymbol": "1/B",
                    "issuedOn": "2999-01-01",
                ], as: commune)
            expectProblem(future, 422, "invalid-field", "dated after it arrived")
            let rows = try await Self.rows(server.http("GET", "/v1/registers/in", as: commune))
            #expect(rows.map { $0[1] } == ["1", "2"])
            #expect(rows[0][2] == "Bộ Nội vụ" && rows[1][3] == "01/CT-UBND")
            // The province may read a commune's register; a commune may not read another's, nor the province's.
            let communes = try await Self.rows(
                server.http("GET", "/v1/registers/in?agency=000.01.21.H18", as: Self.province))
            #expect(communes.contains { $0.contains("Bộ Nội vụ") }, "\(communes)")
            let foreign = try await server.http("GET", "/v1/registers/in?agency=000.01.21.H18", as: "clerk.xa-phi-nhu")
            expectProblem(foreign, 403, "forbidden", "not your agency or one under it")
        }
    }

    @Test func aReplacementAndAReplyAreLinkedForThoseWhoMaySeeBoth() async throws {
        try await LiveServer.run { server in
            let sent = try await Self.sent(
                server, ["type": "KH", "subject": "Kế hoạch"], to: ["000.01.21.H18", "000.02.21.H18"])
            let original = try #require(sent["id"] as? String)
            let replacement = try await Self.sent(
                server, ["type": "KH", "subject": "Kế hoạch (thay thế)", "replaces": original])
            let links = try #require(replacement["links"] as? [[String: Any]])
            #expect(links.first?["relation"] as? String == "replaces" && links.first?["id"] as? String == original)
            let reply = try await Self.sent(
                server, ["type": "BC", "subject": "Báo cáo", "inReplyTo": original], as: "clerk.xa-na-son",
                to: ["000.00.00.H18"])
            #expect((reply["links"] as? [[String: Any]])?.first?["relation"] as? String == "in-reply-to")
            let seenBy = { (user: String) async throws -> [String] in
                let view = try await Self.object(server.http("GET", "/v1/documents/\(original)/track", as: user))
                return (view["links"] as? [[String: Any]] ?? []).compactMap { $0["relation"] as? String }.sorted()
            }
            #expect(try await seenBy(Self.province) == ["answered-by", "replaced-by"])
            // Phì Nhừ received the original but neither the replacement nor Na Son's reply.
            #expect(try await seenBy("clerk.xa-phi-nhu") == [])
            // A link is only to a document of one's own (replaces) or received (in reply to).
            let foreign = try await Self.send(
                server, ["type": "BC", "subject": "x", "replaces": original], as: "clerk.xa-na-son",
                to: ["000.00.00.H18"], file: "r.pdf", content: "r")
            expectProblem(foreign, 422, "invalid-field", "no document of your agency has this id")
            let unknown = try await Self.send(
                server, ["type": "BC", "subject": "x", "inReplyTo": UUID().uuidString], as: "clerk.xa-xa-dung",
                to: ["000.00.00.H18"], file: "r.pdf", content: "r")
            expectProblem(unknown, 422, "invalid-field", "no document your agency received")
        }
    }

    @Test func theProvinceSeesItsSubtreesFiguresAndACommuneOnlyItsOwn() async throws {
        // Working days as the end-to-end daemon counted them: without a holiday table (a file that does not exist),
        // whatever table the checkout's Config/ holds.
        let holidays = FileManager.default.temporaryDirectory.appendingPathComponent(
            "lienthong-no-holidays-\(UUID().uuidString)/holidays.json")
        try await LiveServer.run(environment: ["LIENTHONG_HOLIDAYS_FILE": holidays.path]) { server in
            let province = Self.province
            let first = try await Self.sent(
                server, ["type": "QĐ", "subject": "Một", "deadline": "10wd"], to: ["000.01.21.H18", "000.02.21.H18"])
            let id = try #require(first["id"] as? String)
            _ = try await Self.sent(server, ["type": "QĐ", "subject": "Hai"])
            _ = try await Self.paper(
                server, ["direction": "out", "type": "QĐ", "subject": "Giấy", "signerName": "A", "recipients": "B"])
            #expect(try await server.post("/v1/documents/\(id)/ack", [:], as: "clerk.xa-na-son").status == 200)
            #expect(
                try await server.post(
                    "/v1/documents/\(id)/status", ["status": "completed"], as: "clerk.xa-na-son"
                ).status == 200)
            // Deadlines count in the period they fall due, which may be after today: this year and the next.
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = TimeZone(secondsFromGMT: 7 * 3600)!
            let year = calendar.component(.year, from: Date())
            let period = "from=\(year)-01-01&to=\(year + 1)-12-31"
            let report = try await Self.object(server.http("GET", "/v1/stats?subtree=true&\(period)", as: province))
            let total = try #require((report["total"] as? [String: Any]))
            let figures = try #require(total["figures"] as? [String: Int])
            #expect(
                figures["outgoingElectronic"] == 2 && figures["outgoingPaper"] == 1
                    && figures["incomingElectronic"] == 3)
            #expect(figures["due"] == 2 && figures["registeredOnTime"] == 1 && figures["completedOnTime"] == 1)
            let ratios = try #require(total["ratios"] as? [[String: Any]])
            #expect(ratios.map { $0["name"] as? String } == ["electronic", "signed", "onTime"])
            #expect(
                ratios.map { $0["numerator"] as? Int } == [2, 2, 1]
                    && ratios.map { $0["denominator"] as? Int } == [3, 3, 2])
            #expect((ratios[0]["definition"] as? String)?.contains("paper included") == true)
            // What the CLI's table by agency shows: a row per agency, named, and a ratio of 2 in 3 (66.7%).
            let byAgency = try await Self.object(
                server.http("GET", "/v1/stats?subtree=true&\(period)&by=agency", as: province))
            let table = (byAgency["rows"] as? [[String: Any]] ?? []) + [byAgency["total"] as? [String: Any] ?? [:]]
            let naSonRow = table.contains { row in
                row["key"] as? String == "000.01.21.H18" && row["label"] as? String == "Ủy ban nhân dân xã Na Son"
            }
            let twoInThree = table.flatMap { $0["ratios"] as? [[String: Any]] ?? [] }.contains { ratio in
                ratio["numerator"] as? Int == 2 && ratio["denominator"] as? Int == 3
                    && (ratio["value"] as? Double).map { abs($0 - 2.0 / 3) < 0.0005 } == true
            }
            #expect(naSonRow && twoInThree, "\(byAgency)")
            // Only the province's own figures without --subtree; a commune sees itself, never the province.
            let own = try await Self.object(server.http("GET", "/v1/stats", as: province))
            #expect(((own["total"] as? [String: Any])?["figures"] as? [String: Int])?["incomingElectronic"] == 0)
            let up = try await server.http("GET", "/v1/stats?agency=000.00.00.H18", as: "clerk.xa-na-son")
            expectProblem(up, 403, "forbidden", "not your agency or one under it")
            for (query, status, slug, words) in [
                ("from=2026-13-01", 400, "invalid-request", "YYYY-MM-DD"),
                ("from=2026-12-01&to=2026-01-01", 400, "invalid-request", "is after"),
                ("by=week", 400, "invalid-request", "by is month or agency"),
                ("agency=999.99.99.H99", 422, "unknown-agency", "no agency has the code"),
            ] {
                let refused = try await server.http("GET", "/v1/stats?\(query)", as: province)
                expectProblem(refused, status, slug, words)
            }
        }
    }
}
