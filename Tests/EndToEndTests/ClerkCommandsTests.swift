import Foundation
import Testing

/// How the clerk's commands tell what the server answered: the registers as CSV for Excel, arrival numbers, what is
/// overdue, a directory import, a recall and the district's figures as a table. What the server decides is tested
/// in process (StatusTrailHTTPTests, RegistersAndFiguresHTTPTests); these are the CLI's words for it.
@Suite("End to end: the clerk's commands")
struct ClerkCommandsTests {
    let daemon: DaemonUnderTest
    let province = "clerk.tinh-dien-bien"

    init() throws { daemon = try DaemonUnderTest() }

    /// Sends `file` as the province's clerk with `arguments`; the document's id.
    private func send(_ file: String, _ arguments: [String], to: String = "000.01.21.H18") throws -> String {
        let sent = try daemon.cli(["send", file, "--to", to, "--json"] + arguments, as: province)
        #expect(sent.status == 0, "\(sent.stderr)")
        return try #require((try json(sent.stdout) as? [String: Any])?["id"] as? String)
    }

    @Test func theRegistersPrintForExcelAndArrivalsShareOneSeries() throws {
        let file = try daemon.write("cv.pdf", "Công văn\n")
        let directive = try send(file, ["--type", "CT", "--subject", "Về việc \"Tết sum vầy\", an toàn"])
        _ = try send(file, ["--type", "CV", "--subject", "Đôn đốc báo cáo", "--drafting-unit", "VP"])
        let out = try daemon.cli(["register", "out", "--format", "csv"], as: province)
        #expect(out.status == 0, "\(out.stderr)")
        #expect(out.stdout.hasPrefix("\u{FEFF}\"Số, ký hiệu văn bản\",Ngày tháng văn bản,"))
        let lines = out.stdout.components(separatedBy: "\r\n").filter { !$0.isEmpty }
        #expect(lines.count == 3)
        #expect(
            lines[1].hasPrefix("01/CT-UBND,") && lines[1].contains("\"Chỉ thị: Về việc \"\"Tết sum vầy\"\", an toàn\""),
            "\(lines[1])")
        #expect(lines[2].hasPrefix("02/UBND-VP,"))
        #expect(try daemon.cli(["register", "sideways"], as: "clerk.xa-na-son").stderr.contains("out or in"))
        // A note Excel would run as a formula is shown as text in the CSV register (column Ghi chú).
        _ = try send(file, ["--type", "TB", "--subject", "Công thức", "--notes", "=HYPERLINK(\"http://x\";\"Bấm\")"])
        let csv = try daemon.cli(["register", "out", "--format", "csv"], as: province)
        #expect(
            csv.stdout.contains("'=HYPERLINK") && !csv.stdout.contains(",=HYPERLINK")
                && !csv.stdout.contains("\"=HYPERLINK"),
            "\(csv.stdout.suffix(600))")

        // A paper arrival and an electronic one take the next arrival numbers (số đến) of one series.
        let commune = "clerk.xa-na-son"
        let paper = try daemon.cli(
            [
                "register-paper", "--direction", "in", "--type", "CV", "--subject", "Công văn giấy", "--sender",
                "Bộ Nội vụ", "--number-symbol", "12/BNV-VP", "--issued-on", "2026-01-02", "--assignee", "Văn phòng",
            ], as: commune)
        #expect(paper.status == 0 && paper.stdout.contains("số đến 1/"), "\(paper.stdout)\(paper.stderr)")
        #expect(try daemon.cli(["ack", directive], as: commune).stdout.contains("số đến 2"))
    }

    @Test func whatIsOverdueTheDirectoryAndARecallAreToldInWords() throws {
        let report = try send(
            try daemon.write("bc.pdf", "Báo cáo\n"),
            ["--type", "CV", "--drafting-unit", "VP", "--subject", "Đề nghị báo cáo", "--deadline", "3wd"])
        #expect(try daemon.cli(["overdue", "--within", "1"], as: "clerk.xa-na-son").stdout.contains("Nothing overdue"))
        let soon = try daemon.cli(["overdue", "--within", "5"], as: "clerk.xa-na-son")
        #expect(soon.stdout.contains(report) && soon.stdout.contains("in 3 wd"), "\(soon.stdout)")
        #expect(try daemon.cli(["ack", report], as: "clerk.xa-na-son").status == 0)
        #expect(try daemon.cli(["status", report, "completed"], as: "clerk.xa-na-son").status == 0)
        #expect(try daemon.cli(["overdue", "--within", "5"], as: "clerk.xa-na-son").stdout.contains("Nothing overdue"))

        // The directory: an import line by line, and a retired code whose successor receives in its stead.
        let csv =
            "\u{FEFF}code,name,abbreviation,parent\r\n"
            + "000.05.21.H18,\"Ủy ban nhân dân xã Mường Nhé, mới\",UBND,000.00.00.H18\r\n"
            + "000.01.21.H18,Ủy ban nhân dân xã Na Son,UBND,000.00.21.H18\r\n"
            + "12345,Sai mã,UBND,\r\n"
            + "000.06.21.H18,Xã không có cha,UBND,000.99.99.H18\r\n"
        let agencies = try daemon.write("agencies.csv", csv)
        let imported = try daemon.cli(["agencies", "import", agencies], as: "admin.tinh-dien-bien")
        #expect(imported.status == 1, "a rejected line is a non-zero exit: \(imported.stdout)\(imported.stderr)")
        #expect(imported.stdout.contains("line 2: added 000.05.21.H18"))
        #expect(imported.stdout.contains("line 3: unchanged 000.01.21.H18"))
        #expect(imported.stdout.contains("line 4: rejected") && imported.stdout.contains("DDD.DD.DD.LDD"))
        #expect(imported.stdout.contains("line 5: rejected") && imported.stdout.contains("parent 000.99.99.H18"))
        #expect(imported.stdout.contains("1 added, 0 updated, 1 unchanged, 2 rejected"))
        let again = try daemon.cli(["agencies", "import", agencies], as: "admin.tinh-dien-bien")
        #expect(again.stdout.contains("0 added, 0 updated, 2 unchanged, 2 rejected"), "importing twice changes nothing")
        let retired = try daemon.cli(
            ["agencies", "retire", "000.04.21.H18", "--successor", "000.05.21.H18"], as: "admin.tinh-dien-bien")
        #expect(retired.status == 0, "\(retired.stderr)")
        #expect(
            try daemon.cli(["agencies", "show", "000.04.21.H18"], as: "clerk.xa-na-son").stdout.contains(
                "retired, succeeded by 000.05.21.H18"))
        let notice = try daemon.write("tb.pdf", "Thông báo\n")
        let delivered = try daemon.cli(
            ["send", notice, "--to", "000.04.21.H18,000.05.21.H18", "--type", "TB", "--subject", "Thông báo"],
            as: province)
        #expect(delivered.status == 0, "\(delivered.stderr)")
        #expect(
            delivered.stdout.contains(
                "000.05.21.H18  Ủy ban nhân dân xã Mường Nhé, mới  (addressed to 000.04.21.H18, which it succeeds)"),
            "one copy for the successor, named once: \(delivered.stdout)")
        #expect(delivered.stdout.contains("delivered to 1 agencies"))

        // A recall to three communes: one had completed it, one accepts, one refuses and goes on.
        let plan = try send(
            try daemon.write("kh.pdf", "Kế hoạch\n"),
            ["--type", "KH", "--subject", "Kế hoạch kiểm tra công vụ"],
            to: "000.01.21.H18,000.02.21.H18,000.03.21.H18")
        #expect(try daemon.cli(["ack", plan], as: "clerk.xa-na-son").status == 0)
        for step in ["assigned", "completed"] {
            #expect(
                try daemon.cli(
                    ["status", plan, step] + (step == "assigned" ? ["--to", "Chủ tịch"] : []), as: "clerk.xa-na-son"
                ).status == 0)
        }
        let recall = try daemon.cli(
            ["recall", plan, "--reason", "Văn bản có sai sót, sẽ ban hành văn bản thay thế"], as: province)
        #expect(recall.status == 0, "\(recall.stderr)")
        #expect(recall.stdout.contains("requested from 2 recipients"))
        #expect(try daemon.cli(["status", plan, "recall-accepted"], as: "clerk.xa-phi-nhu").status == 0)
        #expect(
            try daemon.cli(["status", plan, "recall-refused", "--note", "Đã triển khai"], as: "clerk.xa-xa-dung").status
                == 0)
        #expect(try daemon.cli(["inbox"], as: "clerk.xa-phi-nhu").stdout.contains("empty"))
        #expect(try daemon.cli(["ack", plan], as: "clerk.xa-xa-dung").status == 0)
        #expect(try daemon.cli(["status", plan, "in-progress"], as: "clerk.xa-xa-dung").status == 0)
        let track = try daemon.cli(["track", plan], as: province)
        #expect(track.stdout.contains("Recalled: frozen since"))
        #expect(track.stdout.contains("15 Đồng ý thu hồi") && track.stdout.contains("06 Hoàn thành"))
        #expect(track.stdout.contains("05 Đang xử lý"))
    }

    @Test func theDistrictsFiguresPrintAsATable() throws {
        let file = try daemon.write("qd.pdf", "Quyết định\n")
        let id = try send(
            file, ["--type", "QĐ", "--subject", "Một", "--deadline", "10wd"], to: "000.01.21.H18,000.02.21.H18")
        _ = try send(file, ["--type", "QĐ", "--subject", "Hai"])
        _ = try daemon.cli(
            [
                "register-paper", "--direction", "out", "--type", "QĐ", "--subject", "Giấy", "--signer-name", "A",
                "--recipients", "B",
            ], as: province)
        #expect(try daemon.cli(["ack", id], as: "clerk.xa-na-son").status == 0)
        #expect(try daemon.cli(["status", id, "completed"], as: "clerk.xa-na-son").status == 0)
        // Deadlines count in the period they fall due, which may be after today: this year and the next.
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(secondsFromGMT: 7 * 3600)!
        let year = calendar.component(.year, from: Date())
        let period = ["--from", "\(year)-01-01", "--to", "\(year + 1)-12-31"]
        let table = try daemon.cli(["stats", "--subtree", "--by", "agency"] + period, as: province)
        #expect(
            table.stdout.contains("000.01.21.H18 Ủy ban nhân dân xã Na Son") && table.stdout.contains("66.7% (2/3)"),
            "\(table.stdout)")
    }
}
