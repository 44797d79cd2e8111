import RawNetContracts
import RawNetCore
import RawNetLabModel
import RawNetWire

/// One socket an app opened on a host.
struct HostSocket: Equatable {
    let id: UInt32
    /// The app connection that owns it.
    let owner: Int
    let protocolNumber: AppProtocolNumber
    var localAddress: IPv4Address = .any
    /// The UDP port, or for ICMP the echo identifier; 0 while unbound.
    var localPort: UInt16 = 0
    var peerAddress: IPv4Address?
    var peerPort: UInt16 = 0
    var timeToLive: UInt8?
    var receivesErrors = false
    /// UDP and ICMP: datagrams dropped because the receive queue was full.
    var receiveDrops = 0
    /// TCP only: the socket's part in the host's `TCPStack`.
    var tcp = TCPSocketState()

    var isConnected: Bool { peerAddress != nil }
}

/// What a TCP socket adds to a host socket.
struct TCPSocketState: Equatable {
    /// The connection once connecting or accepted.
    var connection: TCPConnectionID?
    var isListening = false
    /// The `connect` request to answer when the handshake ends.
    var pendingConnect: UInt32?
    /// Why connecting failed when the stack cannot tell (ICMP error, no route).
    var failure: AppStatus?
    /// A `send` was cut short; tell the app when there is room.
    var wantsWritable = false
    /// Bytes of send buffer granted to the app by `credit` and not yet
    /// written: reserved, so every `write` within it is taken whole.
    var credit = 0
    var isEndOfStreamReported = false
    /// Received bytes went to an app that does not report its reads: if it
    /// dies with messages unread, some may be these. (One that reports them
    /// is judged by `unconsumed`, whatever replies it left unread.)
    var hasPassedBytesToApp = false
    /// For an app that reports its reads (`receiveCredit`): bytes sent to it
    /// and not yet consumed, at most `AppMessage.streamReceiveWindow`.
    var unconsumed = 0
    var isErrorReported = false
    var isWriteShut = false
    var isReadShut = false
    var options = TCPSocketOptions()
}

/// The options an app set with `setOption`, applied when a connection is made.
struct TCPSocketOptions: Equatable {
    var isNagleEnabled: Bool?
    var isDelayedAckEnabled: Bool?
    var congestionControl: TCPCongestionAlgorithm?
    var sendBufferSize: Int?
    var receiveBufferSize: Int?

    /// `base` with these options applied.
    func configuration(from base: TCPConfiguration) -> TCPConfiguration {
        var configuration = base
        if let isNagleEnabled { configuration.isNagleEnabled = isNagleEnabled }
        if let isDelayedAckEnabled { configuration.isDelayedAckEnabled = isDelayedAckEnabled }
        if let congestionControl { configuration.congestionControl = congestionControl }
        // A size the app chose turns autotuning off for that side, as on Linux.
        if let sendBufferSize {
            configuration.sendBufferSize = sendBufferSize
            configuration.sendBufferLimit = nil
        }
        if let receiveBufferSize {
            configuration.receiveBufferSize = receiveBufferSize
            configuration.receiveBufferLimit = nil
        }
        return configuration
    }
}

/// The host's sockets and their ports: which app owns what, ephemeral port
/// choice; arriving datagrams are demultiplexed by its `TransportDemux`. No I/O.
struct SocketTable {
    private(set) var sockets: [UInt32: HostSocket] = [:]
    /// UDP ports and echo identifiers, and which socket an arriving packet is for (Core).
    private(set) var demux = TransportDemux()
    /// TCP ports held by bound sockets (listeners and connecting sockets).
    private var tcpPorts: [UInt16: UInt32] = [:]
    /// TCP connections by their four numbers.
    private(set) var tcpConnections: [TCPConnectionID: UInt32] = [:]
    private var nextSocketID: UInt32 = 1
    private var nextEphemeral: [AppProtocolNumber: UInt16] = [:]

    /// Opens a socket for `owner`. ICMP sockets get an identifier at once.
    mutating func open(owner: Int, protocolNumber: AppProtocolNumber) -> Result<HostSocket, AppStatus> {
        var socket = HostSocket(id: nextSocketID, owner: owner, protocolNumber: protocolNumber)
        nextSocketID = nextSocketID == UInt32.max ? 1 : nextSocketID + 1
        sockets[socket.id] = socket
        if protocolNumber == .icmp {
            guard let port = ephemeralPort(for: .icmp) else {
                sockets[socket.id] = nil
                return .failure(.addressInUse)
            }
            socket.localPort = port
            sockets[socket.id] = socket
            _ = demux.bindEcho(identifier: port, socket: socket.id)
        }
        return .success(socket)
    }

    /// The socket `id` if `owner` owns it.
    func socket(_ id: UInt32, ownedBy owner: Int) -> HostSocket? {
        guard let socket = sockets[id], socket.owner == owner else { return nil }
        return socket
    }

    mutating func update(_ socket: HostSocket) {
        guard sockets[socket.id] != nil else { return }
        sockets[socket.id] = socket
        if socket.protocolNumber == .udp, socket.localPort != 0 {
            demux.updateUDP(port: socket.localPort, Self.binding(of: socket))
        }
    }

