import RawNetContracts
import RawNetCore
import RawNetLab
import RawNetPlatform
import RawNetWire
import Testing

/// Frames built to break a parser, each of a named kind and each one the
/// receiving node must drop with a known reason (none is valid for it).
struct HostileFrames {
    /// Where the frames go: the node's interface MAC and address, and an on-link neighbour as the source.
    var mac: MACAddress
    var address: IPv4Address
    var neighbourMAC: MACAddress
    var neighbour: IPv4Address
    var random = SeededRandom(seed: 0xBAD_F00D)

    /// (kind, frame, the reason it must be dropped for; nil: any named reason).
    private(set) var frames: [(kind: String, frame: [UInt8], reason: DropReason?)] = []

    var ethernet: EthernetHeader { EthernetHeader(destination: mac, source: neighbourMAC, etherType: .ipv4) }

    func ip(_ proto: IPProtocol, id: UInt16) -> IPv4Header {
        IPv4Header(identification: id, timeToLive: 64, protocolNumber: proto, source: neighbour, destination: address)
    }

    /// A good UDP datagram to a closed port of the node, as a frame (padded to 60 bytes).
    func udpFrame(id: UInt16, payload: Int = 12) -> [UInt8] {
        Frame.ipv4(ethernet: ethernet, ip: ip(.udp, id: id),
                   udp: UDPHeader(sourcePort: 40_000, destinationPort: 9), payload: Array(repeating: 0x55, count: payload))
    }

    func tcpFrame(id: UInt16, payload: Int = 20) -> [UInt8] {
        let tcp = TCPHeader(sourcePort: 40_001, destinationPort: 9, sequenceNumber: 1, acknowledgmentNumber: 0, flags: .syn,
                            window: 1000, options: [.maximumSegmentSize(1460), .windowScale(7)])
        return Frame.ipv4(ethernet: ethernet, ip: ip(.tcp, id: id), tcp: tcp, payload: Array(repeating: 0x41, count: payload))
    }

    func icmpFrame(id: UInt16) -> [UInt8] {
        Frame.ipv4(ethernet: ethernet, ip: ip(.icmp, id: id),
                   icmp: .echoRequest(identifier: 7, sequence: id, payload: Array(repeating: 0x61, count: 24)))
    }

    /// The IPv4 header checksum made right again after a change to the header.
    static func fixIPChecksum(_ frame: inout [UInt8]) {
        let ihl = Int(frame[14] & 0x0F) * 4
        guard ihl >= 20, frame.count >= 14 + ihl else { return }
        frame[24] = 0
        frame[25] = 0
        let sum = InternetChecksum.checksum(frame[14..<(14 + ihl)])
        frame[24] = UInt8(sum >> 8)
        frame[25] = UInt8(sum & 0xFF)
    }

    private mutating func add(_ kind: String, _ frame: [UInt8], _ reason: DropReason?) {
        frames.append((kind, frame, reason))
    }

