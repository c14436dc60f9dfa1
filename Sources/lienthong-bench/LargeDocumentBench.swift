import ArgumentParser
import Foundation
import LienThongCrypto

/// A large document signed (signer and seal) and verified from disk, as a send and a receive do:
/// throughput beside raw SHA-256 in the same process, and the process's peak resident memory,
/// which must stay flat however large the document is (files are hashed in chunks, never held).
struct LargeDocumentBench {
    let megabytes: Int

    struct Result {
        let figures: [Bench.Figure]
        /// Peak resident set while signing and verifying, from /proc/self/status (VmHWM).
        let peakResidentMB: Double
        /// The same before the document was touched, for comparison.
        let baselineResidentMB: Double
    }

    func run() async throws -> Result {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "lienthong-bench-large-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let chunk = Self.chunk
        let file = directory.appendingPathComponent("tai-lieu-lon.pdf")
        guard FileManager.default.createFile(atPath: file.path, contents: nil) else {
            throw ValidationError("cannot write the large document in \(directory.path)")
        }
        let handle = try FileHandle(forWritingTo: file)
        for _ in 0..<megabytes { try handle.write(contentsOf: chunk) }
        try handle.close()

        let raw = Self.rawSHA256(chunk: chunk, megabytes: megabytes)

        let pki = try DemoPKI()
        Self.resetPeakResident()
        let baseline = Self.residentMB("VmHWM")
        let signStart = Date()
        let signature = try await DetachedSigner().sign(
            content: file, signer: pki.signer, seal: pki.seal, evidence: pki.crls)
        let signed = Double(megabytes) / Date().timeIntervalSince(signStart)
        let verifyStart = Date()
        let report = SignatureVerifier(trust: pki.trust, evidence: pki.crls).verify(
            content: file, signature: signature, expecting: .document)
        let verified = Double(megabytes) / Date().timeIntervalSince(verifyStart)
        guard report.verdict.indication == .totalPassed else {
            throw ValidationError("the large document did not verify: \(report.verdict)")
        }
        return Result(
            figures: [
                Bench.Figure(name: "raw SHA-256 in memory (MB/s, limit)", perSecond: raw, limit: nil),
                Bench.Figure(
                    name: "signing a \(megabytes) MB document from disk, signer + seal (MB/s)", perSecond: signed,
                    limit: raw),
                Bench.Figure(
                    name: "verifying a \(megabytes) MB document from disk (MB/s)", perSecond: verified, limit: raw),
            ], peakResidentMB: Self.residentMB("VmHWM"), baselineResidentMB: baseline)
    }

    /// One megabyte of the large document, repeated to make it (not one repeating byte, so that
    /// nothing along the way can compress it).
    static let chunk = Data((0..<(1 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 131 &+ $0 >> 9) })

    /// The limit: SHA-256 over bytes already in memory, as many as the document holds (at most 256 MB), in MB/s.
    static func rawSHA256(chunk: Data, megabytes: Int) -> Double {
        let start = Date()
        let rawMegabytes = min(megabytes, 256)
        var digest = StreamingDigest(.sha256)
        for _ in 0..<rawMegabytes { digest.update(chunk) }
        _ = digest.finalize()
        return Double(rawMegabytes) / Date().timeIntervalSince(start)
    }

    /// Linux resets the peak resident set when "5" is written to clear_refs.
    static func resetPeakResident(of process: String = "self") {
        try? Data("5".utf8).write(to: URL(fileURLWithPath: "/proc/\(process)/clear_refs"))
    }

    static func residentMB(_ field: String, of process: String = "self") -> Double {
        guard let status = try? String(contentsOfFile: "/proc/\(process)/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix(field + ":") }),
            let kilobytes = Double(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "")
        else { return 0 }
        return kilobytes / 1024
    }
}
