import RawNetWire

/// One interface of an `IPNode`.
public struct IPInterface: Sendable, Equatable {
    public var name: String
    public var macAddress: MACAddress
    public var address: IPv4InterfaceAddress
    /// A down interface neither sends nor receives; frames meeting it are dropped as "link down".
    public var isUp: Bool
    /// False while the link has no carrier (NO-CARRIER): the interface stays up and its routes
    /// stay (`linkdown`), as in Linux, but every frame it would send is dropped ("no carrier"),
    /// so a neighbour's ARP goes unanswered and senders learn "host unreachable" from it.
    public var hasCarrier = true
    /// The largest IPv4 packet the link carries (header included, Ethernet header not).
    public var mtu: Int
    public var counters = InterfaceCounters()

    /// The MTU of an Ethernet link unless a topology says otherwise.
    public static let defaultMTU = 1500

    public init(name: String, macAddress: MACAddress, address: IPv4InterfaceAddress, isUp: Bool = true,
                mtu: Int = IPInterface.defaultMTU) {
        self.name = name
        self.macAddress = macAddress
        self.address = address
        self.isUp = isUp
        self.mtu = mtu
    }
}

/// An IPv4 packet addressed to this node, for its upper layers (UDP, TCP, ping,
/// traceroute). Checksums of every layer have been verified.
public struct DeliveredPacket: Sendable, Equatable {
    public var header: IPv4Header
    /// The decoded transport: ICMP (echo replies and errors), UDP or TCP with its data.
    public var transport: DecodedFrame.Transport
    /// The bytes the packet came in (a whole frame, or the packet alone) and
    /// where the packet lies in them: the packet is cut out only when asked for.
    private let carrier: [UInt8]
    private let packetRange: Range<Int>
    /// The interface it arrived on; nil when this node sent it to itself.
    public var interface: Int?

    /// The whole IPv4 packet (without Ethernet header or padding), e.g. to quote
    /// in an ICMP port unreachable via `IPNode.sendDestinationUnreachable`.
    public var packet: [UInt8] { Array(carrier[packetRange]) }

    public init(header: IPv4Header, transport: DecodedFrame.Transport, packet: [UInt8], interface: Int?) {
        self.init(header: header, transport: transport, packetIn: packet, at: packet.indices, interface: interface)
    }

    /// A packet lying at `range` of `carrier` (the frame it arrived in), not copied out.
    public init(header: IPv4Header, transport: DecodedFrame.Transport, packetIn carrier: [UInt8], at range: Range<Int>,
                interface: Int?) {
        self.header = header
        self.transport = transport
        self.carrier = carrier
        self.packetRange = range.clamped(to: carrier.indices)
        self.interface = interface
    }

    public static func == (a: DeliveredPacket, b: DeliveredPacket) -> Bool {
        a.header == b.header && a.transport == b.transport && a.interface == b.interface
            && a.carrier[a.packetRange].elementsEqual(b.carrier[b.packetRange])
    }
}

/// A frame or packet that went no further, and why.
public struct DropRecord: Sendable, Equatable {
    public var reason: DropReason
    /// The interface where it was dropped; nil for a locally sent packet with nowhere to go.
    public var interface: Int?
    /// The Ethernet frame as it was when dropped. A packet this node sent that never
    /// reached a link carries zero MAC addresses.
    public var bytes: [UInt8]
    /// A precise cause when there is one, e.g. `IPv4.headerChecksum: bad checksum 0x1234, computed 0xb861`.
    public var detail: String?

    public init(reason: DropReason, interface: Int?, bytes: [UInt8], detail: String? = nil) {
        self.reason = reason
        self.interface = interface
        self.bytes = bytes
        self.detail = detail
    }
}

/// Things an `IPNode` did that a trace should show, beyond frames in and out.
public enum NodeEvent: Sendable, Equatable {
    case arpRequestSent(interface: Int, target: IPv4Address)
    case arpResolved(interface: Int, address: IPv4Address, macAddress: MACAddress)
    case arpGaveUp(interface: Int, address: IPv4Address)
    /// A router passed a packet on.
    case forwarded(from: Int, to: Int, source: IPv4Address, destination: IPv4Address, timeToLive: UInt8)
    /// This node sent an ICMP error (type, code) to `destination`.
    case icmpErrorSent(type: UInt8, code: UInt8, destination: IPv4Address)
    /// This node did not send an ICMP error (type, code) to `destination`: the rate limit held it back.
    case icmpErrorRateLimited(type: UInt8, code: UInt8, destination: IPv4Address)
    /// This node answered a ping.
    case echoAnswered(to: IPv4Address, identifier: UInt16, sequence: UInt16)
    /// A datagram too big for `interface`'s MTU left in `count` fragments.
    case fragmented(interface: Int, identification: UInt16, count: Int, mtu: Int)
    /// A datagram for this node was put back together from `count` fragments.
    case reassembled(source: IPv4Address, identification: UInt16, count: Int, length: Int)
}

/// What an `IPNode` asks its shell to do.
public enum NodeOutput: Sendable, Equatable {
    /// Send this Ethernet frame out of an interface.
    case transmit(interface: Int, frame: [UInt8])
    /// Hand this packet to the node's upper layers.
    case deliver(DeliveredPacket)
    /// Nothing more happens to this frame or packet; already counted.
    case dropped(DropRecord)
    /// For the trace.
    case event(NodeEvent)
}
