import CLienThongCrypto
import COpenSSL
import Foundation
import LienThongDomain

/// The Vietnamese rules for the set of signatures over one file (Decree 30/2020/NĐ-CP, Decree 130/2018):
/// a document carries a competent person's signature and the agency's seal over it; an attachment, the seal.
extension SignatureVerifier {
    func setChecks(
        _ signatures: [SignatureReport], infos: OpaquePointer, signatureHashes: [[UInt8]],
        _ expectation: SignatureExpectation
    ) -> [Check] {
        var checks: [Check] = []
        let signers = signatures.indices.filter { signatures[$0].role == .signer }
        let seals = signatures.indices.filter { signatures[$0].role == .seal }

        for seal in seals {
            let info = shim_sk_CMS_SignerInfo_value(infos, Int32(seal))
            var bytes: UnsafePointer<UInt8>?
            let length = shim_cms_signed_octets(info, SealBinding.object, &bytes)
            let who = signatures[seal].commonName ?? signatures[seal].subject
            if length < 0 {
                if !signers.isEmpty {
                    checks.append(
                        .warning(
                            .sealBinding,
                            "the seal of \(who) does not say which signature it was applied over, so the order signer-then-seal cannot be proven"
                        ))
                }
                continue
            }
            let bound = Array(UnsafeBufferPointer(start: bytes, count: Int(length)))
            if let match = signers.first(where: { signatureHashes[$0] == bound }) {
                checks.append(
                    .passed(
                        .sealBinding,
                        "the seal of \(who) was applied over the signature of \(signatures[match].commonName ?? signatures[match].subject)"
                    ))
            } else {
                checks.append(
                    .failed(
                        .sealBinding,
                        "the seal of \(who) was applied over a different signature than the one in this file: it cannot be lifted onto another person's signature",
                        .sigConstraintsFailure))
            }
        }

        switch expectation {
        case .document:
            checks.append(
                signers.isEmpty
                    ? .failed(
                        .signerSignaturePresent,
                        "no signature of a competent person (certificate for a person's signature); a document needs one before the agency's seal",
                        .sigConstraintsFailure)
                    : .passed(
                        .signerSignaturePresent,
                        "signed by \(signers.map { signatures[$0].commonName ?? "" }.joined(separator: ", "))"))
            checks.append(sealPresence(signatures, seals))
        case .attachment:
            checks.append(sealPresence(signatures, seals))
        case .any:
            break
        }
        return checks
    }

    func sealPresence(_ signatures: [SignatureReport], _ seals: [Int]) -> Check {
        seals.isEmpty
            ? .failed(
                .agencySealPresent,
                "the agency's digital seal is missing: the document must be sealed with the agency's certificate after it is signed",
                .sigConstraintsFailure)
            : .passed(
                .agencySealPresent,
                "sealed by \(seals.map { signatures[$0].commonName ?? "" }.joined(separator: ", "))")
    }
}
