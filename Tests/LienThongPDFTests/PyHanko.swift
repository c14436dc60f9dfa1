import Foundation
import LienThongTestSupport
import Testing

extension TestPKI {
    /// pyHanko's word on each signature of `pdf`, trusting this PKI's root only, with no network: field, bottom
    /// line, intact, valid, trusted, coverage, modification level (`validate.py`).
    func pyHanko(_ pdf: Data, sourceLocation: SourceLocation = #_sourceLocation) throws -> [[String]] {
        let file = try write("checked-\(UUID().uuidString).pdf", pdf)
        let anchor = try writePEM("root.pem", [self.root.certificate])
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("validate.py")
        let result = try run("python3", [script.path, anchor.path, file.path])
        #expect(result.status == 0, "\(result.output)", sourceLocation: sourceLocation)
        return result.output.split(separator: "\n").filter { $0.contains("|") }.map {
            $0.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
        }
    }
}
