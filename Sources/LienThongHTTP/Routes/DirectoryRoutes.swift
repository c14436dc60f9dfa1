import Foundation
import Hummingbird
import LienThongAPI
import LienThongApp

/// Who the caller is, and the directory of agencies.
struct DirectoryRoutes: RouteGroup {
    let directory: Directory
    let users: Users

    var collection: RouteCollection<LienThongContext> {
        let routes = RouteCollection(context: LienThongContext.self)
        routes.get("me") { _, context in try json(users.me(caller: context.requireCaller())) }
        // The directory is for everyone signed in.
        routes.get("agencies") { _, context in
            _ = try context.requireCaller()
            return try json(directory.list())
        }
        routes.get("agencies/:code") { _, context in
            _ = try context.requireCaller()
            return try json(directory.show(context.parameter("code")))
        }
        routes.post("agencies/import") { request, context in
            let body = try await context.body(of: request, limit: 8 << 20)
            return try await json(
                directory.importCSV(
                    String(decoding: Data(buffer: body), as: UTF8.self), caller: context.requireCaller()))
        }
        routes.post("agencies/:code/retire") { request, context in
            let body = try await decode(RetireRequest.self, request, context)
            return try await json(
                directory.retire(context.parameter("code"), successor: body.successor, caller: context.requireCaller()))
        }
        return routes
    }
}
