import Testing
import RawNetCore
import RawNetWire
@testable import RawNetView

/// Which trace lines carry `↻ retransmission`: from the sender's retransmit events where
/// they are seen, from the frames alone where they are not (the ladder's rule).
@Suite struct TraceRetransmissionsTests {
    /// The marks of `events`, in order, as `rawnet trace` computes them (every event noted).
    static func marks(_ events: [TraceEvent]) -> [RetransmissionMark?] {
        var marker = TraceRetransmissions()
        return events.map { marker.note($0) }
    }

    /// `(node:interface, IP id, reason)` of each marked frame.
    static func marked(_ events: [TraceEvent]) -> [String] {
        zip(events, marks(events)).compactMap { event, mark in
            guard let mark, let frame = event.frame, let ip = DecodedFrame(parsing: frame).ipv4 else { return nil }
            return "\(event.kind.rawValue) \(event.node):\(event.interface ?? "") id \(ip.identification) "
                + (mark.reason ?? "-")
        }
    }

    /// Both ends traced with alice's events: the copy alice sent again after her timeout is
    /// marked with her reason, at alice and where bob takes it; the original, the other
    /// segments and the transport events are not.
    @Test func theSendersEvent_marksItsFrameAndEveryCopy_withTheReason() {
        #expect(Self.marked(Fixture.exchange) == ["sent alice:eth0 id 6 timeout", "received bob:eth0 id 6 timeout"])
        #expect(RetransmissionMark(reason: "timeout").text == "↻ retransmission (timeout)")
        #expect(RetransmissionMark().text == "↻ retransmission")
    }

    /// The sender's own egress dropping the new copy (injected loss): the dropped line is the
    /// frame the event names, and it carries the reason.
    @Test func aCopyDroppedAtTheSendersEgress_carriesTheReason() {
        var events = Fixture.exchange.filter { !($0.node == "bob" && $0.time == Fixture.at(221)) }
        let resent = events.firstIndex { $0.kind == .sent && $0.node == "alice" && $0.time == Fixture.at(220) }!
        events[resent].kind = .dropped
        events[resent].reason = "injected loss"
        #expect(Self.marked(events) == ["dropped alice:eth0 id 6 timeout"])
    }

    /// `rawnet trace alice:eth0` without alice's events, a router alone, bob alone: the frames show it.
    @Test func withoutEvents_bytesSeenBeforeAtThatPlace_markTheFrame() {
        let frames = Fixture.exchange.filter { $0.kind != .transport }
        #expect(Self.marked(frames.filter { $0.node == "alice" }) == ["sent alice:eth0 id 6 -"])
        // r1 saw the original dropped on eth1, then the new copy arrive on eth0 and leave on eth1;
        // on eth0 it had seen the original arrive too.
        let router = LadderRouterTests.withRouter.filter { $0.node == "r1" }
        #expect(Self.marked(router) == ["received r1:eth0 id 6 -", "sent r1:eth1 id 6 -"])
        // Seen only at bob, whom the original never reached: the new copy fills the hole below
        // bytes already seen, in a packet alice made after those (a newer IP id), so it was sent again.
        #expect(Self.marked(frames.filter { $0.node == "bob" }) == ["received bob:eth0 id 6 -"])
    }

    /// An event that arrives after the frame it names (same moment): noted one by one, that
    /// line is marked by the frames and the copies after it get the event's reason.
    @Test func aLateEvent_givesItsReasonToTheLaterCopies() {
        var events = Fixture.exchange
        let announcement = events.firstIndex { $0.detail?.contains("event=retransmit") == true }!
        let event = events.remove(at: announcement)
        let resent = events.firstIndex { $0.kind == .sent && $0.node == "alice" && $0.time == event.time }!
        events.insert(event, at: resent + 1)
        #expect(Self.marked(events) == ["sent alice:eth0 id 6 -", "received bob:eth0 id 6 timeout"])
        // Read as one batch, as `rawnet trace` reads what the daemons streamed, the frame gets it too.
        var marker = TraceRetransmissions()
        let marks = marker.marks(for: events)
        #expect(marks.compactMap { $0?.reason } == ["timeout", "timeout"])
        #expect(marks[resent] == RetransmissionMark(reason: "timeout"))
    }

