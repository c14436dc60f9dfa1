import Foundation
import Synchronization

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Fetches revocation information over HTTP: OCSP from the responder named in the certificate
/// (or a configured one), CRLs from their distribution points, cached until their nextUpdate.
public final class RevocationFetcher: Sendable {
    /// A responder that answers for every certificate, instead of the one each certificate names.
    public let ocspResponder: URL?
    public let timeout: TimeInterval
    private let crlCache = Mutex<[URL: [RevocationList]]>([:])
    /// BasicOCSPResponses by certificate fingerprint, until their nextUpdate.
    private let ocspCache = Mutex<[Data: (response: Data, until: Date)]>([:])

    public init(ocspResponder: URL? = nil, timeout: TimeInterval = 10) {
        self.ocspResponder = ocspResponder
        self.timeout = timeout
    }

    /// Evidence for every certificate of `chains` (leaf first, anchor last) that `known` does not
    /// already cover; what cannot be fetched is recorded in `unreachable`.
    public func collect(
        chains: [[Certificate]], known: RevocationEvidence, trust: TrustStore
    ) async -> RevocationEvidence {
        var evidence = RevocationEvidence()
        var seen: Set<String> = []
        for chain in chains {
            for (certificate, issuer) in zip(chain, chain.dropFirst())
            where seen.insert(certificate.serialNumber).inserted {
                let covered = (known + evidence).checker(trust: trust, chain: chain)
                    .status(of: certificate, issuer: issuer, at: Date())
                guard covered.status == .missing || covered.status == .unusable else { continue }
                do {
                    if let url = ocspResponder ?? certificate.ocspURL {
                        if let cached = ocspCache.withLock({ $0[certificate.fingerprint] }), cached.until > Date() {
                            evidence.ocspResponses.append(cached.response)
                            continue
                        }
                        let answer = try await post(OCSPProtocol.request(for: certificate, issuer: issuer), to: url)
                        let basic = try OCSPProtocol.basicResponse(from: answer)
                        evidence.ocspResponses.append(basic)
                        let status = RevocationEvidence(ocspResponses: [basic]).checker(trust: trust, chain: chain)
                            .status(of: certificate, issuer: issuer, at: Date())
                        if let until = status.nextUpdate, status.status != .missing {
                            ocspCache.withLock {
                                if $0.count >= VerificationCache.limit { $0.removeAll() }
                                $0[certificate.fingerprint] = (basic, until)
                            }
                        }
                    } else if let url = certificate.crlURL {
                        evidence.crls += try await crls(url)
                    }
                } catch {
                    evidence.unreachable[certificate.serialNumber] = "\(error)"
                }
            }
        }
        return evidence
    }

    /// The CRLs a distribution point serves (one, or a PEM bundle).
    private func crls(_ url: URL) async throws -> [RevocationList] {
        if let cached = crlCache.withLock({ $0[url] }),
            cached.allSatisfy({ ($0.nextUpdate ?? .distantPast) > Date() })
        {
            return cached
        }
        let (data, response) = try await URLSession.shared.data(for: URLRequest(url: url, timeoutInterval: timeout))
        guard (response as? HTTPURLResponse)?.statusCode == 200 else {
            throw CryptoError("the CRL at \(url.absoluteString) is not available")
        }
        let crls = try RevocationList.parseAll(data)
        crlCache.withLock { $0[url] = crls }
        return crls
    }

    private func post(_ body: Data, to url: URL) async throws -> Data {
        var request = URLRequest(url: url, timeoutInterval: timeout)
        request.httpMethod = "POST"
        request.setValue("application/ocsp-request", forHTTPHeaderField: "Content-Type")
        // Many responders (openssl ocsp among them) serve one connection at a time: do not hold it open.
        request.setValue("close", forHTTPHeaderField: "Connection")
        request.httpBody = body
        let data: Data
        let response: URLResponse
        do {
            (data, response) = try await URLSession.shared.data(for: request)
        } catch {
            throw CryptoError(
                "the OCSP responder at \(url.absoluteString) cannot be reached (\(error.localizedDescription))")
        }
        guard (response as? HTTPURLResponse)?.statusCode == 200 else {
            throw CryptoError(
                "the OCSP responder at \(url.absoluteString) answered HTTP \((response as? HTTPURLResponse)?.statusCode ?? 0)"
            )
        }
        return data
    }
}
