import CLienThongCrypto
import COpenSSL
import Foundation
import LienThongDomain

/// Reading CMS: PEM and DER, certificates from the cache, the digests of the signed file.
extension SignatureVerifier {
    /// Intermediates from the signature and from the configuration, for path building.
    func makeUntrustedStack(_ embedded: [Certificate]) -> OpaquePointer {
        let stack = shim_sk_X509_new_null()!
        for certificate in embedded + trust.intermediates { shim_sk_X509_push_up_ref(stack, certificate.pointer) }
        return stack
    }

    /// Parses a signature whose certificates come from the store's cache: the `certificates`
    /// field is cut out of the DER before OpenSSL sees it, so each distinct certificate is decoded
    /// once per process. Anything unusual (PEM, attribute certificates) is parsed as it is.
    func parseWithCachedCertificates(_ signature: Data) -> (OpaquePointer, [Certificate])? {
        if let (stripped, certificates) = cuttingCertificates(signature), let cms = Self.parse(stripped) {
            return (cms, certificates)
        }
        guard let cms = Self.parse(signature) else { return nil }
        var embedded: [Certificate] = []
        if let stack = CMS_get1_certs(cms) {
            embedded = (0..<shim_sk_X509_num(stack)).map { Certificate(borrowing: shim_sk_X509_value(stack, $0)) }
            shim_sk_X509_pop_free(stack)
        }
        return (cms, embedded)
    }

    /// ContentInfo { contentType, [0] SignedData { …, [0] certificates, … } } without its
    /// certificates, and those certificates from the cache; nil when the signature is not shaped so.
    func cuttingCertificates(_ der: Data) -> (Data, [Certificate])? {
        der.withUnsafeBytes { bytes -> (Data, [Certificate])? in
            guard let top = DER.scan(bytes, 0..<bytes.count), top.count == 1, top[0].tag == 0x30,
                let contentInfo = DER.scan(bytes, top[0].content), contentInfo.count == 2, contentInfo[1].tag == 0xA0,
                let wrapped = DER.scan(bytes, contentInfo[1].content), wrapped.count == 1, wrapped[0].tag == 0x30,
                let fields = DER.scan(bytes, wrapped[0].content),
                let field = fields.first(where: { $0.tag == 0xA0 }),
                let certificates = trust.cache.certificates(
                    field: UnsafeRawBufferPointer(rebasing: bytes[field.content]),
                    elements: {
                        guard let elements = DER.scan(bytes, field.content), elements.allSatisfy({ $0.tag == 0x30 })
                        else { return nil }
                        return elements.map { Data(bytes[$0.whole]) }
                    })
            else { return nil }
            // The same SignedData with the certificates field cut out, re-wrapped with fresh lengths.
            let inner = wrapped[0].content.count - field.whole.count
            let sequence = DER.headerLength(inner) + inner
            let outer = contentInfo[0].whole.count + DER.headerLength(sequence) + sequence
            var rebuilt = Data(capacity: DER.headerLength(outer) + outer)
            rebuilt.append(contentsOf: DER.header(tag: 0x30, length: outer))
            rebuilt.append(contentsOf: bytes[contentInfo[0].whole])
            rebuilt.append(contentsOf: DER.header(tag: 0xA0, length: sequence))
            rebuilt.append(contentsOf: DER.header(tag: 0x30, length: inner))
            rebuilt.append(contentsOf: bytes[wrapped[0].content.lowerBound..<field.whole.lowerBound])
            rebuilt.append(contentsOf: bytes[field.whole.upperBound..<wrapped[0].content.upperBound])
            return (rebuilt, certificates)
        }
    }

    /// The file's digest with each algorithm the SignerInfos name, and SHA-256 for the report,
    /// reading the file once so that a large document is read and hashed in one pass.
    static func digestContent(
        _ content: SignedContent, for algorithms: [DigestAlgorithm]
    ) throws -> [DigestAlgorithm: [UInt8]] {
        do {
            return try content.digests(algorithms + [.sha256])
        } catch let error as CryptoError {
            throw error
        } catch {
            throw CryptoError("opening \(content.name)")
        }
    }

    static func digestAlgorithm(of info: OpaquePointer) -> DigestAlgorithm? {
        var digest: UnsafeMutablePointer<X509_ALGOR>?
        CMS_SignerInfo_get0_algs(info, nil, nil, &digest, nil)
        return digestAlgorithm(digest)
    }

    static func digestAlgorithm(_ algorithm: UnsafeMutablePointer<X509_ALGOR>?) -> DigestAlgorithm? {
        var object: OpaquePointer?
        X509_ALGOR_get0(&object, nil, nil, algorithm)
        return DigestAlgorithm(nid: OBJ_obj2nid(object))
    }

    /// The DER inside the first CMS or PKCS7 PEM block.
    static func der(fromPEM pem: Data) -> Data? {
        guard let bio = try? makeReadBIO(pem) else { return nil }
        defer { BIO_free(bio) }
        var name: UnsafeMutablePointer<CChar>?
        var header: UnsafeMutablePointer<CChar>?
        var bytes: UnsafeMutablePointer<UInt8>?
        var length = 0
        guard PEM_read_bio(bio, &name, &header, &bytes, &length) == 1 else { return nil }
        defer {
            shim_OPENSSL_free(name)
            shim_OPENSSL_free(header)
            shim_OPENSSL_free(bytes)
        }
        guard let name, ["CMS", "PKCS7"].contains(String(cString: name)), let bytes else { return nil }
        return Data(bytes: bytes, count: length)
    }

    static func parse(_ signature: Data) -> OpaquePointer? {
        defer { ERR_clear_error() }
        guard isPEM(signature) else {
            // From memory, not through a BIO: reading a BIO copies the bytes once more and walks
            // their headers twice, a tenth of a batch verification.
            return signature.withUnsafeBytes { raw -> OpaquePointer? in
                var base = raw.bindMemory(to: UInt8.self).baseAddress
                return base == nil ? nil : d2i_CMS_ContentInfo(nil, &base, raw.count)
            }
        }
        guard let bio = try? makeReadBIO(signature) else { return nil }
        defer { BIO_free(bio) }
        return shim_PEM_read_bio_CMS(bio)
    }

    static func algorithmName(_ algorithm: UnsafeMutablePointer<X509_ALGOR>?) -> String {
        var object: OpaquePointer?
        X509_ALGOR_get0(&object, nil, nil, algorithm)
        switch OBJ_obj2nid(object) {
        case NID_rsaEncryption: return "RSA PKCS#1 v1.5"
        case NID_rsassaPss: return "RSASSA-PSS"
        case NID_sha256: return "SHA-256"
        case NID_sha384: return "SHA-384"
        case NID_sha512: return "SHA-512"
        case NID_undef: return "unknown"
        case let nid: return String(cString: OBJ_nid2sn(nid))
        }
    }
}
