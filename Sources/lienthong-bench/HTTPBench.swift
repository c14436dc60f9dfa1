import Foundation
import LienThongTestSupport
import Synchronization

/// End to end over HTTP on loopback: the real `lienthongd` (built beside this binary) on a free
/// port, and 1, 8 and 64 clients sending documents to three communes: each send two signatures,
/// two time stamps, durable filing and three deliveries. The limit is both cores signing: two raw
/// RSA signatures per document on each core.
struct HTTPBench {
    let seconds: Double
    let rawSignRate: Double
    /// The large document then uploaded and sent through the same daemon, in MB.
    let megabytes: Int

    static var executable: URL {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("lienthongd")
    }

    static var daemonIsBuilt: Bool { FileManager.default.isExecutableFile(atPath: executable.path) }

    struct Daemon {
        let process: Process
        let port: Int
        let token: String
        let directory: URL
    }

    struct Outcome {
        let figures: [Bench.Figure]
        let latencies: [RegistryBench.Latency]
        /// The daemon's peak resident set while it took and sent the large document, and before.
        let daemonPeakResidentMB: Double
        let daemonResidentBeforeMB: Double
        /// The same while it signed and sealed the large scanned PDF inside and verified it.
        let pdfPeakResidentMB: Double
        let pdfResidentBeforeMB: Double
    }

    func run() async throws -> Outcome {
        let daemon = try start()
        defer {
            daemon.process.terminate()
            daemon.process.waitUntilExit()
            try? FileManager.default.removeItem(at: daemon.directory)
        }
        let uploader = try LoopbackClient(port: daemon.port)
        let uploaded = try uploader.send(
            "POST", "/v1/files", token: daemon.token, body: (0..<10_240).map { UInt8(truncatingIfNeeded: $0) })
        guard uploaded.status == 201,
            let sha = (try JSONSerialization.jsonObject(with: Data(uploaded.body)) as? [String: Any])?["sha256"]
                as? String
        else {
            throw BenchFailure("the daemon did not take the upload: \(String(decoding: uploaded.body, as: UTF8.self))")
        }
        let send = Array(
            try JSONSerialization.data(withJSONObject: [
                "files": [["sha256": sha, "name": "thong-bao.pdf"]],
                "to": ["000.01.21.H18", "000.02.21.H18", "000.03.21.H18"],
                "type": "TB", "subject": "Thông báo lịch họp",
            ]))
        let (port, token, duration) = (daemon.port, daemon.token, max(seconds, 2))
        var figures: [Bench.Figure] = []
        var latencies: [RegistryBench.Latency] = []
        for clients in [1, 8, 64] {
            let start = Date()
            let daemonCPUBefore = try Self.cpuSeconds(of: daemon.process.processIdentifier)
            // Each client is a thread with its own connection, sending one document after another.
            let results = Mutex<[Result<[Double], any Error>]>([])
            let threads = (0..<clients).map { _ in
                Thread {
                    let result = Result { () throws -> [Double] in
                        let client = try LoopbackClient(port: port)
                        var times: [Double] = []
                        while Date().timeIntervalSince(start) < duration {
                            let began = DispatchTime.now().uptimeNanoseconds
                            let answer = try client.send("POST", "/v1/documents", token: token, body: send)
                            guard answer.status == 201 else {
                                throw BenchFailure("a send failed: \(String(decoding: answer.body, as: UTF8.self))")
                            }
                            times.append(Double(DispatchTime.now().uptimeNanoseconds - began) / 1e6)
                        }
                        return times
                    }
                    results.withLock { $0.append(result) }
                }
            }
            for thread in threads { thread.start() }
            while results.withLock({ $0.count }) < clients { try await Task.sleep(for: .milliseconds(20)) }
            let times = try results.withLock { try $0.flatMap { try $0.get() } }.sorted()
            let elapsed = Date().timeIntervalSince(start)
            let daemonCPU = try Self.cpuSeconds(of: daemon.process.processIdentifier) - daemonCPUBefore
            figures.append(
                Bench.Figure(
                    name: "HTTP send, \(clients) client\(clients == 1 ? "" : "s") (documents/s; limit 2 cores signing)",
                    perSecond: Double(times.count) / elapsed, limit: rawSignRate))
            // What a send costs the daemon, whatever the clients and the host's steal left it.
            figures.append(
                Bench.Figure(
                    name: "  per CPU-second of the daemon (limit 1 core signing)",
                    perSecond: Double(times.count) / daemonCPU, limit: rawSignRate / 2))
            latencies.append(
                RegistryBench.Latency(
                    name: "HTTP send latency, \(clients) client\(clients == 1 ? "" : "s")", runs: times.count,
                    p50Milliseconds: times[times.count / 2],
                    p99Milliseconds: times[min(times.count - 1, times.count * 99 / 100)]))
        }
        let (large, peak, before) = try largeDocument(daemon)
        let (pdf, pdfPeak, pdfBefore) = try largePDF(daemon)
        return Outcome(
            figures: figures + large + pdf, latencies: latencies, daemonPeakResidentMB: peak,
            daemonResidentBeforeMB: before, pdfPeakResidentMB: pdfPeak, pdfResidentBeforeMB: pdfBefore)
    }

