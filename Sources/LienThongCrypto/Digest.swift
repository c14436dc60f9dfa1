import COpenSSL
import Foundation

/// Message digests allowed by Circular 15/2025/TT-BKHCN: SHA-256 or stronger.
public enum DigestAlgorithm: String, Sendable, Codable, CaseIterable {
    case sha256 = "SHA-256"
    case sha384 = "SHA-384"
    case sha512 = "SHA-512"

    /// Fetched once: given a built-in EVP_MD, OpenSSL 3 looks its implementation up again on every use.
    var evp: OpaquePointer { Self.fetched[index] }

    /// The algorithm OpenSSL numbers `nid`, if it is one of these.
    init?(nid: Int32) {
        switch nid {
        case NID_sha256: self = .sha256
        case NID_sha384: self = .sha384
        case NID_sha512: self = .sha512
        default: return nil
        }
    }

    /// AlgorithmIdentifier without parameters, as RFC 5754 asks for the SHA-2 family.
    var algorithmIdentifier: Data { Self.algorithmIdentifiers[index] }

    /// The algorithm's OBJECT IDENTIFIER, DER.
    var objectIdentifier: Data { Self.identifiers[index] }

    private var index: Int {
        switch self {
        case .sha256: 0
        case .sha384: 1
        case .sha512: 2
        }
    }

    nonisolated(unsafe) private static let fetched = ["SHA2-256", "SHA2-384", "SHA2-512"].map { (name: String) in
        EVP_MD_fetch(nil, name, nil)!
    }
    private static let identifiers = (1...3).map { DER.objectIdentifier("2.16.840.1.101.3.4.2.\($0)") }
    private static let algorithmIdentifiers = identifiers.map { DER.sequence($0) }
}

/// A streaming hash, fed in chunks so that a 1 GB document never sits in memory.
public struct StreamingDigest: ~Copyable {
    private let context: OpaquePointer

    public init(_ algorithm: DigestAlgorithm = .sha256) {
        context = EVP_MD_CTX_new()
        EVP_DigestInit_ex(context, algorithm.evp, nil)
    }

    deinit { EVP_MD_CTX_free(context) }

    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        if bytes.count > 0 { EVP_DigestUpdate(context, bytes.baseAddress, bytes.count) }
    }

    public mutating func update(_ data: Data) {
        data.withUnsafeBytes { update($0) }
    }

    public consuming func finalize() -> [UInt8] {
        var output = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        EVP_DigestFinal_ex(context, &output, &length)
        return Array(output.prefix(Int(length)))
    }

    /// The digest as lowercase hexadecimal.
    public consuming func finalizeHex() -> String { finalize().hexString }

    /// The digest of what was fed so far, as lowercase hexadecimal, the stream going on: each prefix of a file
    /// (each revision of a PDF) hashed in one pass.
    public borrowing func snapshotHex() -> String {
        let copy = StreamingDigest(context: EVP_MD_CTX_new())
        EVP_MD_CTX_copy_ex(copy.context, context)
        return copy.finalizeHex()
    }

    private init(context: OpaquePointer) { self.context = context }
}

extension Digest {
    /// SHA-256 of a file, as lowercase hexadecimal.
    public static func sha256(of url: URL) throws -> String {
        try bytes(of: url, .sha256).hexString
    }

    /// The digest of a file, read in chunks into one buffer: a large document never sits in
    /// memory, and a small one costs no allocation beyond the buffer.
    static func bytes(of url: URL, _ algorithm: DigestAlgorithm) throws -> [UInt8] {
        try bytes(of: url, [algorithm])[algorithm]!
    }

    /// The file's digest with each of `algorithms`, in one pass over it.
    static func bytes(of url: URL, _ algorithms: [DigestAlgorithm]) throws -> [DigestAlgorithm: [UInt8]] {
        let descriptor = url.withUnsafeFileSystemRepresentation { path in
            path.map { open($0, O_RDONLY | O_CLOEXEC) } ?? -1
        }
        guard descriptor >= 0 else { throw CocoaError.error(.fileReadNoSuchFile, url: url) }
        defer { close(descriptor) }
        let algorithms = algorithms.reduce(into: [DigestAlgorithm]()) { if !$0.contains($1) { $0.append($1) } }
        let contexts = algorithms.map { algorithm in
            let context = EVP_MD_CTX_new()!
            EVP_DigestInit_ex(context, algorithm.evp, nil)
            return context
        }
        defer { contexts.forEach(EVP_MD_CTX_free) }
        // Just under 64 KiB: glibc consolidates its whole heap whenever a block that large is freed.
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: (1 << 16) - 4096, alignment: 16)
        defer { buffer.deallocate() }
        while true {
            let count = read(descriptor, buffer.baseAddress, buffer.count)
            if count == 0 { break }
            guard count > 0 else {
                if errno == EINTR { continue }
                throw CocoaError.error(.fileReadUnknown, url: url)
            }
            for context in contexts { EVP_DigestUpdate(context, buffer.baseAddress, count) }
        }
        var digests: [DigestAlgorithm: [UInt8]] = [:]
        for (algorithm, context) in zip(algorithms, contexts) {
            var output = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
            var length: UInt32 = 0
            EVP_DigestFinal_ex(context, &output, &length)
            digests[algorithm] = Array(output.prefix(Int(length)))
        }
        return digests
    }

    public static func sha256(_ data: Data) -> String { sha256Bytes(data).hexString }

    /// SHA-1 in uppercase hexadecimal, for the names PDF fixes to it (a DSS's VRI keys, ETSI EN 319 142-1 5.4.2):
    /// an identifier, never the digest of anything signed.
    public static func sha1Identifier(_ data: Data) -> String {
        var output = [UInt8](repeating: 0, count: 20)
        var length: UInt32 = 0
        _ = data.withUnsafeBytes { EVP_Digest($0.baseAddress, $0.count, &output, &length, EVP_sha1(), nil) }
        return output.hexString.uppercased()
    }

    public static func sha256Bytes(_ data: Data) -> [UInt8] { bytes(data, .sha256) }

    /// HMAC-SHA256 of `message` under `key` (RFC 2104): a seal only the key's holder can make.
    public static func hmacSHA256(key: [UInt8], _ message: [UInt8]) -> [UInt8] {
        var output = [UInt8](repeating: 0, count: 32)
        var length: UInt32 = 0
        _ = HMAC(DigestAlgorithm.sha256.evp, key, Int32(key.count), message, message.count, &output, &length)
        return output
    }

    /// The digest of bytes held in memory.
    static func bytes(_ data: Data, _ algorithm: DigestAlgorithm) -> [UInt8] {
        var digest = StreamingDigest(algorithm)
        digest.update(data)
        return digest.finalize()
    }
}

/// Namespace for one-shot digests.
public enum Digest {}

extension Sequence where Element == UInt8 {
    /// Lowercase hexadecimal, built byte by byte: String(format:) costs more than the hash.
    var hexString: String {
        let digits = Array("0123456789abcdef".utf8)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(underestimatedCount * 2)
        for byte in self {
            bytes.append(digits[Int(byte >> 4)])
            bytes.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
