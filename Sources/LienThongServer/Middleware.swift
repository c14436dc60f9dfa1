import Foundation
import Hummingbird
import LienThongAPI
import LienThongCrypto
import LienThongRegistry
import Logging

/// Resolves `Authorization: Bearer …` to a user; the token is compared by its hash only, and an
/// expired or revoked one is as good as none. Without a token, a TLS client certificate verified
/// against the configured client CA names the user instead; a token, when sent, always decides.
struct AuthenticationMiddleware: RouterMiddleware {
    let registry: Registry
    let clientCertificates: ClientCertificates?
    /// When a token's expiry is judged.
    let now: @Sendable () -> Date

    func handle(
        _ request: Request, context: LienThongContext, next: (Request, LienThongContext) async throws -> Response
    ) async throws -> Response {
        var context = context
        if let header = request.headers[.authorization] {
            guard header.hasPrefix("Bearer ") else { throw Problem.unauthenticated }
            let token = String(header.dropFirst("Bearer ".count)).trimmingCharacters(in: .whitespaces)
            guard !token.isEmpty, token.utf8.count <= 200,
                let user = try registry.user(tokenSHA256: Tokens.hash(token), at: now())
            else {
                throw Problem.unauthenticated
            }
            context.caller = user
        } else if let clientCertificates,
            let user = try await clientCertificates.user(on: context.channel, registry: registry)
        {
            context.caller = user
        } else {
            throw Problem.unauthenticated
        }
        return try await next(request, context)
    }
}

/// Turns every error into `application/problem+json`; nothing else ever reaches a client.
struct ProblemMiddleware: RouterMiddleware {
    func handle(
        _ request: Request, context: LienThongContext, next: (Request, LienThongContext) async throws -> Response
    ) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let problem as Problem {
            return problem.response
        } catch let error as HTTPError {
            let problem: Problem =
                switch error.status {
                case .notFound:
                    .notFound("no such route: \(request.method) \(request.uri.path); see README.md for the API")
                case .methodNotAllowed:
                    Problem(
                        "method-not-allowed", status: 405, title: "Method not allowed",
                        detail: "\(request.method) is not allowed on \(request.uri.path)")
                case .contentTooLarge:
                    Problem(
                        "body-too-large", status: 413, title: "Body too large",
                        detail:
                            "JSON bodies are limited to \(context.maxUploadSize) bytes; upload files with POST /v1/files"
                    )
                default:
                    Problem(
                        "http-\(error.status.code)", status: error.status.code, title: error.status.reasonPhrase,
                        detail: error.body ?? error.status.reasonPhrase)
                }
            return problem.response
        } catch {
            context.logger.error("request failed", metadata: ["path": "\(request.uri.path)", "error": "\(error)"])
            return Problem.internalError.response
        }
    }
}

extension Problem {
    var response: Response {
        let body = (try? APIJSON.encoder.encode(self)) ?? Data()
        return Response(
            status: .init(code: status),
            headers: [.contentType: Problem.mediaType],
            body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }
}

/// Gives every request a deadline by which its body must have arrived. A client trickling its body
/// byte by byte is answered 408 once it passes; one that sends nothing at all is closed earlier by
/// the server's idle timeout.
struct DeadlineMiddleware: RouterMiddleware {
    let limit: Duration

    func handle(
        _ request: Request, context: LienThongContext, next: (Request, LienThongContext) async throws -> Response
    ) async throws -> Response {
        var context = context
        context.deadline = .now + limit
        return try await next(request, context)
    }
}
