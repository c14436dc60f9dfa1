import Foundation
import Testing

/// The edXML status trail after registration, and a recall, through the real CLI.
@Suite("End to end: status trail and recall", .serialized)
final class StatusTrailTests {
    let daemon: DaemonUnderTest

    init() throws { daemon = try DaemonUnderTest() }

    private func sendToThreeCommunes() throws -> String {
        let file = try daemon.write("kh.pdf", "%PDF-1.7 Kế hoạch\n")
        let sent = try daemon.cli(
            [
                "send", file, "--to", "000.01.21.H18,000.02.21.H18,000.03.21.H18", "--type", "KH",
                "--subject", "Kế hoạch kiểm tra công vụ", "--json",
            ], as: "clerk.tinh-dien-bien")
        #expect(sent.status == 0, "\(sent.stderr)")
        return try #require((try json(sent.stdout) as? [String: Any])?["id"] as? String)
    }

    private func history(_ id: String, of code: String) throws -> [[String: Any]] {
        let track = try daemon.cli(["track", id, "--json"], as: "clerk.tinh-dien-bien")
        let recipients = try #require((try json(track.stdout) as? [String: Any])?["recipients"] as? [[String: Any]])
        let recipient = try #require(
            recipients.first { ($0["recipient"] as? [String: Any])?["code"] as? String == code })
        return try #require(recipient["history"] as? [[String: Any]])
    }

    @Test func aReceiverReportsEachStepAndOnlySensibleOnes() throws {
        let id = try sendToThreeCommunes()
        // No completion before registration: the error names what is allowed.
        let early = try daemon.cli(["status", id, "completed"], as: "clerk.xa-na-son")
        #expect(
            early.status != 0
                && early.stderr.contains("allowed from 01: 02 Từ chối, 03 Đã tiếp nhận, 13 Đề nghị thu hồi"),
            "\(early.stderr)")
        #expect(try daemon.cli(["ack", id], as: "clerk.xa-na-son").status == 0)
        let unassigned = try daemon.cli(["status", id, "assigned"], as: "clerk.xa-na-son")
        #expect(unassigned.status != 0 && unassigned.stderr.contains("to (the unit or person"))
        #expect(
            try daemon.cli(["status", id, "assigned", "--to", "Phòng Văn hóa – Xã hội"], as: "clerk.xa-na-son").status
                == 0)
        #expect(
            try daemon.cli(["status", id, "in-progress", "--note", "Đang triển khai"], as: "clerk.xa-na-son").status
                == 0)
        #expect(try daemon.cli(["status", id, "06"], as: "clerk.xa-na-son").status == 0)
        let trail = try history(id, of: "000.01.21.H18")
        #expect(trail.map { $0["status"] as? String } == ["01", "03", "04", "05", "06"])
        #expect(trail[2]["assignee"] as? String == "Phòng Văn hóa – Xã hội")
        // Completed is final; a rejected document cannot be completed; the sender reports nothing.
        #expect(
            try daemon.cli(["status", id, "in-progress"], as: "clerk.xa-na-son").stderr.contains("none (final status)"))
        #expect(
            try daemon.cli(["reject", id, "--reason", "Không thuộc thẩm quyền"], as: "clerk.xa-phi-nhu").status == 0)
        #expect(
            try daemon.cli(["status", id, "completed"], as: "clerk.xa-phi-nhu").stderr.contains("cannot move to 06"))
        #expect(try daemon.cli(["status", id, "completed"], as: "clerk.tinh-dien-bien").stderr.contains("forbidden"))
        #expect(
            try daemon.cli(["status", id, "13"], as: "clerk.xa-xa-dung").stderr.contains("by the sender with `recall`"))
        #expect(try daemon.cli(["status", id, "done"], as: "clerk.xa-xa-dung").stderr.contains("use a code 01…16"))
    }

    @Test func overdueListsWhatIsDueInWorkingDays() throws {
        let file = try daemon.write("bc.pdf", "%PDF-1.7 Báo cáo\n")
        let sent = try daemon.cli(
            [
                "send", file, "--to", "000.01.21.H18", "--type", "CV", "--drafting-unit", "VP",
                "--subject", "Đề nghị báo cáo", "--deadline", "3wd", "--json",
            ], as: "clerk.tinh-dien-bien")
        #expect(sent.status == 0, "\(sent.stderr)")
        let id = try #require((try json(sent.stdout) as? [String: Any])?["id"] as? String)
        #expect(try daemon.cli(["overdue", "--within", "1"], as: "clerk.xa-na-son").stdout.contains("Nothing overdue"))
        let soon = try daemon.cli(["overdue", "--within", "5"], as: "clerk.xa-na-son")
        #expect(soon.stdout.contains(id) && soon.stdout.contains("in 3 wd"), "\(soon.stdout)")
        let out = try daemon.cli(
            ["overdue", "--within", "5", "--direction", "out", "--json"], as: "clerk.tinh-dien-bien")
        let entries = try #require(try json(out.stdout) as? [[String: Any]])
        #expect(
            entries.count == 1 && (entries[0]["counterpart"] as? [String: Any])?["code"] as? String == "000.01.21.H18")
        #expect(entries[0]["workingDaysLate"] as? Int == -3)
        // Done is done: a completed delivery is not overdue.
        #expect(try daemon.cli(["ack", id], as: "clerk.xa-na-son").status == 0)
        #expect(try daemon.cli(["status", id, "completed"], as: "clerk.xa-na-son").status == 0)
        #expect(try daemon.cli(["overdue", "--within", "5"], as: "clerk.xa-na-son").stdout.contains("Nothing overdue"))
        #expect(
            try daemon.cli(["overdue", "--direction", "sideways"], as: "clerk.xa-na-son").stderr.contains(
                "direction is in"))
    }

    @Test func theRegistersExportWithDecree30ColumnsForExcel() throws {
        let file = try daemon.write("cv.pdf", "%PDF-1.7 Công văn\n")
        var ids: [String] = []
        for (type, subject, extra) in [
            ("CT", "Về việc \"Tết sum vầy\", an toàn", [String]()),
            ("CV", "Đôn đốc báo cáo", ["--drafting-unit", "VP"]),
        ] {
            let sent = try daemon.cli(
                ["send", file, "--to", "000.01.21.H18", "--type", type, "--subject", subject, "--json"] + extra,
                as: "clerk.tinh-dien-bien")
            #expect(sent.status == 0, "\(sent.stderr)")
            ids.append(try #require((try json(sent.stdout) as? [String: Any])?["id"] as? String))
        }
        #expect(try daemon.cli(["ack", ids[1]], as: "clerk.xa-na-son").status == 0)
        #expect(try daemon.cli(["ack", ids[0]], as: "clerk.xa-na-son").status == 0)
        #expect(
            try daemon.cli(["status", ids[0], "assigned", "--to", "Công chức Văn hóa – Xã hội"], as: "clerk.xa-na-son")
                .status == 0)

        let out = try daemon.cli(["register", "out", "--format", "csv"], as: "clerk.tinh-dien-bien")
        #expect(out.status == 0, "\(out.stderr)")
        #expect(out.stdout.hasPrefix("\u{FEFF}\"Số, ký hiệu văn bản\",Ngày tháng văn bản,"))
        let lines = out.stdout.components(separatedBy: "\r\n").filter { !$0.isEmpty }
        #expect(lines.count == 3)
        #expect(
            lines[1].hasPrefix("01/CT-UBND,") && lines[1].contains("\"Chỉ thị: Về việc \"\"Tết sum vầy\"\", an toàn\""),
            "\(lines[1])")
        #expect(lines[2].hasPrefix("02/UBND-VP,"))

        let incoming = try daemon.cli(["register", "in", "--format", "json"], as: "clerk.xa-na-son")
        let register = try #require(try json(incoming.stdout) as? [String: Any])
        let rows = try #require(register["rows"] as? [[String]])
        #expect(rows.map { $0[1] } == ["1", "2"])
        #expect(rows.map { $0[3] } == ["02/UBND-VP", "01/CT-UBND"])
        #expect(rows[1][6] == "Công chức Văn hóa – Xã hội")
        #expect(try daemon.cli(["register", "sideways"], as: "clerk.xa-na-son").stderr.contains("out or in"))
        #expect(
            try daemon.cli(["register", "in", "--year", "1999"], as: "clerk.xa-na-son").stderr.contains("out of range"))

        // A note Excel would run as a formula is shown as text in the CSV register (column Ghi chú).
        let formula = try daemon.cli(
            [
                "send", file, "--to", "000.01.21.H18", "--type", "TB", "--subject", "Công thức",
                "--notes", "=HYPERLINK(\"http://x\";\"Bấm\")",
            ], as: "clerk.tinh-dien-bien")
        #expect(formula.status == 0, "\(formula.stderr)")
        let csv = try daemon.cli(["register", "out", "--format", "csv"], as: "clerk.tinh-dien-bien")
        #expect(
            csv.stdout.contains("'=HYPERLINK") && !csv.stdout.contains(",=HYPERLINK")
                && !csv.stdout.contains("\"=HYPERLINK"),
            "\(csv.stdout.suffix(600))")
    }

    @Test func theDirectoryIsImportedAndARetiredCodeGoesToItsSuccessor() throws {
        let csv =
            "\u{FEFF}code,name,abbreviation,parent\r\n"
            + "000.05.21.H18,\"Ủy ban nhân dân xã Mường Nhé, mới\",UBND,000.00.00.H18\r\n"
            + "000.01.21.H18,Ủy ban nhân dân xã Na Son,UBND,000.00.21.H18\r\n"
            + "12345,Sai mã,UBND,\r\n"
            + "000.06.21.H18,Xã không có cha,UBND,000.99.99.H18\r\n"
        let file = try daemon.write("agencies.csv", csv)
        let imported = try daemon.cli(["agencies", "import", file], as: "admin.tinh-dien-bien")
        #expect(imported.status == 1, "a rejected line is a non-zero exit: \(imported.stdout)\(imported.stderr)")
        #expect(imported.stdout.contains("line 2: added 000.05.21.H18"))
        #expect(imported.stdout.contains("line 3: unchanged 000.01.21.H18"))
        #expect(imported.stdout.contains("line 4: rejected") && imported.stdout.contains("DDD.DD.DD.LDD"))
        #expect(imported.stdout.contains("line 5: rejected") && imported.stdout.contains("parent 000.99.99.H18"))
        #expect(imported.stdout.contains("1 added, 0 updated, 1 unchanged, 2 rejected"))
        let again = try daemon.cli(["agencies", "import", file], as: "admin.tinh-dien-bien")
        #expect(again.stdout.contains("0 added, 0 updated, 2 unchanged, 2 rejected"), "importing twice changes nothing")
        #expect(try daemon.cli(["agencies", "import", file], as: "clerk.tinh-dien-bien").stderr.contains("forbidden"))

        #expect(
            try daemon.cli(
                ["agencies", "retire", "000.04.21.H18", "--successor", "000.09.09.H18"], as: "admin.tinh-dien-bien"
            )
            .stderr.contains("unknown-agency"))
        let retired = try daemon.cli(
            ["agencies", "retire", "000.04.21.H18", "--successor", "000.05.21.H18"], as: "admin.tinh-dien-bien")
        #expect(retired.status == 0, "\(retired.stderr)")
        #expect(
            try daemon.cli(["agencies", "show", "000.04.21.H18"], as: "clerk.xa-na-son").stdout.contains(
                "retired, succeeded by 000.05.21.H18"))

        let document = try daemon.write("tb.pdf", "%PDF-1.7 Thông báo\n")
        let sent = try daemon.cli(
            ["send", document, "--to", "000.04.21.H18,000.05.21.H18", "--type", "TB", "--subject", "Thông báo"],
            as: "clerk.tinh-dien-bien")
        #expect(sent.status == 0, "\(sent.stderr)")
        #expect(
            sent.stdout.contains(
                "000.05.21.H18  Ủy ban nhân dân xã Mường Nhé, mới  (addressed to 000.04.21.H18, which it succeeds)"),
            "one copy for the successor, named once: \(sent.stdout)")
        #expect(sent.stdout.contains("delivered to 1 agencies"))
    }

    @Test func aRecallIsAnsweredByEachRecipientAndFreezesTheSendersCopy() throws {
        let id = try sendToThreeCommunes()
        #expect(try daemon.cli(["ack", id], as: "clerk.xa-na-son").status == 0)
        for step in ["assigned", "completed"] {
            #expect(
                try daemon.cli(
                    ["status", id, step] + (step == "assigned" ? ["--to", "Chủ tịch"] : []), as: "clerk.xa-na-son"
                ).status == 0)
        }
        #expect(
            try daemon.cli(["recall", id, "--reason", "x"], as: "clerk.xa-na-son").stderr.contains("only the sender"))
        let recall = try daemon.cli(
            ["recall", id, "--reason", "Văn bản có sai sót, sẽ ban hành văn bản thay thế"], as: "clerk.tinh-dien-bien")
        #expect(recall.status == 0, "\(recall.stderr)")
        #expect(recall.stdout.contains("requested from 2 recipients"))
        // Asked again while the answers are pending: said so, not "everyone has answered" (issue 14).
        let twice = try daemon.cli(["recall", id, "--reason", "nhắc lại"], as: "clerk.tinh-dien-bien")
        #expect(
            twice.status != 0 && twice.stderr.contains("recall-pending") && twice.stderr.contains("Ủy ban nhân dân xã"),
            "\(twice.stderr)")
        // A statistician's refusal names no document (issue 14).
        let statistician = try daemon.cli(["ack", id], as: "statistician.tinh-dien-bien")
        #expect(
            statistician.status != 0 && !statistician.stderr.contains("-UBND") && !statistician.stderr.contains("/"),
            "\(statistician.stderr)")

        #expect(try daemon.cli(["status", id, "recall-accepted"], as: "clerk.xa-phi-nhu").status == 0)
        #expect(
            try daemon.cli(["status", id, "recall-refused", "--note", "Đã triển khai"], as: "clerk.xa-xa-dung").status
                == 0)
        // The accepted copy leaves the recipient's inbox; the document no longer exists for it.
        #expect(try daemon.cli(["inbox"], as: "clerk.xa-phi-nhu").stdout.contains("empty"))
        #expect(
            try daemon.cli(["get", id, "--out", daemon.path("gone")], as: "clerk.xa-phi-nhu").stderr.contains(
                "document-not-found"))
        // A refused recall returns the delivery to where it was: not yet registered, it is
        // registered first (issue 14: it could be processed without ever getting a số đến).
        #expect(
            try daemon.cli(["status", id, "in-progress"], as: "clerk.xa-xa-dung").stderr.contains("cannot move to 05"))
        let registered = try daemon.cli(["ack", id, "--json"], as: "clerk.xa-xa-dung")
        let arrival = (try? json(registered.stdout) as? [String: Any])?["arrivalNumber"] as? Int
        #expect(registered.status == 0 && arrival == 1, "\(registered.stderr)")
        #expect(try daemon.cli(["status", id, "in-progress"], as: "clerk.xa-xa-dung").status == 0)
        // The sender's copy is frozen, its record kept.
        let track = try daemon.cli(["track", id], as: "clerk.tinh-dien-bien")
        #expect(track.stdout.contains("Recalled: frozen since"))
        #expect(track.stdout.contains("15 Đồng ý thu hồi") && track.stdout.contains("06 Hoàn thành"))
        #expect(track.stdout.contains("05 Đang xử lý"))
        #expect(try history(id, of: "000.02.21.H18").map { $0["status"] as? String } == ["01", "13", "15"])
        let again = try daemon.cli(["recall", id, "--reason", "lần nữa"], as: "clerk.tinh-dien-bien")
        #expect(again.status != 0 && again.stderr.contains("document-frozen"))
    }
}
