import COpenSSL
import Foundation

/// The bytes a signature covers: a whole file, as LienThong's detached `.p7s` signatures do, or the byte ranges of
/// a PDF that a PAdES signature's `/ByteRange` names (the whole revision but the signature's own `/Contents`).
public enum SignedContent: Sendable {
    case file(URL)
    case byteRanges(ByteSource, [Range<Int>])

    /// The content's digest with `algorithm`: what a signature over it signs.
    public func digest(_ algorithm: DigestAlgorithm) throws -> [UInt8] {
        try digests([algorithm])[algorithm]!
    }

    /// The content's digest with each of `algorithms`, in one pass.
    func digests(_ algorithms: [DigestAlgorithm]) throws -> [DigestAlgorithm: [UInt8]] {
        switch self {
        case .file(let url):
            return try Digest.bytes(of: url, algorithms)
        case .byteRanges(let source, let ranges):
            var digests: [DigestAlgorithm: [UInt8]] = [:]
            for algorithm in Set(algorithms) {
                var digest = StreamingDigest(algorithm)
                for range in ranges {
                    guard range.lowerBound >= 0, range.upperBound <= source.count else {
                        throw CryptoError("a signed byte range reaches past the end of the file")
                    }
                    source.forEachChunk(in: range) { digest.update($0) }
                }
                digests[algorithm] = digest.finalize()
            }
            return digests
        }
    }

    /// What a report calls the content when it is given no name.
    var name: String {
        switch self {
        case .file(let url): url.lastPathComponent
        case .byteRanges: "the signed byte ranges"
        }
    }
}
