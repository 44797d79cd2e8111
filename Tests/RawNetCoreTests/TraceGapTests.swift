import Testing
@testable import RawNetCore

@Suite struct TraceGapTests {
    @Test func countsEveryEvent_andFramesPerInterface_andReadsBack() throws {
        var gap = TraceGap()
        let frame: [UInt8] = Array(repeating: 0xAB, count: 60)
        gap.add(TraceEvent(time: 500, node: "r1", interface: "eth0", kind: .received, frame: frame))
        gap.add(TraceEvent(time: 510, node: "r1", interface: "eth1", kind: .sent, frame: frame))
        gap.add(TraceEvent(time: 520, node: "r1", interface: "eth1", kind: .sent, frame: frame))
        gap.add(TraceEvent(time: 530, node: "r1", interface: "eth1", kind: .dropped, frame: frame, reason: "injected loss"))
        gap.add(TraceEvent(time: 540, node: "r1", kind: .note, detail: "arp"))
        #expect(gap.events == 5)
        #expect(gap.frames == ["eth0": 1, "eth1": 2])   // the drop and the note were never on a cable
        #expect(gap.frameCount == 3)
        let event = gap.event(node: "r1")
        #expect(event.kind == .lost && event.time == 500 && event.node == "r1")
        #expect(event.reason == "subscriber too slow")
        #expect(event.detail == "events=5 first=500 last=540 frames.eth0=1 frames.eth1=2")
        #expect(TraceGap(event) == gap)
    }

    @Test func otherEventsAndBadDetails_readAsNoGap() {
        #expect(TraceGap(TraceEvent(time: 1, node: "a", kind: .note, detail: "events=3")) == nil)
        #expect(TraceGap(TraceEvent(time: 1, node: "a", kind: .lost)) == nil)
        #expect(TraceGap(TraceEvent(time: 1, node: "a", kind: .lost, detail: "events=many")) == nil)
        #expect(TraceGap(TraceEvent(time: 1, node: "a", kind: .lost, detail: "events=-2")) == nil)
    }
}
