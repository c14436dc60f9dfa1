import Foundation

@testable import LienThongRegistry

/// The agencies and the document the registry's tests file.
enum Sample {
    static let issuer = AgencyRecord(
        code: "000.00.00.H18", name: "Ủy ban nhân dân tỉnh Điện Biên", abbreviation: "UBND",
        parentCode: nil, isActive: true, sealCertificatePath: nil, sealKeyPath: nil)
    static let commune = AgencyRecord(
        code: "000.01.21.H18", name: "Ủy ban nhân dân xã Na Son", abbreviation: "UBND",
        parentCode: nil, isActive: true, sealCertificatePath: nil, sealKeyPath: nil)

    /// Where a new registry file goes, in a directory of its own.
    static func registryPath(_ name: String) throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "lienthong-\(name)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory.appendingPathComponent("registry.sqlite").path
    }

    /// A directive of the province, numbered `number`.
    static func directive(id: String, number: Int, year: Int, at date: Date, subject: String = "Thử") -> DocumentRecord
    {
        DocumentRecord(
            id: id, issuerCode: issuer.code, issuerName: issuer.name, register: "main", year: year, number: number,
            symbol: "CT-UBND", typeName: "Chỉ thị", typeAbbreviation: "CT", subject: subject, language: "vi",
            pageCount: nil, notes: nil, urgency: 0, authorityPrefix: nil, signerUsername: "s", signerName: "S",
            signerPosition: "Chủ tịch", deadline: nil, issuedAt: date, createdBy: "clerk")
    }
}
