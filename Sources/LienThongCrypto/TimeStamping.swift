import CLienThongCrypto
import COpenSSL
import Foundation

/// Something that time-stamps a signature value (RFC 3161): the built-in authority or an
/// external TSA. The token is the signature's proof of existence (CAdES-T): certificates are
/// judged at its genTime, not at the signing-time the signer's software claims.
public protocol TimeStamper: Sendable {
    /// A DER TimeStampToken (CMS ContentInfo) over the bytes whose `algorithm` digest is `imprint`: a large
    /// document is hashed where it is, in chunks, never gathered into one buffer.
    func timeStampToken(imprint: [UInt8], algorithm: DigestAlgorithm) async throws -> Data
}

extension TimeStamper {
    /// A DER TimeStampToken over `data`, hashed with SHA-256.
    public func timeStampToken(for data: Data) async throws -> Data {
        try await timeStampToken(imprint: Digest.bytes(data, .sha256), algorithm: .sha256)
    }
}

/// The RFC 3161 messages, as bytes, for any transport.
public enum TimeStampProtocol {
    /// A DER TimeStampReq for the bytes whose `algorithm` digest is `imprint`, asking for the TSA's certificate,
    /// with a random nonce.
    public static func request(imprint: [UInt8], algorithm digest: DigestAlgorithm) throws -> Data {
        var imprint = imprint
        var out: UnsafeMutablePointer<UInt8>?
        let length = shim_ts_request(digest.evp, &imprint, Int32(imprint.count), &out)
        guard length > 0, let out else { throw CryptoError.drain("building a time-stamp request") }
        defer { shim_OPENSSL_free(out) }
        return Data(bytes: out, count: Int(length))
    }

    /// The token in a DER TimeStampResp, byte for byte as the TSA sent it, if the TSA granted it.
    ///
    /// TimeStampResp ::= SEQUENCE { status PKIStatusInfo, timeStampToken ContentInfo OPTIONAL },
    /// PKIStatusInfo ::= SEQUENCE { status INTEGER, … } (RFC 3161 §2.4.2). Read with the DER
    /// walker: `d2i_TS_RESP` decoded the TSA's certificates only for the token to be encoded
    /// again, a fifth of the time of a stamped signature. The token itself is verified where it
    /// is used, like any other.
    public static func token(fromResponse response: Data) throws -> Data {
        let notRFC3161 = CryptoError("the time-stamping authority's answer is not an RFC 3161 response")
        guard let outer = DER.elements(response), outer.count == 1, outer[0].tag == 0x30,
            let fields = DER.elements(outer[0].content), (1...2).contains(fields.count), fields[0].tag == 0x30,
            let statusInfo = DER.elements(fields[0].content), let status = statusInfo.first, status.tag == 0x02,
            status.content.count == 1, let code = status.content.first
        else { throw notRFC3161 }
        guard code <= 1 else {
            throw CryptoError("the time-stamping authority refused the request (PKIStatus \(code))")
        }
        guard fields.count == 2 else {
            throw CryptoError("the time-stamping authority granted the request (PKIStatus \(code)) but sent no token")
        }
        // ContentInfo { contentType id-signedData, content [0] EXPLICIT SignedData }
        guard fields[1].tag == 0x30, let contentInfo = DER.elements(fields[1].content), contentInfo.count == 2,
            contentInfo[0].element == SignedDataEncoder.OID.signedData, contentInfo[1].tag == 0xA0
        else { throw notRFC3161 }
        return Data(fields[1].element)
    }
}

/// LienThong's own time-stamping authority: a certificate with the critical timeStamping EKU,
/// answering RFC 3161 requests with OpenSSL's TS responder.
public struct TimeStampAuthority: TimeStamper {
    public let identity: SigningIdentity
    /// The TSA policy named in every token.
    public let policy: String

    /// A policy OID for LienThong's built-in TSA (UUID arc, X.667).
    public static let defaultPolicy = "2.25.310478163052837162364283541624318906177"

    public init(identity: SigningIdentity, policy: String = TimeStampAuthority.defaultPolicy) {
        self.identity = identity
        self.policy = policy
    }

    /// Answers a DER TimeStampReq with a DER TimeStampResp (refusals included, as RFC 3161 asks).
    public func respond(to request: Data) throws -> Data {
        let chain = shim_sk_X509_new_null()!
        defer { shim_sk_X509_pop_free(chain) }
        for certificate in identity.intermediates { shim_sk_X509_push_up_ref(chain, certificate.pointer) }
        var out: UnsafeMutablePointer<UInt8>?
        let length = request.withUnsafeBytes { raw in
            shim_ts_respond(
                identity.certificate.pointer, identity.key.pointer, chain, policy,
                raw.bindMemory(to: UInt8.self).baseAddress, Int32(raw.count), &out)
        }
        guard length > 0, let out else { throw CryptoError.drain("time-stamping") }
        defer { shim_OPENSSL_free(out) }
        return Data(bytes: out, count: Int(length))
    }

    public func timeStampToken(imprint: [UInt8], algorithm: DigestAlgorithm) async throws -> Data {
        try TimeStampProtocol.token(
            fromResponse: respond(to: TimeStampProtocol.request(imprint: imprint, algorithm: algorithm)))
    }
}
