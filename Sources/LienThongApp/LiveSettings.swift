import Foundation
import LienThongCrypto
import LienThongDomain
import LienThongRegistry
import Logging
import ServiceLifecycle
import Synchronization
import UnixSignals

/// What a running daemon can take again from its files without stopping: trust anchors and CRLs,
/// agency-defined document types, the holiday table, the ratio definitions. Read once per request.
package struct Settings: Sendable {
    package var trust: TrustStore
    package var crls: RevocationEvidence
    package var types: DocumentTypeCatalog
    package var calendar: WorkingDayCalendar
    package var ratios: RatioDefinitions

    /// Reads them from the files `configuration` names.
    package static func load(_ configuration: DaemonConfiguration) throws -> Settings {
        Settings(
            trust: try TrustStore.load([configuration.certsURL.appendingPathComponent("trust")]),
            crls: try RevocationEvidence.load([configuration.certsURL.appendingPathComponent("crl")]),
            types: DocumentTypeCatalog(additional: configuration.documentTypes),
            calendar: try calendar(configuration.holidaysFile),
            ratios: configuration.ratioDefinitions)
    }

    private static func calendar(_ path: String) throws -> WorkingDayCalendar {
        guard FileManager.default.fileExists(atPath: path) else { return WorkingDayCalendar(overrides: .none) }
        do {
            return WorkingDayCalendar(
                overrides: try HolidayOverrides(json: Data(contentsOf: URL(fileURLWithPath: path))))
        } catch {
            throw ConfigurationError("\(path): \(error)")
        }
    }
}

/// The current ``Settings``, swapped whole on a reload so that a request never sees half of each.
package final class LiveSettings: Sendable {
    private let settings: Mutex<Settings>

    package init(_ settings: Settings) { self.settings = Mutex(settings) }

    package var current: Settings { settings.withLock { $0 } }

    package func replace(with settings: Settings) { self.settings.withLock { $0 = settings } }
}

/// SIGHUP reloads the configuration file and what it names; a file that does not load leaves the
/// running settings as they were, and says why in the log. Each reload is in the audit log.
package struct ConfigurationReloader: Service {
    package let file: String?
    package let live: LiveSettings
    package let registry: Registry
    package let logger: Logger

    package func run() async throws {
        for await _ in await UnixSignalsSequence(trapping: UnixSignal.sighup).cancelOnGracefulShutdown() {
            do {
                let configuration = try DaemonConfiguration.load(
                    file: file, environment: ProcessInfo.processInfo.environment)
                let settings = try Settings.load(configuration)
                live.replace(with: settings)
                let detail =
                    "\(settings.trust.anchors.count) trust anchors, \(settings.crls.crls.count) CRLs, "
                    + "\(settings.types.types.count) document types"
                try await registry.audit.record(actor: "lienthongd", action: "configuration.reloaded", detail: detail)
                logger.notice(
                    "configuration reloaded on SIGHUP",
                    metadata: [
                        "anchors": "\(settings.trust.anchors.count)", "crls": "\(settings.crls.crls.count)",
                        "types": "\(settings.types.types.count)",
                    ])
            } catch {
                logger.error(
                    "configuration NOT reloaded on SIGHUP; the running settings stay as they were",
                    metadata: ["reason": "\(error)"])
            }
        }
    }
}
