import Testing
import RawNetCore
import RawNetWire
@testable import RawNetView

/// A SYN whose original the sender's own queue let out after the copy it sent again (an ARP
/// answer that came late, or the sender's egress holding frames back to reorder them): the
/// copy the retransmit event names is the one with its TSval, in the trace and the ladder,
/// and a hold at the sender's own interface is said on the ladder's row.
@Suite struct SenderHeldTests {
    static let conn = Fixture.conn

    /// The original SYN (IP id 1, TSval 100) and the copy sent again after the timeout (IP id 2,
    /// TSval 1100), at alice:eth0; `heldAtTheSender` adds the egress's hold of the original.
    static func events(heldAtTheSender: Bool) -> [TraceEvent] {
        func syn(id: UInt16, tsval: UInt32) -> [UInt8] {
            Fixture.tcpFrame(from: Fixture.alice, farSide: false, id: id, seq: 1000, ack: 0, flags: .syn,
                             options: [.maximumSegmentSize(1460), .timestamps(value: tsval, echoReply: 0)])
        }
        var events: [TraceEvent] = []
        if heldAtTheSender {
            events.append(TraceEvent(time: Fixture.at(0), node: "alice", interface: "eth0", kind: .impaired,
                                     frame: syn(id: 1, tsval: 100),
                                     reason: "held back until 1 later frame has left (reorder)"))
        }
        events.append(Fixture.transport("alice", at: 1000, "event=retransmit conn=\(conn) seq=1000 len=0 reason=timeout tsval=1100"))
        // The original leaves first when an ARP answer released both; after the copy when the egress held it.
        let original = TraceEvent(time: Fixture.at(heldAtTheSender ? 1000.2 : 1000.1), node: "alice", interface: "eth0",
                                  kind: .sent, frame: syn(id: 1, tsval: 100))
        let copy = TraceEvent(time: Fixture.at(heldAtTheSender ? 1000.1 : 1000.2), node: "alice", interface: "eth0",
                              kind: .sent, frame: syn(id: 2, tsval: 1100))
        events += heldAtTheSender ? [copy, original] : [original, copy]
        return events
    }

    @Test(arguments: [false, true])
    func theRetransmitEvent_namesTheCopyWithItsTSval(heldAtTheSender: Bool) {
        let events = Self.events(heldAtTheSender: heldAtTheSender)
        #expect(TraceRetransmissionsTests.marked(events) == ["sent alice:eth0 id 2 timeout"])
        var marks = RetransmissionMarks()
        let claimed = events.enumerated().flatMap { marks.note($0.element, id: $0.offset) }.map(\.id)
        #expect(claimed == [events.firstIndex { $0.kind == .sent && DecodedFrame(parsing: $0.frame!).ipv4?.identification == 2 }!])
        let ladder = Ladder(events: events).renderText()
        let rows = ladder.split(separator: "\n").filter { $0.contains("SYN seq=0") }
        #expect(rows.count == 2, "\(ladder)")
        #expect(rows.filter { $0.contains("↻ retransmission (timeout)") }.count == 1, "\(ladder)")
        // The copy sent again is the row of IP id 2: first on the wire when the original was held, second otherwise.
        #expect(rows[heldAtTheSender ? 0 : 1].contains("↻ retransmission (timeout)"), "\(ladder)")
        #expect(!rows[heldAtTheSender ? 1 : 0].contains("↻"), "\(ladder)")
        if heldAtTheSender {
            #expect(rows[1].contains("~ held back until 1 later frame has left (reorder) at alice:eth0 for 1000.200 ms"),
                    "\(ladder)")
            let korean = KoreanViews.translate(String(rows[1])).replacing("\u{A0}", with: " ")
            #expect(korean.contains("~ alice:eth0에서 순서 바꾸기: 뒤의 프레임 1개가 먼저 나갈 때까지 1000.200ms 보류"),
                    "\(korean)")
        }
    }

    /// A frame still held at the sender's egress when the events end: its row is at the hold's
    /// time, not at the start of time.
    @Test func aFrameStillHeld_isDrawnWhenItWasHeld() {
        let events = Array(Self.events(heldAtTheSender: true).dropLast())  // the original never left
        let rows = Ladder(events: events).renderText().split(separator: "\n").filter { $0.contains("SYN seq=0") }
        #expect(rows.count == 2, "\(rows)")
        #expect(rows.first?.contains("0.000") == true && rows.first?.contains("held back until 1 later frame") == true, "\(rows)")
        #expect(rows.last?.contains("↻ retransmission (timeout)") == true, "\(rows)")
    }

    /// The TSval travels in the retransmit event's detail and back.
    @Test func tsval_travelsInTheDetail() {
        let event = TCPTraceEvent(TCPEvent(time: Instant(nanoseconds: 0), kind: .retransmitted(sequence: 7, length: 3, reason: .sackLoss),
                                           timestampValue: 42),
                                  connection: TCPConnectionID(localAddress: IPv4Address(10, 0, 1, 10), localPort: 1,
                                                              remoteAddress: IPv4Address(10, 0, 2, 20), remotePort: 2))
        #expect(event.detail.contains(" tsval=42"))
        #expect(TCPTraceEvent(detail: event.detail)?.timestampValue == 42)
        #expect(TCPTraceEvent(detail: "event=retransmit conn=\(Self.conn) seq=1 len=1 reason=sack")?.timestampValue == nil)
    }
}
