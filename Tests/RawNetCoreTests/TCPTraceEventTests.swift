import Glibc
import RawNetCore
import RawNetWire
import Testing

@Suite struct TCPTraceEventTests {
    static let id = TCPConnectionID(localAddress: IPv4Address(10, 0, 1, 10), localPort: 40000,
                                    remoteAddress: IPv4Address(10, 0, 2, 20), remotePort: 7000)
    static let conn = "conn=10.0.1.10:40000>10.0.2.20:7000"

    static let everyKind: [TCPEvent.Kind] = [
        .stateChanged(from: .finWait2, to: .timeWait),
        .retransmitted(sequence: 1007, length: 6, reason: .timeout),
        .retransmitted(sequence: 1, length: 2, reason: .fastRetransmit),
        .retransmitted(sequence: 1, length: 2, reason: .partialAck),
        .retransmitted(sequence: 1, length: 2, reason: .sackLoss),
        .retransmitted(sequence: 1, length: 2, reason: .rackLoss),
        .retransmitted(sequence: 1, length: 2, reason: .lossProbe),
        .retransmissionTimeout(rto: .milliseconds(200), backoff: 1),
        .enteredRecovery(sack: true, cwnd: 4380, ssthresh: 4380),
        .exitedRecovery(cwnd: 4380),
        .congestionChanged(cwnd: 14600, ssthresh: 65535),
        .sendWindowChanged(65535),
        .receiveWindowChanged(0),
        .zeroWindowProbe, .challengeACK, .keepaliveProbe,
        .failed(.connectionRefused), .failed(.connectionReset), .failed(.keepaliveTimedOut), .failed(.aborted),
        .dsackSent(sequence: 1001, length: 1460), .dsackReceived(sequence: 2461, length: 1460),
        .undo(cwnd: 14600, ssthresh: 65535),
    ]

    func detail(_ kind: TCPEvent.Kind, congestion: TCPTraceEvent.Congestion? = nil) -> String {
        TCPTraceEvent(TCPEvent(time: .zero, kind: kind), connection: Self.id, congestion: congestion).detail
    }

