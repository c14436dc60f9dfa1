import ArgumentParser
import COpenSSL
import Foundation
import LienThongCrypto
import LienThongTestSupport

/// `lienthong-bench`: each figure of the signing engine beside the OpenSSL limit it is bounded by,
/// measured in the same process and run. Build in release: `swift run -c release lienthong-bench`.
@main
struct Bench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lienthong-bench",
        abstract: "Measure CMS signing and batch verification against raw OpenSSL RSA-2048-PSS.")

    @Option(help: "Seconds per measurement.") var seconds: Double = 3
    @Option(help: "Documents in the verification batch.") var batch: Int = 200
    @Option(help: "Write the figures as JSON here.") var json: String?
    @Option(help: "Which part to run: all, sign, verify, store, large, http, pdf or registry.") var part: Part = .all
    @Option(help: "Size of the large document, in MB.") var megabytes = 1024
    @Option(help: "Documents in the generated registry.") var documents = 1_000_000
    @Option(help: "Where the generated registry is kept between runs.") var registry: String?

    enum Part: String, ExpressibleByArgument { case all, sign, verify, store, large, http, pdf, registry }

    func run() async throws {
        var latencies: [RegistryBench.Latency] = []
        if part == .all || part == .registry {
            let path =
                registry
                ?? FileManager.default.temporaryDirectory.appendingPathComponent("lienthong-bench-\(documents).sqlite")
                .path
            latencies = try await RegistryBench(documents: documents, path: path).run { print($0) }
        }
        var figures: [Figure] = []
        if [.all, .sign, .verify].contains(part) {
            try await measureCrypto(&figures)
        }
        if part == .all || part == .store {
            figures += try await StoreBench(seconds: seconds).run()
        }
        if part == .all || part == .pdf {
            try await measurePDF(&figures)
        }
        var memory: [String: Double] = [:]
        if part == .all || part == .large {
            let large = try await LargeDocumentBench(megabytes: megabytes).run()
            figures += large.figures
            memory = ["peakResidentMB": large.peakResidentMB, "residentBeforeMB": large.baselineResidentMB]
        }
        if part == .http || (part == .all && HTTPBench.daemonIsBuilt) {
            let pki = try DemoPKI()
            let http = try await HTTPBench(
                seconds: seconds, rawSignRate: try rate { try RawRSA.sign(pki.signer.key) }, megabytes: megabytes
            ).run()
            figures += http.figures
            latencies += http.latencies
            memory["daemonPeakResidentMB"] = http.daemonPeakResidentMB
            memory["daemonResidentBeforeMB"] = http.daemonResidentBeforeMB
            memory["daemonPDFPeakResidentMB"] = http.pdfPeakResidentMB
            memory["daemonPDFResidentBeforeMB"] = http.pdfResidentBeforeMB
        }
        if part == .all && !HTTPBench.daemonIsBuilt {
            print("(the HTTP part needs lienthongd beside this binary: swift build -c release --product lienthongd)")
        }
        print(String(repeating: "-", count: 100))
        for figure in figures {
            let ratio = figure.limit.map { String(format: "%5.1f%%", 100 * figure.perSecond / $0) } ?? "     "
            print(
                figure.name.padding(toLength: 80, withPad: " ", startingAt: 0)
                    + String(format: "%10.0f/s ", figure.perSecond) + ratio)
        }
        if let peak = memory["peakResidentMB"], let before = memory["residentBeforeMB"] {
            print(
                "peak resident memory signing and verifying the \(megabytes) MB document (limit 150 MB)".padding(
                    toLength: 80, withPad: " ", startingAt: 0)
                    + String(format: "%7.1f MB (%.1f MB before)", peak, before))
        }
        if let peak = memory["daemonPeakResidentMB"], let before = memory["daemonResidentBeforeMB"] {
            print(
                "lienthongd's peak resident memory taking and sending it (limit 150 MB)".padding(
                    toLength: 80, withPad: " ", startingAt: 0)
                    + String(format: "%7.1f MB (%.1f MB before)", peak, before))
        }
        if let peak = memory["daemonPDFPeakResidentMB"], let before = memory["daemonPDFResidentBeforeMB"] {
            print(
                "lienthongd's peak memory sealing and verifying the scanned PDF (limit 150 MB)".padding(
                    toLength: 80, withPad: " ", startingAt: 0)
                    + String(format: "%7.1f MB (%.1f MB before)", peak, before))
        }
        for latency in latencies {
            print(
                latency.name.padding(toLength: 80, withPad: " ", startingAt: 0)
                    + String(format: "p50 %7.2f ms  p99 %7.2f ms", latency.p50Milliseconds, latency.p99Milliseconds))
        }
        if let json {
            struct Results: Encodable {
                let rates: [Figure]
                let registry: [RegistryBench.Latency]
                let memory: [String: Double]
            }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            try encoder.encode(Results(rates: figures, registry: latencies, memory: memory)).write(
                to: URL(fileURLWithPath: json))
        }
    }

    /// CMS signing and batch verification, each beside the raw OpenSSL rate it is bounded by.
    func measureCrypto(_ figures: inout [Figure]) async throws {
        let pki = try DemoPKI()
        let content = FileManager.default.temporaryDirectory.appendingPathComponent("bench-\(UUID().uuidString).pdf")
        try Data((0..<10_240).map { UInt8(truncatingIfNeeded: $0) }).write(to: content)
        defer { try? FileManager.default.removeItem(at: content) }

        let signer = DetachedSigner()
        let rawSign = { try RawRSA.sign(pki.signer.key) }
        let rawVerify = { try RawRSA.verify(pki.signer) }
        let rawECDSAVerify = { try RawECDSA.verify(pki.tsa.identity) }
        figures.append(
            Figure(name: "raw RSA-2048-PSS sign, fresh context (limit)", perSecond: try rate(rawSign), limit: nil))
        figures.append(
            Figure(name: "raw RSA-2048-PSS verify, fresh context (limit)", perSecond: try rate(rawVerify), limit: nil))
        figures.append(
            Figure(
                name: "raw RSA-2048-PSS verify, reused context (openssl speed)",
                perSecond: try rate { try RawRSA.verifyReusingContext(pki.signer) }, limit: nil))
        figures.append(
            Figure(name: "raw ECDSA P-256 verify (the TSA's tokens)", perSecond: try rate(rawECDSAVerify), limit: nil))

        if part == .all || part == .sign {
            try await figures.append(
                Figure(
                    name: "CMS sign, 1 signature, 10 KB",
                    paired(rawSign) {
                        _ = try await signer.sign(content: content, signer: nil, seal: pki.seal)
                    }))
            // The limit of a document is two raw signatures.
            try await figures.append(
                Figure(
                    name: "CMS sign, signer + seal, 10 KB (documents/s; limit 2 RSA signs)",
                    paired({
                        try rawSign()
                        try rawSign()
                    }) {
                        _ = try await signer.sign(content: content, signer: pki.signer, seal: pki.seal)
                    }))
            try await figures.append(
                Figure(
                    name: "CMS sign, signer + seal + 2 time stamps + CRLs (documents/s)",
                    paired({}) {
                        _ = try await signer.sign(
                            content: content, signer: pki.signer, seal: pki.seal, timeStamper: pki.tsa,
                            evidence: pki.crls)
                    }, bounded: false))
        }
        if part == .all || part == .verify {
            // Two RSA verifications per document are the irreducible public-key work; the variants
            // show what the chain, the revocation evidence and the time stamps add to it. With time
            // stamps the irreducible work adds two ECDSA verifications, one per token.
            let variants: [(String, Bool, RevocationPolicy, () throws -> Void)] = [
                (
                    "batch verify, signatures + chain (docs/s; limit 2 RSA verifies)", false, .skip,
                    {
                        try rawVerify()
                        try rawVerify()
                    }
                ),
                (
                    "batch verify, + embedded CRLs (docs/s; limit 2 RSA verifies)", false, .require,
                    {
                        try rawVerify()
                        try rawVerify()
                    }
                ),
                (
                    "batch verify, + time stamps, complete CAdES-LT (docs/s; limit 2 RSA + 2 ECDSA)", true, .require,
                    {
                        try rawVerify()
                        try rawVerify()
                        try rawECDSAVerify()
                        try rawECDSAVerify()
                    }
                ),
            ]
            for (name, stamped, policy, limit) in variants {
                var signatures: [Data] = []
                for _ in 0..<batch {
                    signatures.append(
                        try await signer.sign(
                            content: content, signer: pki.signer, seal: pki.seal,
                            timeStamper: stamped ? pki.tsa : nil, evidence: pki.crls))
                }
                let verifier = SignatureVerifier(trust: pki.trust, revocationPolicy: policy)
                var index = 0
                try await figures.append(
                    Figure(
                        name: name,
                        paired(limit) {
                            let report = verifier.verify(
                                content: content, signature: signatures[index % signatures.count], expecting: .document)
                            guard report.verdict.indication == .totalPassed else {
                                throw ValidationError("benchmark document did not verify: \(report.verdict)")
                            }
                            index += 1
                        }))
            }
        }
    }

    struct Figure: Encodable {
        let name: String
        let perSecond: Double
        let limit: Double?

        init(name: String, perSecond: Double, limit: Double?) {
            self.name = name
            self.perSecond = perSecond
            self.limit = limit
        }

        /// Ours against the limit measured beside it; `bounded: false` for figures that have none.
        init(name: String, _ rates: (limit: Double, ours: Double), bounded: Bool = true) {
            self.init(name: name, perSecond: rates.ours, limit: bounded ? rates.limit : nil)
        }
    }

    /// The rates of `limit` and `ours` per second of CPU time, measured in alternating slices of
    /// 50 ms for `seconds` each: on a shared 2-core VM the clock and the steal drift from one
    /// second to the next, and a ratio is only meaningful if both sides saw the same machine.
    func paired(
        _ limit: () throws -> Void, _ ours: () async throws -> Void
    ) async throws -> (limit: Double, ours: Double) {
        for _ in 0..<10 {
            try limit()
            try await ours()
        }
        var counts = (limit: 0, ours: 0)
        var spent = (limit: 0.0, ours: 0.0)
        while spent.limit + spent.ours < 2 * seconds {
            var start = cpuSeconds()
            while cpuSeconds() - start < 0.05 {
                try limit()
                counts.limit += 1
            }
            spent.limit += cpuSeconds() - start
            start = cpuSeconds()
            while cpuSeconds() - start < 0.05 {
                try await ours()
                counts.ours += 1
            }
            spent.ours += cpuSeconds() - start
        }
        return (Double(counts.limit) / spent.limit, Double(counts.ours) / spent.ours)
    }

    /// A rate per second of CPU time, for the limits shown on their own.
    func rate(_ body: () throws -> Void) throws -> Double {
        for _ in 0..<10 { try body() }
        let start = cpuSeconds()
        var count = 0
        while cpuSeconds() - start < seconds {
            try body()
            count += 1
        }
        return Double(count) / (cpuSeconds() - start)
    }

    func cpuSeconds() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }
}