    /// What demultiplexing needs of a UDP socket.
    private static func binding(of socket: HostSocket) -> UDPBinding {
        UDPBinding(socket: socket.id, localAddress: socket.localAddress, peerAddress: socket.peerAddress,
                   peerPort: socket.peerPort)
    }

    /// Counts a datagram dropped because socket `id`'s receive queue was full.
    mutating func countReceiveDrop(_ id: UInt32) {
        sockets[id]?.receiveDrops += 1
    }

    /// Binds a socket to a port (0: ephemeral). Rebinding is refused.
    mutating func bind(_ id: UInt32, address: IPv4Address, port: UInt16) -> Result<HostSocket, AppStatus> {
        guard var socket = sockets[id] else { return .failure(.badSocket) }
        var chosen = port
        switch socket.protocolNumber {
        case .udp:
            guard socket.localPort == 0 else { return .failure(.invalidArgument) }
            if chosen == 0 {
                guard let free = ephemeralPort(for: .udp) else { return .failure(.addressInUse) }
                chosen = free
            }
        case .icmp:
            if chosen == 0 { chosen = socket.localPort }
        case .tcp:
            guard socket.localPort == 0, socket.tcp.connection == nil else { return .failure(.invalidArgument) }
            if chosen == 0 {
                guard let free = ephemeralPort(for: .tcp) else { return .failure(.addressInUse) }
                chosen = free
            }
        }
        switch socket.protocolNumber {
        case .udp:
            guard !demux.isUDPPortBound(chosen) else { return .failure(.addressInUse) }
        case .icmp:
            guard demux.bindEcho(identifier: chosen, socket: id, previous: socket.localPort) else {
                return .failure(.addressInUse)
            }
        case .tcp:
            guard tcpPorts[chosen] == nil else { return .failure(.addressInUse) }
            tcpPorts[chosen] = id
        }
        socket.localAddress = address
        socket.localPort = chosen
        sockets[id] = socket
        if socket.protocolNumber == .udp { _ = demux.bindUDP(port: chosen, Self.binding(of: socket)) }
        return .success(socket)
    }

    /// Closes one socket, freeing its port.
    mutating func close(_ id: UInt32) {
        guard let socket = sockets.removeValue(forKey: id) else { return }
        switch socket.protocolNumber {
        case .udp: demux.unbindUDP(port: socket.localPort, socket: id)
        case .icmp: demux.unbindEcho(identifier: socket.localPort, socket: id)
        case .tcp:
            if tcpPorts[socket.localPort] == id { tcpPorts[socket.localPort] = nil }
            if let connection = socket.tcp.connection, tcpConnections[connection] == id {
                tcpConnections[connection] = nil
            }
        }
    }

    /// Adds a socket for a connection a listener accepted, owned by the listener's app.
    mutating func openAccepted(owner: Int, connection: TCPConnectionID) -> HostSocket {
        var socket = HostSocket(id: nextSocketID, owner: owner, protocolNumber: .tcp)
        nextSocketID = nextSocketID == UInt32.max ? 1 : nextSocketID + 1
        socket.localAddress = connection.localAddress
        socket.localPort = connection.localPort
        socket.peerAddress = connection.remoteAddress
        socket.peerPort = connection.remotePort
        socket.tcp.connection = connection
        sockets[socket.id] = socket
        tcpConnections[connection] = socket.id
        return socket
    }

    /// Records that a TCP socket now names `connection`.
    mutating func attach(_ id: UInt32, to connection: TCPConnectionID) {
        guard var socket = sockets[id] else { return }
        socket.tcp.connection = connection
        // Bound to any address, a connecting socket now has the one its route chose (as `ss` shows it).
        socket.localAddress = connection.localAddress
        socket.peerAddress = connection.remoteAddress
        socket.peerPort = connection.remotePort
        sockets[id] = socket
        tcpConnections[connection] = id
    }

    /// The TCP socket holding `port` (a listener or a bound connecting socket).
    func tcpSocket(boundTo port: UInt16) -> HostSocket? {
        tcpPorts[port].flatMap { sockets[$0] }
    }

    /// The socket of a TCP connection.
    func tcpSocket(for connection: TCPConnectionID) -> HostSocket? {
        tcpConnections[connection].flatMap { sockets[$0] }
    }

    /// A free port in 49152–65535, chosen round-robin.
    private mutating func ephemeralPort(for protocolNumber: AppProtocolNumber) -> UInt16? {
        let range = appEphemeralPorts
        var candidate = nextEphemeral[protocolNumber] ?? range.lowerBound
        for _ in 0..<range.count {
            let taken: Bool
            switch protocolNumber {
            case .icmp: taken = demux.echoSocket(identifier: candidate) != nil
            case .udp: taken = demux.isUDPPortBound(candidate)
            case .tcp: taken = tcpPorts[candidate] != nil
            }
            let current = candidate
            candidate = candidate == range.upperBound ? range.lowerBound : candidate + 1
            if !taken {
                nextEphemeral[protocolNumber] = candidate
                return current
            }
        }
        return nil
    }
}
