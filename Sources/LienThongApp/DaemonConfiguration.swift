import Foundation
import LienThongCrypto
import LienThongDomain
import LienThongPDF

/// The daemon's settings: `Config/lienthong.json` (or `--config FILE`), each overridable by an
/// environment variable `LIENTHONG_…` named after it (`port` → `LIENTHONG_PORT`,
/// `dataDirectory` → `LIENTHONG_DATA_DIRECTORY`).
///
/// Relative paths are resolved against the working directory the daemon was started in.
package struct DaemonConfiguration: Codable, Sendable {
    package var host = "127.0.0.1"
    package var port = 8640
    /// The registry (`registry.sqlite`), stored files and demo tokens.
    package var dataDirectory = "data"
    /// Trust anchors (`trust/`) and the demo PKI (`demo/`).
    package var certsDirectory = "Certs"
    /// On a first start, make a demo PKI, directory and users.
    package var demo = true
    /// Uploads larger than this are refused with 413.
    package var maxUploadBytes: Int64 = 512 << 20
    package var signingDigest: DigestAlgorithm = .sha256
    package var signingRSAPadding: RSAPadding = .pss
    /// The per-year table of days off that the government fixes (Tết, bridge days, swaps).
    package var holidaysFile = "Config/holidays.json"
    /// Types beyond Decree 30's that agencies use, e.g. Kết luận (KL).
    package var documentTypes: [DocumentType] = []
    /// Where every signature's RFC 3161 time stamp comes from: `builtin` (LienThong's own TSA,
    /// also served at `POST /tsa`) or the URL of an external TSA. A send fails if none can be had.
    package var timeStampAuthority = "builtin"
    /// The built-in TSA's certificate chain and key; the demo setup makes them under `demo/`.
    package var tsaCertificate: String?
    package var tsaKey: String?
    /// An OCSP responder to ask about every certificate, instead of the one each certificate names.
    package var ocspResponder: String?
    /// When the TSA cannot be reached: `fail` the send (the default), or send now and add the
    /// time stamps `later`, retrying every `timeStampRetrySeconds`. Never silently without one.
    package var timeStampFallback: TimeStampFallback = .fail
    package var timeStampRetrySeconds = 60
    /// The file whose first line is the passphrase that encrypts every signing key (seals, signers,
    /// the TSA) at rest; `<dataDirectory>/key-passphrase` when not set, which the demo setup makes.
    package var keyPassphraseFile: String?
    /// A connection that sends nothing for this long is closed; a request whose body has not arrived
    /// within `requestTimeoutSeconds` (a client trickling it, say) gets 408.
    package var idleTimeoutSeconds = 60
    package var requestTimeoutSeconds = 600
    /// Requests a second each user (or, before signing in, each address) may make on average, and at once.
    package var rateLimitPerSecond = 100.0
    package var rateLimitBurst = 500
    /// How the district's ratios are defined (`lienthong stats`); each output names the one it used.
    package var ratioDefinitions = RatioDefinitions()
    /// HTTPS: the server's certificate chain and key (PEM; the key may be encrypted with the key
    /// passphrase). With `tlsClientCA`, a client certificate issued under that CA is a second way
    /// in besides tokens: its subject CN names the user.
    package var tlsCertificate: String?
    package var tlsKey: String?
    package var tlsClientCA: String?
    /// `text` for people at a terminal, `json` (one object a line) for a log collector.
    package var logFormat: LogFormat = .text
    /// `required`: a signer's key signs only a file that signer approved (`lienthong approve`).
    /// `optional`: a clerk may also name the signer alone, for an agency whose leaders sign through
    /// the clerk by their own internal rule; an approval, when given, is still checked.
    package var signerApproval: SignerApproval = .required
    /// A PDF main document or attachment is signed inside (PAdES) at this level: `B-B`, `B-T`, `B-LT`, `B-LTA`.
    package var pdfLevel: PAdESLevel = .blt
    /// The TrueType font signatures' text is drawn in: Times New Roman or a font metric-compatible with it, with
    /// Vietnamese (Debian's fonts-liberation2).
    package var pdfFont = "/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf"
    /// Where a PDF's signature, number, date and seal go (points from the lower-left corner of the page).
    package var pdfLayout: Decree30Layout = .standard
    /// PDFs up to this size are signed inside; larger ones detached only. A PDF is signed in a working file, only
    /// the parts qpdf reads in memory, so the default is above the upload limit's.
    package var pdfMaxBytes: Int64 = 1 << 30

    package enum LogFormat: String, Codable, Sendable { case text, json }

    package enum SignerApproval: String, Codable, Sendable { case required, optional }

    package enum TimeStampFallback: String, Codable, Sendable { case fail, later }

    package init() {}

    package enum CodingKeys: String, CodingKey {
        case host, port, dataDirectory, certsDirectory, demo, maxUploadBytes, signingDigest, signingRSAPadding
        case holidaysFile, documentTypes, timeStampAuthority, tsaCertificate, tsaKey, ocspResponder
        case timeStampFallback, timeStampRetrySeconds, ratioDefinitions, rateLimitPerSecond, rateLimitBurst,
            keyPassphraseFile
        case idleTimeoutSeconds, requestTimeoutSeconds, tlsCertificate, tlsKey, tlsClientCA, logFormat, signerApproval
        case pdfLevel, pdfFont, pdfLayout, pdfMaxBytes
    }

    package init(from decoder: any Decoder) throws {
        let defaults = DaemonConfiguration()
        let c = try decoder.container(keyedBy: CodingKeys.self)
        host = try c.decodeIfPresent(String.self, forKey: .host) ?? defaults.host
        port = try c.decodeIfPresent(Int.self, forKey: .port) ?? defaults.port
        dataDirectory = try c.decodeIfPresent(String.self, forKey: .dataDirectory) ?? defaults.dataDirectory
        certsDirectory = try c.decodeIfPresent(String.self, forKey: .certsDirectory) ?? defaults.certsDirectory
        demo = try c.decodeIfPresent(Bool.self, forKey: .demo) ?? defaults.demo
        maxUploadBytes = try c.decodeIfPresent(Int64.self, forKey: .maxUploadBytes) ?? defaults.maxUploadBytes
        signingDigest = try c.decodeIfPresent(DigestAlgorithm.self, forKey: .signingDigest) ?? defaults.signingDigest
        signingRSAPadding =
            try c.decodeIfPresent(RSAPadding.self, forKey: .signingRSAPadding) ?? defaults.signingRSAPadding
        holidaysFile = try c.decodeIfPresent(String.self, forKey: .holidaysFile) ?? defaults.holidaysFile
        documentTypes = try c.decodeIfPresent([DocumentType].self, forKey: .documentTypes) ?? defaults.documentTypes
        timeStampAuthority =
            try c.decodeIfPresent(String.self, forKey: .timeStampAuthority) ?? defaults.timeStampAuthority
        tsaCertificate = try c.decodeIfPresent(String.self, forKey: .tsaCertificate)
        tsaKey = try c.decodeIfPresent(String.self, forKey: .tsaKey)
        ocspResponder = try c.decodeIfPresent(String.self, forKey: .ocspResponder)
        timeStampFallback =
            try c.decodeIfPresent(TimeStampFallback.self, forKey: .timeStampFallback) ?? defaults.timeStampFallback
        timeStampRetrySeconds =
            try c.decodeIfPresent(Int.self, forKey: .timeStampRetrySeconds) ?? defaults.timeStampRetrySeconds
        ratioDefinitions =
            try c.decodeIfPresent(RatioDefinitions.self, forKey: .ratioDefinitions) ?? defaults.ratioDefinitions
        rateLimitPerSecond =
            try c.decodeIfPresent(Double.self, forKey: .rateLimitPerSecond) ?? defaults.rateLimitPerSecond
        rateLimitBurst = try c.decodeIfPresent(Int.self, forKey: .rateLimitBurst) ?? defaults.rateLimitBurst
        keyPassphraseFile = try c.decodeIfPresent(String.self, forKey: .keyPassphraseFile)
        idleTimeoutSeconds = try c.decodeIfPresent(Int.self, forKey: .idleTimeoutSeconds) ?? defaults.idleTimeoutSeconds
        requestTimeoutSeconds =
            try c.decodeIfPresent(Int.self, forKey: .requestTimeoutSeconds) ?? defaults.requestTimeoutSeconds
        tlsCertificate = try c.decodeIfPresent(String.self, forKey: .tlsCertificate)
        tlsKey = try c.decodeIfPresent(String.self, forKey: .tlsKey)
        tlsClientCA = try c.decodeIfPresent(String.self, forKey: .tlsClientCA)
        logFormat = try c.decodeIfPresent(LogFormat.self, forKey: .logFormat) ?? defaults.logFormat
        signerApproval = try c.decodeIfPresent(SignerApproval.self, forKey: .signerApproval) ?? defaults.signerApproval
        pdfLevel = try c.decodeIfPresent(PAdESLevel.self, forKey: .pdfLevel) ?? defaults.pdfLevel
        pdfFont = try c.decodeIfPresent(String.self, forKey: .pdfFont) ?? defaults.pdfFont
        pdfLayout = try c.decodeIfPresent(Decree30Layout.self, forKey: .pdfLayout) ?? defaults.pdfLayout
        pdfMaxBytes = try c.decodeIfPresent(Int64.self, forKey: .pdfMaxBytes) ?? defaults.pdfMaxBytes
    }

    /// Reads the file (when it exists, or when it was named explicitly) and then the environment.
    package static func load(file: String?, environment: [String: String]) throws -> DaemonConfiguration {
        let path = file ?? "Config/lienthong.json"
        var configuration = DaemonConfiguration()
        if file != nil || FileManager.default.fileExists(atPath: path) {
            guard let data = FileManager.default.contents(atPath: path) else {
                throw ConfigurationError("cannot read the configuration file \(path)")
            }
            do {
                configuration = try JSONDecoder().decode(DaemonConfiguration.self, from: data)
            } catch {
                throw ConfigurationError("\(path) is not a valid configuration: \(describe(error))")
            }
        }
        try configuration.apply(environment)
        return configuration
    }

    /// The environment variable for each setting.
    package static func variable(_ key: CodingKeys) -> String {
        "LIENTHONG_"
            + key.stringValue
            .replacing(/([a-z])([A-Z])/) { "\($0.1)_\($0.2)" }
            .replacing(/([A-Z])([A-Z][a-z])/) { "\($0.1)_\($0.2)" }  // an acronym ends: RSAPadding → RSA_Padding
            .uppercased()
    }

    package mutating func apply(_ environment: [String: String]) throws {
        func value(_ key: CodingKeys) -> String? { environment[Self.variable(key)] }
        func parsed<T>(_ key: CodingKeys, _ parse: (String) -> T?) throws -> T? {
            guard let text = value(key) else { return nil }
            guard let result = parse(text) else {
                throw ConfigurationError("\(Self.variable(key))=\(text) is not valid")
            }
            return result
        }
        host = value(.host) ?? host
        // 0 asks the system for any free port; the daemon logs the one it got.
        port = try parsed(.port) { Int($0).flatMap { (0...65535).contains($0) ? $0 : nil } } ?? port
        dataDirectory = value(.dataDirectory) ?? dataDirectory
        certsDirectory = value(.certsDirectory) ?? certsDirectory
        demo =
            try parsed(.demo) {
                ["1", "true", "yes"].contains($0.lowercased())
                    ? true : ["0", "false", "no"].contains($0.lowercased()) ? false : nil
            } ?? demo
        maxUploadBytes = try parsed(.maxUploadBytes) { Int64($0).flatMap { $0 > 0 ? $0 : nil } } ?? maxUploadBytes
        signingDigest = try parsed(.signingDigest) { DigestAlgorithm(rawValue: $0) } ?? signingDigest
        signingRSAPadding = try parsed(.signingRSAPadding) { RSAPadding(rawValue: $0) } ?? signingRSAPadding
        holidaysFile = value(.holidaysFile) ?? holidaysFile
        timeStampAuthority = value(.timeStampAuthority) ?? timeStampAuthority
        tsaCertificate = value(.tsaCertificate) ?? tsaCertificate
        tsaKey = value(.tsaKey) ?? tsaKey
        ocspResponder = value(.ocspResponder) ?? ocspResponder
        timeStampFallback = try parsed(.timeStampFallback) { TimeStampFallback(rawValue: $0) } ?? timeStampFallback
        timeStampRetrySeconds =
            try parsed(.timeStampRetrySeconds) { Int($0).flatMap { $0 > 0 ? $0 : nil } } ?? timeStampRetrySeconds
        rateLimitPerSecond =
            try parsed(.rateLimitPerSecond) { Double($0).flatMap { $0 > 0 ? $0 : nil } } ?? rateLimitPerSecond
        rateLimitBurst = try parsed(.rateLimitBurst) { Int($0).flatMap { $0 > 0 ? $0 : nil } } ?? rateLimitBurst
        keyPassphraseFile = value(.keyPassphraseFile) ?? keyPassphraseFile
        idleTimeoutSeconds =
            try parsed(.idleTimeoutSeconds) { Int($0).flatMap { $0 > 0 ? $0 : nil } } ?? idleTimeoutSeconds
        requestTimeoutSeconds =
            try parsed(.requestTimeoutSeconds) { Int($0).flatMap { $0 > 0 ? $0 : nil } } ?? requestTimeoutSeconds
        tlsCertificate = value(.tlsCertificate) ?? tlsCertificate
        tlsKey = value(.tlsKey) ?? tlsKey
        tlsClientCA = value(.tlsClientCA) ?? tlsClientCA
        logFormat = try parsed(.logFormat) { LogFormat(rawValue: $0) } ?? logFormat
        signerApproval = try parsed(.signerApproval) { SignerApproval(rawValue: $0) } ?? signerApproval
        pdfLevel = try parsed(.pdfLevel) { PAdESLevel(rawValue: $0) } ?? pdfLevel
        pdfFont = value(.pdfFont) ?? pdfFont
        pdfMaxBytes = try parsed(.pdfMaxBytes) { Int64($0).flatMap { $0 > 0 ? $0 : nil } } ?? pdfMaxBytes
        guard (tlsCertificate == nil) == (tlsKey == nil) else {
            throw ConfigurationError("tlsCertificate and tlsKey go together: set both for HTTPS, or neither")
        }
        guard tlsClientCA == nil || tlsCertificate != nil else {
            throw ConfigurationError("tlsClientCA needs HTTPS: set tlsCertificate and tlsKey too")
        }
        if timeStampAuthority != "builtin" {
            guard let url = URL(string: timeStampAuthority), ["http", "https"].contains(url.scheme ?? "") else {
                throw ConfigurationError(
                    "timeStampAuthority \"\(timeStampAuthority)\" is neither builtin nor an http(s) URL")
            }
        }
        for key in [CodingKeys.documentTypes, .ratioDefinitions] where value(key) != nil {
            throw ConfigurationError(
                "\(Self.variable(key)) cannot be set from the environment; set \(key.stringValue) in the configuration file"
            )
        }
    }

    package var dataURL: URL { URL(fileURLWithPath: dataDirectory) }
    package var keyPassphraseURL: URL {
        keyPassphraseFile.map { URL(fileURLWithPath: $0) } ?? dataURL.appendingPathComponent("key-passphrase")
    }
    package var certsURL: URL { URL(fileURLWithPath: certsDirectory) }
    package var tsaCertificateURL: URL {
        tsaCertificate.map { URL(fileURLWithPath: $0) } ?? certsURL.appendingPathComponent("demo/tsa.pem")
    }
    package var tsaKeyURL: URL {
        tsaKey.map { URL(fileURLWithPath: $0) } ?? certsURL.appendingPathComponent("demo/tsa.key")
    }
}