/// The tests' PKI (``TestPKI``), with its CRLs and trust made once, outside every measure.
struct DemoPKI {
    let signer: SigningIdentity
    let seal: SigningIdentity
    let tsa: TimeStampAuthority
    let crls: RevocationEvidence
    let trust: TrustStore

    init() throws {
        let pki = try TestPKI()
        (signer, seal, tsa) = (pki.signer, pki.seal, pki.tsa)
        crls = try pki.crls
        trust = try pki.trust
    }
}

/// `openssl speed`'s measure for ECDSA: one verification of a signature over a SHA-256 digest.
enum RawECDSA {
    nonisolated(unsafe) static var signature: [UInt8] = []

    static func verify(_ identity: SigningIdentity) throws {
        if signature.isEmpty {
            guard let context = EVP_PKEY_CTX_new(identity.key.openSSLKey, nil), EVP_PKEY_sign_init(context) == 1 else {
                throw ValidationError("cannot set up raw ECDSA")
            }
            defer { EVP_PKEY_CTX_free(context) }
            var buffer = [UInt8](repeating: 0, count: 80)
            var length = buffer.count
            guard EVP_PKEY_sign(context, &buffer, &length, RawRSA.digest, RawRSA.digest.count) == 1 else {
                throw ValidationError("raw ECDSA sign failed")
            }
            signature = Array(buffer.prefix(length))
        }
        guard let context = EVP_PKEY_CTX_new(identity.certificate.openSSLPublicKey, nil),
            EVP_PKEY_verify_init(context) == 1
        else {
            throw ValidationError("cannot set up raw ECDSA")
        }
        defer { EVP_PKEY_CTX_free(context) }
        guard EVP_PKEY_verify(context, signature, signature.count, RawRSA.digest, RawRSA.digest.count) == 1 else {
            throw ValidationError("raw ECDSA verify failed")
        }
    }
}

