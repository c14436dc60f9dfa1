import Foundation
import LienThongCrypto
import LienThongDomain
import LienThongRegistry

/// The disk and hashing limits a send is bounded by, beside what LienThong does with them: raw
/// SHA-256 against hashing a stored file, and SQLite's commit rate with the registry's durability
/// (WAL, synchronous=FULL) against filing a document with three deliveries.
struct StoreBench {
    let seconds: Double

    func run() async throws -> [Bench.Figure] {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "lienthong-bench-store-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        var figures: [Bench.Figure] = []

        // 64 MiB, read back from the page cache: what bounds hashing is the CPU, as for a fresh upload.
        let chunk = Data((0..<(1 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 31) })
        let file = directory.appendingPathComponent("document.pdf")
        try Data((0..<64).flatMap { _ in chunk }).write(to: file)
        let raw = try await rate(units: 1) {
            var digest = StreamingDigest(.sha256)
            digest.update(chunk)
            _ = digest.finalize()
        }
        figures.append(Bench.Figure(name: "raw SHA-256 (MB/s, limit)", perSecond: raw, limit: nil))
        let hashed = try await rate(units: 64) { _ = try Digest.sha256(of: file) }
        figures.append(Bench.Figure(name: "hashing a stored 64 MB document (MB/s)", perSecond: hashed, limit: raw))

        let registry = try Registry(path: directory.appendingPathComponent("registry.sqlite").path)
        let agencies = (0..<4).map {
            AgencyRecord(
                code: "000.0\($0).00.H18", name: "Cơ quan \($0)", abbreviation: "UBND", parentCode: nil, isActive: true,
                sealCertificatePath: nil, sealKeyPath: nil)
        }
        try await registry.directory.seed(agencies: agencies, users: [])
        let commits = try await rate(units: 1) {
            try await registry.audit.record(actor: "bench", action: "bench.commit", detail: "")
        }
        figures.append(
            Bench.Figure(name: "SQLite commit, WAL + synchronous=FULL (per s, limit)", perSecond: commits, limit: nil))
        let filed = try await rate(units: 1) {
            let id = UUID().uuidString.lowercased()
            _ = try await registry.documents.file(
                issuerCode: agencies[0].code, register: "main", year: 2026,
                makeDocument: { number in
                    DocumentRecord(
                        id: id, issuerCode: agencies[0].code, issuerName: agencies[0].name, register: "main",
                        year: 2026, number: number,
                        symbol: "TB-UBND", typeName: "Thông báo", typeAbbreviation: "TB", subject: "Thông báo",
                        language: "vi",
                        pageCount: nil, notes: nil, urgency: 0, authorityPrefix: nil, signerUsername: "s",
                        signerName: "S",
                        signerPosition: "Chủ tịch", deadline: nil, issuedAt: Date(), createdBy: "bench")
                },
                files: [], signatureBlobs: [], signatures: [], recipients: agencies.dropFirst().map { ($0, nil) },
                actor: "bench", at: Date())
        }
        figures.append(
            Bench.Figure(
                name: "filing a document with 3 deliveries, one durable commit (per s)", perSecond: filed,
                limit: commits))
        return figures
    }

    /// `units` per run of `body`, per second of wall time (the disk's time counts here).
    private func rate(units: Double, _ body: () async throws -> Void) async throws -> Double {
        for _ in 0..<3 { try await body() }
        let start = Date()
        var count = 0.0
        while Date().timeIntervalSince(start) < seconds {
            try await body()
            count += units
        }
        return count / Date().timeIntervalSince(start)
    }
}
