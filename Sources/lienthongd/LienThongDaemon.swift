import ArgumentParser
import Foundation
import LienThongApp
import LienThongHTTP
import Logging

/// `lienthongd`: the document-exchange daemon.
@main
struct LienThongDaemon: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lienthongd",
        abstract: "Receives, numbers, signs, files and delivers official documents between agencies.",
        discussion: """
            Reads Config/lienthong.json (or --config FILE); every setting can be overridden by an
            environment variable LIENTHONG_<SETTING>, e.g. LIENTHONG_PORT=8641, LIENTHONG_DATA_DIRECTORY=/srv/lienthong.
            On a first start with the default configuration it makes a demo PKI, directory and users.
            SIGTERM stops it after the requests in flight; SIGHUP reloads trust anchors, CRLs, document types,
            the holiday table and the ratio definitions.
            """)

    @Option(name: .long, help: "The configuration file (JSON).")
    var config: String?

    func run() async throws {
        let configuration: DaemonConfiguration
        do {
            configuration = try DaemonConfiguration.load(file: config, environment: ProcessInfo.processInfo.environment)
        } catch {
            FileHandle.standardError.write(Data("lienthongd: \(error)\n".utf8))
            throw ExitCode(78)  // EX_CONFIG
        }
        switch configuration.logFormat {
        case .text: LoggingSystem.bootstrap { StreamLogHandler.standardError(label: $0) }
        case .json: LoggingSystem.bootstrap { JSONLogHandler(label: $0) }
        }
        var logger = Logger(label: "lienthongd")
        logger.logLevel = .info
        do {
            try await Daemon(configuration: configuration, file: config).run(logger: logger)
        } catch {
            FileHandle.standardError.write(Data("lienthongd: \(error)\n".utf8))
            throw ExitCode.failure
        }
    }
}
