import ArgumentParser
import Foundation
import LienThongAPI

struct Get: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Download a document's files, their signatures (.p7s) and a manifest: enough to verify offline.")
    @Argument(help: "The document id.") var id: String
    @Option(help: "The directory to write into (created if needed).") var out: String
    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        try await reporting {
            let client = try connection.client()
            let id = try Client.id(self.id)
            let document = try await client.get(Client.path("documents", id), as: DocumentView.self)
            let directory = URL(fileURLWithPath: out)
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            var files: [ExportManifest.File] = []
            for file in document.files {
                // Names come from the network: never let one climb out of the directory.
                let reserved = ["manifest.json", DocumentIdentity.fileName, DocumentIdentity.signatureName]
                guard !file.name.isEmpty, !file.name.contains("/"), !file.name.hasPrefix("."),
                      !reserved.contains(file.name) else {
                    throw Client.Failure(description: "the server sent an unsafe file name \"\(file.name)\"; nothing was written for it")
                }
                try await client.download(Client.path("documents", id, "files", "\(file.position)"), to: directory.appendingPathComponent(file.name))
                try await client.download(Client.path("documents", id, "files", "\(file.position)", "signature"),
                                          to: directory.appendingPathComponent("\(file.name).p7s"))
                files.append(.init(name: file.name, sha256: file.sha256, size: file.size, kind: file.kind, signature: "\(file.name).p7s"))
            }
            // The issuer's seal over the document's identity: what `verify` believes.
            do {
                try await client.download(Client.path("documents", id, "identity"),
                                          to: directory.appendingPathComponent(DocumentIdentity.fileName))
                try await client.download(Client.path("documents", id, "identity", "signature"),
                                          to: directory.appendingPathComponent(DocumentIdentity.signatureName))
            } catch {
                try? FileManager.default.removeItem(at: directory.appendingPathComponent(DocumentIdentity.fileName))
                let warning = "lienthong: warning: no sealed identity for this document (\(error)); "
                    + "verify will say so\n"
                FileHandle.standardError.write(Data(warning.utf8))
            }
            let manifest = ExportManifest(document: document, files: files)
            try APIJSON.prettyEncoder.encode(manifest).write(to: directory.appendingPathComponent("manifest.json"))
            if output.json { return try Output.printJSON(manifest) }
            print("Wrote \(document.numberAndSymbol) to \(out):")
            for file in files { print("  \(file.name)  \(file.signature)") }
            print("  manifest.json")
            let identity = directory.appendingPathComponent(DocumentIdentity.fileName)
            if FileManager.default.fileExists(atPath: identity.path) {
                print("  \(DocumentIdentity.fileName)  \(DocumentIdentity.signatureName)")
            }
            print("Verify it offline with: lienthong verify \(out)")
        }
    }
}
