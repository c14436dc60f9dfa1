import Foundation
import LienThongApp
import LienThongCrypto
import LienThongPDF
import LienThongRegistry

/// What a first start with the default configuration makes, so that a new user can send a signed
/// document within minutes: a demo PKI (RSA-2048), a directory modelled on Điện Biên province, and
/// a clerk and a signer for each agency with tokens in `data/tokens/`.
///
/// Nothing is ever overwritten: an existing PKI is reused, an existing registry left as it is.
package struct DemoSetup {
    let certs: URL
    let data: URL
    /// Every key is written encrypted with it.
    let passphrase: String

    package init(certs: URL, data: URL, passphrase: String) {
        self.certs = certs
        self.data = data
        self.passphrase = passphrase
    }

    struct DemoAgency {
        let code: String
        let name: String
        let abbreviation: String
        let parent: String?
        let isActive: Bool
        let slug: String
        let signer: (name: String, position: String)
        let clerk: String
    }

    /// Codes are shaped like QCVN 102 but invented for the demo. The district is kept, retired
    /// since the two-tier reform of 1 July 2025, because older documents were sent by and to it.
    static let agencies: [DemoAgency] = [
        DemoAgency(
            code: "000.00.00.H18", name: "Ủy ban nhân dân tỉnh Điện Biên", abbreviation: "UBND", parent: nil,
            isActive: true,
            slug: "tinh-dien-bien", signer: ("Nguyễn Văn An", "Chủ tịch"), clerk: "Phạm Thị Lan"),
        DemoAgency(
            code: "000.00.05.H18", name: "Sở Nội vụ tỉnh Điện Biên", abbreviation: "SNV", parent: "000.00.00.H18",
            isActive: true,
            slug: "so-noi-vu", signer: ("Trần Thị Bích", "Giám đốc"), clerk: "Hoàng Văn Minh"),
        DemoAgency(
            code: "000.00.21.H18", name: "Ủy ban nhân dân huyện Điện Biên Đông", abbreviation: "UBND",
            parent: "000.00.00.H18", isActive: false,
            slug: "huyen-dien-bien-dong", signer: ("Lò Đại Nghĩa", "Chủ tịch"), clerk: "Quàng Thị Mai"),
        DemoAgency(
            code: "000.01.21.H18", name: "Ủy ban nhân dân xã Na Son", abbreviation: "UBND", parent: "000.00.21.H18",
            isActive: true,
            slug: "xa-na-son", signer: ("Lò Văn Dũng", "Chủ tịch"), clerk: "Lò Thị Hương"),
        DemoAgency(
            code: "000.02.21.H18", name: "Ủy ban nhân dân xã Phì Nhừ", abbreviation: "UBND", parent: "000.00.21.H18",
            isActive: true,
            slug: "xa-phi-nhu", signer: ("Giàng A Páo", "Chủ tịch"), clerk: "Vàng Thị Dua"),
        DemoAgency(
            code: "000.03.21.H18", name: "Ủy ban nhân dân xã Xa Dung", abbreviation: "UBND", parent: "000.00.21.H18",
            isActive: true,
            slug: "xa-xa-dung", signer: ("Mùa A Sùng", "Chủ tịch"), clerk: "Sùng Thị Mỷ"),
        DemoAgency(
            code: "000.04.21.H18", name: "Ủy ban nhân dân xã Mường Luân", abbreviation: "UBND", parent: "000.00.21.H18",
            isActive: true,
            slug: "xa-muong-luan", signer: ("Lường Thị Hoa", "Chủ tịch"), clerk: "Cà Văn Khánh"),
    ]

    var demoDirectory: URL { certs.appendingPathComponent("demo") }
    var trustDirectory: URL { certs.appendingPathComponent("trust") }
    var tokensDirectory: URL { data.appendingPathComponent("tokens") }

    /// Makes what is missing and seeds the registry if it has no agencies. Returns a summary for the log.
    package func run(registry: Registry) async throws -> [String] {
        var said: [String] = []
        let (pki, madePKI) = try loadOrMakeCAs()
        if madePKI {
            said.append(
                "made a demo PKI in \(demoDirectory.path) (root CA, an intermediate CA for agencies; RSA-2048, DEMO ONLY)"
            )
        }
        if try refreshRevocationLists(pki) { said.append("issued the demo CAs' CRLs in \(certs.path)/crl") }
        if try makeTimeStampAuthority(pki) {
            said.append(
                "made a demo time-stamping authority certificate (ECDSA P-256) in \(demoDirectory.path)/tsa.pem")
        }
        guard try registry.directory.agencies().isEmpty else { return said }

        try FileManager.default.createDirectory(at: tokensDirectory, withIntermediateDirectories: true)
        var agencies: [AgencyRecord] = []
        var users: [UserRecord] = []
        var tokens: [TokenRecord] = []
        for agency in Self.agencies {
            let seal = try identity(
                pki, file: "agencies/\(agency.code)", role: .seal,
                subject: [("C", "VN"), ("ST", "Điện Biên"), ("O", agency.name), ("CN", agency.name)])
            agencies.append(
                AgencyRecord(
                    code: agency.code, name: agency.name, abbreviation: agency.abbreviation, parentCode: agency.parent,
                    isActive: agency.isActive, sealCertificatePath: seal.certificate, sealKeyPath: seal.key))
            let signerName = "signer.\(agency.slug)"
            let signer = try identity(
                pki, file: "users/\(signerName)", role: .signer,
                subject: [
                    ("C", "VN"), ("ST", "Điện Biên"), ("O", agency.name), ("title", agency.signer.position),
                    ("CN", agency.signer.name),
                ])
            users.append(
                UserRecord(
                    username: signerName, fullName: agency.signer.name, position: agency.signer.position,
                    agencyCode: agency.code, role: .signer, certificatePath: signer.certificate, keyPath: signer.key))
            users.append(
                UserRecord(
                    username: "clerk.\(agency.slug)", fullName: agency.clerk, position: "Văn thư",
                    agencyCode: agency.code,
                    role: .clerk, certificatePath: nil, keyPath: nil))
        }
        // For the province: an administrator (directory, users, audit), a viewer and a statistician.
        let province = Self.agencies[0].code
        users += [
            UserRecord(
                username: "admin.tinh-dien-bien", fullName: "Quản trị hệ thống", position: "Quản trị",
                agencyCode: province,
                role: .admin, certificatePath: nil, keyPath: nil),
            UserRecord(
                username: "viewer.tinh-dien-bien", fullName: "Lãnh đạo Văn phòng", position: "Chánh Văn phòng",
                agencyCode: province,
                role: .viewer, certificatePath: nil, keyPath: nil),
            UserRecord(
                username: "statistician.tinh-dien-bien", fullName: "Phòng Tổng hợp", position: "Chuyên viên",
                agencyCode: province,
                role: .statistician, certificatePath: nil, keyPath: nil),
        ]
        for user in users { tokens.append(try issueToken(user.username)) }
        try await registry.directory.seed(agencies: agencies, users: users, tokens: tokens)
        said.append(
            "made a demo directory of \(agencies.count) agencies of Điện Biên province and \(users.count) users")
        said.append("demo tokens are in \(tokensDirectory.path)/<user>.token, e.g. clerk.tinh-dien-bien.token")
        return said
    }

    /// The root and intermediate CAs, made once; the root is copied to `trust/` as an anchor.
    private func loadOrMakeCAs() throws -> (AgencyPKI, Bool) {
        let fm = FileManager.default
        let rootFiles = (
            demoDirectory.appendingPathComponent("root-ca.pem"), demoDirectory.appendingPathComponent("root-ca.key")
        )
        let caFiles = (
            demoDirectory.appendingPathComponent("agency-ca.pem"), demoDirectory.appendingPathComponent("agency-ca.key")
        )
        let anchor = trustDirectory.appendingPathComponent("demo-root-ca.pem")
        try fm.createDirectory(at: trustDirectory, withIntermediateDirectories: true)
        if fm.fileExists(atPath: caFiles.0.path) {
            let load = { (files: (URL, URL)) in
                CertificateIssuer(
                    certificate: try Certificate.load(files.0)[0],
                    key: try PrivateKey(pem: Data(contentsOf: files.1), passphrase: passphrase))
            }
            if !fm.fileExists(atPath: anchor.path) { try fm.copyItem(at: rootFiles.0, to: anchor) }
            return (AgencyPKI(root: try load(rootFiles), intermediate: try load(caFiles)), false)
        }
        try fm.createDirectory(at: demoDirectory.appendingPathComponent("agencies"), withIntermediateDirectories: true)
        try fm.createDirectory(at: demoDirectory.appendingPathComponent("users"), withIntermediateDirectories: true)
        let pki = try AgencyPKI.make(
            rootSubject: [
                ("C", "VN"), ("O", "LienThong DEMO"), ("CN", "LienThong Demo Root CA (not for real documents)"),
            ],
            caSubject: [("C", "VN"), ("O", "LienThong DEMO"), ("CN", "LienThong Demo CA for agencies")],
            caNotAfter: Date().addingTimeInterval(10 * 365 * 86_400))
        try write(Data(pki.root.certificate.pem.utf8), to: rootFiles.0)
        try write(pki.root.key.pemPKCS8(encryptedWith: passphrase), to: rootFiles.1, secret: true)
        try write(Data(pki.intermediate.certificate.pem.utf8), to: caFiles.0)
        try write(pki.intermediate.key.pemPKCS8(encryptedWith: passphrase), to: caFiles.1, secret: true)
        try write(Data(pki.root.certificate.pem.utf8), to: anchor)
        return (pki, true)
    }

    /// The demo CAs' CRLs (nothing revoked), reissued when they have less than a week to run or
    /// are not complete evidence (made before CRLs carried their number), so that every signature
    /// can carry revocation evidence (CAdES-LT).
    private func refreshRevocationLists(_ pki: AgencyPKI) throws -> Bool {
        let directory = certs.appendingPathComponent("crl")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var issued = false
        for (issuer, name) in [(pki.root, "demo-root-ca.crl"), (pki.intermediate, "demo-agency-ca.crl")] {
            let url = directory.appendingPathComponent(name)
            if let existing = try? RevocationList.load(url), existing.count == 1, existing[0].incompleteReason == nil,
                (existing[0].nextUpdate ?? .distantPast) > Date().addingTimeInterval(7 * 86_400)
            {
                continue
            }
            let crl = try issuer.makeRevocationList(revoked: [], nextUpdate: Date().addingTimeInterval(30 * 86_400))
            try? FileManager.default.removeItem(at: url)
            try write(Data(crl.pem.utf8), to: url)
            issued = true
        }
        return issued
    }

    /// The built-in TSA's key and certificate.
    private func makeTimeStampAuthority(_ pki: AgencyPKI) throws -> Bool {
        let keyURL = demoDirectory.appendingPathComponent("tsa.key")
        guard !FileManager.default.fileExists(atPath: keyURL.path) else { return false }
        let tsa = try pki.timeStampAuthority(subject: [
            ("C", "VN"), ("O", "LienThong DEMO"), ("CN", "LienThong Demo Time-Stamping Authority"),
        ])
        try write(tsa.identity.key.pemPKCS8(encryptedWith: passphrase), to: keyURL, secret: true)
        try write(
            Data((tsa.identity.certificate.pem + pki.intermediate.certificate.pem).utf8),
            to: demoDirectory.appendingPathComponent("tsa.pem"))
        return true
    }

    /// A key and certificate under `demo/`, chain file = leaf then the intermediate.
    private func identity(
        _ pki: AgencyPKI, file: String, role: CertificateRole, subject: CertificateIssuer.Name
    ) throws -> (certificate: String, key: String) {
        let certificateURL = demoDirectory.appendingPathComponent("\(file).pem")
        let keyURL = demoDirectory.appendingPathComponent("\(file).key")
        if !FileManager.default.fileExists(atPath: keyURL.path) {
            let made = try pki.identity(subject: subject, profile: .endEntity(role))
            try write(made.key.pemPKCS8(encryptedWith: passphrase), to: keyURL, secret: true)
            try write(Data((made.certificate.pem + pki.intermediate.certificate.pem).utf8), to: certificateURL)
            // The image a signed PDF shows, beside the certificate: a seal, or the person's signature.
            let image =
                role == .seal
                ? DemoArtwork.seal()
                : DemoArtwork.signature(seed: file.unicodeScalars.reduce(0) { $0 &+ Int($1.value) })
            try write(image, to: demoDirectory.appendingPathComponent("\(file).png"))
        }
        // Relative to Certs/, where the daemon looks for them, wherever Certs/ is.
        return ("demo/\(file).pem", "demo/\(file).key")
    }

    /// A token valid for a year, written where the demo's users find it.
    private func issueToken(_ username: String) throws -> TokenRecord {
        let token = Tokens.generate()
        try write(
            Data((token + "\n").utf8), to: tokensDirectory.appendingPathComponent("\(username).token"), secret: true)
        return TokenRecord(
            sha256: Tokens.hash(token), username: username, createdAt: Date(),
            expiresAt: Date().addingTimeInterval(365 * 86_400))
    }

    private func write(_ data: Data, to url: URL, secret: Bool = false) throws {
        guard
            FileManager.default.createFile(
                atPath: url.path, contents: data,
                attributes: secret ? [.posixPermissions: 0o600] : nil)
        else {
            throw ConfigurationError("cannot write \(url.path)")
        }
    }
}
