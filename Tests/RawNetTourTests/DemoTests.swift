import Foundation
import RawNetTestSupport
import Testing

/// The tour end to end: real daemons, real apps, the real `rawnet demo` process.
@Suite(.serialized) struct DemoTests {
    @Test func demo_runsToCompletion_everySceneShowsItsEvidence_captureIsClean() throws {
        let runner = try RawNetRunner()
        let capture = runner.base + "/tour.pcapng"
        let started = Date()
        let run = try runner.run(["demo", "--capture", capture], timeout: 90)
        let seconds = Date().timeIntervalSince(started)
        #expect(run.status == 0, "demo exited \(run.status):\n\(run.output)\n\(run.errors)")
        #expect(seconds < 60, "the tour took \(Int(seconds)) s")
        #expect(!run.output.contains("✗ missing"), "\(run.output)")
        // One expected piece of evidence per idea of the notes.
        let evidence = [
            "the TCP segment carrying \"hello, bob\" as it left alice:eth0",     // encapsulation
            "alice heard back only from a router: ICMP host unreachable",        // connectionless
            "datagrams arrived out of order",                                    // unreliable
            "each app on 10.0.2.20 got only the datagram for its port",          // ports
            "the first three segments: SYN, SYN-ACK, ACK",                       // handshake
            "all 10 lines arrived, in order",                                    // delivery
            "bob's app read all 10 lines in the order sent",                     // ordering
            "two FINs (one per direction), each acknowledged",                   // close
            "ICMP time exceeded from r1 (10.0.1.1) and r2 (10.0.12.2)",          // TTL
            "bob → alice: 4 hops (r2, r3, r1, alice)",                           // way back
        ]
        for line in evidence { #expect(run.output.contains(line), "missing: \(line)") }
        #expect(run.output.contains("↻ retransmission"), "the delivery ladder shows a retransmission")
        #expect(run.output.contains("TCP segment = TCP header"), "the encapsulation staircase")
        #expect(run.output.contains("lab stopped"))
        #expect(!FileManager.default.fileExists(atPath: runner.base + "/rawnet/tour"), "the lab's run directory is gone")

        // The demo's own frames pass tshark with checksum validation on. The tour
        // corrupts nothing on purpose, so no frame may have a bad checksum.
        let verdict = try TsharkVerdict(file: capture)
        #expect(verdict.packets > 100)
        #expect(verdict.malformed == 0)
        #expect(verdict.badChecksums.isEmpty, "bad checksums in frames \(verdict.badChecksums)")
    }

    @Test func demo_inKorean_oneScene() throws {
        let runner = try RawNetRunner()
        let run = try runner.run(["demo", "--lang", "ko", "--scenes", "ports"], timeout: 40)
        #expect(run.status == 0, "\(run.output)\n\(run.errors)")
        #expect(run.output.contains("포트: 여러 앱이 IP 주소 하나를 함께 쓴다"))
        #expect(run.output.contains("직접 해 보기"))
        #expect(run.output.contains("✓ 10.0.2.20의 각 앱은 자기 포트로 온 데이터그램만 받았습니다"))
        #expect(!run.output.contains("each app on 10.0.2.20"), "an English check line in the Korean tour")
    }

    @Test func demo_refusesUnknownScenesAndLanguages() throws {
        let runner = try RawNetRunner()
        let scene = try runner.run(["demo", "--scenes", "nosuch"])
        #expect(scene.status != 0)
        #expect(scene.errors.contains("unknown scene 'nosuch'"))
        let language = try runner.run(["demo", "--lang", "fr"])
        #expect(language.status != 0)
        #expect(language.errors.contains("--lang must be en or ko"))
    }
}
