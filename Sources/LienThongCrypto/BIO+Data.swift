import COpenSSL
import Foundation

/// A memory BIO that reads the given bytes; freed by the caller.
func makeReadBIO(_ data: Data) throws -> OpaquePointer {
    let bio = data.withUnsafeBytes { raw -> OpaquePointer? in
        // BIO_new_mem_buf does not copy: duplicate into a BIO that owns its bytes.
        guard let bio = BIO_new(BIO_s_mem()) else { return nil }
        if raw.count > 0, BIO_write(bio, raw.baseAddress, Int32(raw.count)) != Int32(raw.count) {
            BIO_free(bio)
            return nil
        }
        return bio
    }
    guard let bio else { throw CryptoError.drain("allocating a memory buffer") }
    return bio
}

/// Runs `write` against a fresh memory BIO and returns what it wrote.
func withWriteBIO(_ operation: String, _ write: (OpaquePointer) -> Bool) throws -> Data {
    guard let bio = BIO_new(BIO_s_mem()) else { throw CryptoError.drain(operation) }
    defer { BIO_free(bio) }
    guard write(bio) else { throw CryptoError.drain(operation) }
    var pointer: UnsafeMutablePointer<CChar>?
    let length = shim_BIO_get_mem_data(bio, &pointer)
    guard length > 0, let pointer else { return Data() }
    return Data(bytes: pointer, count: length)
}

/// SHA-256 of what an `i2d_*` function writes: the fingerprint caches key certificates and CRLs by.
func derFingerprint(_ encode: (UnsafeMutablePointer<UnsafeMutablePointer<UInt8>?>) -> Int32) -> Data {
    var buffer: UnsafeMutablePointer<UInt8>?
    let length = encode(&buffer)
    guard length > 0, let buffer else { return Data() }
    defer { shim_OPENSSL_free(buffer) }
    return Data(Digest.sha256Bytes(Data(bytesNoCopy: buffer, count: Int(length), deallocator: .none)))
}

/// Whether bytes are PEM rather than DER. DER here always opens with a SEQUENCE (0x30); PEM may
/// carry text (bag attributes, comments) before its `-----BEGIN` line.
public func isPEM(_ data: Data) -> Bool {
    data.first != 0x30 && data.prefix(4096).firstRange(of: Array("-----BEGIN".utf8)) != nil
}
