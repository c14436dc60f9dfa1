import Foundation
import Testing

/// Number series, links between documents, paper documents and the district's figures, through
/// the real CLI and HTTP against a real daemon.
@Suite("End to end: series, links, paper and figures", .serialized)
final class RegistersAndFiguresTests {
    let daemon: DaemonUnderTest
    let province = "clerk.tinh-dien-bien"

    init() throws { daemon = try DaemonUnderTest() }

    /// Sends a one-page document and answers its JSON view.
    private func send(
        _ arguments: [String], as user: String? = nil, to: String = "000.01.21.H18"
    ) throws -> [String: Any] {
        let file = try daemon.write("vb-\(UUID().uuidString).pdf", "%PDF-1.7 \(arguments)\n")
        let sent = try daemon.cli(["send", file, "--to", to, "--json"] + arguments, as: user ?? province)
        #expect(sent.status == 0, "\(sent.stderr)")
        return try #require(try json(sent.stdout) as? [String: Any])
    }

    @Test func copiesAndAdvisoryBodiesCountInTheirOwnSeriesAndPaperInTheAgencys() throws {
        #expect(try send(["--type", "QĐ", "--subject", "Quyết định"])["numberAndSymbol"] as? String == "01/QĐ-UBND")
        #expect(
            try send(["--type", "QĐ", "--subject", "Sao y", "--series", "copy"])["numberAndSymbol"] as? String
                == "01/SY-UBND")
        #expect(
            try send(["--type", "QĐ", "--subject", "Trích sao", "--series", "copy:TS"])["numberAndSymbol"] as? String
                == "02/TS-UBND")
        #expect(
            try send(["--type", "QĐ", "--subject", "Hội đồng", "--series", "advisory:HĐTĐ"])["numberAndSymbol"]
                as? String == "01/QĐ-HĐTĐ")
        #expect(try send(["--type", "QĐ", "--subject", "Quyết định 2"])["numberAndSymbol"] as? String == "02/QĐ-UBND")
        let bad = try daemon.cli(
            [
                "send", try daemon.write("x.pdf", "x"), "--to", "000.01.21.H18", "--type", "QĐ", "--subject", "x",
                "--series", "copy:XX",
            ], as: province)
        #expect(bad.status != 0 && bad.stderr.contains("copy:SY (sao y)"), "\(bad.stderr)")

        let paper = try daemon.cli(
            [
                "register-paper", "--direction", "out", "--type", "QĐ", "--subject", "Quyết định trên giấy",
                "--signer-name", "Lò Văn Mừng", "--signer-position", "Chủ tịch", "--recipients", "UBND các xã",
            ], as: province)
        #expect(paper.status == 0 && paper.stdout.contains("03/QĐ-UBND"), "\(paper.stderr)")
        let csv = try daemon.cli(["register", "out", "--format", "csv"], as: province)
        #expect(csv.stdout.contains("03/QĐ-UBND") && csv.stdout.contains("UBND các xã") && csv.stdout.contains("giấy"))
        #expect(csv.stdout.contains("sổ bản sao") && csv.stdout.contains("sổ tổ chức tư vấn HĐTĐ"))
        for (arguments, error) in [
            (
                ["--direction", "out", "--type", "QĐ", "--subject", "x", "--recipients", "y"],
                "signer full name is required"
            ),
            (
                [
                    "--direction", "out", "--type", "QĐ", "--subject", "x", "--signer-name", "A", "--recipients", "y",
                    "--secrecy", "Mật",
                ], "secret documents"
            ),
            (["--direction", "sideways", "--type", "QĐ", "--subject", "x"], "in (received on paper) or out"),
        ] {
            let refused = try daemon.cli(["register-paper"] + arguments, as: province)
            #expect(refused.status != 0 && refused.stderr.contains(error), "\(refused.stderr)")
        }
        // A refused entry used up no number.
        let next = try daemon.cli(
            [
                "register-paper", "--direction", "out", "--type", "QĐ", "--subject", "Tiếp", "--signer-name", "A",
                "--recipients", "B",
            ], as: province)
        #expect(next.stdout.contains("04/QĐ-UBND"), "\(next.stdout)\(next.stderr)")
    }

    @Test func paperAndElectronicArrivalsShareTheArrivalNumbers() throws {
        let id = try #require(try send(["--type", "CT", "--subject", "Chỉ thị"])["id"] as? String)
        let commune = "clerk.xa-na-son"
        let paper = try daemon.cli(
            [
                "register-paper", "--direction", "in", "--type", "CV", "--subject", "Công văn giấy", "--sender",
                "Bộ Nội vụ",
                "--number-symbol", "12/BNV-VP", "--issued-on", "2026-01-02", "--assignee", "Văn phòng",
            ], as: commune)
        #expect(paper.status == 0 && paper.stdout.contains("số đến 1/"), "\(paper.stdout)\(paper.stderr)")
        #expect(try daemon.cli(["ack", id], as: commune).stdout.contains("số đến 2"))
        let future = try daemon.cli(
            [
                "register-paper", "--direction", "in", "--type", "CV", "--subject", "x", "--sender", "Bộ",
                "--number-symbol", "1/B", "--issued-on", "2999-01-01",
            ], as: commune)
        #expect(future.status != 0 && future.stderr.contains("dated after it arrived"))
        let register = try #require(
            try json(daemon.cli(["register", "in", "--format", "json"], as: commune).stdout) as? [String: Any])
        let rows = try #require(register["rows"] as? [[String]])
        #expect(rows.map { $0[1] } == ["1", "2"])
        #expect(rows[0][2] == "Bộ Nội vụ" && rows[1][3] == "01/CT-UBND")
        // The province may read a commune's register; a commune may not read another's, nor the province's.
        #expect(
            try daemon.cli(["register", "in", "--agency", "000.01.21.H18"], as: province).stdout.contains("Bộ Nội vụ"))
        let foreign = try daemon.cli(["register", "in", "--agency", "000.01.21.H18"], as: "clerk.xa-phi-nhu")
        #expect(foreign.status != 0 && foreign.stderr.contains("not your agency or one under it"), "\(foreign.stderr)")
    }

    @Test func aReplacementAndAReplyAreLinkedForThoseWhoMaySeeBoth() throws {
        let original = try #require(
            try send(["--type", "KH", "--subject", "Kế hoạch"], to: "000.01.21.H18,000.02.21.H18")["id"] as? String)
        let replacement = try send(["--type", "KH", "--subject", "Kế hoạch (thay thế)", "--replaces", original])
        let links = try #require(replacement["links"] as? [[String: Any]])
        #expect(links.first?["relation"] as? String == "replaces" && links.first?["id"] as? String == original)
        let reply = try send(
            ["--type", "BC", "--subject", "Báo cáo", "--in-reply-to", original], as: "clerk.xa-na-son",
            to: "000.00.00.H18")
        #expect((reply["links"] as? [[String: Any]])?.first?["relation"] as? String == "in-reply-to")
        let seenBy = { (user: String) throws -> [String] in
            let view = try json(self.daemon.cli(["track", original, "--json"], as: user).stdout) as? [String: Any]
            return (view?["links"] as? [[String: Any]] ?? []).compactMap { $0["relation"] as? String }.sorted()
        }
        #expect(try seenBy(province) == ["answered-by", "replaced-by"])
        // Phì Nhừ received the original but neither the replacement nor Na Son's reply.
        #expect(try seenBy("clerk.xa-phi-nhu") == [])
        // A link is only to a document of one's own (replaces) or received (in reply to).
        let foreign = try daemon.cli(
            [
                "send", try daemon.write("r.pdf", "r"), "--to", "000.00.00.H18", "--type", "BC", "--subject", "x",
                "--replaces", original,
            ], as: "clerk.xa-na-son")
        #expect(
            foreign.status != 0 && foreign.stderr.contains("no document of your agency has this id"),
            "\(foreign.stderr)")
        let unknown = try daemon.cli(
            [
                "send", try daemon.write("r.pdf", "r"), "--to", "000.00.00.H18", "--type", "BC", "--subject", "x",
                "--in-reply-to", UUID().uuidString,
            ], as: "clerk.xa-xa-dung")
        #expect(unknown.status != 0 && unknown.stderr.contains("no document your agency received"), "\(unknown.stderr)")
    }

    @Test func theProvinceSeesItsSubtreesFiguresAndACommuneOnlyItsOwn() throws {
        let id = try #require(
            try send(["--type", "QĐ", "--subject", "Một", "--deadline", "10wd"], to: "000.01.21.H18,000.02.21.H18")[
                "id"] as? String)
        _ = try send(["--type", "QĐ", "--subject", "Hai"])
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
        let report = try #require(
            try json(daemon.cli(["stats", "--subtree", "--format", "json"] + period, as: province).stdout)
                as? [String: Any])
        let total = try #require((report["total"] as? [String: Any]))
        let figures = try #require(total["figures"] as? [String: Int])
        #expect(
            figures["outgoingElectronic"] == 2 && figures["outgoingPaper"] == 1 && figures["incomingElectronic"] == 3)
        #expect(figures["due"] == 2 && figures["registeredOnTime"] == 1 && figures["completedOnTime"] == 1)
        let ratios = try #require(total["ratios"] as? [[String: Any]])
        #expect(ratios.map { $0["name"] as? String } == ["electronic", "signed", "onTime"])
        #expect(
            ratios.map { $0["numerator"] as? Int } == [2, 2, 1]
                && ratios.map { $0["denominator"] as? Int } == [3, 3, 2])
        #expect((ratios[0]["definition"] as? String)?.contains("paper included") == true)
        let table = try daemon.cli(["stats", "--subtree", "--by", "agency"] + period, as: province)
        #expect(
            table.stdout.contains("000.01.21.H18 Ủy ban nhân dân xã Na Son") && table.stdout.contains("66.7% (2/3)"),
            "\(table.stdout)")
        // Only the province's own figures without --subtree; a commune sees itself, never the province.
        let own = try #require(
            try json(daemon.cli(["stats", "--format", "json"], as: province).stdout) as? [String: Any])
        #expect(((own["total"] as? [String: Any])?["figures"] as? [String: Int])?["incomingElectronic"] == 0)
        let up = try daemon.cli(["stats", "--agency", "000.00.00.H18"], as: "clerk.xa-na-son")
        #expect(up.status != 0 && up.stderr.contains("not your agency or one under it"))
        for (arguments, error) in [
            (["--from", "2026-13-01"], "YYYY-MM-DD"), (["--from", "2026-12-01", "--to", "2026-01-01"], "is after"),
            (["--by", "week"], "by is month or agency"), (["--agency", "999.99.99.H99"], "no agency has the code"),
        ] {
            let refused = try daemon.cli(["stats"] + arguments, as: province)
            #expect(refused.status != 0 && refused.stderr.contains(error), "\(arguments): \(refused.stderr)")
        }
    }
}
