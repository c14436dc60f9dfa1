import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A raw TCP connection to a server on loopback, for clients no HTTP library would imitate.
package final class RawConnection {
    private let socket: Int32

    /// Connects to 127.0.0.1, or to ::1 where the server listens on IPv6's loopback only (a test server bound to
    /// `localhost` on a machine that resolves it so).
    package init(port: Int) throws {
        var v4 = sockaddr_in()
        v4.sin_family = sa_family_t(AF_INET)
        v4.sin_port = in_port_t(UInt16(port).bigEndian)
        v4.sin_addr.s_addr = inet_addr("127.0.0.1")
        var v6 = sockaddr_in6()
        v6.sin6_family = sa_family_t(AF_INET6)
        v6.sin6_port = in_port_t(UInt16(port).bigEndian)
        v6.sin6_addr = in6addr_loopback
        var connected: Int32 = -1
        if let socket = Self.connect(AF_INET, &v4) {
            connected = socket
        } else if let socket = Self.connect(AF_INET6, &v6) {
            connected = socket
        }
        guard connected >= 0 else { throw POSIXError(.ECONNREFUSED) }
        socket = connected
        var timeout = timeval(tv_sec: 6, tv_usec: 0)
        setsockopt(socket, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    private static func connect<Address>(_ family: Int32, _ address: inout Address) -> Int32? {
        let socket = Glibc.socket(family, Int32(SOCK_STREAM.rawValue), 0)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(socket, $0, socklen_t(MemoryLayout<Address>.size))
            }
        }
        guard connected == 0 else {
            close(socket)
            return nil
        }
        return socket
    }

    deinit { close(socket) }

    package func send(_ text: String) { send(Array(text.utf8)) }

    /// The bytes as they are; the daemon may answer and close before it has read them all.
    package func send(_ bytes: [UInt8]) {
        _ = bytes.withUnsafeBytes { Glibc.send(socket, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
    }

    /// Everything until the server closes the connection (or `seconds` pass with nothing).
    package func readAll(waiting seconds: Int = 6) -> String {
        var timeout = timeval(tv_sec: seconds, tv_usec: seconds == 0 ? 200_000 : 0)
        setsockopt(socket, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var received = Data()
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = recv(socket, &buffer, buffer.count, 0)
            guard count > 0 else { break }
            received.append(contentsOf: buffer.prefix(count))
        }
        return String(decoding: received, as: UTF8.self)
    }
}
