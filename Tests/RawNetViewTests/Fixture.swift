import RawNetCore
import RawNetWire

/// A scripted TCP exchange between alice (10.0.1.10:40000) and bob (10.0.2.20:7000)
/// through router r1, observed at alice:eth0 and bob:eth0, with real frames:
/// handshake, one data segment, a segment lost at r1:eth1, a later segment that
/// arrives and draws a duplicate ACK with SACK, the retransmission after a timeout,
/// and the FIN exchange ending in TIME_WAIT.
enum Fixture {
    static let t0: Int64 = 1_700_000_000_000_000_000

    struct Side {
        let node: String
        let ip: IPv4Address
        let mac: MACAddress
        let routerMAC: MACAddress
        let port: UInt16
    }

    static let alice = Side(node: "alice", ip: IPv4Address(10, 0, 1, 10), mac: MACAddress(0x02_00_00_00_0A_01),
                            routerMAC: MACAddress(0x02_00_00_00_01_01), port: 40000)
    static let bob = Side(node: "bob", ip: IPv4Address(10, 0, 2, 20), mac: MACAddress(0x02_00_00_00_0B_01),
                          routerMAC: MACAddress(0x02_00_00_00_01_02), port: 7000)
    static let conn = "10.0.1.10:40000>10.0.2.20:7000"

    static func at(_ milliseconds: Double) -> Int64 { t0 + Int64(milliseconds * 1_000_000) }

    /// A TCP frame from `from` to the other side, as seen on the sender's link
    /// (`farSide` false: TTL 64, sender → router) or the receiver's (TTL 63, router → receiver).
    static func tcpFrame(from sender: Side, farSide: Bool, id: UInt16, seq: UInt32, ack: UInt32,
                         flags: TCPFlags, window: UInt16 = 65535, options: TCPOptionList = [],
                         payload: [UInt8] = []) -> [UInt8] {
        let receiver = sender.node == "alice" ? bob : alice
        let eth = farSide
            ? EthernetHeader(destination: receiver.mac, source: receiver.routerMAC, etherType: .ipv4)
            : EthernetHeader(destination: sender.routerMAC, source: sender.mac, etherType: .ipv4)
        let ip = IPv4Header(identification: id, timeToLive: farSide ? 63 : 64, protocolNumber: .tcp,
                            source: sender.ip, destination: receiver.ip)
        let tcp = TCPHeader(sourcePort: sender.port, destinationPort: receiver.port, sequenceNumber: seq,
                            acknowledgmentNumber: ack, flags: flags, window: window, options: options)
        return Frame.ipv4(ethernet: eth, ip: ip, tcp: tcp, payload: payload)
    }

    /// The sender's `sent` event and the receiver's `received` (or r1's `dropped`) event of one segment.
    static func segment(from sender: Side, sentAt: Double, arrivesAt: Double?, droppedAt: Double? = nil,
                        id: UInt16, seq: UInt32, ack: UInt32, flags: TCPFlags, window: UInt16 = 65535,
                        options: TCPOptionList = [], payload: String = "") -> [TraceEvent] {
        let bytes = Array(payload.utf8)
        let receiver = sender.node == "alice" ? bob : alice
        var events = [TraceEvent(time: at(sentAt), node: sender.node, interface: "eth0", kind: .sent,
                                 frame: tcpFrame(from: sender, farSide: false, id: id, seq: seq, ack: ack,
                                                 flags: flags, window: window, options: options, payload: bytes))]
        let far = tcpFrame(from: sender, farSide: true, id: id, seq: seq, ack: ack, flags: flags,
                           window: window, options: options, payload: bytes)
        if let arrivesAt {
            events.append(TraceEvent(time: at(arrivesAt), node: receiver.node, interface: "eth0", kind: .received, frame: far))
        }
        if let droppedAt {
            events.append(TraceEvent(time: at(droppedAt), node: "r1", interface: "eth1", kind: .dropped,
                                     frame: far, reason: "injected loss"))
        }
        return events
    }

    static func transport(_ node: String, at time: Double, _ detail: String) -> TraceEvent {
        TraceEvent(time: at(time), node: node, kind: .transport, detail: detail)
    }

    static let synOptions: TCPOptionList = [.maximumSegmentSize(1460), .sackPermitted,
                                          .timestamps(value: 100, echoReply: 0), .noOperation, .windowScale(7)]

    /// The whole exchange in time order.
    static var exchange: [TraceEvent] {
        var e: [TraceEvent] = []
        e.append(transport("alice", at: 0, "event=cwnd conn=\(conn) cwnd=14600 ssthresh=65535"))
        e += segment(from: alice, sentAt: 0, arrivesAt: 1, id: 1, seq: 1000, ack: 0, flags: .syn,
                     window: 64240, options: synOptions)
        e += segment(from: bob, sentAt: 2, arrivesAt: 3, id: 1, seq: 5000, ack: 1001, flags: [.syn, .ack],
                     window: 65160, options: [.maximumSegmentSize(1460), .sackPermitted,
                                              .timestamps(value: 200, echoReply: 100), .noOperation, .windowScale(7)])
        e += segment(from: alice, sentAt: 4, arrivesAt: 5, id: 2, seq: 1001, ack: 5001, flags: .ack)
        e += segment(from: alice, sentAt: 10, arrivesAt: 11, id: 3, seq: 1001, ack: 5001, flags: [.psh, .ack],
                     payload: "hello\n")
        e += segment(from: bob, sentAt: 12, arrivesAt: 13, id: 2, seq: 5001, ack: 1007, flags: .ack)
        e += segment(from: alice, sentAt: 20, arrivesAt: nil, droppedAt: 20.5, id: 4, seq: 1007, ack: 5001,
                     flags: [.psh, .ack], payload: "lost!\n")
        e += segment(from: alice, sentAt: 21, arrivesAt: 22, id: 5, seq: 1013, ack: 5001, flags: [.psh, .ack],
                     payload: "again\n")
        e += segment(from: bob, sentAt: 23, arrivesAt: 24, id: 3, seq: 5001, ack: 1007, flags: .ack,
                     options: [.noOperation, .noOperation, .sack([SACKBlock(left: 1013, right: 1019)])])
        e.append(transport("alice", at: 24, "event=cwnd conn=\(conn) cwnd=17520 ssthresh=65535"))
        e.append(transport("alice", at: 220, "event=retransmit conn=\(conn) seq=1007 len=6 reason=timeout"))
        e.append(transport("alice", at: 220, "event=cwnd conn=\(conn) cwnd=1460 ssthresh=8760"))
        e += segment(from: alice, sentAt: 220, arrivesAt: 221, id: 6, seq: 1007, ack: 5001, flags: [.psh, .ack],
                     payload: "lost!\n")
        e += segment(from: bob, sentAt: 222, arrivesAt: 223, id: 4, seq: 5001, ack: 1019, flags: .ack)
        e.append(transport("alice", at: 223, "event=cwnd conn=\(conn) cwnd=2920 ssthresh=8760"))
        e += segment(from: alice, sentAt: 300, arrivesAt: 301, id: 7, seq: 1019, ack: 5001, flags: [.fin, .ack])
        e += segment(from: bob, sentAt: 302, arrivesAt: 303, id: 5, seq: 5001, ack: 1020, flags: [.fin, .ack])
        e += segment(from: alice, sentAt: 304, arrivesAt: 305, id: 8, seq: 1020, ack: 5002, flags: .ack)
        e.append(transport("alice", at: 304, "event=state conn=\(conn) from=FIN_WAIT_2 to=TIME_WAIT"))
        return e.sorted { $0.time < $1.time }
    }
}
