import Foundation
import LienThongAPI
import LienThongApp
import LienThongRegistry
import LienThongTestSupport
import Testing

/// Every service over an in-memory registry seeded with the demo's agencies and users, with the demo PKI
/// made once per run (``DemoWorkspace``). What a test does to one fixture no other test sees.
struct ServiceFixture {
    let workspace: DemoWorkspace
    let services: Services
    let registry: Registry

    static let province = "000.00.00.H18"
    static let naSon = "000.01.21.H18"
    static let phiNhu = "000.02.21.H18"
    static let retiredDistrict = "000.00.21.H18"

    init(environment: [String: String] = [:], now: @escaping @Sendable () -> Date = Date.init) async throws {
        workspace = try await DemoWorkspace(environment: environment)
        (services, registry) = try await workspace.services(now: now)
    }

    func user(_ username: String) throws -> UserRecord {
        guard let user = try registry.directory.user(username) else { throw Refusal.notFound(username) }
        return user
    }

    /// Uploads `text` as the province's clerk (or `by`) and returns its SHA-256.
    func upload(_ text: String, by username: String = "clerk.tinh-dien-bien") async throws -> String {
        try await upload(Data(text.utf8), by: username)
    }

    func upload(_ data: Data, by username: String = "clerk.tinh-dien-bien") async throws -> String {
        let bytes = Array(data)
        return try await services.uploads.store(declaredSize: Int64(bytes.count), caller: user(username)) { write in
            try bytes.withUnsafeBytes { try write($0) }
        }.sha256
    }

    /// A directive from the province to `to`, sent by its clerk.
    func send(
        to recipients: [String] = [naSon], subject: String = "Về cải cách hành chính", deadline: String? = nil,
        by username: String = "clerk.tinh-dien-bien"
    ) async throws -> DocumentView {
        let sha = try await upload("\(subject) \(UUID())", by: username)
        return try await services.documents.send(
            SendRequest(
                files: [.init(sha256: sha, name: "chi-thi.pdf")], to: recipients, type: "CT", subject: subject,
                deadline: deadline),
            by: user(username))
    }
}

/// Whether `body` throws the refusal `expected` names (by case), for `#expect(throws:)`-like checks on cases with
/// payloads.
func refusal(_ body: () async throws -> some Any) async -> Refusal? {
    do {
        _ = try await body()
        return nil
    } catch let refusal as Refusal {
        return refusal
    } catch {
        return nil
    }
}

/// Records an issue unless `body` is refused by the rule named `rule` (the `Refusal` case, whatever its words).
func expectRefusal(
    _ rule: String, _ comment: Comment, sourceLocation: SourceLocation = #_sourceLocation,
    _ body: () async throws -> some Any
) async {
    let refusal = await refusal(body)
    let refused = refusal.map { Mirror(reflecting: $0).children.first?.label ?? "\($0)" }
    #expect(refused == rule, comment, sourceLocation: sourceLocation)
}