    private mutating func int(_ range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &random) }

    /// `perKind` frames of each kind.
    mutating func build(perKind: Int) {
        for n in 0..<perKind {
            let id = UInt16(truncatingIfNeeded: n)
            let bases = [udpFrame(id: id), tcpFrame(id: id), icmpFrame(id: id)]
            let base = bases[n % 3]
            let total = Int(base[16]) << 8 | Int(base[17])

            // Truncated: an Ethernet header cut short, or an IPv4 packet cut before its total length.
            add("truncated ethernet", Array(base.prefix(int(1...13))), .malformed)
            add("truncated ipv4", Array(base.prefix(14 + int(0...(total - 1)))), .malformed)
            // Zero-length payload: an IPv4 EtherType and nothing after it.
            add("empty ipv4", Array(base.prefix(14)), .malformed)

            // Bad lengths: total length below the header, or beyond the frame.
            var short = base
            short[16] = 0
            short[17] = UInt8(int(0...19))
            Self.fixIPChecksum(&short)
            add("total length below header", short, .malformed)
            var long = base
            let claimed = base.count - 14 + int(1...2000)
            long[16] = UInt8(claimed >> 8)
            long[17] = UInt8(claimed & 0xFF)
            Self.fixIPChecksum(&long)
            add("total length beyond frame", long, .malformed)

            // IHL below 5, and options running past the total length.
            var ihl = base
            ihl[14] = 0x40 | UInt8(int(0...4))
            add("ihl below 5", ihl, .malformed)
            var options = base
            options[14] = 0x40 | 15
            options[16] = 0
            options[17] = UInt8(int(21...59))
            Self.fixIPChecksum(&options)
            add("options overrun", options, .malformed)

            // Bad checksums: the IPv4 header's, then the transport's under a good header.
            var ipSum = base
            ipSum[24] ^= UInt8(int(1...255))
            add("bad ipv4 checksum", ipSum, .badChecksum)
            var transportSum = base
            let checksumAt = [14 + 20 + 6, 14 + 20 + 16, 14 + 20 + 2][n % 3]
            transportSum[checksumAt] ^= UInt8(int(1...255))
            // A UDP checksum of zero means "none": keep it wrong, not absent.
            if transportSum[checksumAt] == 0 && transportSum[checksumAt + 1] == 0 { transportSum[checksumAt + 1] = 1 }
            add("bad \(["udp", "tcp", "icmp"][n % 3]) checksum", transportSum, .badChecksum)

            // Fragments for the node itself that no datagram can hold: they would end past
            // 65,535 bytes (the last 8-byte offset), with or without more-fragments.
            var fragment = base
            fragment[20] = (n % 2 == 0 ? 0x20 : 0x00) | 0x1F
            fragment[21] = 0xFF
            Self.fixIPChecksum(&fragment)
            add("fragment past 65,535 bytes", fragment, .malformed)

            // TCP with a data offset below 5 words or beyond the segment (checksum made right).
            // (The segment is 48 bytes: a 28-byte header and 20 bytes of data; 13 words are 52.)
            var offset = tcpFrame(id: id)
            offset[14 + 20 + 12] = UInt8(n % 2 == 0 ? int(0...4) : int(13...15)) << 4
            let segment = Array(offset[(14 + 20)...])
            var zeroed = segment
            zeroed[16] = 0
            zeroed[17] = 0
            let pseudo = IPv4PseudoHeader(source: neighbour, destination: address).sum(protocol: .tcp, length: segment.count)
            let tcpSum = InternetChecksum.checksum(zeroed, initial: UInt32(pseudo))
            offset[14 + 20 + 16] = UInt8(tcpSum >> 8)
            offset[14 + 20 + 17] = UInt8(tcpSum & 0xFF)
            add("tcp data offset", offset, .malformed)

            // ARP with other hardware or protocol types or sizes.
            let request = ARPPacket.request(senderMAC: neighbourMAC, senderIP: neighbour, targetIP: address)
            var arp = Frame.arp(ethernet: EthernetHeader(destination: .broadcast, source: neighbourMAC, etherType: .arp),
                                arp: request)
            switch n % 4 {
            case 0: arp[14 + 4] = UInt8([0, 1, 8, 16, 255][n % 5])  // hardware size
            case 1: arp[14 + 5] = UInt8([0, 6, 16, 255][(n / 4) % 4])  // protocol size
            case 2: arp[14 + 1] = 6  // hardware type IEEE 802
            default: arp = Array(arp.prefix(14 + int(0...27)))  // cut short
            }
            add("arp odd sizes", arp, .malformed)

            // VLAN-tagged (802.1Q) and other EtherTypes the node does not speak.
            var vlan = Array(base.prefix(12)) + [0x81, 0x00, 0x00, UInt8(n % 256)] + Array(base[12...])
            if n % 2 == 1 { vlan[12] = 0x86; vlan[13] = 0xDD }  // IPv6
            add("vlan or other ethertype", vlan, .unsupportedProtocol)

            // Jumbo: a 9000-byte IPv4 packet whose UDP checksum is wrong.
            if n % 8 == 0 {
                var jumbo = udpFrame(id: id, payload: 9000 - 28)
                jumbo[14 + 20 + 6] ^= 0xFF
                add("jumbo", jumbo, nil)
            }

            // Random bytes: to the node's MAC, or to anyone.
            let length = int(15...600)
            var noise = (0..<length).map { _ in UInt8.random(in: 0...255, using: &random) }
            if n % 2 == 0 { noise.replaceSubrange(0..<6, with: mac.bytes) }
            noise[0] &= 0xFE  // unicast (a multicast bit would make it a frame for no one in particular)
            add("random", noise, nil)
        }
    }
}

