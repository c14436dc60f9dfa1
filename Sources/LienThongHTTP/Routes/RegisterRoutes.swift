import Hummingbird
import LienThongAPI
import LienThongApp

/// The Decree 30 registers, paper documents, the figures and what is overdue.
struct RegisterRoutes: RouteGroup {
    let documents: DocumentService

    var collection: RouteCollection<LienThongContext> {
        let routes = RouteCollection(context: LienThongContext.self)
        routes.get("registers/:kind") { request, context in
            guard let kind = context.parameters.get("kind"), ["in", "out"].contains(kind) else {
                throw Refusal.notFound(
                    "registers are /v1/registers/out (văn bản đi) and /v1/registers/in (văn bản đến)")
            }
            let query = request.uri.queryParameters
            let year = try query["year"].map {
                guard let year = Int(String($0)) else { throw Refusal.invalidRequest("year is a number, e.g. 2026") }
                return year
            }
            return try json(
                documents.register(
                    outgoing: kind == "out", year: year, agency: query["agency"].map(String.init),
                    caller: context.requireCaller()))
        }
        routes.post("paper") { request, context in
            let body = try await decode(PaperRequest.self, request, context)
            return try await json(documents.registerPaper(body, caller: context.requireCaller()), status: .created)
        }
        routes.get("stats") { request, context in
            let query = request.uri.queryParameters
            return try json(
                documents.stats(
                    agency: query["agency"].map(String.init),
                    subtree: query["subtree"].map { ["1", "true", "yes"].contains($0.lowercased()) } ?? false,
                    from: query["from"].map(String.init), to: query["to"].map(String.init),
                    by: query["by"].map(String.init), caller: context.requireCaller()))
        }
        routes.get("overdue") { request, context in
            let query = request.uri.queryParameters
            guard let within = query["within"].map({ Int(String($0)) }) ?? 0 else {
                throw Refusal.invalidRequest("within is a number of working days")
            }
            let direction = query["direction"].map(String.init) ?? "in"
            guard ["in", "out"].contains(direction) else {
                throw Refusal.invalidRequest("direction is in (documents to you) or out (documents you sent)")
            }
            return try json(
                documents.overdue(within: within, incoming: direction == "in", caller: context.requireCaller()))
        }
        return routes
    }
}
