import Testing
import RawNetWire
@testable import RawNetCore

@Suite struct NetworkVXLANTunnelTests {
    let tunnel = VXLANTunnel(local: IPv4Address(10, 9, 0, 1), remote: IPv4Address(10, 9, 0, 2), vni: 42)
    let frame: [UInt8] = Array(0..<60)

    func classify(_ payload: [UInt8], from source: IPv4Address) -> VXLANTunnel.Arrival {
        payload.withUnsafeBytes { tunnel.classify(payload: $0, from: source, sourcePort: 4789) }
    }

    @Test func encapsulates_with_header_and_takes_its_own_datagrams_back() {
        let payload = tunnel.encapsulate(frame)
        #expect(Array(payload.prefix(8)) == [0x08, 0, 0, 0, 0, 0, 42, 0])
        #expect(classify(payload, from: tunnel.remote) == .frame(8..<68))
        #expect(tunnel.description == "vxlan vni 42 10.9.0.1:4789 > 10.9.0.2:4789")
    }

    @Test func refuses_other_senders_other_vnis_and_malformed_headers_with_reasons() {
        let stranger = IPv4Address(10, 9, 0, 7)
        guard case .refused(.notFromPeer, let detail) = classify(tunnel.encapsulate(frame), from: stranger) else {
            Issue.record("a stranger's datagram was taken"); return
        }
        #expect(detail.contains("10.9.0.7"))
        let other = VXLANTunnel(local: tunnel.local, remote: tunnel.remote, vni: 43).encapsulate(frame)
        #expect(classify(other, from: tunnel.remote) == .refused(.wrongVNI, detail: "VNI 43, this link's is 42"))
        var noFlag = tunnel.encapsulate(frame)
        noFlag[0] = 0
        guard case .refused(.badTunnelHeader, _) = classify(noFlag, from: tunnel.remote) else {
            Issue.record("a header without the I flag was taken"); return
        }
        guard case .refused(.badTunnelHeader, _) = classify([0x08, 0, 0, 0], from: tunnel.remote) else {
            Issue.record("a 4-byte datagram was taken"); return
        }
        guard case .refused(.badTunnelHeader, _) = classify(tunnel.encapsulate(Array(frame.prefix(13))), from: tunnel.remote) else {
            Issue.record("a frame shorter than an Ethernet header was taken"); return
        }
    }

    @Test func liveness_waits_then_goes_up_down_and_recovers_on_the_clock() {
        let start = Instant(nanoseconds: 1_000_000_000)
        var liveness = TunnelLiveness(keepalive: .seconds(1), misses: 3, startedAt: start)
        #expect(liveness.downAfter == .seconds(3))
        #expect(liveness.state(at: start + .seconds(2)) == .waiting)
        #expect(liveness.poll(at: start + .seconds(2)) == nil)
        #expect(liveness.heard(at: start + .seconds(2)) == .up)
        #expect(liveness.state(at: start + .seconds(5)) == .up)
        #expect(liveness.poll(at: start + .seconds(5)) == nil)
        #expect(liveness.state(at: start + .milliseconds(5001)) == .down)
        #expect(liveness.poll(at: start + .milliseconds(5001)) == .down)
        #expect(liveness.poll(at: start + .seconds(9)) == nil, "down is reported once")
        #expect(liveness.recoveries == 0)
        #expect(liveness.heard(at: start + .seconds(10), isKeepalive: true) == .up)
        #expect(liveness.heard(at: start + .seconds(11)) == nil, "up is reported once")
        #expect(liveness.recoveries == 1)
        #expect(liveness.keepalivesHeard == 1)
        #expect(liveness.lastHeard == start + .seconds(11))
    }

    @Test func a_remote_never_heard_is_down_after_the_missed_intervals() {
        let start = Instant.zero
        var liveness = TunnelLiveness(keepalive: .milliseconds(500), misses: 4, startedAt: start)
        #expect(liveness.state(at: start + .seconds(2)) == .waiting)
        #expect(liveness.nextDeadline() == start + .milliseconds(500), "the first keepalive comes first")
        #expect(liveness.poll(at: start + .milliseconds(2001)) == .down)
    }

    @Test func keepalives_are_due_only_after_an_interval_without_sending() {
        let start = Instant.zero
        var liveness = TunnelLiveness(keepalive: .seconds(1), misses: 3, startedAt: start)
        #expect(!liveness.keepaliveDue(at: start + .milliseconds(999)))
        #expect(liveness.keepaliveDue(at: start + .seconds(1)))
        liveness.sent(at: start + .milliseconds(1500))
        #expect(!liveness.keepaliveDue(at: start + .seconds(2)), "a frame sent half a second ago is enough")
        #expect(liveness.nextDeadline() == start + .milliseconds(2500))
        #expect(liveness.keepaliveDue(at: start + .milliseconds(2500)))
        liveness.sent(at: start + .milliseconds(2500), isKeepalive: true)
        #expect(liveness.keepalivesSent == 1)
        // Heard at 2.6 s: the next deadline is the next keepalive, not the silence at 5.6 s.
        liveness.heard(at: start + .milliseconds(2600))
        #expect(liveness.nextDeadline() == start + .milliseconds(3500))
        // Without keepalives the only deadline is the silence, and none once down.
        var quiet = TunnelLiveness(keepalive: nil, misses: 3, startedAt: start)
        #expect(!quiet.keepaliveDue(at: start + .seconds(60)))
        quiet.heard(at: start)
        #expect(quiet.nextDeadline() == start + .seconds(3) + .nanoseconds(1))
        #expect(quiet.poll(at: start + .seconds(4)) == .down)
        #expect(quiet.nextDeadline() == .distantFuture)
    }

    @Test func a_keepalive_is_recognised_and_never_taken_for_a_frame() {
        let mac = MACAddress(0x02_00_00_00_00_01)
        let keepalive = TunnelKeepalive.frame(from: mac)
        #expect(keepalive.count == 60)
        #expect(Array(keepalive.prefix(14)) == [0x01, 0x80, 0xC2, 0, 0, 0x0E, 0x02, 0, 0, 0, 0, 0x01, 0x88, 0xB5])
        #expect(classify(tunnel.encapsulate(keepalive), from: tunnel.remote) == .keepalive)
        // The same EtherType to another address is an ordinary frame of the link.
        var other = keepalive
        other[5] = 0x0F
        #expect(classify(tunnel.encapsulate(other), from: tunnel.remote) == .frame(8..<68))
        // A keepalive from a stranger is refused like any datagram from one.
        guard case .refused(.notFromPeer, _) = classify(tunnel.encapsulate(keepalive), from: IPv4Address(10, 9, 0, 7)) else {
            Issue.record("a stranger's keepalive was taken"); return
        }
    }
}
