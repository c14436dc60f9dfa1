import Foundation
import LienThongTestSupport
import Testing

/// The edXML status trail after registration, what is overdue, the registers, the directory's import and
/// retirements, and a recall, over HTTP in process: the routes the CLI's `send`, `ack`, `status`, `reject`, `recall`,
/// `track`, `overdue`, `register` and `agencies` call, with the data the end-to-end tests gave them.
@Suite("Status trail and recall, over HTTP in process")
struct StatusTrailHTTPTests {
    static let province = "clerk.tinh-dien-bien"
    static let naSon = "clerk.xa-na-son"

    private static func object(_ answer: LoopbackHTTP.Answer) throws -> [String: Any] {
        try #require(
            try JSONSerialization.jsonObject(with: answer.body) as? [String: Any],
            "\(String(decoding: answer.body, as: UTF8.self))")
    }

    private static func array(_ answer: LoopbackHTTP.Answer) throws -> [[String: Any]] {
        try #require(
            try JSONSerialization.jsonObject(with: answer.body) as? [[String: Any]],
            "\(String(decoding: answer.body, as: UTF8.self))")
    }

    /// `lienthong send FILE …` as the province's clerk: the file's bytes to POST /v1/files, then POST /v1/documents
    /// naming it.
    private static func send(
        _ server: LiveServer, _ content: String, name: String, _ fields: [String: Any]
    ) async throws -> LoopbackHTTP.Answer {
        let upload = try await server.http("POST", "/v1/files", body: Data(content.utf8), as: province)
        let sha = try #require(try object(upload)["sha256"] as? String)
        var body = fields
        body["files"] = [["sha256": sha, "name": name]]
        return try await server.post("/v1/documents", body, as: province)
    }

    /// `lienthong ack ID`.
    private static func ack(_ server: LiveServer, _ id: String, as user: String) async throws -> LoopbackHTTP.Answer {
        try await server.post("/v1/documents/\(id)/ack", [:], as: user)
    }

    /// `lienthong status ID STATUS [--to …] [--note …]`.
    private static func status(
        _ server: LiveServer, _ id: String, _ status: String, to: String? = nil, note: String? = nil, as user: String
    ) async throws -> LoopbackHTTP.Answer {
        var body: [String: Any] = ["status": status]
        body["to"] = to
        body["note"] = note
        return try await server.post("/v1/documents/\(id)/status", body, as: user)
    }

    private static func sendToThreeCommunes(_ server: LiveServer) async throws -> String {
        let sent = try await send(
            server, "Kế hoạch\n", name: "kh.pdf",
            [
                "to": ["000.01.21.H18", "000.02.21.H18", "000.03.21.H18"], "type": "KH",
                "subject": "Kế hoạch kiểm tra công vụ",
            ])
        #expect(sent.status == 201, "\(String(decoding: sent.body, as: UTF8.self))")
        return try #require(try object(sent)["id"] as? String)
    }

    /// The sender's view of one recipient's trail (`lienthong track ID --json`).
    private static func history(_ server: LiveServer, _ id: String, of code: String) async throws -> [[String: Any]] {
        let track = try await object(server.http("GET", "/v1/documents/\(id)/track", as: province))
        let recipients = try #require(track["recipients"] as? [[String: Any]])
        let recipient = try #require(
            recipients.first { ($0["recipient"] as? [String: Any])?["code"] as? String == code })
        return try #require(recipient["history"] as? [[String: Any]])
    }

    @Test func aReceiverReportsEachStepAndOnlySensibleOnes() async throws {
        try await LiveServer.run { server in
            let naSon = Self.naSon
            let id = try await Self.sendToThreeCommunes(server)
            // No completion before registration: the error names what is allowed.
            expectProblem(
                try await Self.status(server, id, "completed", as: naSon), 409, "status-transition-not-allowed",
                "allowed from 01: 02 Từ chối, 03 Đã tiếp nhận, 13 Đề nghị thu hồi")
            #expect(try await Self.ack(server, id, as: naSon).status == 200)
            expectProblem(
                try await Self.status(server, id, "assigned", as: naSon), 422, "invalid-field",
                "to (the unit or person")
            #expect(
                try await Self.status(server, id, "assigned", to: "Phòng Văn hóa – Xã hội", as: naSon).status == 200)
            #expect(try await Self.status(server, id, "in-progress", note: "Đang triển khai", as: naSon).status == 200)
            #expect(try await Self.status(server, id, "06", as: naSon).status == 200)
            let trail = try await Self.history(server, id, of: "000.01.21.H18")
            #expect(trail.map { $0["status"] as? String } == ["01", "03", "04", "05", "06"])
            #expect(trail[2]["assignee"] as? String == "Phòng Văn hóa – Xã hội")
            // Completed is final; a rejected document cannot be completed; the sender reports nothing.
            expectProblem(
                try await Self.status(server, id, "in-progress", as: naSon), 409, "status-transition-not-allowed",
                "none (final status)")
            let rejected = try await server.post(
                "/v1/documents/\(id)/reject", ["reason": "Không thuộc thẩm quyền"], as: "clerk.xa-phi-nhu")
            #expect(rejected.status == 200)
            expectProblem(
                try await Self.status(server, id, "completed", as: "clerk.xa-phi-nhu"), 409,
                "status-transition-not-allowed", "cannot move to 06")
            expectProblem(try await Self.status(server, id, "completed", as: Self.province), 403, "forbidden")
            expectProblem(
                try await Self.status(server, id, "13", as: "clerk.xa-xa-dung"), 400, "invalid-request",
                "by the sender with `recall`")
            expectProblem(
                try await Self.status(server, id, "done", as: "clerk.xa-xa-dung"), 422, "invalid-field",
                "use a code 01…16")
        }
    }

    @Test func overdueListsWhatIsDueInWorkingDays() async throws {
        // Working days as the end-to-end daemon counted them: without a holiday table (a file that does not exist),
        // whatever table the checkout's Config/ holds.
        let holidays = FileManager.default.temporaryDirectory.appendingPathComponent(
            "lienthong-no-holidays-\(UUID().uuidString)/holidays.json")
        try await LiveServer.run(environment: ["LIENTHONG_HOLIDAYS_FILE": holidays.path]) { server in
            let naSon = Self.naSon
            let sent = try await Self.send(
                server, "Báo cáo\n", name: "bc.pdf",
                [
                    "to": ["000.01.21.H18"], "type": "CV", "draftingUnit": "VP", "subject": "Đề nghị báo cáo",
                    "deadline": "3wd",
                ])
            #expect(sent.status == 201, "\(String(decoding: sent.body, as: UTF8.self))")
            let id = try #require(try Self.object(sent)["id"] as? String)
            #expect(try await Self.array(server.http("GET", "/v1/overdue?within=1&direction=in", as: naSon)).isEmpty)
            let soon = try await Self.array(server.http("GET", "/v1/overdue?within=5&direction=in", as: naSon))
            #expect(
                soon.map { $0["id"] as? String } == [id] && soon.first?["workingDaysLate"] as? Int == -3, "\(soon)")
            let entries = try await Self.array(
                server.http("GET", "/v1/overdue?within=5&direction=out", as: Self.province))
            #expect(
                entries.count == 1
                    && (entries[0]["counterpart"] as? [String: Any])?["code"] as? String == "000.01.21.H18")
            #expect(entries[0]["workingDaysLate"] as? Int == -3)
            // Done is done: a completed delivery is not overdue.
            #expect(try await Self.ack(server, id, as: naSon).status == 200)
            #expect(try await Self.status(server, id, "completed", as: naSon).status == 200)
            #expect(try await Self.array(server.http("GET", "/v1/overdue?within=5&direction=in", as: naSon)).isEmpty)
            expectProblem(
                try await server.http("GET", "/v1/overdue?within=0&direction=sideways", as: naSon), 400,
                "invalid-request", "direction is in")
        }
    }

    @Test func theRegistersExportWithDecree30ColumnsForExcel() async throws {
        try await LiveServer.run { server in
            let (province, naSon) = (Self.province, Self.naSon)
            var ids: [String] = []
            let sends: [(type: String, subject: String, draftingUnit: String?)] = [
                ("CT", "Về việc \"Tết sum vầy\", an toàn", nil), ("CV", "Đôn đốc báo cáo", "VP"),
            ]
            for (type, subject, draftingUnit) in sends {
                var fields: [String: Any] = ["to": ["000.01.21.H18"], "type": type, "subject": subject]
                fields["draftingUnit"] = draftingUnit
                let sent = try await Self.send(server, "Công văn\n", name: "cv.pdf", fields)
                #expect(sent.status == 201, "\(String(decoding: sent.body, as: UTF8.self))")
                ids.append(try #require(try Self.object(sent)["id"] as? String))
            }
            #expect(try await Self.ack(server, ids[1], as: naSon).status == 200)
            #expect(try await Self.ack(server, ids[0], as: naSon).status == 200)
            #expect(
                try await Self.status(server, ids[0], "assigned", to: "Công chức Văn hóa – Xã hội", as: naSon).status
                    == 200)

            // The rows and columns the CLI writes as CSV for Excel.
            let out = try await server.http("GET", "/v1/registers/out", as: province)
            #expect(out.status == 200, "\(String(decoding: out.body, as: UTF8.self))")
            let register = try Self.object(out)
            let columns = try #require(register["columns"] as? [String])
            #expect(columns.count > 2 && Array(columns.prefix(2)) == ["Số, ký hiệu văn bản", "Ngày tháng văn bản"])
            let lines = try #require(register["rows"] as? [[String]])
            #expect(lines.count == 2)
            #expect(lines.map(\.first) == ["01/CT-UBND", "02/UBND-VP"], "\(lines)")
            #expect(lines.first?[2] == "Chỉ thị: Về việc \"Tết sum vầy\", an toàn", "\(lines)")

            let incoming = try Self.object(await server.http("GET", "/v1/registers/in", as: naSon))
            let rows = try #require(incoming["rows"] as? [[String]])
            #expect(rows.map { $0[1] } == ["1", "2"])
            #expect(rows.map { $0[3] } == ["02/UBND-VP", "01/CT-UBND"])
            #expect(rows[1][6] == "Công chức Văn hóa – Xã hội")
            expectProblem(
                try await server.http("GET", "/v1/registers/in?year=1999", as: naSon), 400, "invalid-request",
                "out of range")

            // A note Excel would run as a formula is kept as written in the register's Ghi chú; the CSV the CLI
            // makes of it shows it as text.
            let formula = try await Self.send(
                server, "Công văn\n", name: "cv.pdf",
                [
                    "to": ["000.01.21.H18"], "type": "TB", "subject": "Công thức",
                    "notes": "=HYPERLINK(\"http://x\";\"Bấm\")",
                ])
            #expect(formula.status == 201, "\(String(decoding: formula.body, as: UTF8.self))")
            let number = try Self.object(formula)["numberAndSymbol"] as? String
            let filed = try Self.object(await server.http("GET", "/v1/registers/out", as: province))
            let row = (filed["rows"] as? [[String]])?.first { $0.first == number }
            #expect(
                row?.last == "=HYPERLINK(\"http://x\";\"Bấm\")" && columns.last == "Ghi chú",
                "\(String(describing: row))")
        }
    }

    @Test func theDirectoryIsImportedAndARetiredCodeGoesToItsSuccessor() async throws {
        try await LiveServer.run { server in
            let admin = "admin.tinh-dien-bien"
            let csv =
                "\u{FEFF}code,name,abbreviation,parent\r\n"
                + "000.05.21.H18,\"Ủy ban nhân dân xã Mường Nhé, mới\",UBND,000.00.00.H18\r\n"
                + "000.01.21.H18,Ủy ban nhân dân xã Na Son,UBND,000.00.21.H18\r\n"
                + "12345,Sai mã,UBND,\r\n"
                + "000.06.21.H18,Xã không có cha,UBND,000.99.99.H18\r\n"
            let importCSV = { (user: String) in
                try await server.http(
                    "POST", "/v1/agencies/import", body: Data(csv.utf8), as: user,
                    headers: ["Content-Type": "text/csv; charset=utf-8"])
            }
            let outcomes = { (lines: [[String: Any]]) in
                Dictionary(grouping: lines.compactMap { $0["outcome"] as? String }, by: { $0 }).mapValues(\.count)
            }
            let imported = try await importCSV(admin)
            #expect(imported.status == 200, "\(String(decoding: imported.body, as: UTF8.self))")
            let lines = try Self.array(imported)
            let line = { (number: Int) in lines.first { $0["line"] as? Int == number } }
            #expect(line(2)?["outcome"] as? String == "added" && line(2)?["code"] as? String == "000.05.21.H18")
            #expect(line(3)?["outcome"] as? String == "unchanged" && line(3)?["code"] as? String == "000.01.21.H18")
            #expect(
                line(4)?["outcome"] as? String == "rejected"
                    && (line(4)?["detail"] as? String)?.contains("DDD.DD.DD.LDD") == true, "\(lines)")
            #expect(
                line(5)?["outcome"] as? String == "rejected"
                    && (line(5)?["detail"] as? String)?.contains("parent 000.99.99.H18") == true, "\(lines)")
            #expect(outcomes(lines) == ["added": 1, "unchanged": 1, "rejected": 2], "\(lines)")
            let again = try Self.array(await importCSV(admin))
            #expect(outcomes(again) == ["unchanged": 2, "rejected": 2], "importing twice changes nothing")
            expectProblem(try await importCSV(Self.province), 403, "forbidden")

            expectProblem(
                try await server.post("/v1/agencies/000.04.21.H18/retire", ["successor": "000.09.09.H18"], as: admin),
                422, "unknown-agency")
            let retired = try await server.post(
                "/v1/agencies/000.04.21.H18/retire", ["successor": "000.05.21.H18"], as: admin)
            #expect(retired.status == 200, "\(String(decoding: retired.body, as: UTF8.self))")
            let shown = try Self.object(await server.http("GET", "/v1/agencies/000.04.21.H18", as: Self.naSon))
            #expect(shown["status"] as? String == "retired" && shown["successor"] as? String == "000.05.21.H18")

            let sent = try await Self.send(
                server, "Thông báo\n", name: "tb.pdf",
                ["to": ["000.04.21.H18", "000.05.21.H18"], "type": "TB", "subject": "Thông báo"])
            #expect(sent.status == 201, "\(String(decoding: sent.body, as: UTF8.self))")
            // One copy for the successor, named once.
            let recipients = try #require(try Self.object(sent)["recipients"] as? [[String: Any]])
            #expect(recipients.count == 1, "\(recipients)")
            let recipient = recipients.first?["recipient"] as? [String: Any]
            #expect(
                recipient?["code"] as? String == "000.05.21.H18"
                    && recipient?["name"] as? String == "Ủy ban nhân dân xã Mường Nhé, mới"
                    && recipients.first?["addressedTo"] as? String == "000.04.21.H18", "\(recipients)")
        }
    }

    @Test func aRecallIsAnsweredByEachRecipientAndFreezesTheSendersCopy() async throws {
        try await LiveServer.run { server in
            let (province, naSon) = (Self.province, Self.naSon)
            let id = try await Self.sendToThreeCommunes(server)
            let recall = { (reason: String, user: String) in
                try await server.post("/v1/documents/\(id)/recall", ["reason": reason], as: user)
            }
            #expect(try await Self.ack(server, id, as: naSon).status == 200)
            for step in ["assigned", "completed"] {
                #expect(
                    try await Self.status(server, id, step, to: step == "assigned" ? "Chủ tịch" : nil, as: naSon)
                        .status == 200)
            }
            expectProblem(try await recall("x", naSon), 403, "forbidden", "only the sender")
            let recalled = try await recall("Văn bản có sai sót, sẽ ban hành văn bản thay thế", province)
            #expect(recalled.status == 200, "\(String(decoding: recalled.body, as: UTF8.self))")
            let asked = (try Self.object(recalled)["recipients"] as? [[String: Any]])?.filter {
                $0["status"] as? String == "13"
            }
            #expect(asked?.count == 2)
            // Asked again while the answers are pending: said so, not "everyone has answered" (issue 14).
            expectProblem(try await recall("nhắc lại", province), 409, "recall-pending", "Ủy ban nhân dân xã")
            // A statistician's refusal names no document (issue 14).
            let statistician = try await Self.ack(server, id, as: "statistician.tinh-dien-bien")
            let refusal = String(decoding: statistician.body, as: UTF8.self)
            expectProblem(statistician, 403, "forbidden")
            #expect(!refusal.contains("-UBND") && !refusal.contains("/"), "\(refusal)")

            #expect(try await Self.status(server, id, "recall-accepted", as: "clerk.xa-phi-nhu").status == 200)
            #expect(
                try await Self.status(server, id, "recall-refused", note: "Đã triển khai", as: "clerk.xa-xa-dung")
                    .status == 200)
            // The accepted copy leaves the recipient's inbox; the document no longer exists for it.
            let inbox = try await server.http("GET", "/v1/inbox", as: "clerk.xa-phi-nhu")
            #expect((try JSONSerialization.jsonObject(with: inbox.body) as? [String: Any])?["total"] as? Int == 0)
            expectProblem(
                try await server.http("GET", "/v1/documents/\(id)", as: "clerk.xa-phi-nhu"), 404, "document-not-found")
            // A refused recall returns the delivery to where it was: not yet registered, it is
            // registered first (issue 14: it could be processed without ever getting a số đến).
            expectProblem(
                try await Self.status(server, id, "in-progress", as: "clerk.xa-xa-dung"), 409,
                "status-transition-not-allowed", "cannot move to 05")
            let registered = try await Self.ack(server, id, as: "clerk.xa-xa-dung")
            let arrival = try Self.object(registered)["arrivalNumber"] as? Int
            #expect(
                registered.status == 200 && arrival == 1, "\(String(decoding: registered.body, as: UTF8.self))")
            #expect(try await Self.status(server, id, "in-progress", as: "clerk.xa-xa-dung").status == 200)
            // The sender's copy is frozen, its record kept.
            let track = try Self.object(await server.http("GET", "/v1/documents/\(id)/track", as: province))
            #expect(track["frozenAt"] as? String != nil)
            // Each recipient's status as the CLI's table shows it: code and name.
            let statuses = Dictionary(
                (track["recipients"] as? [[String: Any]] ?? []).map {
                    (
                        ($0["recipient"] as? [String: Any])?["code"] as? String ?? "",
                        "\($0["status"] as? String ?? "") \($0["statusName"] as? String ?? "")"
                    )
                }, uniquingKeysWith: { first, _ in first })
            #expect(
                statuses == [
                    "000.01.21.H18": "06 Hoàn thành", "000.02.21.H18": "15 Đồng ý thu hồi",
                    "000.03.21.H18": "05 Đang xử lý",
                ])
            #expect(
                try await Self.history(server, id, of: "000.02.21.H18").map { $0["status"] as? String }
                    == ["01", "13", "15"])
            expectProblem(try await recall("lần nữa", province), 409, "document-frozen")
        }
    }
}