    /// A scanned PDF of the large document's size uploaded, sent (the leader's signature, the number, the seal and
    /// the validation data appended inside it, in a working file) and then verified as it is by `POST /v1/verify`,
    /// with the daemon's peak resident memory over the send and the verification.
    private func largePDF(_ daemon: Daemon) throws -> ([Bench.Figure], peakMB: Double, beforeMB: Double) {
        let scan = daemon.directory.appendingPathComponent("ban-quet.pdf")
        try SamplePDF.scanned(pages: megabytes, to: scan)
        let process = "\(daemon.process.processIdentifier)"
        var before = 0.0
        let client = try LoopbackClient(port: daemon.port)
        let (_, sendSeconds, view) = try uploadAndSend(
            Array(try Data(contentsOf: scan)), name: "ban-quet.pdf", subject: "Hồ sơ quét", daemon, client
        ) {
            LargeDocumentBench.resetPeakResident(of: process)
            before = LargeDocumentBench.residentMB("VmHWM", of: process)
        }
        guard let signed = (view["files"] as? [[String: Any]])?.first?["sha256"] as? String else {
            throw BenchFailure("the scanned PDF's send answered no file: \(view)")
        }
        // The signed PDF as the recipient downloads it: the file the daemon filed.
        let filed = daemon.directory.appendingPathComponent("data/blobs/\(signed.prefix(2))/\(signed)")
        let body = Array(try Data(contentsOf: filed))
        let verifyStart = Date()
        let verified = try client.send(
            "POST", "/v1/verify?name=ban-quet.pdf", token: daemon.token, body: body, type: "application/pdf")
        let verifySeconds = Date().timeIntervalSince(verifyStart)
        let verdict = (try JSONSerialization.jsonObject(with: Data(verified.body)) as? [String: Any])?["verdict"]
        guard verified.status == 200, (verdict as? [String: Any])?["indication"] as? String == "TOTAL_PASSED" else {
            throw BenchFailure(
                "the signed scanned PDF did not verify: \(String(decoding: verified.body.prefix(2000), as: UTF8.self))")
        }
        return (
            [
                Bench.Figure(
                    name: "HTTP send of a \(megabytes) MB scanned PDF, signed and sealed inside (MB/s)",
                    perSecond: Double(megabytes) / sendSeconds, limit: nil),
                Bench.Figure(
                    name: "POST /v1/verify of it as it is, every signature and revision (MB/s)",
                    perSecond: Double(megabytes) / verifySeconds, limit: nil),
            ], LargeDocumentBench.residentMB("VmHWM", of: process), before
        )
    }

    /// The large document uploaded (streamed to disk and hashed as it arrives) and sent (hashed
    /// again and signed), beside raw SHA-256, with the daemon's peak resident memory.
    private func largeDocument(_ daemon: Daemon) throws -> ([Bench.Figure], peakMB: Double, beforeMB: Double) {
        let chunk = LargeDocumentBench.chunk
        var body: [UInt8] = []
        body.reserveCapacity(megabytes << 20)
        for _ in 0..<megabytes { body += chunk }
        let raw = LargeDocumentBench.rawSHA256(chunk: chunk, megabytes: megabytes)
        let process = "\(daemon.process.processIdentifier)"
        LargeDocumentBench.resetPeakResident(of: process)
        let before = LargeDocumentBench.residentMB("VmHWM", of: process)
        let (uploadSeconds, sendSeconds, _) = try uploadAndSend(
            body, name: "ho-so-lon.pdf", subject: "Hồ sơ lớn", daemon, try LoopbackClient(port: daemon.port))
        return (
            [
                Bench.Figure(
                    name: "HTTP upload of the \(megabytes) MB document, stored durably (MB/s)",
                    perSecond: Double(megabytes) / uploadSeconds, limit: raw),
                Bench.Figure(
                    name: "HTTP send of it: hashed, signed, filed (MB/s)", perSecond: Double(megabytes) / sendSeconds,
                    limit: raw),
            ], LargeDocumentBench.residentMB("VmHWM", of: process), before
        )
    }