package struct ConfigurationError: Error, CustomStringConvertible {
    package let description: String
    package init(_ description: String) { self.description = description }
}

/// A decoding error as one line: where in the JSON, and what was wrong there.
package func describe(_ error: any Error) -> String {
    func path(_ codingPath: [any CodingKey]) -> String {
        codingPath.isEmpty
            ? "the document"
            : codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }
                .joined(separator: ".").replacingOccurrences(of: ".[", with: "[")
    }
    switch error as? DecodingError {
    case .typeMismatch(let type, let context)?:
        let expected =
            switch "\(type)" {
            case "String": "a string"
            case "Int", "Int64": "a whole number"
            case "Bool": "true or false"
            case let name where name.hasPrefix("Array"): "a list"
            case let name where name.hasPrefix("Dictionary"): "an object"
            case let name: name
            }
        return "\(path(context.codingPath)) should be \(expected)"
    case .valueNotFound(_, let context)?:
        return "\(path(context.codingPath)) must not be null"
    case .keyNotFound(let key, let context)?:
        return "\(path(context.codingPath + [key])) is missing"
    case .dataCorrupted(let context)?:
        if context.codingPath.isEmpty { return "the body is not valid JSON" }
        return "\(path(context.codingPath)): \(context.debugDescription)"
    default:
        return "\(error)"
    }
}
