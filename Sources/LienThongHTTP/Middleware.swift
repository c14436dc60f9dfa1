import Foundation
import Hummingbird
import LienThongAPI
import LienThongApp
import Logging

/// Resolves `Authorization: Bearer …` to a user (``Authentication``). Without a token, a TLS client
/// certificate verified against the configured client CA names the user instead; a token, when sent,
/// always decides.
struct AuthenticationMiddleware: RouterMiddleware {
    let authentication: Authentication
    let clientCertificates: ClientCertificates?

    func handle(
        _ request: Request, context: LienThongContext, next: (Request, LienThongContext) async throws -> Response
    ) async throws -> Response {
        var context = context
        if let header = request.headers[.authorization] {
            guard header.hasPrefix("Bearer ") else { throw Refusal.unauthenticated }
            let token = String(header.dropFirst("Bearer ".count)).trimmingCharacters(in: .whitespaces)
            context.caller = try authentication.user(token: token)
        } else if let clientCertificates,
            let user = try await clientCertificates.user(on: context.channel, authentication: authentication)
        {
            context.caller = user
        } else {
            throw Refusal.unauthenticated
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
        } catch {
            if let problem = Problem(error, request: request, context: context) { return problem.response }
            context.logger.error("request failed", metadata: ["path": "\(request.uri.path)", "error": "\(error)"])
            return Problem(Refusal.internalError).response
        }
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