/// A few thousand structured hostile frames thrown at a live router and a
/// live host: both stay up, every frame is counted as a drop with a named
/// reason, and a chat still crosses the lab afterwards.
@Suite(.serialized) struct HostileFrameTests {
    @Test func liveRouterAndHost_dropEveryHostileFrameByName_andStillCarryAChat() throws {
        let lab = try DaemonTestLab(yaml: TopologyLoader.defaultLabYAML(named: "hostile"))
        defer { lab.stop() }
        // ARP settles first, so the lab's own traffic is over before the counting starts.
        #expect(try lab.rawnet(["ping", "alice", "bob", "-c", "1"]).status == 0)
        let targets: [(node: String, neighbour: String, neighbourNode: String)] = [
            ("r1", "10.0.1.10", "alice"), ("bob", "10.0.2.1", "r1"),
        ]
        let kind = lab.topology.linkSocketKind
        for target in targets {
            let status = try lab.status(target.node).interfaces[0]
            let neighbourStatus = try lab.status(target.neighbourNode).interfaces
                .first { $0.address.hasPrefix(target.neighbour + "/") }
            var hostile = HostileFrames(mac: try #require(MACAddress(status.mac)),
                                        address: try #require(IPv4Address(String(status.address.split(separator: "/")[0]))),
                                        neighbourMAC: try #require(neighbourStatus.flatMap { MACAddress($0.mac) }),
                                        neighbour: try #require(IPv4Address(target.neighbour)))
            hostile.build(perKind: 150)
            let before = status.counters
            // Every drop is traced too: a subscriber hears one `dropped` event per frame, with its reason.
            let trace = try ControlClient(path: lab.paths.control(node: target.node))
            #expect(try trace.request(ControlRequest(command: "subscribe")).ok)
            let client = try LinkClient(kind: kind, connectingTo: lab.paths.link(node: target.node, interface: "eth0"))
            defer { client.close() }
            var sent = 0
            var expected: [DropReason: Int] = [:]
            for (_, frame, reason) in hostile.frames {
                let deadline = MonotonicClock.now() + 5_000_000_000
                var outcome = client.send(frame)
                while case .wouldBlock = outcome, MonotonicClock.now() < deadline {
                    MonotonicClock.sleep(for: .milliseconds(1))
                    outcome = client.send(frame)
                }
                guard case .sent = outcome else {
                    // A daemon that stopped reading for 5 s will not start again: fail now, not per frame.
                    Issue.record("\(target.node): a frame of \(frame.count) bytes was not sent: \(outcome)")
                    break
                }
                sent += 1
                if let reason { expected[reason, default: 0] += 1 }
            }
            #expect(sent > 2_000)
            // Every frame is received and dropped once; nothing is sent or forwarded because of them.
            var after = before
            let deadline = MonotonicClock.now() + 10_000_000_000
            repeat {
                MonotonicClock.sleep(for: .milliseconds(100))
                after = try lab.status(target.node).interfaces[0].counters
            } while after.receivedFrames - before.receivedFrames < sent && MonotonicClock.now() < deadline
            #expect(lab.isRunning(target.node), "\(target.node) died:\n\(lab.log(target.node))")
            #expect(after.receivedFrames - before.receivedFrames == sent, "\(target.node) received every frame")
            #expect(after.totalDrops - before.totalDrops == sent,
                    "\(target.node) dropped every frame once: \(after.drops) before \(before.drops)")
            #expect(after.sentFrames == before.sentFrames, "\(target.node) answered none of them")
            var actual: [DropReason: Int] = [:]
            for reason in DropReason.allCases { actual[reason] = after[reason] - before[reason] }
            for (reason, count) in expected {
                #expect(actual[reason, default: 0] >= count,
                        "\(target.node): \(count) frames should be '\(reason.rawValue)' drops, \(actual[reason, default: 0]) are")
            }
            var traced: [DropReason: Int] = [:]
            var unnamed: [String] = []
            while let line = try trace.nextLine(timeout: .milliseconds(500)) {
                let event = try ControlCodec.decodeLine(TraceEvent.self, from: line)
                guard event.kind == .dropped, event.interface == "eth0" else { continue }
                if let reason = event.reason.flatMap(DropReason.init(rawValue:)) {
                    traced[reason, default: 0] += 1
                } else {
                    unnamed.append(event.reason ?? "none")
                }
            }
            #expect(unnamed.isEmpty, "\(target.node): drops traced without a named reason: \(unnamed.prefix(5))")
            #expect(traced == actual.filter { $0.value > 0 }, "\(target.node): the trace names the drops the counters count")
            let unexpected = actual.filter { $0.value > 0 && ![.malformed, .badChecksum, .unsupportedProtocol,
                                                                 .notForUs].contains($0.key) }
            #expect(unexpected.isEmpty, "\(target.node): drops for reasons no hostile frame has: \(unexpected)")
        }
        for node in ["alice", "r1", "bob"] { #expect(lab.isRunning(node), "\(node) died:\n\(lab.log(node))") }

        // A chat still crosses the lab.
        let room = try AppProcess(lab: lab, ["chat", "bob", "--listen", "7000"], name: "room")
        try room.waitForOutput("room open") { $0.contains("room open") }
        let ann = try AppProcess(lab: lab, ["chat", "alice", "--connect", "bob:7000", "--name", "ann"], name: "ann",
                                 feedsInput: true)
        try ann.waitForOutput("ann joins") { $0.contains("* ann joined from") }
        try ann.type("still standing")
        try ann.waitForOutput("the line back", timeout: .seconds(10)) { $0.contains("ann: still standing") }
        ann.closeInput()
    }
}
