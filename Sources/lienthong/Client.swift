import Foundation
import LienThongAPI

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Talks to lienthongd over its JSON API. FoundationNetworking (libcurl) is enough for a CLI and
/// adds nothing to the build, unlike a second HTTP stack.
struct Client {
    let server: URL
    let token: String

    /// An error already worded for the person at the terminal.
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// `/v1/` and `segments`, each percent-encoded: no argument reaches another route
    /// (`../agencies/X/retire?` is one segment, not four).
    static func path(_ segments: String...) -> String {
        "/v1/"
            + segments.map { segment in
                let encoded = segment.addingPercentEncoding(withAllowedCharacters: unreserved) ?? ""
                return encoded == "." || encoded == ".." ? encoded.replacingOccurrences(of: ".", with: "%2E") : encoded
            }.joined(separator: "/")
    }

    private static let unreserved = CharacterSet(
        charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")

    /// A document's or an approval's id as `inbox`, `send` and `approve` show it: a UUID.
    static func id(_ text: String, of what: String = "document") throws -> String {
        guard let uuid = UUID(uuidString: text) else {
            throw Failure(
                description: "\"\(text)\" is not a \(what) id: use the id `lienthong inbox` or `send` shows, "
                    + "such as 324f5674-b6d1-4f13-b3ea-c7ed4aef354e")
        }
        return uuid.uuidString.lowercased()
    }

    func get<T: Decodable>(_ path: String, as type: T.Type) async throws -> T {
        try await decode(type, perform(request("GET", path)))
    }

    /// GET with a query string made of the parameters that have a value, percent-encoded.
    func get<T: Decodable>(_ path: String, query: KeyValuePairs<String, String?>, as type: T.Type) async throws -> T {
        var components = URLComponents()
        components.queryItems = query.compactMap { name, value in value.map { URLQueryItem(name: name, value: $0) } }
        return try await get(
            path + (components.queryItems!.isEmpty ? "" : components.url?.absoluteString ?? ""), as: type)
    }

    func post<T: Decodable>(_ path: String, json body: some Encodable, as type: T.Type) async throws -> T {
        try await post(path, body: APIJSON.encoder.encode(body), contentType: "application/json", as: type)
    }

    func post<T: Decodable>(_ path: String, body: Data, contentType: String, as type: T.Type) async throws -> T {
        var request = request("POST", path)
        request.setValue(contentType, forHTTPHeaderField: "Content-Type")
        request.httpBody = body
        return try await decode(type, perform(request))
    }

    /// Uploads a file from disk without reading it into memory first.
    func upload(_ file: URL) async throws -> UploadedFile {
        var request = request("POST", "/v1/files")
        request.setValue("application/octet-stream", forHTTPHeaderField: "Content-Type")
        let (data, response) = try await transport { try await URLSession.shared.upload(for: request, fromFile: file) }
        return try decode(UploadedFile.self, check(data, response))
    }

    /// Downloads to `destination`, replacing it.
    func download(_ path: String, to destination: URL) async throws {
        let (temporary, response) = try await transport {
            try await URLSession.shared.download(for: request("GET", path))
        }
        if let http = response as? HTTPURLResponse, !(200..<300).contains(http.statusCode) {
            _ = try check(try Data(contentsOf: temporary), response)
        }
        try? FileManager.default.removeItem(at: destination)
        try FileManager.default.moveItem(at: temporary, to: destination)
    }

    private func request(_ method: String, _ path: String) -> URLRequest {
        var request = URLRequest(url: URL(string: path, relativeTo: server)!)
        request.httpMethod = method
        request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
        request.setValue("application/json", forHTTPHeaderField: "Accept")
        request.timeoutInterval = 600
        return request
    }

    private func perform(_ request: URLRequest) async throws -> Data {
        let (data, response) = try await transport { try await URLSession.shared.data(for: request) }
        return try check(data, response)
    }

    private func transport<T>(_ call: () async throws -> T) async throws -> T {
        do {
            return try await call()
        } catch let error as URLError {
            throw Failure(
                description:
                    "cannot reach lienthongd at \(server.absoluteString) (\(error.localizedDescription)); is it running? Start it with `swift run lienthongd`, or pass --server"
            )
        }
    }

    /// Non-2xx answers are problems: show their detail, the part written for people.
    private func check(_ data: Data, _ response: URLResponse) throws -> Data {
        guard let http = response as? HTTPURLResponse else {
            throw Failure(description: "no HTTP answer from \(server.absoluteString)")
        }
        guard (200..<300).contains(http.statusCode) else {
            if let problem = try? APIJSON.decoder.decode(Problem.self, from: data) {
                throw Failure(description: "\(problem.detail) [\(problem.slug), HTTP \(problem.status)]")
            }
            throw Failure(description: "the server answered HTTP \(http.statusCode)")
        }
        return data
    }

    private func decode<T: Decodable>(_ type: T.Type, _ data: Data) throws -> T {
        do {
            return try APIJSON.decoder.decode(type, from: data)
        } catch {
            throw Failure(
                description:
                    "the server's answer could not be read (\(error)); are the CLI and the daemon the same version?")
        }
    }
}
