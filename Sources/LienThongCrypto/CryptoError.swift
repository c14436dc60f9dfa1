import COpenSSL

/// An OpenSSL operation that failed, with the reasons OpenSSL gave.
///
/// OpenSSL keeps its error queue per thread, so the reasons are drained in the same call that
/// failed: without them a revoked certificate reads only "certificate verify error".
public struct CryptoError: Error, CustomStringConvertible, Sendable {
    /// What LienThong was doing, in words a clerk or an operator can act on.
    public let operation: String
    /// OpenSSL's own reasons, innermost first.
    public let reasons: [String]

    public init(_ operation: String, reasons: [String] = []) {
        self.operation = operation
        self.reasons = reasons
    }

    /// Builds the error from OpenSSL's error queue and empties the queue.
    static func drain(_ operation: String) -> CryptoError {
        var reasons: [String] = []
        while true {
            var data: UnsafePointer<CChar>?
            var flags: Int32 = 0
            let code = ERR_get_error_all(nil, nil, nil, &data, &flags)
            if code == 0 { break }
            var reason = ERR_reason_error_string(code).map { String(cString: $0) } ?? "error \(code)"
            if flags & ERR_TXT_STRING != 0, let data, data.pointee != 0 {
                reason += " (\(String(cString: data)))"
            }
            reasons.append(reason)
        }
        return CryptoError(operation, reasons: reasons)
    }

    public var description: String {
        reasons.isEmpty ? operation : "\(operation): \(reasons.joined(separator: "; "))"
    }
}
