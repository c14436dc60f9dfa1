import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// One keep-alive HTTP/1.1 connection over a blocking socket: what the HTTP part's clients use.
///
/// URLSession on Linux (libcurl underneath) spent about as much CPU per request as the daemon
/// did, on the same two cores the daemon is measured on; this spends next to none. It speaks
/// only what the bench needs: a request with a body, a response with Content-Length.
final class LoopbackClient {
    private let socket: Int32
    private var buffer: [UInt8] = []

    init(port: Int) throws {
        socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard socket >= 0, connected == 0 else {
            throw BenchFailure("cannot connect to 127.0.0.1:\(port): errno \(errno)")
        }
        var one: Int32 = 1
        setsockopt(socket, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
    }

    deinit { close(socket) }

    /// Sends one request and returns the response's status and body.
    func send(
        _ method: String, _ path: String, token: String, body: [UInt8], type: String = "application/json"
    ) throws -> (status: Int, body: [UInt8]) {
        let head =
            "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer \(token)\r\n"
            + "Content-Type: \(type)\r\nContent-Length: \(body.count)\r\n\r\n"
        try write(Array(head.utf8) + body)
        // Headers up to the blank line, then exactly Content-Length bytes.
        var headerEnd: Int?
        while headerEnd == nil {
            if let end = buffer.firstRange(of: [13, 10, 13, 10]) { headerEnd = end.upperBound } else { try fill() }
        }
        let header = String(decoding: buffer[..<headerEnd!], as: UTF8.self)
        guard let status = Int(header.split(separator: " ").dropFirst().first ?? ""),
            let length = header.split(separator: "\r\n").first(where: { $0.lowercased().hasPrefix("content-length:") })
                .flatMap({ Int($0.split(separator: ":")[1].trimmingCharacters(in: .whitespaces)) })
        else {
            throw BenchFailure("not an HTTP response with Content-Length: \(header)")
        }
        while buffer.count < headerEnd! + length { try fill() }
        let answer = Array(buffer[headerEnd!..<(headerEnd! + length)])
        buffer.removeFirst(headerEnd! + length)
        return (status, answer)
    }

    private func write(_ bytes: [UInt8]) throws {
        var sent = 0
        while sent < bytes.count {
            let count = bytes[sent...].withUnsafeBytes {
                Glibc.send(socket, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL))
            }
            guard count > 0 else { throw BenchFailure("the daemon closed the connection (errno \(errno))") }
            sent += count
        }
    }

    private func fill() throws {
        var chunk = [UInt8](repeating: 0, count: 16_384)
        let count = chunk.withUnsafeMutableBytes { recv(socket, $0.baseAddress, $0.count, 0) }
        guard count > 0 else { throw BenchFailure("the daemon closed the connection (errno \(errno))") }
        buffer += chunk[..<count]
    }
}
