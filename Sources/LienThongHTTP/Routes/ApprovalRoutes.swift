import Hummingbird
import LienThongAPI
import LienThongApp

/// A signer's approvals of the files their key signs (ký duyệt).
struct ApprovalRoutes: RouteGroup {
    let approvals: SignerApprovals

    var collection: RouteCollection<LienThongContext> {
        let routes = RouteCollection(context: LienThongContext.self)
        routes.post("approvals") { request, context in
            let body = try await decode(ApprovalRequest.self, request, context)
            return try await json(approvals.grant(body, caller: context.requireCaller()), status: .created)
        }
        routes.get("approvals") { _, context in try json(approvals.open(caller: context.requireCaller())) }
        routes.post("approvals/:approval/withdraw") { _, context in
            try await json(approvals.withdraw(context.parameter("approval"), caller: context.requireCaller()))
        }
        return routes
    }
}
