import RawNetWire

/// What an ICMP error quotes of the packet that caused it: the transport
/// header's ports or echo identifier, read from the quoted bytes. Quotes are
/// whatever a router chose to send back; short or malformed ones name nothing.
public enum QuotedTransport: Hashable, Sendable {
    /// A UDP datagram this node sent from `sourcePort` to `destination:destinationPort`.
    case udp(source: IPv4Address, sourcePort: UInt16, destination: IPv4Address, destinationPort: UInt16)
    /// A TCP segment of this node's connection (local is the quoted source).
    case tcp(TCPConnectionID)
    /// An echo request this node sent with `identifier`.
    case echoRequest(identifier: UInt16)

    /// What `message` quotes, if it is an error quoting a UDP, TCP or echo request header.
    public init?(quotedBy message: ICMPMessage) {
        guard message.isError else { return nil }
        self.init(quote: message.quoted)
    }

    /// What the quoted bytes of an ICMP error (an IPv4 header and at least the
    /// start of its payload) name; nil when too short or not UDP, TCP or an echo request.
    public init?(quote: [UInt8]) {
        guard !quote.isEmpty,
              let header = try? IPv4Header(parsing: quote, verifyChecksum: false, requireFullPacket: false),
              header.headerLength >= 20, header.headerLength <= quote.count else { return nil }
        let start = header.headerLength
        let available = quote.count - start
        func word(_ offset: Int) -> UInt16 { UInt16(quote[start + offset]) << 8 | UInt16(quote[start + offset + 1]) }
        switch header.protocolNumber {
        case .icmp:
            // The quote holds our echo request: type 8, code, checksum, identifier.
            guard available >= 6, quote[start] == 8 else { return nil }
            self = .echoRequest(identifier: word(4))
        case .udp:
            guard available >= 4 else { return nil }
            self = .udp(source: header.source, sourcePort: word(0), destination: header.destination,
                        destinationPort: word(2))
        case .tcp:
            guard available >= 4 else { return nil }
            self = .tcp(TCPConnectionID(localAddress: header.source, localPort: word(0),
                                        remoteAddress: header.destination, remotePort: word(2)))
        default:
            return nil
        }
    }
}

/// A UDP socket's binding, as demultiplexing needs it.
public struct UDPBinding: Hashable, Sendable {
    public var socket: UInt32
    /// The address it is bound to; `.any` for every address of the node.
    public var localAddress: IPv4Address
    /// The peer of a connected socket (nil when unconnected).
    public var peerAddress: IPv4Address?
    public var peerPort: UInt16

    public init(socket: UInt32, localAddress: IPv4Address = .any, peerAddress: IPv4Address? = nil,
                peerPort: UInt16 = 0) {
        self.socket = socket
        self.localAddress = localAddress
        self.peerAddress = peerAddress
        self.peerPort = peerPort
    }

    /// Whether a datagram to `destination` from `source:sourcePort` is for this
    /// socket: the address matches, and a connected socket hears only its peer.
    @inlinable
    public func accepts(destination: IPv4Address, source: IPv4Address, sourcePort: UInt16) -> Bool {
        if localAddress != .any && localAddress != destination { return false }
        if let peerAddress, peerAddress != source || peerPort != sourcePort { return false }
        return true
    }
}

/// Where a packet delivered to a host goes, as decided by `TransportDemux`.
public enum TransportTarget: Hashable, Sendable {
    /// A UDP datagram for this socket.
    case udp(socket: UInt32)
    /// A UDP datagram no socket takes: answer ICMP port unreachable, count a "no socket on port" drop.
    case noUDPSocket
    /// An echo reply for the ICMP socket with its identifier.
    case echoReply(socket: UInt32)
    /// An ICMP error quoting an echo request of this ICMP socket.
    case echoError(socket: UInt32)
    /// An ICMP error quoting a datagram the UDP socket sent to `destination:port`;
    /// `isConnectedPeer` when that is the peer the socket is connected to.
    case udpError(socket: UInt32, destination: IPv4Address, port: UInt16, isConnectedPeer: Bool)
    /// An ICMP error quoting a segment of this TCP connection.
    case tcpError(TCPConnectionID)
    /// A TCP segment: the TCP stack demultiplexes it by its four numbers.
    case tcp
    /// Nothing here takes it (an unknown echo identifier, an unparsable quote, another protocol).
    case none
}