    /// `body` uploaded as `name`, then sent to one commune: the seconds each took, and the document as the send
    /// answered it. `uploaded` runs between the two.
    private func uploadAndSend(
        _ body: [UInt8], name: String, subject: String, _ daemon: Daemon, _ client: LoopbackClient,
        uploaded: () -> Void = {}
    ) throws -> (upload: Double, send: Double, view: [String: Any]) {
        let uploadStart = Date()
        let upload = try client.send("POST", "/v1/files", token: daemon.token, body: body)
        let uploadSeconds = Date().timeIntervalSince(uploadStart)
        guard upload.status == 201,
            let sha = (try JSONSerialization.jsonObject(with: Data(upload.body)) as? [String: Any])?["sha256"]
                as? String
        else {
            throw BenchFailure(
                "the daemon did not take the \(megabytes) MB upload: \(String(decoding: upload.body, as: UTF8.self))")
        }
        uploaded()
        let send = Array(
            try JSONSerialization.data(withJSONObject: [
                "files": [["sha256": sha, "name": name]], "to": ["000.01.21.H18"], "type": "TB", "subject": subject,
            ]))
        let sendStart = Date()
        let sent = try client.send("POST", "/v1/documents", token: daemon.token, body: send)
        let sendSeconds = Date().timeIntervalSince(sendStart)
        guard sent.status == 201, let view = try JSONSerialization.jsonObject(with: Data(sent.body)) as? [String: Any]
        else {
            throw BenchFailure("the \(megabytes) MB send failed: \(String(decoding: sent.body, as: UTF8.self))")
        }
        return (uploadSeconds, sendSeconds, view)
    }

    /// User and system CPU time a process has used, from `/proc/<pid>/stat`.
    static func cpuSeconds(of pid: Int32) throws -> Double {
        let stat = try String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)
        // Fields after the command name, which is in parentheses and may hold spaces.
        let fields = stat[stat.index(after: stat.lastIndex(of: ")")!)...].split(separator: " ")
        guard fields.count > 13, let user = Double(fields[11]), let system = Double(fields[12]) else {
            throw BenchFailure("cannot read the CPU time of process \(pid)")
        }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    private func start() throws -> Daemon {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "lienthong-bench-http-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let executable = Self.executable
        guard Self.daemonIsBuilt else {
            throw BenchFailure(
                "\(executable.path) is missing: build it first (swift build -c release --product lienthongd)")
        }
        let log = directory.appendingPathComponent("daemon.log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let process = Process()
        process.executableURL = executable
        process.currentDirectoryURL = directory
        process.environment = ProcessInfo.processInfo.environment.merging([
            "LIENTHONG_PORT": "0", "LIENTHONG_DATA_DIRECTORY": directory.appendingPathComponent("data").path,
            "LIENTHONG_CERTS_DIRECTORY": directory.appendingPathComponent("Certs").path,
            "LIENTHONG_HOLIDAYS_FILE": directory.appendingPathComponent("none.json").path,
            "LIENTHONG_RATE_LIMIT_PER_SECOND": "1000000", "LIENTHONG_RATE_LIMIT_BURST": "1000000",
            // The send itself is measured; a signer's approval is another person's earlier request.
            "LIENTHONG_SIGNER_APPROVAL": "optional",
            "LIENTHONG_MAX_UPLOAD_BYTES": "\((megabytes + 1) << 20)",
        ]) { $1 }
        let handle = try FileHandle(forWritingTo: log)
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline, process.isRunning {
            let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
            if let match = text.firstMatch(of: /serving on http:\/\/127\.0\.0\.1:(\d+)/), let port = Int(match.1) {
                let token = try String(
                    contentsOf: directory.appendingPathComponent("data/tokens/clerk.tinh-dien-bien.token"),
                    encoding: .utf8)
                return Daemon(
                    process: process, port: port, token: token.trimmingCharacters(in: .whitespacesAndNewlines),
                    directory: directory)
            }
            Thread.sleep(forTimeInterval: 0.1)
        }
        throw BenchFailure("lienthongd did not start: \((try? String(contentsOf: log, encoding: .utf8)) ?? "")")
    }
}

struct BenchFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
