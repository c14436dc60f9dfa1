import Foundation
import LienThongCrypto

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A time stamp could not be had: the send fails rather than go out without one.
package struct TimeStampUnavailable: Error, CustomStringConvertible {
    package let description: String
}

/// An external RFC 3161 TSA over HTTP (`application/timestamp-query`), e.g. the government CA's.
package struct ExternalTimeStamper: TimeStamper {
    package let url: URL
    package let timeout: TimeInterval

    package func timeStampToken(imprint: [UInt8], algorithm: DigestAlgorithm) async throws -> Data {
        var request = URLRequest(url: url, timeoutInterval: timeout)
        request.httpMethod = "POST"
        request.setValue("application/timestamp-query", forHTTPHeaderField: "Content-Type")
        request.httpBody = try TimeStampProtocol.request(imprint: imprint, algorithm: algorithm)
        let body: Data
        do {
            let (answer, response) = try await URLSession.shared.data(for: request)
            guard let http = response as? HTTPURLResponse, http.statusCode == 200 else {
                throw TimeStampUnavailable(
                    description:
                        "the TSA at \(url.absoluteString) answered HTTP \((response as? HTTPURLResponse)?.statusCode ?? 0)"
                )
            }
            body = answer
        } catch let error as TimeStampUnavailable {
            throw error
        } catch {
            throw TimeStampUnavailable(
                description: "the TSA at \(url.absoluteString) cannot be reached (\(error.localizedDescription))")
        }
        do {
            return try TimeStampProtocol.token(fromResponse: body)
        } catch {
            throw TimeStampUnavailable(description: "the TSA at \(url.absoluteString) gave no time stamp: \(error)")
        }
    }
}