/// The UDP ports and echo identifiers of a host's sockets, and the decision
/// which socket a delivered packet is for (TCP is demultiplexed by `TCPStack`).
/// One socket holds a UDP port; a connected socket hears only its peer.
/// Plain values, no I/O.
public struct TransportDemux: Sendable {
    private var udpPorts: [UInt16: UDPBinding] = [:]
    private var echoIdentifiers: [UInt16: UInt32] = [:]

    public init() {}

    // MARK: Bindings

    /// The binding holding UDP `port`, whatever its peer (the socket an ICMP error about it is for).
    public func udpBinding(port: UInt16) -> UDPBinding? { udpPorts[port] }

    public func isUDPPortBound(_ port: UInt16) -> Bool { udpPorts[port] != nil }

    /// Binds UDP `port` for `binding`'s socket; false if another socket holds it.
    public mutating func bindUDP(port: UInt16, _ binding: UDPBinding) -> Bool {
        if let holder = udpPorts[port], holder.socket != binding.socket { return false }
        udpPorts[port] = binding
        return true
    }

    /// Updates the address or peer of the socket holding `port` (nothing if another socket holds it).
    public mutating func updateUDP(port: UInt16, _ binding: UDPBinding) {
        guard udpPorts[port]?.socket == binding.socket else { return }
        udpPorts[port] = binding
    }

    /// Frees UDP `port` if `socket` holds it.
    public mutating func unbindUDP(port: UInt16, socket: UInt32) {
        if udpPorts[port]?.socket == socket { udpPorts[port] = nil }
    }

    /// The ICMP socket with echo identifier `identifier`.
    public func echoSocket(identifier: UInt16) -> UInt32? { echoIdentifiers[identifier] }

    /// Gives echo `identifier` to `socket` (moving it from `previous`); false if another socket holds it.
    public mutating func bindEcho(identifier: UInt16, socket: UInt32, previous: UInt16? = nil) -> Bool {
        if let holder = echoIdentifiers[identifier], holder != socket { return false }
        if let previous, echoIdentifiers[previous] == socket { echoIdentifiers[previous] = nil }
        echoIdentifiers[identifier] = socket
        return true
    }

    /// Frees echo `identifier` if `socket` holds it.
    public mutating func unbindEcho(identifier: UInt16, socket: UInt32) {
        if echoIdentifiers[identifier] == socket { echoIdentifiers[identifier] = nil }
    }

    // MARK: Decisions

    /// The socket a UDP datagram to `destination:port` from `source:sourcePort` goes to:
    /// the socket bound to the port, unless it is bound to another address or connected to another peer.
    public func udpSocket(port: UInt16, destination: IPv4Address, source: IPv4Address,
                          sourcePort: UInt16) -> UInt32? {
        guard let binding = udpPorts[port],
              binding.accepts(destination: destination, source: source, sourcePort: sourcePort) else { return nil }
        return binding.socket
    }

    /// Where a packet delivered to this host goes.
    public func target(of packet: DeliveredPacket) -> TransportTarget {
        switch packet.transport {
        case .udp(let udp, _):
            let header = packet.header
            guard let socket = udpSocket(port: udp.destinationPort, destination: header.destination,
                                         source: header.source, sourcePort: udp.sourcePort) else { return .noUDPSocket }
            return .udp(socket: socket)
        case .icmp(let message):
            return target(of: message)
        case .tcp:
            return .tcp
        default:
            return .none
        }
    }

    /// Where an ICMP message delivered to this host goes: echo replies by
    /// identifier, errors to the socket whose packet they quote.
    public func target(of message: ICMPMessage) -> TransportTarget {
        switch message {
        case .echoReply(let identifier, _, _):
            return echoIdentifiers[identifier].map { .echoReply(socket: $0) } ?? .none
        case .destinationUnreachable, .timeExceeded:
            guard let quoted = QuotedTransport(quotedBy: message) else { return .none }
            switch quoted {
            case .echoRequest(let identifier):
                return echoIdentifiers[identifier].map { .echoError(socket: $0) } ?? .none
            case .udp(_, let sourcePort, let destination, let destinationPort):
                guard let binding = udpPorts[sourcePort] else { return .none }
                return .udpError(socket: binding.socket, destination: destination, port: destinationPort,
                                 isConnectedPeer: binding.peerAddress == destination
                                     && binding.peerPort == destinationPort)
            case .tcp(let id):
                return .tcpError(id)
            }
        default:
            return .none
        }
    }
}
