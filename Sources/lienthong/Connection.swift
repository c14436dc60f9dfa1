import ArgumentParser
import Foundation

/// Where the daemon is and who I am: flags, then the environment, then
/// `~/.config/lienthong/config.json` (`{"server": "…", "token": "…"}` or `"tokenFile"`).
struct ConnectionOptions: ParsableArguments {
    @Option(help: "The daemon's URL (env LIENTHONG_SERVER; default http://127.0.0.1:8640).")
    var server: String?

    @Option(help: "An API token (env LIENTHONG_TOKEN).")
    var token: String?

    @Option(help: "A file holding the API token, e.g. data/tokens/clerk.xa-na-son.token (env LIENTHONG_TOKEN_FILE).")
    var tokenFile: String?

    struct Stored: Decodable {
        var server: String?
        var token: String?
        var tokenFile: String?
    }

    func client() throws -> Client {
        let environment = ProcessInfo.processInfo.environment
        let stored = Self.storedConfiguration(environment)
        let serverText = server ?? environment["LIENTHONG_SERVER"] ?? stored?.server ?? "http://127.0.0.1:8640"
        guard let url = URL(string: serverText), ["http", "https"].contains(url.scheme ?? "") else {
            throw Client.Failure(description: "\(serverText) is not an http(s) URL")
        }
        let tokenText: String
        if let token = token ?? environment["LIENTHONG_TOKEN"] {
            tokenText = token
        } else if let file = tokenFile ?? environment["LIENTHONG_TOKEN_FILE"] ?? stored?.tokenFile {
            guard let data = FileManager.default.contents(atPath: file) else {
                throw Client.Failure(description: "cannot read the token file \(file)")
            }
            tokenText = String(decoding: data, as: UTF8.self)
        } else if let token = stored?.token {
            tokenText = token
        } else {
            throw Client.Failure(
                description: "no token: pass --token-file data/tokens/<user>.token, or set LIENTHONG_TOKEN_FILE")
        }
        return Client(server: url, token: tokenText.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    static func storedConfiguration(_ environment: [String: String]) -> Stored? {
        guard let data = FileManager.default.contents(atPath: configurationFile(environment).path) else { return nil }
        return try? JSONDecoder().decode(Stored.self, from: data)
    }

    /// `$XDG_CONFIG_HOME/lienthong/config.json`, or `$HOME/.config/lienthong/config.json` (the
    /// account's home directory when HOME is not set).
    static func configurationFile(_ environment: [String: String]) -> URL {
        let home =
            environment["HOME"].flatMap { $0.isEmpty ? nil : URL(fileURLWithPath: $0) }
            ?? FileManager.default.homeDirectoryForCurrentUser
        let base =
            environment["XDG_CONFIG_HOME"].flatMap { $0.isEmpty ? nil : URL(fileURLWithPath: $0) }
            ?? home.appendingPathComponent(".config")
        return base.appendingPathComponent("lienthong/config.json")
    }
}

/// `--json` on every command: machine-readable output instead of the table.
struct OutputOptions: ParsableArguments {
    @Flag(help: "Print JSON instead of a table.")
    var json = false
}
