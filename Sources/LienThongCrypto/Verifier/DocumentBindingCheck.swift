import CLienThongCrypto
import COpenSSL
import Foundation

/// Every signature over a file must name the same document (the LienThong document attribute): signatures taken
/// from two documents and put together over one file fail here.
extension SignatureVerifier {
    /// The failed check when the SignerInfos name different documents, and the document the first names.
    static func documentBinding(of infos: OpaquePointer) -> (Check?, String?) {
        let bindings = (0..<shim_sk_CMS_SignerInfo_num(infos)).map { index -> UnsafeBufferPointer<UInt8>? in
            var bytes: UnsafePointer<UInt8>?
            let length = shim_cms_signed_octets(
                shim_sk_CMS_SignerInfo_value(infos, index), DocumentBinding.documentAttribute, &bytes)
            return length < 0 || bytes == nil ? nil : UnsafeBufferPointer(start: bytes, count: Int(length))
        }
        let text = { (binding: UnsafeBufferPointer<UInt8>?) in binding.map { String(decoding: $0, as: UTF8.self) } }
        var check: Check?
        if bindings.dropFirst().contains(where: {
            ($0 == nil) != (bindings[0] == nil) || $0.map { !$0.elementsEqual(bindings[0]!) } == true
        }) {
            check =
                (.failed(
                    .documentBinding,
                    "the signatures over this file name different documents "
                        + "(\(bindings.map { text($0) ?? "none" }.joined(separator: ", "))): they were put together from two documents",
                    .sigConstraintsFailure))
        }
        return (check, text(bindings[0]))
    }
}
