import Foundation
import Hummingbird
import LienThongAPI
import LienThongApp

/// The audit log, backups and checks, and the users and their tokens: for administrators.
struct AdminRoutes: RouteGroup {
    let maintenance: Maintenance
    let users: Users

    var collection: RouteCollection<LienThongContext> {
        let routes = RouteCollection(context: LienThongContext.self)
        routes.get("admin/audit/verify") { _, context in
            try await json(maintenance.auditCheck(caller: context.requireCaller()))
        }
        routes.get("admin/audit") { request, context in
            // A limit that is not a number is the default's.
            let limit = request.uri.queryParameters["limit"].flatMap { Int(String($0)) }
            return try json(maintenance.auditEntries(limit: limit, caller: context.requireCaller()))
        }
        routes.post("admin/backup") { request, context in
            try await json(
                maintenance.backup(caller: context.requireCaller()) {
                    try await decode(BackupRequest.self, request, context).directory
                }, status: .created)
        }
        routes.get("admin/check") { _, context in try await json(maintenance.check(caller: context.requireCaller())) }
        routes.get("admin/users") { _, context in try json(users.list(caller: context.requireCaller())) }
        routes.post("admin/users") { request, context in
            let body = try await decode(NewUserRequest.self, request, context)
            return try await json(users.add(body, caller: context.requireCaller()), status: .created)
        }
        routes.post("admin/users/:username/tokens") { request, context in
            let days = request.uri.queryParameters["days"].map { Int(String($0)) ?? 0 }
            return try await json(
                users.issueToken(context.parameter("username"), days: days, caller: context.requireCaller()),
                status: .created)
        }
        routes.post("admin/users/:username/revoke") { _, context in
            try await json(["revoked": users.revoke(context.parameter("username"), caller: context.requireCaller())])
        }
        return routes
    }
}
