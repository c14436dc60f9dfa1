import Foundation
import Testing

@testable import LienThongCrypto

/// The signed attributes are verified as received, so the reader that finds them must refuse
/// every shape RFC 5652 and DER forbid before a signature is checked over them.
@Suite("Signed attributes as received")
struct SignedDataLayoutTests {
    static func attribute(_ arc: UInt8, _ values: Data...) -> Data {
        DER.sequence(Data([0x06, 0x09, 0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x09, arc]), DER.set(values))
    }
    static let contentType = attribute(3, DER.objectIdentifier("1.2.840.113549.1.7.1"))
    static let messageDigest = attribute(4, DER.octetString([UInt8](repeating: 0xAB, count: 32)))
    static let signingTime = attribute(5, DER.utcTime(Date(timeIntervalSince1970: 1_790_000_000)))

    /// ContentInfo { id-signedData, [0] SignedData { 1, {}, { id-data }, { SignerInfo } } } around
    /// one SignerInfo whose signed attributes are `attributes`, written in that order.
    static func signature(_ attributes: [Data]?, sorted: Bool = true) -> Data {
        let sha256 = DigestAlgorithm.sha256.algorithmIdentifier
        let signed = attributes.map { sorted ? DER.set($0, tag: 0xA0) : DER.encode(tag: 0xA0, DER.concatenate($0)) }
        let signerInfo = DER.sequence(
            DER.integer(1), DER.sequence(DER.sequence(), DER.integer(7)), sha256, signed ?? Data(),
            DER.sequence(DER.objectIdentifier("1.2.840.113549.1.1.10")), DER.octetString([1, 2, 3]))
        let signedData = DER.sequence(
            DER.integer(1), DER.set([]), DER.sequence(DER.objectIdentifier("1.2.840.113549.1.7.1")),
            DER.set([signerInfo]))
        return DER.sequence(DER.objectIdentifier("1.2.840.113549.1.7.2"), DER.encode(tag: 0xA0, signedData))
    }

    @Test func theSignedAttributesAreFoundAsTheyWereSent() throws {
        let der = Self.signature([Self.contentType, Self.messageDigest, Self.signingTime])
        let layout = try #require(try SignedDataLayout.read(der))
        let range = try #require(layout.signedAttributes.first ?? nil)
        #expect(der[range].first == 0xA0)
        #expect(der[range] == DER.set([Self.contentType, Self.messageDigest, Self.signingTime], tag: 0xA0))
    }

    @Test func aSignerInfoWithoutSignedAttributesHasNone() throws {
        let layout = try #require(try SignedDataLayout.read(Self.signature(nil)))
        #expect(layout.signedAttributes.count == 1)
        #expect(layout.signedAttributes[0] == nil)
    }

    @Test(arguments: [
        (
            [
                contentType, messageDigest, signingTime,
                attribute(5, DER.utcTime(Date(timeIntervalSince1970: 1_700_000_000))),
            ], "twice"
        ),
        ([contentType, attribute(4, DER.octetString([1]), DER.octetString([2]))], "exactly one message-digest"),
        ([messageDigest, signingTime], "exactly one content-type"),
        ([contentType, signingTime], "exactly one message-digest"),
        (
            [
                contentType, messageDigest,
                attribute(5, DER.utcTime(Date()), DER.utcTime(Date(timeIntervalSince1970: 0))),
            ], "signing times"
        ),
        ([contentType, messageDigest, attribute(6, DER.sequence())], "countersignature"),
        ([contentType, messageDigest, DER.sequence(DER.octetString([1]))], "type with a set of values"),
    ])
    func attributesAgainstRFC5652AreRefused(attributes: [Data], reason: String) throws {
        #expect {
            try SignedDataLayout.read(Self.signature(attributes))
        } throws: { error in
            (error as? SignedDataLayout.Malformed)?.reason.contains(reason) == true
        }
    }

    @Test func unsortedSignedAttributesAreNotCanonical() throws {
        // DER sorts a SET OF by encoding; the signing time sorts after the message digest.
        #expect {
            try SignedDataLayout.read(
                Self.signature([Self.signingTime, Self.contentType, Self.messageDigest], sorted: false))
        } throws: { error in
            (error as? SignedDataLayout.Malformed)?.reason.contains("canonical DER") == true
        }
    }

    @Test func berFromAStreamingSignerIsLeftToOpenSSL() throws {
        // An indefinite length at the top: not DER, so no layout, and no verdict from the reader.
        var ber = Self.signature([Self.contentType, Self.messageDigest])
        ber = Data([0x30, 0x80]) + ber.dropFirst(2 + (ber[1] & 0x80 == 0 ? 0 : Int(ber[1] & 0x7F))) + Data([0, 0])
        #expect(try SignedDataLayout.read(ber) == nil)
    }

    @Test func bytesAfterTheSignatureAreCounted() {
        let der = Self.signature([Self.contentType, Self.messageDigest])
        #expect(SignedDataLayout.trailingBytes(der) == nil)
        #expect(SignedDataLayout.trailingBytes(der + Data([0, 0, 0])) == 3)
    }
}
