import RawNetCore
import RawNetWire

enum GoldenInputs {
    /// ARP, UDP, ICMP, an impairment, corrupted and truncated frames, and a note.
    static var otherFrames: [TraceEvent] {
        let t = Fixture.t0
        let hello = FixtureFrames.hello
        return [
            TraceEvent(time: t, node: "alice", interface: "eth0", kind: .sent, frame: FixtureFrames.arpRequest),
            TraceEvent(time: t + 400_000, node: "alice", interface: "eth0", kind: .received, frame: FixtureFrames.arpReply),
            TraceEvent(time: t + 1_000_000, node: "alice", interface: "eth0", kind: .sent, frame: FixtureFrames.udp),
            TraceEvent(time: t + 1_500_000, node: "alice", interface: "eth0", kind: .impaired, frame: FixtureFrames.udp,
                       reason: "delayed 50ms"),
            TraceEvent(time: t + 2_000_000, node: "alice", interface: "eth0", kind: .sent, frame: FixtureFrames.echoRequest),
            TraceEvent(time: t + 2_250_000, node: "r1", interface: "eth0", kind: .sent, frame: FixtureFrames.timeExceeded),
            TraceEvent(time: t + 3_000_000, node: "bob", interface: "eth0", kind: .sent, frame: FixtureFrames.portUnreachable),
            TraceEvent(time: t + 4_000_000, node: "r1", interface: "eth1", kind: .impaired, frame: hello,
                       reason: "corrupted byte 56 bit 2"),
            TraceEvent(time: t + 4_000_000, node: "r1", interface: "eth1", kind: .sent,
                       frame: FixtureFrames.flipped(hello, byte: 56, bit: 2)),
            TraceEvent(time: t + 4_100_000, node: "r1", interface: "eth1", kind: .sent,
                       frame: FixtureFrames.flipped(hello, byte: 22, bit: 0)),
            TraceEvent(time: t + 4_200_000, node: "r1", interface: "eth1", kind: .received, frame: Array(hello.prefix(40))),
            TraceEvent(time: t + 4_300_000, node: "r1", interface: "eth1", kind: .received, frame: [0x02, 0x00]),
            TraceEvent(time: t + 5_000_000, node: "r1", kind: .note, detail: "link eth1 down"),
        ]
    }
}
