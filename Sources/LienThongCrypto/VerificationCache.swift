import COpenSSL
import Foundation
import Synchronization

/// What verifications of documents from the same agencies share: certificates and CRLs decoded
/// once, CRL signatures and certificate paths checked once. OpenSSL 3.0 spends ~150 µs decoding a
/// certificate, more than the RSA verifications a document needs, so a batch without this cache
/// runs at a few percent of the raw verify rate.
///
/// Entries are keyed by the SHA-256 of the DER, never by pointer or SHA-1; a path is reused only
/// at times inside the validity of every certificate on it. The cache is bounded and thread-safe.
final class VerificationCache: Sendable {
    private struct ValidPath {
        let chain: [Certificate]
        let validFrom: Date
        let validUntil: Date
    }

    private let certificates = Mutex<[Data: Certificate]>([:])
    private let crls = Mutex<[Data: RevocationList]>([:])
    private let crlIssuers = Mutex<[FingerprintPair: Bool]>([:])
    private let paths = Mutex<[Data: ValidPath]>([:])
    private let authorityStores = Mutex<[Data: StoreBox]>([:])
    private let evidence = Mutex<[Bytes: RevocationEvidence]>([:])
    private let certificateSets = Mutex<[Bytes: [Certificate]]>([:])

    /// Bytes as a dictionary key hashed by their length and last 32 bytes (a signature's, for the
    /// certificates and CRLs kept here) and compared in full: hashing kilobytes for every lookup
    /// cost more than the lookup saved.
    struct Bytes: Hashable, Sendable {
        let data: Data
        func hash(into hasher: inout Hasher) {
            hasher.combine(data.count)
            hasher.combine(data.suffix(32))
        }
    }

    /// Two SHA-256 fingerprints as one key, compared in full. Digests are uniform, so eight bytes
    /// of each hash them as well as all of them; asked four times a document, it must be cheap.
    struct FingerprintPair: Hashable, Sendable {
        let first: Data
        let second: Data
        func hash(into hasher: inout Hasher) {
            for data in [first, second] {
                hasher.combine(data.withUnsafeBytes { $0.count >= 8 ? $0.loadUnaligned(as: UInt64.self) : 0 })
            }
        }
    }

    /// An `X509_STORE` owned by the cache.
    final class StoreBox: @unchecked Sendable {
        let store: OpaquePointer
        init(_ store: OpaquePointer) { self.store = store }
        deinit { X509_STORE_free(store) }
    }
    static let limit = 2_000

    func certificate(der: Data) -> Certificate? {
        Self.memo(certificates, Data(Digest.sha256Bytes(der))) { try? Certificate(der: der) }
    }

    /// The evidence in a revocation-values attribute: every document an agency signs in a CRL
    /// period carries the same bytes, so they are read once. Keyed by the bytes themselves: an
    /// exact match, and cheaper than hashing them with SHA-256.
    func revocationEvidence(der: Data) -> RevocationEvidence? {
        // Kept only when small: anyone may send megabytes of CRLs that verify nothing.
        guard der.count <= Self.largestKept else { return RevocationEvidence(revocationValues: der, cache: self) }
        return Self.memo(evidence, Bytes(data: der)) { RevocationEvidence(revocationValues: der, cache: self) }
    }

    /// The largest revocation evidence or CRL remembered, in bytes.
    static let largestKept = 1 << 20

    /// The certificates of a signature's `certificates` field (keyed by its exact bytes), read
    /// once per distinct set. The bytes are looked up where they lie and copied only to be
    /// remembered: a copy of kilobytes per document showed in the profile.
    func certificates(field: UnsafeRawBufferPointer, elements: () -> [Data]?) -> [Certificate]? {
        let borrowed = Bytes(
            data: Data(
                bytesNoCopy: UnsafeMutableRawPointer(mutating: field.baseAddress ?? UnsafeRawPointer(bitPattern: 1)!),
                count: field.count, deallocator: .none))
        if let cached = certificateSets.withLock({ $0[borrowed] }) { return cached }
        guard let ders = elements() else { return nil }
        let parsed = ders.compactMap { certificate(der: $0) }
        guard parsed.count == ders.count else { return nil }
        certificateSets.withLock { Self.insert(parsed, for: Bytes(data: Data(field)), into: &$0) }
        return parsed
    }

    func revocationList(der: Data) -> RevocationList? {
        guard der.count <= Self.largestKept else { return try? RevocationList(der: der) }
        return Self.memo(crls, Data(Digest.sha256Bytes(der))) { try? RevocationList(der: der) }
    }

    /// Whether `issuer` signed `crl`, checked once per pair.
    func isIssued(_ crl: RevocationList, by issuer: Certificate) -> Bool {
        if let known = crl.checkedAnswer(for: issuer) { return known }
        let signed =
            Self.memo(crlIssuers, FingerprintPair(first: crl.fingerprint, second: issuer.fingerprint)) {
                crl.isIssued(by: issuer)
            } ?? false
        crl.rememberAnswer(signed, for: issuer)
        return signed
    }

    /// A path found valid before for `leaf`, if `time` is inside every certificate's validity.
    func validPath(for leaf: Certificate, at time: Date) -> [Certificate]? {
        guard let path = paths.withLock({ $0[leaf.fingerprint] }), time >= path.validFrom, time <= path.validUntil
        else { return nil }
        return path.chain
    }

    func rememberValidPath(_ chain: [Certificate]) {
        guard let leaf = chain.first else { return }
        let path = ValidPath(
            chain: chain, validFrom: chain.map(\.notBefore).max()!, validUntil: chain.map(\.notAfter).min()!)
        paths.withLock { Self.insert(path, for: leaf.fingerprint, into: &$0) }
    }

    /// A store in which `authority` (a TSA certificate whose path the caller has just validated)
    /// is itself trusted, so that OpenSSL does not rebuild and re-verify the TSA's chain for every
    /// time stamp it checks.
    func authorityStore(for authority: Certificate) -> StoreBox? {
        if let box = authorityStores.withLock({ $0[authority.fingerprint] }) { return box }
        guard let store = X509_STORE_new() else { return nil }
        let box = StoreBox(store)
        guard X509_STORE_add_cert(store, authority.pointer) == 1,
            X509_STORE_set_flags(store, UInt(X509_V_FLAG_PARTIAL_CHAIN)) == 1
        else { return nil }
        authorityStores.withLock { Self.insert(box, for: authority.fingerprint, into: &$0) }
        return box
    }

    /// The value under `key`, made and remembered on first use; nothing is remembered when `make` fails.
    private static func memo<Key: Hashable & Sendable, Value: Sendable>(
        _ table: borrowing Mutex<[Key: Value]>, _ key: Key, _ make: () -> Value?
    ) -> Value? {
        if let cached = table.withLock({ $0[key] }) { return cached }
        guard let made = make() else { return nil }
        table.withLock { insert(made, for: key, into: &$0) }
        return made
    }

    private static func insert<Key: Hashable & Sendable, Value>(
        _ value: Value, for key: Key, into dictionary: inout [Key: Value]
    ) {
        if dictionary.count >= limit { dictionary.removeAll(keepingCapacity: true) }
        dictionary[key] = value
    }
}
