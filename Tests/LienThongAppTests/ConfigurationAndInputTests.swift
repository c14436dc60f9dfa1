import Foundation
import LienThongAPI
import LienThongDomain
import Testing

@testable import LienThongApp

@Suite("Daemon configuration and input checks")
struct ConfigurationAndInputTests {
    func configFile(_ json: String) throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("lienthong-\(UUID().uuidString).json")
        try Data(json.utf8).write(to: url)
        return url.path
    }

    @Test func theFileIsReadAndTheEnvironmentWins() throws {
        let path = try configFile(#"{"port": 9000, "dataDirectory": "/srv/lt", "signingRSAPadding": "pkcs1v15"}"#)
        let configuration = try DaemonConfiguration.load(
            file: path, environment: ["LIENTHONG_PORT": "9100", "LIENTHONG_DEMO": "false"])
        #expect(configuration.port == 9100)
        #expect(configuration.dataDirectory == "/srv/lt")
        #expect(configuration.signingRSAPadding == .pkcs1v15)
        #expect(configuration.demo == false)
        #expect(configuration.host == "127.0.0.1")
    }

    @Test func everySettingHasItsEnvironmentVariable() {
        #expect(DaemonConfiguration.variable(.dataDirectory) == "LIENTHONG_DATA_DIRECTORY")
        #expect(DaemonConfiguration.variable(.signingRSAPadding) == "LIENTHONG_SIGNING_RSA_PADDING")
        #expect(DaemonConfiguration.variable(.maxUploadBytes) == "LIENTHONG_MAX_UPLOAD_BYTES")
        #expect(DaemonConfiguration.variable(.keyPassphraseFile) == "LIENTHONG_KEY_PASSPHRASE_FILE")
    }

    @Test func theDefaultsAreTheSafeOnes() throws {
        let configuration = try DaemonConfiguration.load(file: try configFile("{}"), environment: [:])
        #expect(configuration.signerApproval == .required)
        #expect(configuration.timeStampFallback == .fail)
    }

    @Test func ratioDefinitionsKeepTheirDefaultsForKeysLeftOut() throws {
        let configuration = try DaemonConfiguration.load(
            file: try configFile(#"{"ratioDefinitions": {"onTime": "registered"}}"#), environment: [:])
        #expect(configuration.ratioDefinitions == RatioDefinitions(onTime: .registered))
    }

    @Test(arguments: [
        (#"{"port": "eighty"}"#, [String: String](), "port should be a whole number"),
        ("{", [:], "not valid JSON"),
        ("{}", ["LIENTHONG_PORT": "70000"], "LIENTHONG_PORT=70000 is not valid"),
        ("{}", ["LIENTHONG_SIGNING_DIGEST": "SHA-1"], "LIENTHONG_SIGNING_DIGEST=SHA-1 is not valid"),
        (#"{"ratioDefinitions": {"electronic": "sideways"}}"#, [:], "ratioDefinitions.electronic"),
        ("{}", ["LIENTHONG_RATIO_DEFINITIONS": "x"], "set ratioDefinitions in the configuration file"),
        ("{}", ["LIENTHONG_RATE_LIMIT_PER_SECOND": "0"], "LIENTHONG_RATE_LIMIT_PER_SECOND=0 is not valid"),
        ("{}", ["LIENTHONG_RATE_LIMIT_BURST": "many"], "LIENTHONG_RATE_LIMIT_BURST=many is not valid"),
        ("{}", ["LIENTHONG_IDLE_TIMEOUT_SECONDS": "-1"], "LIENTHONG_IDLE_TIMEOUT_SECONDS=-1 is not valid"),
        ("{}", ["LIENTHONG_REQUEST_TIMEOUT_SECONDS": "soon"], "LIENTHONG_REQUEST_TIMEOUT_SECONDS=soon is not valid"),
        (#"{"keyPassphraseFile": 7}"#, [:], "keyPassphraseFile should be a string"),
        ("{}", ["LIENTHONG_LOG_FORMAT": "xml"], "LIENTHONG_LOG_FORMAT=xml is not valid"),
        ("{}", ["LIENTHONG_SIGNER_APPROVAL": "sometimes"], "LIENTHONG_SIGNER_APPROVAL=sometimes is not valid"),
        (#"{"signerApproval": "never"}"#, [:], "signerApproval"),
        (#"{"tlsKey": "server.key"}"#, [:], "tlsCertificate and tlsKey go together"),
        ("{}", ["LIENTHONG_TLS_CLIENT_CA": "client-ca.pem"], "tlsClientCA needs HTTPS"),
    ])
    func badConfigurationSaysWhatIsWrong(json: String, environment: [String: String], expected: String) throws {
        let path = try configFile(json)
        #expect {
            try DaemonConfiguration.load(file: path, environment: environment)
        } throws: { "\($0)".contains(expected) }
    }

    @Test func aMissingNamedFileIsAnError() {
        #expect(throws: ConfigurationError.self) {
            try DaemonConfiguration.load(file: "/nonexistent/lienthong.json", environment: [:])
        }
    }

    @Test func secrecyMarksAreRecognisedInVietnamese() throws {
        #expect(try DocumentService.secrecy("Tối mật") == .secret)
        #expect(try DocumentService.secrecy("Mật".decomposedStringWithCanonicalMapping) == .confidential)
        #expect(try DocumentService.secrecy(nil) == .none)
        #expect(throws: (any Error).self) { try DocumentService.secrecy("bí mật lắm") }
    }

    @Test func lateIsCountedInVietnameseWorkingDays() throws {
        let calendar = WorkingDayCalendar()
        func late(_ deadline: String, _ today: String, within: Int = 0) -> Int? {
            DocumentService.workingDaysLate(
                deadline: CivilDate(iso: deadline)!, today: CivilDate(iso: today)!, within: within, calendar: calendar)
        }
        #expect(late("2026-11-13", "2026-11-20") == 5)
        #expect(late("2026-11-20", "2026-11-20") == 0)
        #expect(late("2026-11-25", "2026-11-20", within: 2) == nil)
        #expect(late("2026-11-25", "2026-11-20", within: 3) == -3)
        // Tết Bính Ngọ: 16–20 February 2026 are days off, so Friday 13 is one working day late on Monday 23.
        #expect(late("2026-02-13", "2026-02-23") == 1)
    }

    @Test func tokensAreRandomAndStoredOnlyAsHashes() {
        let a = Tokens.generate()
        let b = Tokens.generate()
        #expect(a != b && a.hasPrefix("lt_") && a.count > 40)
        #expect(Tokens.hash(a).count == 64 && Tokens.hash(a) != a)
    }
}
