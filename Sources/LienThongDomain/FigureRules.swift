/// The rules by which a filing or a status change moves the counts of ``DocumentFigures``: kept apart from the
/// tables that hold the counts, so that the registry applies them and does not decide them. Days are
/// `YYYY-MM-DD` in Vietnam, compared as text.
public enum FigureRules {
    /// The signature count a main file's signatures add to: a person's signature with the agency's seal, the
    /// seal alone, or none: a file without the seal is not digitally signed by the agency.
    public static func signatures(signer: Bool, seal: Bool) -> WritableKeyPath<DocumentFigures, Int>? {
        guard seal else { return nil }
        return signer ? \.signerAndSeal : \.sealOnly
    }

    /// What a delivery with a deadline moving to `next` on `day` does to the counts of the deadline's day:
    /// registering (03) or completing (06) on or before the deadline counts as on time; an accepted recall (15)
    /// takes the delivery out of the due count, and out of the registered-on-time count when it was registered
    /// (`registeredOn`) on time.
    public static func onTime(
        to next: DeliveryStatus, on day: String, deadline: String, registeredOn: String?
    ) -> [(counter: WritableKeyPath<DocumentFigures, Int>, delta: Int)] {
        switch next {
        case .accepted where day <= deadline: [(\.registeredOnTime, 1)]
        case .completed where day <= deadline: [(\.completedOnTime, 1)]
        case .recallAccepted:
            [(\.due, -1)] + (registeredOn.map { $0 <= deadline } == true ? [(\.registeredOnTime, -1)] : [])
        default: []
        }
    }
}

extension DeliveryStatus {
    /// A recipient accepting a recall (15) freezes the sender's record of the document: it is kept, and changes
    /// no more.
    public var freezesDocument: Bool { self == .recallAccepted }
}