/// `openssl speed`'s measure: one PSS signature or verification over a SHA-256 digest.
enum RawRSA {
    static let digest = [UInt8](repeating: 0x5A, count: 32)

    static func context(_ key: OpaquePointer, sign: Bool) throws -> OpaquePointer {
        guard let context = EVP_PKEY_CTX_new(key, nil),
            (sign ? EVP_PKEY_sign_init(context) : EVP_PKEY_verify_init(context)) == 1,
            EVP_PKEY_CTX_set_rsa_padding(context, RSA_PKCS1_PSS_PADDING) == 1,
            EVP_PKEY_CTX_set_signature_md(context, EVP_sha256()) == 1
        else {
            throw ValidationError("cannot set up raw RSA-PSS")
        }
        return context
    }

    nonisolated(unsafe) static var signature = [UInt8](repeating: 0, count: 256)

    static func sign(_ key: PrivateKey) throws {
        let context = try Self.context(key.openSSLKey, sign: true)
        defer { EVP_PKEY_CTX_free(context) }
        var length = 256
        guard EVP_PKEY_sign(context, &signature, &length, digest, digest.count) == 1 else {
            throw ValidationError("raw sign failed")
        }
    }

    nonisolated(unsafe) static var reusedContext: OpaquePointer?

    /// As `openssl speed` measures it: one context set up once, then only the verifications.
    static func verifyReusingContext(_ identity: SigningIdentity) throws {
        if signature.allSatisfy({ $0 == 0 }) { try sign(identity.key) }
        if reusedContext == nil { reusedContext = try context(identity.certificate.openSSLPublicKey, sign: false) }
        guard EVP_PKEY_verify(reusedContext, signature, 256, digest, digest.count) == 1 else {
            throw ValidationError("raw verify failed")
        }
    }

    static func verify(_ identity: SigningIdentity) throws {
        if signature.allSatisfy({ $0 == 0 }) { try sign(identity.key) }
        let context = try Self.context(identity.certificate.openSSLPublicKey, sign: false)
        defer { EVP_PKEY_CTX_free(context) }
        guard EVP_PKEY_verify(context, signature, 256, digest, digest.count) == 1 else {
            throw ValidationError("raw verify failed")
        }
    }
}
