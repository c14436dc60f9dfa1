import Foundation
import LienThongTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The built executables: next to the test bundle, where `swift build` and `swift test` put them.
enum Binaries {
    static let directory: URL = {
        let candidates = [
            URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent(),
            URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                .deletingLastPathComponent()
                .appendingPathComponent(".build/debug"),
        ]
        return candidates.first {
            FileManager.default.isExecutableFile(atPath: $0.appendingPathComponent("lienthongd").path)
        }
            ?? candidates[0]
    }()

    static func url(_ name: String) -> URL { directory.appendingPathComponent(name) }
}

struct Run {
    let status: Int32
    let stdout: String
    let stderr: String
}

/// Runs a program to completion with the given environment additions.
func run(_ executable: URL, _ arguments: [String], in directory: URL, environment: [String: String] = [:]) throws -> Run
{
    let process = Process()
    process.executableURL = executable
    process.arguments = arguments
    process.currentDirectoryURL = directory
    process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
    let out = Pipe()
    let err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    // Read both pipes concurrently so neither can fill up and block the child.
    nonisolated(unsafe) var errData = Data()
    let reader = Thread { errData = err.fileHandleForReading.readDataToEndOfFile() }
    reader.start()
    let outData = out.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    while !reader.isFinished { Thread.sleep(forTimeInterval: 0.01) }
    return Run(
        status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
        stderr: String(decoding: errData, as: UTF8.self))
}

/// The demo setup a first start makes (PKI, directory, users, tokens), made once per test run by a
/// daemon started and stopped for it; every daemon under test but those that test the first start
/// begins from a copy.
enum DemoTemplate {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    static let directory: Result<URL, Failure> = Result {
        let daemon = try DaemonUnderTest(freshSetup: true)
        daemon.process.terminate()
        daemon.process.waitUntilExit()
        let template = FileManager.default.temporaryDirectory.appendingPathComponent(
            "lienthong-e2e-template-\(UUID().uuidString)")
        try FileManager.default.copyItem(at: daemon.workspace, to: template)
        return template
    }.mapError { Failure(description: "the demo setup could not be made once: \($0)") }
}

/// One daemon for all the tests of a suite whose tests do not depend on each other's documents: started before the
/// suite's first test and stopped after its last. The suite's tests find it in `SharedDaemon.current`.
struct SharedDaemon: SuiteTrait, TestScoping {
    let environment: [String: String]

    @TaskLocal static var current: DaemonUnderTest?

    func provideScope(
        for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void
    ) async throws {
        let daemon = try DaemonUnderTest(environment: environment)
        try await Self.$current.withValue(daemon) { try await function() }
    }
}

extension Trait where Self == SharedDaemon {
    /// One daemon for the suite, with these settings (`LIENTHONG_…` variables).
    static func sharedDaemon(_ environment: [String: String] = [:]) -> Self { SharedDaemon(environment: environment) }
}

/// A real `lienthongd` on a free loopback port, with its own data and certificate directories.
final class DaemonUnderTest: @unchecked Sendable {
    let workspace: URL
    let process = Process()
    private(set) var port = 0
    private let log: URL

