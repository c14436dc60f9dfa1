import CLienThongCrypto
import COpenSSL
import Foundation

/// The OCSP messages (RFC 6960), as bytes, for any transport.
public enum OCSPProtocol {
    /// A DER OCSPRequest for `certificate`, issued by `issuer`, with a nonce.
    public static func request(for certificate: Certificate, issuer: Certificate) throws -> Data {
        var out: UnsafeMutablePointer<UInt8>?
        let length = shim_ocsp_request(certificate.pointer, issuer.pointer, &out)
        guard length > 0, let out else { throw CryptoError.drain("building an OCSP request") }
        defer { shim_OPENSSL_free(out) }
        return Data(bytes: out, count: Int(length))
    }

    /// The BasicOCSPResponse in a DER OCSPResponse, if the responder answered successfully.
    public static func basicResponse(from response: Data) throws -> Data {
        var status: Int32 = -1
        var out: UnsafeMutablePointer<UInt8>?
        let length = response.withUnsafeBytes { raw in
            shim_ocsp_basic_from_response(raw.bindMemory(to: UInt8.self).baseAddress, raw.count, &status, &out)
        }
        defer { if let out { shim_OPENSSL_free(out) } }
        guard status >= 0 else { throw CryptoError.drain("the OCSP responder's answer is not an OCSP response") }
        guard status == OCSP_RESPONSE_STATUS_SUCCESSFUL, length > 0, let out else {
            throw CryptoError("the OCSP responder refused the request (responseStatus \(status))")
        }
        return Data(bytes: out, count: Int(length))
    }
}

extension Certificate {
    /// The first http(s) CRL distribution point.
    public var crlURL: URL? { Self.take(shim_x509_crl_url(pointer)) }
    /// The OCSP responder named in the authority information access.
    public var ocspURL: URL? { Self.take(shim_x509_ocsp_url(pointer)) }

    private static func take(_ text: UnsafeMutablePointer<CChar>?) -> URL? {
        guard let text else { return nil }
        defer { shim_OPENSSL_free(text) }
        return URL(string: String(cString: text))
    }
}
