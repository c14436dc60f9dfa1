import Foundation
import HTTPTypes
import LienThongAPI
import NIOCore
import NIOHTTP1
import NIOHTTPTypes

/// Answers a request the HTTP parser refuses (a header block over the limit, a malformed request
/// line) with problem+json, as every other refusal, and closes the connection. Hummingbird would
/// answer 400 with an empty body, which tells a script nothing.
final class MalformedRequestResponder: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundOut = HTTPResponsePart

    /// The largest header block the parser takes, as configured (`HTTP1Channel`'s default).
    let headerLimit: Int

    init(headerLimit: Int) { self.headerLimit = headerLimit }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard let error = error as? HTTPParserError else {
            context.fireErrorCaught(error)
            return
        }
        let problem = Problem(error, headerLimit: headerLimit)
        let body = (try? APIJSON.encoder.encode(problem)) ?? Data()
        var head = HTTPResponse(status: .init(code: problem.status))
        head.headerFields[.contentType] = Problem.mediaType
        head.headerFields[.contentLength] = String(body.count)
        head.headerFields[.connection] = "close"
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.write(wrapOutboundOut(.body(ByteBuffer(bytes: body))), promise: nil)
        let channel = context.channel
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in channel.close(promise: nil) }
    }
}