    /// - Parameter freshSetup: whether the daemon makes its demo setup itself, as on a new machine;
    ///   otherwise it starts from a copy of the one made once for the whole test run (`DemoTemplate`):
    ///   sixteen RSA keys a daemon took most of the suite's CPU.
    init(environment extra: [String: String] = [:], freshSetup: Bool = false) throws {
        workspace = FileManager.default.temporaryDirectory.appendingPathComponent("lienthong-e2e-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: workspace, withIntermediateDirectories: true)
        let ownDirectories = ["LIENTHONG_DATA_DIRECTORY", "LIENTHONG_CERTS_DIRECTORY", "LIENTHONG_DEMO"]
        if !freshSetup, !ownDirectories.contains(where: { extra[$0] != nil }) {
            let template = try DemoTemplate.directory.get()
            for name in ["data", "Certs"] {
                try FileManager.default.copyItem(
                    at: template.appendingPathComponent(name), to: workspace.appendingPathComponent(name))
            }
        }
        log = workspace.appendingPathComponent("daemon.log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        process.executableURL = Binaries.url("lienthongd")
        process.currentDirectoryURL = workspace
        process.environment = ProcessInfo.processInfo.environment.merging(
            [
                "LIENTHONG_PORT": "0",
                "LIENTHONG_DATA_DIRECTORY": workspace.appendingPathComponent("data").path,
                "LIENTHONG_CERTS_DIRECTORY": workspace.appendingPathComponent("Certs").path,
                "LIENTHONG_HOLIDAYS_FILE": workspace.appendingPathComponent("no-holidays.json").path,
                // The suites about other things send as a clerk naming the signer; SignerApprovalTests
                // and the walkthrough run with the default, `required`.
                "LIENTHONG_SIGNER_APPROVAL": "optional",
            ].merging(extra) { $1 }
        ) { $1 }
        let handle = try FileHandle(forWritingTo: log)
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        port = try waitForPort()
    }

    deinit {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(at: workspace)
    }

    var logText: String { (try? String(contentsOf: log, encoding: .utf8)) ?? "" }

    /// Sends SIGHUP and waits until the log shows `line` once more.
    func hangUp(waitingFor line: String) async throws {
        let before = logText.components(separatedBy: line).count
        kill(process.processIdentifier, SIGHUP)
        let deadline = Date().addingTimeInterval(20)
        while logText.components(separatedBy: line).count == before, Date() < deadline {
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(logText.components(separatedBy: line).count > before, "\(logText.suffix(1500))")
    }

    private func waitForPort() throws -> Int {
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            if let match = logText.firstMatch(of: /serving on https?:\/\/127\.0\.0\.1:(\d+)/), let port = Int(match.1) {
                return port
            }
            guard process.isRunning else { break }
            Thread.sleep(forTimeInterval: 0.1)
        }
        throw DaemonFailure(log: logText)
    }

    struct DaemonFailure: Error, CustomStringConvertible {
        let log: String
        var description: String { "lienthongd did not start:\n\(log)" }
    }

    func token(_ user: String) -> String { workspace.appendingPathComponent("data/tokens/\(user).token").path }

    var trustAnchor: String { workspace.appendingPathComponent("Certs/trust/demo-root-ca.pem").path }

    /// Runs the CLI in the workspace as `user` (a demo username) against this daemon.
    func cli(_ arguments: [String], as user: String? = nil) throws -> Run {
        var environment = ["LIENTHONG_SERVER": "http://127.0.0.1:\(port)", "XDG_CONFIG_HOME": workspace.path]
        if let user { environment["LIENTHONG_TOKEN_FILE"] = token(user) }
        return try run(Binaries.url("lienthong"), arguments, in: workspace, environment: environment)
    }

    /// One HTTP request to this daemon as `user` (a demo username), or without a token.
    func http(
        _ method: String, _ path: String, body: Data? = nil, as user: String? = nil, token: String? = nil,
        headers: [String: String] = [:]
    ) async throws -> LoopbackHTTP.Answer {
        try await LoopbackHTTP(port: port, tokens: workspace.appendingPathComponent("data/tokens"))(
            method, path, body: body, as: user, token: token, headers: headers)
    }

    /// Bytes written as they are to the daemon's port, and everything it answers until it closes:
    /// for requests no HTTP client will send (URLSession refuses a 1 MB header).
    func raw(_ request: [UInt8]) throws -> String {
        let connection = try RawConnection(port: port)
        connection.send(request)
        return connection.readAll(waiting: 30)
    }

    func write(_ name: String, _ text: String) throws -> String {
        let url = workspace.appendingPathComponent(name)
        try Data(text.utf8).write(to: url)
        return url.path
    }

    func path(_ name: String) -> String { workspace.appendingPathComponent(name).path }
}

func json(_ text: String) throws -> Any {
    try JSONSerialization.jsonObject(with: Data(text.utf8))
}

/// A TCP port nothing listens on right now.
func freePort() throws -> Int {
    let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(socket) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
            bind(socket, $0, length) == 0 && getsockname(socket, $0, &length) == 0
        }
    }
    guard bound else { throw DaemonUnderTest.DaemonFailure(log: "no free port") }
    return Int(UInt16(bigEndian: address.sin_port))
}
