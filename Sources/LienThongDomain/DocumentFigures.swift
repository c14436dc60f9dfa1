/// The counts the district is scored on, for one agency or a group of them over a period: the
/// parts every ratio is made of, so that a ratio's definition can change without recounting.
///
/// Documents are counted on the day they were issued (outgoing) or arrived (incoming); deadlines
/// on the day they fall due. Secret documents, which only travel on paper, are left out of every
/// count and only tallied in ``secretExcluded``.
public struct DocumentFigures: Sendable, Codable, Equatable {
    public var outgoingElectronic = 0
    public var outgoingPaper = 0
    public var incomingElectronic = 0
    public var incomingPaper = 0
    /// Outgoing electronic documents whose main file carries the person's signature and the agency's seal.
    public var signerAndSeal = 0
    /// Outgoing electronic documents that carry the agency's seal alone.
    public var sealOnly = 0
    /// Incoming deliveries whose reply deadline falls in the period.
    public var due = 0
    /// Of those, the ones registered (03) on or before the deadline.
    public var registeredOnTime = 0
    /// Of those, the ones completed (06) on or before the deadline.
    public var completedOnTime = 0
    public var secretExcluded = 0

    public init() {}

    public static func + (lhs: Self, rhs: Self) -> Self {
        var sum = lhs
        sum.outgoingElectronic += rhs.outgoingElectronic
        sum.outgoingPaper += rhs.outgoingPaper
        sum.incomingElectronic += rhs.incomingElectronic
        sum.incomingPaper += rhs.incomingPaper
        sum.signerAndSeal += rhs.signerAndSeal
        sum.sealOnly += rhs.sealOnly
        sum.due += rhs.due
        sum.registeredOnTime += rhs.registeredOnTime
        sum.completedOnTime += rhs.completedOnTime
        sum.secretExcluded += rhs.secretExcluded
        return sum
    }
}

/// How each ratio is defined. Provinces score differently from year to year, so each choice is a
/// setting, and the output names the definition it used.
public struct RatioDefinitions: Sendable, Codable, Equatable {
    /// Which documents the electronic ratio counts.
    public enum ElectronicBase: String, Sendable, Codable, CaseIterable {
        case outgoing, incoming, both
    }
    /// What counts as digitally signed.
    public enum SignedMeaning: String, Sendable, Codable, CaseIterable {
        /// The person's signature and the agency's seal, both.
        case signerAndSeal = "signer-and-seal"
        /// At least the agency's seal.
        case seal
    }
    /// What the signed ratio divides by.
    public enum SignedBase: String, Sendable, Codable, CaseIterable {
        /// Outgoing electronic documents.
        case electronic
        /// Every outgoing document, paper too.
        case all
    }
    /// What a delivery must reach by its deadline to be on time.
    public enum OnTimeMeaning: String, Sendable, Codable, CaseIterable {
        /// Completed (06).
        case completed
        /// Registered (03).
        case registered
    }

    public var electronic: ElectronicBase
    public var signed: SignedMeaning
    public var signedBase: SignedBase
    public var onTime: OnTimeMeaning

    public init(
        electronic: ElectronicBase = .outgoing, signed: SignedMeaning = .signerAndSeal,
        signedBase: SignedBase = .all, onTime: OnTimeMeaning = .completed
    ) {
        self.electronic = electronic
        self.signed = signed
        self.signedBase = signedBase
        self.onTime = onTime
    }

    /// Reads the configuration's `ratioDefinitions`; a key left out keeps its default.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let defaults = RatioDefinitions()
        electronic = try c.decodeIfPresent(ElectronicBase.self, forKey: .electronic) ?? defaults.electronic
        signed = try c.decodeIfPresent(SignedMeaning.self, forKey: .signed) ?? defaults.signed
        signedBase = try c.decodeIfPresent(SignedBase.self, forKey: .signedBase) ?? defaults.signedBase
        onTime = try c.decodeIfPresent(OnTimeMeaning.self, forKey: .onTime) ?? defaults.onTime
    }

    /// The three ratios of `figures`, each with its definition in words; a ratio over nothing is nil.
    public func ratios(_ figures: DocumentFigures) -> [Ratio] {
        let f = figures
        let (electronicCount, electronicTotal, electronicWhich): (Int, Int, String) =
            switch electronic {
            case .outgoing: (f.outgoingElectronic, f.outgoingElectronic + f.outgoingPaper, "outgoing documents")
            case .incoming: (f.incomingElectronic, f.incomingElectronic + f.incomingPaper, "incoming documents")
            case .both:
                (
                    f.outgoingElectronic + f.incomingElectronic,
                    f.outgoingElectronic + f.outgoingPaper + f.incomingElectronic + f.incomingPaper,
                    "documents in and out"
                )
            }
        let signedCount = signed == .signerAndSeal ? f.signerAndSeal : f.signerAndSeal + f.sealOnly
        let signedTotal = signedBase == .electronic ? f.outgoingElectronic : f.outgoingElectronic + f.outgoingPaper
        let onTimeCount = onTime == .completed ? f.completedOnTime : f.registeredOnTime
        return [
            Ratio(
                name: "electronic", numerator: electronicCount, denominator: electronicTotal,
                definition:
                    "\(electronicWhich) exchanged electronically ÷ all \(electronicWhich), paper included (electronic=\(electronic.rawValue)); secret documents excluded"
            ),
            Ratio(
                name: "signed", numerator: signedCount, denominator: signedTotal,
                definition: (signed == .signerAndSeal
                    ? "outgoing documents signed by the person and sealed by the agency"
                    : "outgoing documents sealed by the agency")
                    + " ÷ "
                    + (signedBase == .electronic
                        ? "outgoing electronic documents" : "all outgoing documents, paper included")
                    + " (signed=\(signed.rawValue), signedBase=\(signedBase.rawValue))"),
            Ratio(
                name: "onTime", numerator: onTimeCount, denominator: f.due,
                definition:
                    "incoming deliveries \(onTime == .completed ? "completed (06)" : "registered (03)") on or before their reply deadline ÷ deliveries whose deadline falls in the period, recalled ones excluded (onTime=\(onTime.rawValue))"
            ),
        ]
    }
}

/// A ratio with its parts, so that a reader can check it.
public struct Ratio: Sendable, Codable, Equatable {
    public var name: String
    public var numerator: Int
    public var denominator: Int
    /// numerator ÷ denominator; nil when there is nothing to divide by.
    public var value: Double?
    public var definition: String

    public init(name: String, numerator: Int, denominator: Int, definition: String) {
        self.name = name
        self.numerator = numerator
        self.denominator = denominator
        self.value = denominator == 0 ? nil : Double(numerator) / Double(denominator)
        self.definition = definition
    }
}