    @Test func everyKind_followsTheConvention() {
        let conn = Self.conn
        #expect(detail(.stateChanged(from: .finWait2, to: .timeWait)) == "event=state \(conn) from=FIN-WAIT-2 to=TIME-WAIT")
        #expect(detail(.retransmitted(sequence: 1007, length: 6, reason: .timeout), congestion: .init(window: 1460, threshold: 8760))
                == "event=retransmit \(conn) seq=1007 len=6 reason=timeout cwnd=1460 ssthresh=8760")
        #expect(detail(.retransmissionTimeout(rto: .milliseconds(200), backoff: 1)) == "event=rto \(conn) rto=200ms backoff=1")
        #expect(detail(.enteredRecovery(sack: true, cwnd: 4380, ssthresh: 4380))
                == "event=recovery \(conn) sack=yes cwnd=4380 ssthresh=4380")
        // A recovery the retransmission timer began says so, and reads back as such.
        let afterTimeout = detail(.enteredRecovery(sack: true, cwnd: 1448, ssthresh: 2896, afterTimeout: true))
        #expect(afterTimeout == "event=recovery \(conn) sack=yes after=rto cwnd=1448 ssthresh=2896")
        #expect(TCPTraceEvent(detail: afterTimeout)?.kind == .enteredRecovery(sack: true, afterTimeout: true))
        #expect(TCPTraceEvent(detail: "event=recovery \(conn) sack=yes cwnd=4380")?.kind == .enteredRecovery(sack: true, afterTimeout: false))
        #expect(detail(.exitedRecovery(cwnd: 4380)) == "event=recovery_end \(conn) cwnd=4380")
        #expect(detail(.congestionChanged(cwnd: 14600, ssthresh: 65535)) == "event=cwnd \(conn) cwnd=14600 ssthresh=65535")
        #expect(detail(.sendWindowChanged(100)) == "event=send_window \(conn) wnd=100")
        #expect(detail(.failed(.connectionReset)) == "event=failed \(conn) error=reset connection reset by peer")
        #expect(detail(.dsackSent(sequence: 1001, length: 1460)) == "event=dsack_sent \(conn) seq=1001 len=1460")
        #expect(detail(.dsackReceived(sequence: 7, length: 3)) == "event=dsack_received \(conn) seq=7 len=3")
        #expect(detail(.undo(cwnd: 14600, ssthresh: 65535)) == "event=undo \(conn) cwnd=14600 ssthresh=65535")
    }

    @Test func theRetransmissionTimeout_carriesItsUnit_andOldSavesStillRead() {
        #expect(TCPTraceEvent.millisecondsText(.milliseconds(1600)) == "1600ms")
        #expect(TCPTraceEvent.millisecondsText(.microseconds(1250)) == "1.25ms")
        #expect(TCPTraceEvent.millisecondsText(.microseconds(201_005)) == "201.005ms")
        #expect(TCPTraceEvent.millisecondsText(.microseconds(7)) == "0.007ms")
        for micro: Int64 in [0, 7, 1250, 200_000, 201_005, 60_000_000] {
            let text = TCPTraceEvent.millisecondsText(.microseconds(micro))
            #expect(TCPTraceEvent.duration(parsing: text) == .microseconds(micro), "\(text)")
        }
        // A trace saved before the unit was written: a bare number of microseconds.
        let old = TCPTraceEvent(detail: "event=rto \(Self.conn) rto=400000 backoff=2")
        #expect(old?.kind == .retransmissionTimeout(rto: .milliseconds(400), backoff: 2))
        for bad in ["ms", "1.ms", "1.2345ms", "-1ms", "1.-5ms", "x", "2s"] {
            #expect(TCPTraceEvent.duration(parsing: bad) == nil, "\(bad)")
        }
    }

    @Test func aThresholdNotSetYet_isLeftOut_notShownAsAHugeNumber() {
        let unset = TCPCongestionControl.unsetThreshold
        #expect(detail(.congestionChanged(cwnd: 14600, ssthresh: unset)) == "event=cwnd \(Self.conn) cwnd=14600")
        #expect(detail(.undo(cwnd: 14600, ssthresh: unset)) == "event=undo \(Self.conn) cwnd=14600")
        #expect(TCPTraceEvent.Congestion(window: 1460, threshold: unset).threshold == nil)
        #expect(TCPTraceEvent.Congestion(window: 1460, threshold: unset - 1).threshold == unset - 1)
    }

    @Test(arguments: everyKind)
    func everyKind_readsBackAsWritten(kind: TCPEvent.Kind) throws {
        let written = TCPTraceEvent(TCPEvent(time: .zero, kind: kind), connection: Self.id,
                                    congestion: .init(window: 2920, threshold: 5840))
        let read = try #require(TCPTraceEvent(detail: written.detail))
        #expect(read.connection == Self.id)
        #expect(read.detail == written.detail)
        #expect(read.kind == written.kind)
        #expect(read.congestionWindow == written.congestionWindow && read.slowStartThreshold == written.slowStartThreshold)
    }

    @Test func reading_ignoresFreeTextAndUnknownKeys_andRefusesWhatIsNotATCPEvent() {
        let read = TCPTraceEvent(detail: "event=retransmit \(Self.conn) seq=5 len=1 reason=tlp note=x after a quiet tail")
        #expect(read?.kind == .retransmitted(sequence: 5, length: 1, reason: .lossProbe))
        #expect(TCPTraceEvent(detail: "event=state conn=10.0.1.10:40000>10.0.2.20:7000 from=FIN_WAIT_2 to=TIME_WAIT")?.kind
                == .stateChanged(from: .finWait2, to: .timeWait))
        for bad in ["", "retransmission timeout fired", "event=retransmit seq=1 len=1 reason=timeout",
                    "event=bogus \(Self.conn)", "event=retransmit \(Self.conn) seq=x len=1 reason=timeout",
                    "event=retransmit \(Self.conn) seq=1 len=1 reason=magic", "event=state conn=nonsense from=LISTEN to=CLOSED",
                    "event=state \(Self.conn) from=LISTEN to=NOWHERE", "=x event= conn="] {
            #expect(TCPTraceEvent(detail: bad) == nil, "\(bad)")
        }
    }

    /// README lists the keys of TCP trace details; they must be exactly the encoder's.
    @Test func readmeKeyTable_matchesTheEncoder() throws {
        var parts = #filePath.split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast(3)
        let readme = try String(decoding: readAll(parts.joined(separator: "/") + "/README.md"), as: UTF8.self)
        let marker = "| key | value |\n|---|---|\n"
        let pieces = readme.split(separator: marker, maxSplits: 1, omittingEmptySubsequences: false)
        try #require(pieces.count == 2, "README has no key table")
        func quoted(_ cell: Substring) -> [String] {
            let words = cell.split(separator: "`", omittingEmptySubsequences: false)
            return stride(from: 1, to: words.count, by: 2).map { String(words[$0]) }
        }
        var keys: Set<String> = []
        var events: Set<String> = []
        for line in pieces[1].split(separator: "\n") {
            guard line.hasPrefix("| `") else { break }
            let cells = line.split(separator: "|")
            let names = quoted(cells[0])
            keys.formUnion(names)
            if names == ["event"] { events = Set(quoted(cells[1])) }
        }
        #expect(keys == Set(TCPTraceEvent.Key.allCases.map(\.rawValue)))
        let emitted = Set(Self.everyKind.map { TCPTraceEvent(TCPEvent(time: .zero, kind: $0), connection: Self.id).name })
        #expect(events == emitted)
    }
}

private func readAll(_ path: String) throws -> [UInt8] {
    guard let file = fopen(path, "r") else { throw ReadmeMissing(path: path) }
    defer { fclose(file) }
    var bytes: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 65_536)
    while true {
        let count = fread(&buffer, 1, buffer.count, file)
        if count <= 0 { break }
        bytes += buffer[..<count]
    }
    return bytes
}

private struct ReadmeMissing: Error { var path: String }
