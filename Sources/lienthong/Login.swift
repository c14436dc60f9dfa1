import ArgumentParser
import Foundation
import LienThongAPI

struct Login: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract:
            "Check a token with the daemon and keep it for the next commands (in ~/.config/lienthong/config.json, mode 600).",
        discussion: """
            The token is read from --token-file, whose path is kept (not the token: a new token in the same file is \
            used as it is), or from standard input, whose token is kept: `lienthong login --server https://… < my.token`.
            """)

    @Option(help: "The daemon's URL.") var server: String = "http://127.0.0.1:8640"
    @Option(help: "A file holding the token; standard input when left out.") var tokenFile: String?

    func run() async throws {
        try await reporting {
            let text =
                try tokenFile.map { file in
                    guard let data = FileManager.default.contents(atPath: file) else {
                        throw Client.Failure(description: "cannot read the token file \(file)")
                    }
                    return String(decoding: data, as: UTF8.self)
                } ?? (readLine(strippingNewline: true) ?? "")
            let token = text.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !token.isEmpty else {
                throw Client.Failure(description: "no token: pass --token-file FILE or give it on standard input")
            }
            guard let url = URL(string: server), ["http", "https"].contains(url.scheme ?? "") else {
                throw Client.Failure(description: "\(server) is not an http(s) URL")
            }
            let me = try await Client(server: url, token: token).get("/v1/me", as: Caller.self)
            let file = ConnectionOptions.configurationFile(ProcessInfo.processInfo.environment)
            try FileManager.default.createDirectory(
                at: file.deletingLastPathComponent(), withIntermediateDirectories: true,
                attributes: [.posixPermissions: 0o700])
            let kept =
                tokenFile.map { ["tokenFile": URL(fileURLWithPath: $0).standardizedFileURL.path] } ?? ["token": token]
            let stored = try JSONSerialization.data(
                withJSONObject: kept.merging(["server": server]) { $1 },
                options: [.prettyPrinted, .sortedKeys])
            guard
                FileManager.default.createFile(
                    atPath: file.path, contents: stored, attributes: [.posixPermissions: 0o600])
            else {
                throw Client.Failure(description: "cannot write \(file.path)")
            }
            print(
                "Logged in as \(me.username) (\(me.fullName), \(me.role)) of \(me.agency.name); saved in \(file.path)")
        }
    }
}
