import Foundation
import LienThongAPI
import LienThongApp
import LienThongCrypto
import LienThongDomain
import LienThongRegistry
import Testing

/// The document service without HTTP: sending, receiving, status reports, recalls and what each role may see.
@Suite("Document service: send, receive, report, recall")
struct DocumentServiceTests {
    @Test func aSendIsNumberedSignedSealedAndDeliveredToEachRecipient() async throws {
        let fixture = try await ServiceFixture()
        let sent = try await fixture.send(to: [ServiceFixture.naSon, ServiceFixture.phiNhu])
        #expect(sent.number == 1)
        #expect(sent.numberAndSymbol.hasPrefix("01/CT-UBND"))
        #expect(Set(sent.signatures.map(\.role)) == ["signer", "seal"])
        #expect(sent.recipients.map(\.recipient.code) == [ServiceFixture.naSon, ServiceFixture.phiNhu])
        #expect(sent.recipients.allSatisfy { $0.status == DeliveryStatus.arrived.code })
        #expect(try await fixture.send().number == 2)
        // The signature over the main file verifies with the demo's trust anchors.
        let (file, content, signature) = try fixture.services.documents.file(
            sent.id, position: 0, caller: fixture.user("clerk.xa-na-son"))
        let trust = try TrustStore(
            trusting: Certificate.load(
                fixture.workspace.configuration.certsURL
                    .appendingPathComponent("trust/demo-root-ca.pem")))
        let report = SignatureVerifier(trust: trust, revocationPolicy: .skip).verify(
            content: content, signature: signature, name: file.name, expecting: .document)
        #expect(report.verdict.indication == .totalPassed, "\(report.checks) \(report.signatures.map(\.checks))")
    }

