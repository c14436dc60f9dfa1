import Foundation
import LienThongDomain
import Testing

@Suite("Agency codes, numbers and symbols, statuses, Vietnam time")
struct DocumentRulesTests {
    @Test(arguments: ["000.00.00.H18", "000.01.21.h18", " 000.00.00.G22 "])
    func validAgencyCodes(_ text: String) throws {
        let code = try AgencyCode(text)
        #expect(code.rawValue.count == 13)
        #expect(code.rawValue == code.rawValue.uppercased())
    }

    @Test(arguments: [
        "", "000.00.00.H1", "000.00.00.18H", "00.000.00.H18", "000-00-00-H18", "000.00.0A.H18", "０00.00.00.H18",
    ])
    func invalidAgencyCodes(_ text: String) {
        #expect(throws: DomainError.self) { try AgencyCode(text) }
    }

    @Test func symbolsFollowDecree30() throws {
        let report = try DocumentTypeCatalog().resolve("BC")
        #expect(try NumberAndSymbol(number: 553, type: report, issuerAbbreviation: "UBND").description == "553/BC-UBND")
        let directive = try DocumentTypeCatalog().resolve("CT")
        #expect(try NumberAndSymbol(number: 1, type: directive, issuerAbbreviation: "UBND").description == "01/CT-UBND")
        #expect(try NumberAndSymbol(number: 9, type: directive, issuerAbbreviation: "UBND").description == "09/CT-UBND")
        #expect(
            try NumberAndSymbol(number: 10, type: directive, issuerAbbreviation: "UBND").description == "10/CT-UBND")
        let letter = try DocumentTypeCatalog().resolve("CV")
        #expect(
            try NumberAndSymbol(number: 47, type: letter, issuerAbbreviation: "UBND", draftingUnit: "TTr").description
                == "47/UBND-TTr")
    }

    @Test func symbolsRefuseSpacesAndAMissingDraftingUnit() throws {
        let letter = DocumentType.officialLetter
        #expect(throws: DomainError.self) { try NumberAndSymbol(number: 1, type: letter, issuerAbbreviation: "UBND") }
        #expect(throws: DomainError.self) {
            try NumberAndSymbol(number: 1, type: letter, issuerAbbreviation: "UBND", draftingUnit: "T Tr")
        }
        #expect(throws: DomainError.self) {
            try NumberAndSymbol(number: 0, type: .standard[0], issuerAbbreviation: "UBND")
        }
        #expect(throws: DomainError.self) {
            try NumberAndSymbol(number: 1, type: .standard[0], issuerAbbreviation: String(repeating: "X", count: 30))
        }
    }

    @Test func typesResolveInNFCAndNFDAndAgencyTypesAreAccepted() throws {
        let catalog = DocumentTypeCatalog(additional: [DocumentType(name: "Kết luận", abbreviation: "KL")])
        let composed = "Quyết định"
        let decomposed = composed.decomposedStringWithCanonicalMapping
        #expect(composed.unicodeScalars.count != decomposed.unicodeScalars.count)
        #expect(try catalog.resolve(decomposed).name == "Quyết định")
        #expect(try catalog.resolve("KL").name == "Kết luận")
        #expect(try catalog.resolve("chỉ thị").abbreviation == "CT")
        #expect(throws: DomainError.self) { try DocumentTypeCatalog().resolve("KL") }
    }

    @Test(arguments: [
        "../etc/passwd", "a/b.pdf", "a\\b.pdf", "..", "", "bad\u{0}name.pdf", "tab\tname.pdf",
        String(repeating: "ế", count: 67), "manifest.json", "Identity.json", ".bashrc", "a.pdf.p7s",
        "hoa-don\u{202E}fdp.exe", "an\u{200F}toan.pdf",
    ])
    func unsafeFileNamesAreRefused(_ name: String) {
        #expect(throws: DomainError.self) { try DocumentFileName.check(name) }
    }

    @Test func vietnameseFileNamesAreKeptInNFC() throws {
        #expect(try DocumentFileName.check("Chỉ thị 12-CT-UBND.pdf") == "Chỉ thị 12-CT-UBND.pdf")
        let decomposed = "Quyết định.pdf".decomposedStringWithCanonicalMapping
        #expect(
            Array(try DocumentFileName.check(decomposed).utf8)
                == Array("Quyết định.pdf".precomposedStringWithCanonicalMapping.utf8))
        #expect(try DocumentFileName.check(String(repeating: "a", count: 196) + ".pdf").utf8.count == 200)
    }

    @Test func aRefusedRecallReturnsToTheStatusBeforeIt() {
        #expect(DeliveryStatus.inForce(after: [.arrived, .recallRequested, .recallRefused]) == .arrived)
        #expect(DeliveryStatus.inForce(after: [.arrived, .accepted, .recallRequested, .recallRefused]) == .accepted)
        #expect(
            DeliveryStatus.inForce(after: [
                .arrived, .accepted, .assigned, .recallRequested, .recallRefused,
                .recallRequested, .recallRefused,
            ]) == .assigned)
        #expect(DeliveryStatus.inForce(after: [.arrived, .accepted]) == .accepted)
    }

    @Test func controlAndBidiOverrideCharactersAreRefused() throws {
        #expect(throws: DomainError.self) { try FieldLimit.subject.check("Về việc\u{0000} giả mạo") }
        #expect(throws: DomainError.self) { try FieldLimit.subject.check("hoa-don\u{202E}fdp.exe") }
        #expect(throws: DomainError.self) { try FieldLimit.subject.check("hai\ndòng") }
        #expect(try FieldLimit.notes.check("dòng một\ndòng hai") == "dòng một\ndòng hai")
        #expect(throws: DomainError.self) { try FieldLimit.notes.check("chuông\u{0007}") }
    }

    @Test func lengthsAreCountedInCharactersAfterNFC() throws {
        let subject = String(repeating: "ệ", count: 500).decomposedStringWithCanonicalMapping
        #expect(subject.unicodeScalars.count > 500)
        #expect(try FieldLimit.subject.check(subject).count == 500)
        #expect(throws: DomainError.tooLong(field: FieldLimit.subject.field, limit: 500, actual: 501)) {
            try FieldLimit.subject.check(subject + "a")
        }
        #expect(throws: DomainError.missing(field: FieldLimit.subject.field)) {
            try FieldLimit.subject.check("  ", required: true)
        }
    }

    @Test func secretDocumentsAreRefused() {
        for secrecy in [Secrecy.confidential, .secret, .topSecret] {
            #expect(throws: DomainError.secretDocument(secrecy.vietnameseName)) { try secrecy.requireOrdinary() }
        }
        #expect(throws: Never.self) { try Secrecy.none.requireOrdinary() }
    }

    @Test func urgencyParsesVietnameseAndEnglish() throws {
        #expect(try Urgency(parsing: "Hỏa tốc") == .flash)
        #expect(try Urgency(parsing: "khan") == .urgent)
        #expect(try Urgency(parsing: "2") == .veryUrgent)
        #expect(throws: DomainError.self) { try Urgency(parsing: "ngay") }
    }

    @Test func statusTransitionsFollowTheTrail() throws {
        #expect(try DeliveryStatus.arrived.transition(to: .accepted) == .accepted)
        #expect(try DeliveryStatus.arrived.transition(to: .rejected) == .rejected)
        #expect(try DeliveryStatus.accepted.transition(to: .completed) == .completed)
        // No completion before registration, nothing after a rejection.
        #expect(
            throws: DomainError.transitionNotAllowed(
                from: .arrived, to: .completed, allowed: [.rejected, .accepted, .recallRequested])
        ) {
            try DeliveryStatus.arrived.transition(to: .completed)
        }
        #expect(throws: DomainError.self) { try DeliveryStatus.rejected.transition(to: .completed) }
        #expect(throws: DomainError.self) { try DeliveryStatus.accepted.transition(to: .accepted) }
        #expect(DeliveryStatus.allCases.map(\.code) == ["01", "02", "03", "04", "05", "06", "13", "15", "16"])
    }

    @Test func theYearOfANumberIsTheYearInVietnam() throws {
        let formatter = ISO8601DateFormatter()
        let lastMinuteOfYear = try #require(formatter.date(from: "2026-12-31T16:30:00Z"))  // 23:30 +07:00
        let firstMinuteOfYear = try #require(formatter.date(from: "2026-12-31T17:00:00Z"))  // 00:00 +07:00
        #expect(VietnamTime.year(of: lastMinuteOfYear) == 2026)
        #expect(VietnamTime.year(of: firstMinuteOfYear) == 2027)
        #expect(VietnamTime.iso8601(lastMinuteOfYear) == "2026-12-31T23:30:00+07:00")
    }

    /// The hand-written formatter agrees with Foundation's at every kind of moment: before 1970,
    /// single digits, the last second of a day, in UTC and in +07:00.
    @Test func timesAreWrittenAsFoundationWritesThem() {
        let utc = ISO8601DateFormatter()
        let vietnam = ISO8601DateFormatter()
        vietnam.timeZone = VietnamTime.zone
        var random = SystemRandomNumberGenerator()
        let moments =
            [-2_208_988_800, -1, 0, 86_399, 1_798_736_399, 4_102_444_799]
            + (0..<500).map { _ in Int.random(in: -2_208_988_800...4_102_444_799, using: &random) }
        for seconds in moments {
            let date = Date(timeIntervalSince1970: TimeInterval(seconds))
            #expect(VietnamTime.iso8601(date, utc: true) == utc.string(from: date))
            #expect(VietnamTime.iso8601(date) == vietnam.string(from: date))
        }
    }
}
