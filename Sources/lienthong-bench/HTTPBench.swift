import Foundation
import Synchronization

/// End to end over HTTP on loopback: the real `lienthongd` (built beside this binary) on a free
/// port, and 1, 8 and 64 clients sending documents to three communes: each send two signatures,
/// two time stamps, durable filing and three deliveries. The limit is both cores signing: two raw
/// RSA signatures per document on each core.
struct HTTPBench {
    let seconds: Double
    let rawSignRate: Double

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

    func run() async throws -> ([Bench.Figure], [RegistryBench.Latency]) {
        let daemon = try start()
        defer {
            daemon.process.terminate()
            daemon.process.waitUntilExit()
            try? FileManager.default.removeItem(at: daemon.directory)
        }
        let uploader = try LoopbackClient(port: daemon.port)
        let uploaded = try uploader.send("POST", "/v1/files", token: daemon.token, body: (0..<10_240).map { UInt8(truncatingIfNeeded: $0) })
        guard uploaded.status == 201, let sha = (try JSONSerialization.jsonObject(with: Data(uploaded.body)) as? [String: Any])?["sha256"] as? String else {
            throw BenchFailure("the daemon did not take the upload: \(String(decoding: uploaded.body, as: UTF8.self))")
        }
        let send = Array(try JSONSerialization.data(withJSONObject: [
            "files": [["sha256": sha, "name": "thong-bao.pdf"]], "to": ["000.01.21.H18", "000.02.21.H18", "000.03.21.H18"],
            "type": "TB", "subject": "Thông báo lịch họp",
        ]))
        let (port, token, duration) = (daemon.port, daemon.token, max(seconds, 2))
        var figures: [Bench.Figure] = []
        var latencies: [RegistryBench.Latency] = []
        for clients in [1, 8, 64] {
            let start = Date()
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
                            guard answer.status == 201 else { throw BenchFailure("a send failed: \(String(decoding: answer.body, as: UTF8.self))") }
                            times.append(Double(DispatchTime.now().uptimeNanoseconds - began) / 1e6)
                        }
                        return times
                    }
                    results.withLock { $0.append(result) }
                }
            }
            threads.forEach { $0.start() }
            while results.withLock({ $0.count }) < clients { try await Task.sleep(for: .milliseconds(20)) }
            let times = try results.withLock { try $0.flatMap { try $0.get() } }.sorted()
            let elapsed = Date().timeIntervalSince(start)
            figures.append(Bench.Figure(name: "HTTP send, \(clients) client\(clients == 1 ? "" : "s") (documents/s; limit 2 cores signing)",
                                        perSecond: Double(times.count) / elapsed, limit: rawSignRate))
            latencies.append(RegistryBench.Latency(name: "HTTP send latency, \(clients) client\(clients == 1 ? "" : "s")", runs: times.count,
                                                   p50Milliseconds: times[times.count / 2], p99Milliseconds: times[min(times.count - 1, times.count * 99 / 100)]))
        }
        return (figures, latencies)
    }

    private func start() throws -> Daemon {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("lienthong-bench-http-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let executable = Self.executable
        guard Self.daemonIsBuilt else {
            throw BenchFailure("\(executable.path) is missing: build it first (swift build -c release --product lienthongd)")
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
        ]) { $1 }
        let handle = try FileHandle(forWritingTo: log)
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline, process.isRunning {
            let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
            if let match = text.firstMatch(of: /serving on http:\/\/127\.0\.0\.1:(\d+)/), let port = Int(match.1) {
                let token = try String(contentsOf: directory.appendingPathComponent("data/tokens/clerk.tinh-dien-bien.token"), encoding: .utf8)
                return Daemon(process: process, port: port, token: token.trimmingCharacters(in: .whitespacesAndNewlines), directory: directory)
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