    @Test func aSendIsRefusedByTheRuleItBreaksAndLeavesNoNumberUsed() async throws {
        let fixture = try await ServiceFixture()
        let clerk = try fixture.user("clerk.tinh-dien-bien")
        let sha = try await fixture.upload("x")
        let request = { (to: [String], secrecy: String?) in
            SendRequest(
                files: [.init(sha256: sha, name: "a.pdf")], to: to, type: "CT", subject: "Thử", secrecy: secrecy)
        }
        let documents = fixture.services.documents
        #expect(
            await refusal { try await documents.send(request(["999.99.99.H99"], nil), by: clerk) }
                == .unknownAgency(code: "999.99.99.H99"))
        #expect(
            await refusal { try await documents.send(request([ServiceFixture.province], nil), by: clerk) }
                == .invalidRequest("Ủy ban nhân dân tỉnh Điện Biên cannot send a document to itself"))
        await #expect(throws: DomainError.secretDocument("Mật")) {
            try await documents.send(request([ServiceFixture.naSon], "Mật"), by: clerk)
        }
        let other = SendRequest(
            files: [.init(sha256: String(repeating: "ab", count: 32), name: "b.pdf")], to: [ServiceFixture.naSon],
            type: "CT", subject: "Thử")
        #expect(
            await refusal { try await documents.send(other, by: clerk) }
                == .fileNotUploaded(sha256: String(repeating: "ab", count: 32)))
        await expectRefusal("forbidden", "a signer sent a document") {
            try await documents.send(
                request([ServiceFixture.naSon], nil), by: fixture.user("signer.tinh-dien-bien"))
        }
        // Nothing refused took a number.
        #expect(try await fixture.send().number == 1)
    }

    @Test func aRetiredRecipientIsDeliveredToItsSuccessorOrRefusedByName() async throws {
        let fixture = try await ServiceFixture()
        // The demo's district is retired with no successor named.
        #expect(
            await refusal { try await fixture.send(to: [ServiceFixture.retiredDistrict]) }
                == .retiredRecipient(code: ServiceFixture.retiredDistrict, name: "Ủy ban nhân dân huyện Điện Biên Đông")
        )
        _ = try await fixture.services.directory.retire(
            "000.04.21.H18", successor: "000.03.21.H18", caller: fixture.user("admin.tinh-dien-bien"))
        let sent = try await fixture.send(to: ["000.04.21.H18"])
        #expect(sent.recipients.map(\.recipient.code) == ["000.03.21.H18"])
    }

    @Test func theRecipientRegistersWithItsArrivalNumberAndAStrangerSeesNothing() async throws {
        let fixture = try await ServiceFixture()
        let sent = try await fixture.send()
        let recipient = try fixture.user("clerk.xa-na-son")
        let documents = fixture.services.documents
        #expect(try documents.inbox(caller: recipient).entries.map(\.id) == [sent.id])
        #expect(try documents.inbox(caller: fixture.user("clerk.xa-phi-nhu")).entries.isEmpty)
        #expect(
            await refusal { try await documents.document(sent.id, caller: fixture.user("clerk.xa-phi-nhu")) }
                == .documentNotFound)
        let accepted = try await documents.accept(sent.id, caller: recipient)
        #expect(accepted.arrivalNumber == 1 && accepted.status == DeliveryStatus.accepted.code)
        await #expect(throws: DomainError.self) { try await documents.accept(sent.id, caller: recipient) }
        let completed = try await documents.report(
            sent.id, status: "06", to: nil, note: "Đã thực hiện", caller: recipient)
        #expect(completed.status == DeliveryStatus.completed.code)
        let tracked = try documents.track(sent.id, caller: fixture.user("clerk.tinh-dien-bien"))
        #expect(tracked.recipients[0].history?.map(\.status) == ["01", "03", "06"])
    }

    @Test func aReturnNeedsItsReasonAndARecallWaitsForTheAnswer() async throws {
        let fixture = try await ServiceFixture()
        let documents = fixture.services.documents
        let sent = try await fixture.send(to: [ServiceFixture.naSon, ServiceFixture.phiNhu])
        let naSon = try fixture.user("clerk.xa-na-son")
        await #expect(throws: DomainError.self) { try await documents.reject(sent.id, reason: "  ", caller: naSon) }
        let returned = try await documents.reject(sent.id, reason: "Gửi nhầm xã", caller: naSon)
        #expect(returned.status == DeliveryStatus.rejected.code)

        let clerk = try fixture.user("clerk.tinh-dien-bien")
        await expectRefusal("forbidden", "a recipient recalled a document it received") {
            try await documents.recall(sent.id, reason: "Sai số", caller: naSon)
        }
        let recalled = try await documents.recall(sent.id, reason: "Sai số", caller: clerk)
        #expect(recalled.recipients.first { $0.recipient.code == ServiceFixture.phiNhu }?.status == "13")
        await expectRefusal("recallPending", "a second recall was accepted while the first waits") {
            try await documents.recall(sent.id, reason: "Lại", caller: clerk)
        }
        _ = try await documents.report(
            sent.id, status: "15", to: nil, note: nil, caller: fixture.user("clerk.xa-phi-nhu"))
        await expectRefusal("documentFrozen", "a document recalled and accepted was not frozen") {
            try await documents.recall(sent.id, reason: "Lại", caller: clerk)
        }
    }

    @Test func overdueAndRegistersCheckWhatTheyAreAsked() async throws {
        let fixture = try await ServiceFixture()
        let documents = fixture.services.documents
        let clerk = try fixture.user("clerk.tinh-dien-bien")
        let sent = try await fixture.send(deadline: "1wd")
        let overdue = try documents.overdue(within: 5, incoming: false, caller: clerk)
        #expect(overdue.contains { $0.id == sent.id })
        #expect(
            await refusal { try documents.overdue(within: 400, incoming: true, caller: clerk) }
                == .invalidRequest("within is a number of working days from 0 to 365"))
        let register = try documents.register(outgoing: true, year: nil, caller: clerk)
        #expect(register.rows.count == 1 && register.rows[0].contains(sent.numberAndSymbol))
        #expect(
            await refusal { try documents.register(outgoing: true, year: 1999, caller: clerk) }
                == .invalidRequest("year 1999 is out of range (2000–2100)"))
    }

    @Test func theFiguresCountWhatWasSentAndRefuseBadPeriods() async throws {
        let fixture = try await ServiceFixture()
        let documents = fixture.services.documents
        _ = try await fixture.send()
        let today = String(VietnamTime.iso8601(Date()).prefix(10))
        let viewer = try fixture.user("viewer.tinh-dien-bien")
        let report = try documents.stats(
            agency: nil, subtree: true, from: today, to: today, by: nil, caller: viewer)
        #expect(report.total.figures.outgoingElectronic == 1 && report.total.figures.signerAndSeal == 1)
        #expect(report.total.figures.incomingElectronic == 1)
        #expect(
            await refusal {
                try documents.stats(
                    agency: nil, subtree: false, from: "2026-02-01", to: "2026-01-01", by: nil, caller: viewer)
            } == .invalidRequest("from (2026-02-01) is after to (2026-01-01)"))
        await expectRefusal("forbidden", "an administrator read the figures") {
            try documents.stats(
                agency: nil, subtree: false, from: nil, to: nil, by: nil,
                caller: fixture.user("admin.tinh-dien-bien"))
        }
    }

    @Test func paperDocumentsTakeNumbersFromTheSameSeries() async throws {
        let fixture = try await ServiceFixture()
        let documents = fixture.services.documents
        let clerk = try fixture.user("clerk.xa-na-son")
        let arrival = try await documents.registerPaper(
            PaperRequest(
                direction: "in", type: "CV", subject: "Giấy mời họp", sender: "Sở Nội vụ", numberAndSymbol: "12/SNV",
                issuedOn: "2026-11-02"),
            caller: clerk)
        #expect(arrival.arrivalNumber == 1)
        let sent = try await fixture.send()
        #expect(try await documents.accept(sent.id, caller: clerk).arrivalNumber == 2)
        await #expect(throws: DomainError.self) {
            try await documents.registerPaper(
                PaperRequest(direction: "sideways", type: "CV", subject: "x"), caller: clerk)
        }
    }
}
