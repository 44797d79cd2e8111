/// Why a frame or packet was dropped. Every drop in RawNet has one
/// (DESIGN.md, principle 5); each is counted per interface and traced.
public enum DropReason: String, Sendable, Hashable, Codable, CodingKeyRepresentable, CaseIterable,
    CustomStringConvertible {
    /// The impairment model dropped it on purpose.
    case injectedLoss = "injected loss"
    /// An egress queue was full.
    case queueOverflow = "queue overflow"
    /// Its TTL ran out at a router.
    case ttlExpired = "TTL expired"
    /// No route matched the destination.
    case noRoute = "no route"
    /// The next hop never answered ARP.
    case noARPAnswer = "no ARP answer"
    /// Too many packets were already waiting for one ARP answer.
    case arpQueueOverflow = "ARP queue overflow"
    /// A header checksum did not match (often an injected corruption).
    case badChecksum = "bad checksum"
    /// The bytes do not form a valid frame or packet.
    case malformed = "malformed"
    /// No app has a socket on the destination port.
    case noSocketOnPort = "no socket on port"
    /// A SYN for a listener whose queue of pending connections is full.
    case listenQueueFull = "listen queue full"
    /// A datagram for a socket whose receive queue (its app has not read) is full,
    /// as Linux drops beyond `SO_RCVBUF`.
    case socketQueueFull = "socket receive queue full"
    /// A host's TCP buffers together reached its TCP memory budget: a new
    /// connection's SYN, or data for a connection already holding unread
    /// bytes, is dropped (Linux: `tcp_mem` pressure, `TCPRcvQDrop`).
    case tcpMemoryPressure = "TCP memory pressure"
    /// A TCP segment whose flags no state takes (a SYN with RST, a RST, or
    /// neither SYN nor ACK, for a listener), discarded unanswered as Linux does.
    case badTCPFlags = "bad TCP flags"
    /// A segment owed a challenge ACK (RFC 5961: a SYN, or a RST in the window
    /// but not exact, on an open connection) beyond 10 a second, left unanswered.
    case challengeACKLimit = "challenge ACK limit"
    /// The interface is down (taken down by command, or a VLAN subinterface's parent is).
    case linkDown = "link down"
    /// The interface is up but its link has no carrier (the far end is down, or its
    /// machine is off): what it would send is dropped, as a NIC without a link drops it.
    case noCarrier = "no carrier"
    /// The interface is up but nothing runs at the cable's other end: the peer's
    /// daemon has not started yet, is restarting, or is gone (no socket to hand the
    /// frame to, or frames that waited for one that went away).
    case noPeer = "no peer on the cable"
    /// Addressed to another MAC or IP address, and this node does not forward.
    case notForUs = "not for us"
    /// An EtherType, IP protocol or ICMP type this node does not handle.
    case unsupportedProtocol = "unsupported protocol"
    /// An IPv4 fragment that lies wholly inside one already held for its datagram.
    case duplicateFragment = "duplicate fragment"
    /// A fragment overlapping another of its datagram (or disagreeing about its end): the whole datagram is dropped.
    case fragmentOverlap = "fragment overlap"
    /// Reassembly already holds as many datagrams or bytes as it may.
    case reassemblyLimit = "reassembly limit"
    /// The fragments of a datagram did not all arrive in time.
    case reassemblyTimeout = "reassembly timeout"
    /// A packet whose source address cannot be genuine (a broadcast, or this node's own).
    case badSourceAddress = "bad source address"
    /// A packet whose source the reverse-path filter rejects: no route back to it
    /// (loose), or the route back leaves by another interface (strict).
    case reversePath = "reverse path"
    /// Larger than the egress link's MTU with Don't Fragment set (RFC 1191): the sender hears ICMP "fragmentation needed".
    case fragmentationNeeded = "fragmentation needed"
    /// The operating system refused to send the frame for another reason.
    case sendFailed = "send failed"
    /// A datagram on a link socket from a sender that is not the link's peer.
    case notFromPeer = "not from the link's peer"
    /// A routing-protocol message a router refused as a whole: unreadable, from a
    /// port or address no neighbour would use, or arriving on a down interface.
    case routingMessageRejected = "routing message rejected"
    /// A switch port does not carry the frame's VLAN: a tagged frame on an
    /// access port, an untagged one on a trunk, or a VLAN not in the trunk's list.
    case vlanNotOnPort = "VLAN not on port"
    /// A switch learned the destination on the port the frame came in by: it
    /// is already on that segment, so the switch does not send it back (filtering).
    case sameSegment = "destination on the arriving port"
    /// The spanning tree keeps the switch port from forwarding (blocking,
    /// listening or learning), either way: arriving or leaving.
    case portBlocked = "port blocked by spanning tree"
    /// A frame to the spanning tree group (01:80:C2:00:00:00) that the switch
    /// does not take: its spanning tree is off, or the BPDU is unreadable.
    case bpduIgnored = "BPDU not taken"
    /// A VXLAN datagram from the tunnel's remote carrying another VNI (RFC 7348).
    case wrongVNI = "wrong VNI"
    /// A datagram on a VXLAN link too short for the header and an Ethernet
    /// header, or without the I flag.
    case badTunnelHeader = "bad VXLAN header"
    /// A one-shot impairment rule chose it (`rawnet impair … --drop-next`).
    case onRequest = "dropped on request"

    public var description: String { rawValue }

    /// The reason to count when the impairment model drops a frame on purpose.
    public init(_ impairment: ImpairmentDropReason) {
        switch impairment {
        case .randomLoss, .burstLoss: self = .injectedLoss
        case .queueFull: self = .queueOverflow
        case .onRequest: self = .onRequest
        }
    }
}

/// Frame and drop counts of one interface, as `rawnet status` shows them.
public struct InterfaceCounters: Sendable, Hashable, Codable {
    public var receivedFrames = 0
    public var receivedBytes = 0
    public var sentFrames = 0
    public var sentBytes = 0
    /// Drops by reason; reasons never seen are absent.
    public var drops: [DropReason: Int] = [:]

    public init() {}

    /// All drops on this interface.
    public var totalDrops: Int { drops.values.reduce(0, +) }

    public mutating func countReceived(bytes: Int) {
        receivedFrames += 1
        receivedBytes += bytes
    }

    public mutating func countSent(bytes: Int) {
        sentFrames += 1
        sentBytes += bytes
    }

    /// Takes back a frame counted as sent that never left after all (it waited
    /// in a link's egress queue that was then dropped).
    public mutating func uncountSent(bytes: Int) {
        sentFrames -= 1
        sentBytes -= bytes
    }

    public mutating func countDrop(_ reason: DropReason) {
        drops[reason, default: 0] += 1
    }

    public subscript(reason: DropReason) -> Int { drops[reason] ?? 0 }
}
