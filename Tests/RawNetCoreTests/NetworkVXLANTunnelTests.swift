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

    @Test func liveness_waits_then_goes_up_silent_and_recovers_on_the_clock() {
        var liveness = TunnelLiveness(silenceLimit: .seconds(3))
        let start = Instant(nanoseconds: 1_000_000_000)
        #expect(liveness.state(at: start) == .waiting)
        liveness.heard(at: start)
        #expect(liveness.state(at: start + .seconds(3)) == .up)
        #expect(liveness.state(at: start + .milliseconds(3001)) == .silent)
        #expect(liveness.recoveries == 0)
        liveness.heard(at: start + .seconds(5))
        #expect(liveness.state(at: start + .seconds(5)) == .up)
        #expect(liveness.recoveries == 1)
        #expect(liveness.lastHeard == start + .seconds(5))
    }
}
