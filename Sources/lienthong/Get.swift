import ArgumentParser
import Foundation
import LienThongAPI
import LienThongDomain

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
            // Names come from the network: each must keep the one rule for file names, exactly as
            // it came, before anything is written.
            for file in document.files where (try? DocumentFileName.check(file.name)) != file.name {
                throw Client.Failure(
                    description: "the server sent an unsafe file name \"\(file.name)\"; nothing was written")
            }
            let directory = URL(fileURLWithPath: out)
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            var written: [URL] = []
            var files: [ExportManifest.File] = []
            do {
                for file in document.files {
                    let content = directory.appendingPathComponent(file.name)
                    let signature = content.appendingPathExtension("p7s")
                    try await client.download(Client.path("documents", id, "files", "\(file.position)"), to: content)
                    written.append(content)
                    try await client.download(
                        Client.path("documents", id, "files", "\(file.position)", "signature"), to: signature)
                    written.append(signature)
                    files.append(
                        .init(
                            name: file.name, sha256: file.sha256, size: file.size, kind: file.kind,
                            signature: signature.lastPathComponent))
                }
            } catch {
                // Nothing half-written: what this export wrote goes.
                for url in written { try? FileManager.default.removeItem(at: url) }
                throw error
            }
            // The issuer's seal over the document's identity: what `verify` believes.
            do {
                try await client.download(
                    Client.path("documents", id, "identity"),
                    to: directory.appendingPathComponent(DocumentIdentity.fileName))
                try await client.download(
                    Client.path("documents", id, "identity", "signature"),
                    to: directory.appendingPathComponent(DocumentIdentity.signatureName))
            } catch {
                try? FileManager.default.removeItem(at: directory.appendingPathComponent(DocumentIdentity.fileName))
                let warning =
                    "lienthong: warning: no sealed identity for this document (\(error)); "
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
