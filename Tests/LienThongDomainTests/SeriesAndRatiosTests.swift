import Testing

@testable import LienThongDomain

@Suite("Number series and the district's ratios")
struct SeriesAndRatiosTests {
    let decision = DocumentType(name: "Quyết định", abbreviation: "QĐ")

    @Test func copiesAndAdvisoryBodiesHaveTheirOwnRegisterAndSymbol() throws {
        #expect(try NumberSeries(parsing: "main") == .main)
        #expect(try NumberSeries(parsing: "copy") == .copy(.certified))
        #expect(try NumberSeries(parsing: "copy:sl") == .copy(.transcribed))
        #expect(try NumberSeries(parsing: "advisory:HĐTĐ") == .advisory("HĐTĐ"))
        // Every form of copy counts in one register; each advisory body in its own.
        #expect(NumberSeries.copy(.extract).register == NumberSeries.copy(.certified).register)
        #expect(NumberSeries.advisory("HĐTĐ").register != NumberSeries.advisory("BCĐ").register)
        #expect(
            try NumberAndSymbol(number: 5, type: decision, issuerAbbreviation: "UBND", series: .copy(.certified))
                .description == "05/SY-UBND")
        #expect(
            try NumberAndSymbol(number: 12, type: decision, issuerAbbreviation: "UBND", series: .advisory("HĐTĐ"))
                .description == "12/QĐ-HĐTĐ")
        #expect(
            try NumberAndSymbol(
                number: 3, type: .officialLetter, issuerAbbreviation: "UBND", draftingUnit: "VP",
                series: .copy(.extract)
            ).description == "03/TS-UBND")
    }

    @Test(arguments: ["copy:XX", "advisory:", "advisory:HĐ TĐ", "advisory:A/B", "archive"])
    func aSeriesThatIsNotOneOfDecree30sIsRefused(_ text: String) {
        #expect(throws: DomainError.self) { try NumberSeries(parsing: text) }
    }

    /// 60 outgoing electronic (50 signed and sealed, 6 sealed only), 40 paper; 30 incoming
    /// electronic, 10 paper; 20 deadlines, 12 registered and 9 completed in time.
    var figures: DocumentFigures {
        var f = DocumentFigures()
        f.outgoingElectronic = 60
        f.outgoingPaper = 40
        f.incomingElectronic = 30
        f.incomingPaper = 10
        f.signerAndSeal = 50
        f.sealOnly = 6
        f.due = 20
        f.registeredOnTime = 12
        f.completedOnTime = 9
        return f
    }

    @Test func eachDefinitionGivesItsOwnRatio() {
        func values(_ definitions: RatioDefinitions) -> [Int?] {
            definitions.ratios(figures).map { $0.value.map { Int(($0 * 1000).rounded()) } }
        }
        #expect(values(RatioDefinitions()) == [600, 500, 450])
        #expect(
            values(RatioDefinitions(electronic: .incoming, signed: .seal, signedBase: .electronic, onTime: .registered))
                == [750, 933, 600])
        #expect(
            values(RatioDefinitions(electronic: .both, signed: .signerAndSeal, signedBase: .electronic)) == [
                643, 833, 450,
            ])
        #expect(RatioDefinitions().ratios(DocumentFigures()).allSatisfy { $0.value == nil })
        #expect(RatioDefinitions(signed: .seal).ratios(figures)[1].definition.contains("signed=seal"))
    }
}

/// The rules of the figures, apart from the tables that keep them.
@Suite("Figure rules: what a filing and a status change count")
struct FigureRulesTests {
    @Test func aFileCountsAsSignedOnlyWithTheAgencysSeal() {
        #expect(FigureRules.signatures(signer: true, seal: true) == \.signerAndSeal)
        #expect(FigureRules.signatures(signer: false, seal: true) == \.sealOnly)
        #expect(FigureRules.signatures(signer: true, seal: false) == nil)
    }

    @Test func onTimeIsOnOrBeforeTheDeadlineAndAnAcceptedRecallTakesItBack() {
        let counted = { (next: DeliveryStatus, day: String, registered: String?) in
            FigureRules.onTime(to: next, on: day, deadline: "2026-12-15", registeredOn: registered)
                .map {
                    "\($0.counter == \.registeredOnTime ? "registered" : $0.counter == \.completedOnTime ? "completed" : $0.counter == \.due ? "due" : "?")\($0.delta)"
                }
        }
        #expect(counted(.accepted, "2026-12-15", nil) == ["registered1"])
        #expect(counted(.accepted, "2026-12-16", nil).isEmpty)
        #expect(counted(.completed, "2026-12-01", nil) == ["completed1"])
        #expect(counted(.completed, "2026-12-20", nil).isEmpty)
        #expect(counted(.recallAccepted, "2026-12-20", "2026-12-10") == ["due-1", "registered-1"])
        #expect(counted(.recallAccepted, "2026-12-20", "2026-12-16") == ["due-1"])
        #expect(counted(.recallAccepted, "2026-12-20", nil) == ["due-1"])
        #expect(counted(.assigned, "2026-12-01", nil).isEmpty)
        #expect(DeliveryStatus.allCases.filter(\.freezesDocument) == [.recallAccepted])
    }
}
