import COpenSSL
import Foundation

/// How much one signature may ask of the verifier. A document needs a person's signature and the
/// agency's seal, each with a short chain and a time stamp; a signature that asks for thousands
/// of SignerInfos or certificates is an attack on the verifier, not a document, and is refused
/// before any cryptography runs.
public struct VerificationLimits: Sendable {
    /// The whole CMS structure, with the CRLs it keeps (a government CA's CRL runs to megabytes).
    public var signatureBytes = 32 << 20
    /// Signatures and seals over one file.
    public var signerInfos = 8
    /// Certificates in the signature's certificate set.
    public var certificates = 64
    /// CRLs and OCSP responses kept in one SignerInfo (CAdES revocation-values).
    public var revocationValues = 32

    public init() {}

    public static let standard = VerificationLimits()

    /// Why `der` (ContentInfo with SignedData) asks more than these limits allow or repeats a
    /// SignerInfo, or nil. Reads only the DER framing, before anything is parsed; a signature it
    /// cannot frame (BER) is held to the same limits once OpenSSL has parsed it.
    public func violation(in der: Data) -> String? {
        guard der.count <= signatureBytes else {
            return
                "the signature is \(der.count) bytes, more than the \(signatureBytes) a document's signature may take"
        }
        return der.withUnsafeBytes { bytes -> String? in
            // ContentInfo { contentType, [0] { SignedData { version, digestAlgorithms, encapContentInfo,
            //   [0] certificates OPTIONAL, [1] crls OPTIONAL, signerInfos } } }
            guard let top = DER.scan(bytes, 0..<bytes.count), top.count == 1,
                let contentInfo = DER.scan(bytes, top[0].content), contentInfo.count == 2, contentInfo[1].tag == 0xA0,
                let wrapped = DER.scan(bytes, contentInfo[1].content), wrapped.count == 1,
                let fields = DER.scan(bytes, wrapped[0].content), let last = fields.last, last.tag == 0x31
            else { return nil }
            var certificateCount = 0
            if let set = fields.first(where: { $0.tag == 0xA0 }) {
                _ = DER.forEach(bytes, set.content) { _ in
                    certificateCount += 1
                    return certificateCount <= certificates
                }
            }
            var signatureValues: [Data] = []
            _ = DER.forEach(bytes, last.content) { info in
                // SignerInfo's one OCTET STRING at its top level is the signature value.
                let value = DER.scan(bytes, info.content)?.first { $0.tag == 0x04 }
                signatureValues.append(value.map { Data(bytes[$0.content]) } ?? Data(bytes[info.whole]))
                return signatureValues.count <= signerInfos
            }
            return violation(
                signerInfos: signatureValues.count, certificates: certificateCount,
                signatureValues: signatureValues)
        }
    }

    /// Why a parsed signature with `infos` (a `STACK_OF(CMS_SignerInfo)`) and `certificates`
    /// certificates asks too much or repeats a SignerInfo, or nil; nothing is copied.
    func violation(signerInfos infos: OpaquePointer, certificates certificateCount: Int) -> String? {
        let count = Int(shim_sk_CMS_SignerInfo_num(infos))
        if certificateCount > certificates { return Self.tooManyCertificates(certificates) }
        if count > signerInfos { return Self.tooManySignerInfos(signerInfos) }
        let values = (0..<count).map { CMS_SignerInfo_get0_signature(shim_sk_CMS_SignerInfo_value(infos, Int32($0))) }
        for index in values.indices {
            if let first = values[..<index].firstIndex(where: { ASN1_STRING_cmp($0, values[index]) == 0 }) {
                return Self.repeated(index, first)
            }
        }
        return nil
    }

    /// Why a signature of `signerInfos` SignerInfos with these signature values and
    /// `certificates` certificates asks too much or repeats a SignerInfo, or nil.
    func violation(signerInfos count: Int, certificates certificateCount: Int, signatureValues: [Data]) -> String? {
        if certificateCount > certificates { return Self.tooManyCertificates(certificates) }
        if count > signerInfos { return Self.tooManySignerInfos(signerInfos) }
        for (index, value) in signatureValues.enumerated() {
            if let first = signatureValues[..<index].firstIndex(of: value) { return Self.repeated(index, first) }
        }
        return nil
    }

    private static func tooManyCertificates(_ limit: Int) -> String {
        "the signature carries more than \(limit) certificates"
    }

    private static func tooManySignerInfos(_ limit: Int) -> String {
        "the signature holds more than \(limit) SignerInfos; a document has a signature and a seal"
    }

    private static func repeated(_ index: Int, _ first: Int) -> String {
        "SignerInfo \(index + 1) repeats SignerInfo \(first + 1): one signature counts once"
    }
}
