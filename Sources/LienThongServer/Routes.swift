import Foundation
import Hummingbird
import LienThongAPI
import LienThongCrypto
import LienThongDomain
import LienThongRegistry

/// The `/v1` API: small route groups, each a function of the services it needs.
struct Routes {
    let service: DocumentService
    let registry: Registry
    let blobs: BlobStore
    let restoreNeeds: RestoreNeeds
    let maxUploadBytes: Int64
    let timeStampAuthority: TimeStampAuthority?
    let verification: VerificationService
    let metrics: ServerMetrics
    let limiter: RateLimiter
    /// How many times the per-user limit one address may use: an office's clerks share one address.
    static let usersPerAddress = 10.0
    /// When set, a TLS client certificate can stand for a token.
    let clientCertificates: ClientCertificates?

    func register(on router: Router<LienThongContext>) {
        // Per address, before anything else: a caller with no token or a bad one, or asking the TSA,
        // is slowed as well.
        let byAddress = RateLimitMiddleware(
            limiter: RateLimiter(
                rate: limiter.rate * Self.usersPerAddress, burst: Int(limiter.burst * Self.usersPerAddress)),
            byAddress: true)
        router.get("/healthz") { _, _ in try Self.json(["status": "ok"]) }
        // Ready when the registry answers and the file store takes a write.
        router.get("/readyz") { _, _ in
            do {
                _ = try registry.documentCount()
                let (staged, handle) = try blobs.stagingFile()
                try handle.close()
                blobs.discard(staged)
            } catch {
                throw Problem(
                    "not-ready", status: 503, title: "Not ready",
                    detail: "the registry or the file store does not answer: \(error)")
            }
            return try Self.json(["status": "ready"])
        }
        router.get("/metrics") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(string: try metrics.exposition(registry: registry))))
        }
        if let timeStampAuthority {
            // RFC 3161 over HTTP, for `openssl ts` and for other LienThong servers.
            router.group("tsa").add(middleware: byAddress).post { request, context in
                let query = try await context.body(of: request, limit: 64 << 10)
                let answer = try timeStampAuthority.respond(to: Data(buffer: query))
                return Response(
                    status: .ok, headers: [.contentType: "application/timestamp-reply"],
                    body: .init(byteBuffer: ByteBuffer(bytes: answer)))
            }
        }
        // Open to anyone: verifying a signature reveals nothing the caller did not send.
        router.group("v1/verify").add(middleware: RateLimitMiddleware(limiter: limiter)).post { request, context in
            // The file travels base64-encoded inside the JSON: allow for that, up to 64 MiB of file.
            let body = try await Self.decode(
                VerifyRequest.self, request, context,
                limit: Int(min(maxUploadBytes, 64 << 20)) * 4 / 3 + 4096)
            let report = try await verification.verify(body, from: context.remoteAddress?.ipAddress ?? "unknown")
            metrics.verified(report.verdict.indication.rawValue)
            return try Self.json(report)
        }
        let v1 = router.group("v1").add(middleware: byAddress)
            .add(
                middleware: AuthenticationMiddleware(
                    registry: registry, clientCertificates: clientCertificates, now: service.now)
            )
            .add(middleware: RateLimitMiddleware(limiter: limiter))
            .add(middleware: IdempotencyMiddleware(registry: registry, disk: service.disk, now: service.now))
        v1.get("me", use: me)
        v1.get("agencies", use: agencies)
        v1.get("agencies/:code") { _, context in
            _ = try context.requireCaller()
            return try Self.json(
                Directory(registry: registry, disk: service.disk, now: service.now).show(
                    context.parameters.get("code") ?? ""))
        }
        v1.post("agencies/import") { request, context in
            let body = try await context.body(of: request, limit: 8 << 20)
            return try await Self.json(
                Directory(registry: registry, disk: service.disk, now: service.now).importCSV(
                    String(decoding: Data(buffer: body), as: UTF8.self),
                    caller: context.requireCaller()))
        }
        v1.post("agencies/:code/retire") { request, context in
            let body = try await Self.decode(RetireRequest.self, request, context)
            return try await Self.json(
                Directory(registry: registry, disk: service.disk, now: service.now).retire(
                    context.parameters.get("code") ?? "", successor: body.successor,
                    caller: context.requireCaller()))
        }
        let maintenance = Maintenance(registry: registry, blobs: blobs, restoreNeeds: restoreNeeds, now: service.now)
        v1.get("admin/audit/verify") { _, context in
            try requireAuditor(context)
            return try Self.json(maintenance.auditCheck())
        }
        v1.get("admin/audit") { request, context in
            try requireAuditor(context)
            let limit = request.uri.queryParameters["limit"].flatMap { Int(String($0)) } ?? 50
            guard (1...10_000).contains(limit) else {
                throw Problem.invalid("limit is a number of entries from 1 to 10000")
            }
            return try Self.json(
                registry.auditEntries(limit: limit).map {
                    AuditEntry(
                        id: $0.id ?? 0, at: $0.at, actor: $0.actor, agency: $0.agencyCode, action: $0.action,
                        subject: $0.subject,
                        detail: $0.detail, hash: $0.hash)
                })
        }
        v1.post("admin/backup") { request, context in
            try requireAuditor(context)
            let body = try await Self.decode(BackupRequest.self, request, context)
            return try Self.json(maintenance.backup(to: body.directory), status: .created)
        }
        v1.get("admin/check") { _, context in
            try requireAuditor(context)
            return try Self.json(maintenance.check())
        }
        let users = Users(registry: registry, disk: service.disk, now: service.now)
        v1.get("admin/users") { _, context in try Self.json(users.list(caller: context.requireCaller())) }
        v1.post("admin/users") { request, context in
            let body = try await Self.decode(NewUserRequest.self, request, context)
            return try await Self.json(users.add(body, caller: context.requireCaller()), status: .created)
        }
        v1.post("admin/users/:username/tokens") { request, context in
            let days = request.uri.queryParameters["days"].map { Int(String($0)) ?? 0 }
            return try await Self.json(
                users.issueToken(context.parameters.get("username") ?? "", days: days, caller: context.requireCaller()),
                status: .created)
        }
        v1.post("admin/users/:username/revoke") { _, context in
            let count = try await users.revoke(
                context.parameters.get("username") ?? "", caller: context.requireCaller())
            return try Self.json(["revoked": count])
        }
        v1.post("approvals") { request, context in
            let body = try await Self.decode(ApprovalRequest.self, request, context)
            return try await Self.json(service.approvals.grant(body, caller: context.requireCaller()), status: .created)
        }
        v1.get("approvals") { _, context in try Self.json(service.approvals.open(caller: context.requireCaller())) }
        v1.post("approvals/:approval/withdraw") { _, context in
            try await Self.json(
                service.approvals.withdraw(context.parameters.get("approval") ?? "", caller: context.requireCaller()))
        }
        v1.post("files", use: upload)
        v1.post("documents", use: send)
        v1.get("inbox") { _, context in try Self.json(service.inbox(caller: context.requireCaller())) }
        v1.get("registers/:kind") { request, context in
            guard let kind = context.parameters.get("kind"), ["in", "out"].contains(kind) else {
                throw Problem.notFound(
                    "registers are /v1/registers/out (văn bản đi) and /v1/registers/in (văn bản đến)")
            }
            let year =
                try request.uri.queryParameters["year"].map {
                    guard let year = Int(String($0)) else { throw Problem.invalid("year is a number, e.g. 2026") }
                    return year
                } ?? VietnamTime.year(of: service.now())
            return try Self.json(
                service.register(
                    outgoing: kind == "out", year: year, agency: request.uri.queryParameters["agency"].map(String.init),
                    caller: context.requireCaller()))
        }
        v1.post("paper") { request, context in
            let body = try await Self.decode(PaperRequest.self, request, context)
            return try await Self.json(service.registerPaper(body, caller: context.requireCaller()), status: .created)
        }
        v1.get("stats") { request, context in
            let query = request.uri.queryParameters
            let subtree = query["subtree"].map { ["1", "true", "yes"].contains($0.lowercased()) } ?? false
            return try Self.json(
                service.stats(
                    agency: query["agency"].map(String.init), subtree: subtree,
                    from: query["from"].map(String.init), to: query["to"].map(String.init),
                    by: query["by"].map(String.init), caller: context.requireCaller()))
        }
        v1.get("overdue") { request, context in
            let query = request.uri.queryParameters
            guard let within = query["within"].map({ Int(String($0)) }) ?? 0 else {
                throw Problem.invalid("within is a number of working days")
            }
            let direction = query["direction"].map(String.init) ?? "in"
            guard ["in", "out"].contains(direction) else {
                throw Problem.invalid("direction is in (documents to you) or out (documents you sent)")
            }
            return try Self.json(
                service.overdue(within: within, incoming: direction == "in", caller: context.requireCaller()))
        }
        v1.get("documents/:id") { _, context in
            try Self.json(service.document(context.id, caller: context.requireCaller()))
        }
        v1.get("documents/:id/track") { _, context in
            try Self.json(service.track(context.id, caller: context.requireCaller()))
        }
        v1.get("documents/:id/files/:position", use: { try await download($0, $1, signature: false) })
        v1.get("documents/:id/files/:position/signature", use: { try await download($0, $1, signature: true) })
        v1.get("documents/:id/identity", use: { try identity($0, $1, signature: false) })
        v1.get("documents/:id/identity/signature", use: { try identity($0, $1, signature: true) })
        v1.post("documents/:id/ack") { _, context in
            try await Self.json(service.accept(context.id, caller: context.requireCaller()))
        }
        v1.post("documents/:id/status") { request, context in
            let body = try await Self.decode(StatusRequest.self, request, context)
            return try await Self.json(
                service.report(
                    context.id, status: body.status, to: body.to, note: body.note, caller: context.requireCaller()))
        }
        v1.post("documents/:id/recall") { request, context in
            let body = try await Self.decode(RecallRequest.self, request, context)
            return try await Self.json(service.recall(context.id, reason: body.reason, caller: context.requireCaller()))
        }
        v1.post("documents/:id/reject") { request, context in
            let body = try await Self.decode(RejectRequest.self, request, context)
            return try await Self.json(service.reject(context.id, reason: body.reason, caller: context.requireCaller()))
        }
    }

    /// The audit log, backups and checks span every agency: for the administrators of a top-level agency only.
    func requireAuditor(_ context: LienThongContext) throws {
        let caller = try context.requireCaller()
        try Permissions(caller).require(.audit(topLevel: try registry.agency(caller.agencyCode)?.parentCode == nil))
    }

    @Sendable func me(_ request: Request, _ context: LienThongContext) throws -> Response {
        let caller = try context.requireCaller()
        let agency = try registry.agency(caller.agencyCode)
        return try Self.json(
            Caller(
                username: caller.username, fullName: caller.fullName, role: caller.role.rawValue,
                agency: AgencyRef(code: caller.agencyCode, name: agency?.name ?? "")))
    }

    @Sendable func agencies(_ request: Request, _ context: LienThongContext) throws -> Response {
        _ = try context.requireCaller()
        return try Self.json(Directory(registry: registry, disk: service.disk, now: service.now).list())
    }

    /// Streams the body to a staging file while hashing it, then stores it under its SHA-256.
    @Sendable func upload(_ request: Request, _ context: LienThongContext) async throws -> Response {
        let caller = try context.requireCaller()
        try Permissions(caller).require(.upload)
        if let declared = request.headers[.contentLength].flatMap(Int64.init), declared > maxUploadBytes {
            throw Problem.tooLarge(limit: maxUploadBytes)
        }
        let (staged, handle) = try blobs.stagingFile()
        var digest = StreamingDigest(.sha256)
        var size: Int64 = 0
        do {
            try await context.chunks(of: request, limit: maxUploadBytes) { buffer in
                size += Int64(buffer.readableBytes)
                try buffer.withUnsafeReadableBytes { bytes in
                    digest.update(bytes)
                    try handle.write(contentsOf: bytes)
                }
            }
            guard size > 0 else {
                throw Problem.invalid("the file is empty: upload the document's bytes as the request body")
            }
            let sha256 = digest.finalizeHex()
            let now = service.now()
            try await service.disk.run { [blobs, registry, size] in
                try handle.synchronize()
                try handle.close()
                try blobs.commit(staged, sha256: sha256)
                try registry.recordUpload(sha256: sha256, size: size, agency: caller.agencyCode, at: now)
            }
            return try Self.json(UploadedFile(sha256: sha256, size: size), status: .created)
        } catch {
            try? handle.close()
            blobs.discard(staged)
            throw error
        }
    }

    @Sendable func send(_ request: Request, _ context: LienThongContext) async throws -> Response {
        let body = try await Self.decode(SendRequest.self, request, context)
        let view = try await service.send(body, by: context.requireCaller(), idempotency: context.idempotency)
        metrics.documentSent()
        var response = try Self.json(view, status: .created)
        response.headers[.location] = "/v1/documents/\(view.id)"
        return response
    }

    func download(_ request: Request, _ context: LienThongContext, signature: Bool) async throws -> Response {
        guard let position = context.parameters.get("position", as: Int.self) else {
            throw Problem.notFound("file positions are numbers, starting at 0 for the main document")
        }
        let (file, content, signatureBytes) = try service.file(
            context.id, position: position, caller: context.requireCaller())
        let body =
            signature
            ? ResponseBody(byteBuffer: ByteBuffer(bytes: signatureBytes))
            : try await FileIO().loadFile(path: content.path, context: context)
        let name = signature ? "\(file.name).p7s" : file.name
        return Response(
            status: .ok,
            headers: [
                .contentType: signature ? "application/pkcs7-signature" : "application/octet-stream",
                .contentDisposition:
                    "attachment; filename*=UTF-8''\(name.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "file")",
            ], body: body)
    }

    /// The sealed identity's exact bytes, or the seal over them.
    func identity(_ request: Request, _ context: LienThongContext, signature: Bool) throws -> Response {
        let record = try service.sealedIdentity(context.id, caller: context.requireCaller())
        let type = signature ? "application/pkcs7-signature" : "application/json"
        let bytes = signature ? record.signature : record.identity
        return Response(
            status: .ok, headers: [.contentType: type],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    // MARK: - JSON in and out

    static func json(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        let data = try APIJSON.encoder.encode(value)
        return Response(
            status: status, headers: [.contentType: "application/json; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// Decodes a JSON body, answering a clear problem for anything that is not the expected shape.
    static func decode<T: Decodable>(
        _ type: T.Type, _ request: Request, _ context: LienThongContext, limit: Int? = nil
    ) async throws -> T {
        let buffer = try await context.body(of: request, limit: limit ?? context.maxUploadSize)
        guard buffer.readableBytes > 0 else { throw Problem.invalid("the body is empty: send a JSON object") }
        let shape: JSONShape
        do {
            shape = try buffer.withUnsafeReadableBytes { bytes throws(JSONShape.Violation) in try JSONShape(bytes) }
        } catch {
            throw Problem.invalid(error.description)
        }
        do {
            return try APIJSON.decoder.decode(type, from: Data(buffer: buffer))
        } catch DecodingError.dataCorrupted(let context) where context.codingPath.isEmpty {
            // JSONDecoder names no field for a number it cannot take as an integer; no request has a
            // field for fractions, so those found are the cause.
            guard let fractions = shape.fractionsText else {
                throw Problem.invalid("the JSON body is not valid: \(describe(DecodingError.dataCorrupted(context)))")
            }
            throw Problem.invalid("the JSON body is not valid: \(fractions), where a whole number is expected")
        } catch {
            throw Problem.invalid("the JSON body is not valid: \(describe(error))")
        }
    }
}

extension LienThongContext {
    /// The `:id` of a document route; ids are lowercase UUIDs, anything else cannot exist.
    var id: String {
        get throws {
            guard let id = parameters.get("id"), UUID(uuidString: id) != nil else { throw Problem.documentNotFound }
            return id.lowercased()
        }
    }
}

extension Data {
    init(buffer: ByteBuffer) {
        self = buffer.withUnsafeReadableBytes { Data($0) }
    }
}