    /// At one place, a segment held back by the network (an older IP id) and a copy the
    /// network made (the same id) are out of order, not retransmissions; the sender's new
    /// copy of the held-back bytes (a newer id) is one.
    @Test func reorderedAndDuplicatedCopies_areNotRetransmissions() {
        func sent(_ id: UInt16, _ seq: UInt32, _ text: String, _ ms: Double) -> TraceEvent {
            TraceEvent(time: Fixture.at(ms), node: "r1", interface: "eth1", kind: .sent,
                       frame: Fixture.tcpFrame(from: Fixture.alice, farSide: true, id: id, seq: seq, ack: 1,
                                               flags: [.psh, .ack], payload: Array(text.utf8)))
        }
        let events = [sent(10, 1, "first\n", 0), sent(12, 13, "third\n", 1), sent(11, 7, "other\n", 2),
                      sent(12, 13, "third\n", 3), sent(13, 7, "other\n", 200)]
        #expect(Self.marks(events) == [nil, nil, nil, nil, RetransmissionMark()])
    }

    /// The rule itself: only sequence space wholly seen before, in a newer packet; a segment
    /// that goes further always counts as the newest, even when the sender's counter went
    /// round meanwhile; a segment without sequence space is never one.
    @Test func resendCheck_sequenceSpaceAndIdentification() {
        var check = TCPResendCheck<Int>()
        func resends(_ key: Int, _ sequence: UInt32, _ length: UInt32, id: UInt16) -> Bool {
            check.isResend(key, sequence: sequence, length: length, identification: id)
        }
        var answers: [Bool] = []
        answers.append(resends(0, 100, 10, id: 1))
        answers.append(resends(0, 105, 10, id: 2))         // goes further: new bytes
        answers.append(resends(0, 105, 10, id: 3))         // all seen, a newer packet
        answers.append(resends(0, 100, 5, id: 2))          // all seen, an older packet: held back
        answers.append(resends(0, 115, 0, id: 4))          // a bare ACK uses no sequence space
        answers.append(resends(1, 100, 10, id: 9))         // another key has its own history
        answers.append(resends(0, 115, 10, id: 40_000))    // goes further, 40,000 packets later
        answers.append(resends(0, 115, 10, id: 40_001))
        answers.append(resends(2, UInt32.max - 4, 10, id: 1))   // sequence numbers wrap too
        answers.append(resends(2, UInt32.max - 4, 10, id: 2))
        #expect(answers == [false, false, true, false, false, false, false, true, false, true])
    }

    /// The ladder decides by the same rule: alice's own egress holding a segment back does
    /// not make it a retransmission there either.
    @Test func ladder_aHeldBackOriginalIsNotARetransmission() {
        var events = Fixture.exchange.filter { ![.transport, .dropped].contains($0.kind) && $0.time < Fixture.at(30) }
        // alice's segment id 4 (seq 1007, here not dropped on the way) leaves after id 5 instead of before it.
        for index in events.indices where events[index].node == "alice" && events[index].kind == .sent {
            if let ip = DecodedFrame(parsing: events[index].frame!).ipv4, ip.identification == 4 {
                events[index].time = Fixture.at(21.5)
            }
        }
        let text = Ladder(events: events).renderText()
        #expect(!text.contains("↻"), "\(text)")
    }

    /// A trace line ends its layers with the mark, before what happened to the frame.
    @Test func traceLine_carriesTheMark() {
        let frame = Fixture.tcpFrame(from: Fixture.alice, farSide: true, id: 6, seq: 1007, ack: 5001,
                                     flags: [.psh, .ack], payload: Array("lost!\n".utf8))
        let dropped = TraceEvent(time: Fixture.t0, node: "r1", interface: "eth1", kind: .dropped, frame: frame,
                                 reason: "injected loss")
        let line = TraceFormatter(startTime: Fixture.t0).line(for: dropped, retransmission: RetransmissionMark(reason: "RACK"))
        #expect(line.hasSuffix("len 6 ↻ retransmission (RACK) ✗ DROPPED (injected loss)"), "\(line)")
        #expect(!TraceFormatter(startTime: Fixture.t0).line(for: dropped).contains("↻"))
        var colour = TraceFormatter(startTime: Fixture.t0, usesColour: true)
        #expect(colour.format(dropped, retransmission: RetransmissionMark()).contains("\u{1B}[35m↻ retransmission\u{1B}[0m"))
    }
}
