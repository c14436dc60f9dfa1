import Foundation

/// Where each SignerInfo's signed attributes lie in a DER CMS SignedData, as received.
///
/// A signature covers the DER of its signed attributes. OpenSSL verifies a re-encoding of what its
/// parser accepted, so a variant the parser tolerates would pass; LienThong checks the bytes that
/// were sent instead, after making sure they are canonical DER and follow RFC 5652's rules for
/// the attributes every signature must carry.
struct SignedDataLayout {
    /// For each SignerInfo, in order: its whole [0] signedAttrs element, or nil when it has none.
    let signedAttributes: [Range<Int>?]

    /// The rule the bytes break, said for a clerk.
    struct Malformed: Error {
        let reason: String
    }

    /// Reads `der`. Nil when it is not DER shaped as ContentInfo { SignedData } (BER from a
    /// streaming signer): OpenSSL's parser judges such a signature, and its own path verifies it.
    static func read(_ der: Data) throws(Malformed) -> SignedDataLayout? {
        let found: Result<SignedDataLayout?, Malformed> = der.withUnsafeBytes { bytes in
            guard let top = DER.scan(bytes, 0..<bytes.count), top.count == 1,
                let contentInfo = DER.scan(bytes, top[0].content), contentInfo.count == 2,
                let wrapped = DER.scan(bytes, contentInfo[1].content), wrapped.count == 1,
                let fields = DER.scan(bytes, wrapped[0].content), let signerInfos = fields.last,
                signerInfos.tag == 0x31,
                let infos = DER.scan(bytes, signerInfos.content)
            else { return .success(nil) }
            return Result { () throws(Malformed) -> SignedDataLayout? in
                SignedDataLayout(
                    signedAttributes: try infos.map { info throws(Malformed) in
                        try signedAttributes(of: info, in: bytes)
                    })
            }
        }
        return try found.get()
    }

    // SignerInfo ::= SEQUENCE { version, sid (IssuerAndSerialNumber or [0] key id), digestAlgorithm,
    //   [0] signedAttrs OPTIONAL, signatureAlgorithm, signature OCTET STRING, [1] unsignedAttrs OPTIONAL }
    private static func signedAttributes(
        of info: DER.Span, in bytes: UnsafeRawBufferPointer
    ) throws(Malformed) -> Range<Int>? {
        guard info.tag == 0x30, let fields = DER.scan(bytes, info.content) else {
            throw Malformed(reason: "a SignerInfo is not a DER SEQUENCE")
        }
        var tags = fields.map(\.tag)
        guard tags.count >= 5, tags[0] == 0x02, [0x30, 0x80].contains(tags[1]), tags[2] == 0x30 else {
            throw Malformed(reason: "a SignerInfo does not have the fields RFC 5652 gives it")
        }
        tags.removeFirst(3)
        if tags.last == 0xA1 { tags.removeLast() }
        guard tags == [0xA0, 0x30, 0x04] || tags == [0x30, 0x04] else {
            throw Malformed(reason: "a SignerInfo does not have the fields RFC 5652 gives it")
        }
        guard let field = fields.first(where: { $0.tag == 0xA0 }) else { return nil }
        guard DER.isCanonical(bytes, field.content, sorted: true), let attributes = DER.scan(bytes, field.content)
        else {
            throw Malformed(
                reason: "the signed attributes are not in canonical DER: the signature was changed after it was made")
        }
        try checkAttributes(attributes, in: bytes)
        return field.whole
    }

    // RFC 5652 11: content-type and message-digest once each with one value, signing-time at most
    // once, a countersignature never signed; and no attribute type twice, so that what a reader
    // shows is the one value the signer signed.
    private static func checkAttributes(_ attributes: [DER.Span], in bytes: UnsafeRawBufferPointer) throws(Malformed) {
        // A handful of attributes: a list compared in place costs less than hashing them.
        var seen: [(type: Range<Int>, values: Int)] = []
        for attribute in attributes {
            // Attribute ::= SEQUENCE { attrType OBJECT IDENTIFIER, attrValues SET OF AttributeValue }
            var type: Range<Int>?
            var valueSet: Range<Int>?
            var parts = 0
            let shaped =
                attribute.tag == 0x30
                && DER.forEach(bytes, attribute.content) { part in
                    parts += 1
                    switch (parts, part.tag) {
                    case (1, 0x06): type = part.whole
                    case (2, 0x31): valueSet = part.content
                    default: return false
                    }
                    return true
                }
            var values = 0
            guard shaped, parts == 2, let type, let valueSet,
                DER.forEach(
                    bytes, valueSet,
                    { _ in
                        values += 1
                        return true
                    }), values > 0
            else {
                throw Malformed(reason: "a signed attribute is not a type with a set of values")
            }
            guard !seen.contains(where: { bytes[$0.type].elementsEqual(bytes[type]) }) else {
                throw Malformed(reason: "the signed attributes name one attribute type twice")
            }
            seen.append((type, values))
        }
        func values(of type: [UInt8]) -> Int? { seen.first { bytes[$0.type].elementsEqual(type) }?.values }
        for (type, name) in [(contentType, "content-type"), (messageDigest, "message-digest")]
        where values(of: type) != 1 {
            throw Malformed(reason: "the signed attributes must hold exactly one \(name) value (RFC 5652 11)")
        }
        if let times = values(of: signingTime), times != 1 {
            throw Malformed(reason: "the signed attributes hold \(times) signing times; RFC 5652 allows one")
        }
        if values(of: counterSignature) != nil {
            throw Malformed(reason: "a countersignature may not be a signed attribute (RFC 5652 11.4)")
        }
    }

    private static func pkcs9(_ arc: UInt8) -> [UInt8] {
        [0x06, 0x09, 0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x09, arc]
    }
    private static let contentType = pkcs9(3)
    private static let messageDigest = pkcs9(4)
    private static let signingTime = pkcs9(5)
    private static let counterSignature = pkcs9(6)

    /// How many bytes follow the one DER element a signature must be; nil when none.
    static func trailingBytes(_ der: Data) -> Int? {
        der.withUnsafeBytes { bytes -> Int? in
            guard bytes.count >= 2, let first = DER.scan(bytes, 0..<bytes.count, limit: 1)?.first else { return nil }
            let extra = bytes.count - first.whole.upperBound
            return extra > 0 ? extra : nil
        }
    }
}
