import COpenSSL
import Foundation

/// What ties a signed file to the document it belongs to, and marks the one signature that
/// vouches for a document's identity.
///
/// Every SignerInfo of a file sent through LienThong carries the document's id as a signed
/// attribute: a file lent from another document, or a document whose sealed identity was taken
/// out of its export, is found. The identity itself is sealed with a content type of its own, so
/// that no attachment's seal can stand for it.
public enum DocumentBinding {
    static let documentAttributeOID = "2.25.61174619264225470922097883286958696193"
    static let identityContentTypeOID = "2.25.26883614840166088236901392469648309544"
    /// Parsed once, as for ``SealBinding``. Read-only, never freed.
    nonisolated(unsafe) static let documentAttribute: OpaquePointer = OBJ_txt2obj(documentAttributeOID, 1)!
    nonisolated(unsafe) static let identityContentType: OpaquePointer = OBJ_txt2obj(identityContentTypeOID, 1)!
}

/// What a signature covers: a file (id-data), or a document's identity.
public enum SignedContentType: Sendable {
    case data
    case documentIdentity

    var objectIdentifier: Data {
        switch self {
        case .data: SignedDataEncoder.OID.data
        case .documentIdentity: SignedDataEncoder.OID.documentIdentity
        }
    }
}
