import Foundation
import Hummingbird
import HummingbirdCore
import LienThongAPI
import LienThongApp

/// Files, sending, the inbox, and everything done to one document.
struct DocumentRoutes: RouteGroup {
    let documents: DocumentService
    let uploads: Uploads
    let metrics: ServerMetrics

    var collection: RouteCollection<LienThongContext> {
        let routes = RouteCollection(context: LienThongContext.self)
        // Streamed to disk while hashed: a file is never held in memory whole.
        routes.post("files") { request, context in
            let file = try await uploads.store(
                declaredSize: request.headers[.contentLength].flatMap(Int64.init), caller: context.requireCaller()
            ) { write in
                try await context.chunks(of: request, limit: uploads.limit) { try $0.withUnsafeReadableBytes(write) }
            }
            return try json(file, status: .created)
        }
        routes.post("documents") { request, context in
            let body = try await decode(SendRequest.self, request, context)
            let view = try await documents.send(body, by: context.requireCaller(), idempotency: context.idempotency)
            metrics.documentSent()
            var response = try json(view, status: .created)
            response.headers[.location] = "/v1/documents/\(view.id)"
            return response
        }
        routes.get("inbox") { request, context in
            try json(documents.inbox(caller: context.requireCaller(), query: InboxQuery(request.uri)))
        }
        routes.get("documents/:id") { _, context in
            try await json(documents.document(context.id, caller: context.requireCaller()))
        }
        routes.get("documents/:id/track") { _, context in
            try json(documents.track(context.id, caller: context.requireCaller()))
        }
        routes.get("documents/:id/files/:position") { try await download($0, $1, signature: false) }
        routes.get("documents/:id/files/:position/signature") { try await download($0, $1, signature: true) }
        routes.get("documents/:id/identity") { try identity($0, $1, signature: false) }
        routes.get("documents/:id/identity/signature") { try identity($0, $1, signature: true) }
        routes.post("documents/:id/ack") { _, context in
            try await json(documents.accept(context.id, caller: context.requireCaller()))
        }
        routes.post("documents/:id/status") { request, context in
            let body = try await decode(StatusRequest.self, request, context)
            return try await json(
                documents.report(
                    context.id, status: body.status, to: body.to, note: body.note, caller: context.requireCaller()))
        }
        routes.post("documents/:id/recall") { request, context in
            let body = try await decode(RecallRequest.self, request, context)
            return try await json(documents.recall(context.id, reason: body.reason, caller: context.requireCaller()))
        }
        routes.post("documents/:id/reject") { request, context in
            let body = try await decode(RejectRequest.self, request, context)
            return try await json(documents.reject(context.id, reason: body.reason, caller: context.requireCaller()))
        }
        return routes
    }

    /// A file of a document, or its detached signature, as an attachment named after the file.
    func download(_ request: Request, _ context: LienThongContext, signature: Bool) async throws -> Response {
        guard let position = context.parameters.get("position", as: Int.self) else {
            throw Refusal.notFound("file positions are numbers, starting at 0 for the main document")
        }
        let (file, content, signatureBytes) = try documents.file(
            context.id, position: position, caller: context.requireCaller())
        let body =
            signature
            ? ResponseBody(byteBuffer: ByteBuffer(bytes: signatureBytes))
            : try await FileIO().loadFile(path: content.path, context: context)
        let name = signature ? "\(file.name).p7s" : file.name
        let encoded = name.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "file"
        return Response(
            status: .ok,
            headers: [
                .contentType: signature ? "application/pkcs7-signature" : "application/octet-stream",
                .contentDisposition: "attachment; filename*=UTF-8''\(encoded)",
            ], body: body)
    }

    /// The sealed identity's exact bytes, or the seal over them.
    func identity(_ request: Request, _ context: LienThongContext, signature: Bool) throws -> Response {
        let record = try documents.sealedIdentity(context.id, caller: context.requireCaller())
        return Response(
            status: .ok, headers: [.contentType: signature ? "application/pkcs7-signature" : "application/json"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: signature ? record.signature : record.identity)))
    }
}

extension InboxQuery {
    /// `?status=01,03&urgency=khan&sender=…&from=2026-11-01&to=…&overdue=true&unread=true&search=…&limit=50&cursor=…`,
    /// read as a form writes it too (`+` for a space); an empty value is no value.
    init(_ uri: URI) throws {
        self.init()
        var query: [String: String] = [:]
        for pair in (uri.query ?? "").split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map {
                String($0).replacingOccurrences(of: "+", with: " ").removingPercentEncoding
            }
            guard let key = parts[0], let value = parts.count > 1 ? parts[1] : "" else {
                throw Refusal.invalidRequest("the query is not percent-encoded: \(pair)")
            }
            if !value.isEmpty { query[key] = value }
        }
        let list = { (key: String) in
            query[key].map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } } ?? []
        }
        let flag = { (key: String) throws -> Bool in
            switch query[key]?.lowercased() {
            case nil, "false", "0", "no", "off": return false
            case "true", "1", "yes", "on": return true
            case let other?: throw Refusal.invalidRequest("\(key) is true or false, not \(other)")
            }
        }
        statuses = list("status")
        urgencies = list("urgency")
        sender = query["sender"]
        from = query["from"]
        to = query["to"]
        overdue = try flag("overdue")
        unread = try flag("unread")
        search = query["search"]
        limit = try query["limit"].map {
            guard let limit = Int($0) else { throw Refusal.invalidRequest("limit is a number from 1 to 200") }
            return limit
        }
        cursor = query["cursor"]
    }
}
