import Logging
import RawNetContracts
import RawNetCore
import RawNetLabModel
import RawNetWire

/// A host's transport layer: the UDP, ICMP and TCP sockets of its apps
/// (`SocketTable`), its TCP (`TCPStack`), the handling of app API messages,
/// and the delivery of packets the IP layer hands up (demultiplexed by the
/// core's `TransportDemux`). Routers have none.
///
/// No I/O and no clock: the IP layer is reached through `Network`, apps through
/// `Apps`, trace events leave through `emit`, and every call takes the time of
/// the loop's wake-up as `now`. So it runs the same in the daemon and in
/// tests (see `HostHarness`). Everything runs on one thread.
final class HostTransport<Network: HostNetwork, Apps: AppMessageSink> {
    let node: TopologyNode
    unowned let network: Network
    unowned let apps: Apps
    let logger: Logger
    var sockets = SocketTable()
    /// The host's TCP; see HostTransport+TCP.swift.
    var tcp: TCPStack
    var tcpRun = TCPRunState()
    /// What the TCP connections take against the host's budget; see HostTransport+TCPMemory.swift.
    var tcpMemory: TCPMemory
    /// Whether anyone listens to trace events (`emit` is called only then).
    var isTracing = false {
        didSet { tcp.reportsCongestion = isTracing }
    }
    /// Receives trace events (TCP events, drops).
    var emit: (TraceEvent) -> Void = { _ in }
    /// Where a TCP event goes, with its time and the key it is counted under: built (the
    /// closure) only when some subscriber takes it in detail (`TraceSubscribers.offer`).
    /// Without it, every event is built and emitted.
    var offer: ((Int64, TraceSummary.Key, () -> TraceEvent) -> Void)?
    /// The wall-clock time stamped on trace events (read once per wake-up by the daemon).
    var traceTime: () -> Int64 = { 0 }

    init(node: TopologyNode, network: Network, apps: Apps, tcp: TCPStack? = nil,
         logger: Logger = Logger(label: "rawnet.host")) {
        self.node = node
        self.network = network
        self.apps = apps
        self.logger = logger
        self.tcp = tcp ?? Self.makeTCPStack(for: node)
        tcpMemory = TCPMemory(budget: node.tcpMemory ?? TCPMemoryLimit.defaultBytes)
    }

    /// Sends one trace event to whoever listens.
    func broadcast(_ event: TraceEvent) {
        emit(event)
    }

    func perform(_ outputs: [NodeOutput]) {
        network.perform(outputs)
    }

    // MARK: Arriving packets

    /// A packet the IP layer delivered to this host: to the socket it is for.
    func deliver(_ packet: DeliveredPacket, now: Instant) {
        switch packet.transport {
        case .udp(let udp, let payload):
            deliverUDP(packet, udp: udp, payload: payload, now: now)
        case .icmp(let message):
            deliverICMP(packet, message: message, now: now)
        case .tcp(let header, let payload):
            deliverTCP(packet, header: header, payload: payload, now: now)
        default:
            break
        }
    }

    private func deliverUDP(_ packet: DeliveredPacket, udp: UDPHeader, payload: [UInt8], now: Instant) {
        let header = packet.header
        guard let id = sockets.demux.udpSocket(port: udp.destinationPort, destination: header.destination,
                                               source: header.source, sourcePort: udp.sourcePort),
              let socket = sockets.sockets[id] else {
            network.countNoSocket(packet)
            perform(network.sendPortUnreachable(about: packet, now: now))
            return
        }
        queueDatagram(.datagram(socket: socket.id, from: header.source, port: udp.sourcePort,
                                timeToLive: header.timeToLive, payload: payload), for: socket, packet: packet)
    }

    /// Hands a datagram to its socket's app, or, when the socket's receive
    /// queue (or the app's) is full, counts and traces the drop, as Linux
    /// counts `RcvbufErrors`.
    private func queueDatagram(_ message: AppMessage, for socket: HostSocket, packet: DeliveredPacket) {
        guard let refusal = apps.queueDatagram(message, socket: socket.id, to: socket.owner) else { return }
        sockets.countReceiveDrop(socket.id)
        let app = apps.identity(of: socket.owner).map { "'\($0.name)'" } ?? "\(socket.owner)"
        network.countDrop(.socketQueueFull, packet: packet,
                          detail: "\(socket.protocolNumber) socket \(socket.id) of app \(app) on port \(socket.localPort): \(refusal)")
    }

    private func deliverICMP(_ packet: DeliveredPacket, message: ICMPMessage, now: Instant) {
        let header = packet.header
        switch sockets.demux.target(of: message) {
        case .echoReply(let id), .echoError(let id):
            guard let socket = sockets.sockets[id] else { return }
            var bytes: [UInt8] = []
            message.serialize(into: &bytes)
            queueDatagram(.datagram(socket: socket.id, from: header.source, port: 0, timeToLive: header.timeToLive,
                                    payload: bytes), for: socket, packet: packet)
        case .udpError(let id, let destination, let port, let isConnectedPeer):
            guard let socket = sockets.sockets[id] else { return }
            if socket.receivesErrors {
                apps.send(.icmpError(socket: socket.id, from: header.source, type: message.type, code: message.code,
                                     originalDestination: destination, originalPort: port),
                          to: socket.owner)
            } else if isConnectedPeer {
                // Like Linux: only a connected socket hears about errors, as its next call failing.
                let status = Self.status(forICMPType: message.type, code: message.code)
                apps.send(.error(socket: socket.id, status: status,
                                 message: "ICMP \(message) from \(header.source)"), to: socket.owner)
            }
        case .tcpError(let id):
            tcpICMPError(message, connection: id, now: now)
        case .udp, .noUDPSocket, .tcp, .none:
            return
        }
    }

    /// The errno-like status an ICMP error means for a socket (as Linux maps them).
    static func status(forICMPType type: UInt8, code: UInt8) -> AppStatus {
        switch (type, code) {
        case (3, 3): return .connectionRefused
        case (3, 0), (3, 6): return .networkUnreachable
        default: return .hostUnreachable
        }
    }

    // MARK: App requests

    func handleAppMessage(_ message: AppMessage, from client: Int, now: Instant) {
        if handleTCPRequest(message, from: client, now: now) { return }
        switch message {
        case .hello(let request, let pid, let features, let name):
            apps.setName(name, pid: pid, features: features, for: client)
            logger.debug("app \(client) hello: \(name) pid \(pid)")
            reply(request, to: client)
        case .open(let request, let protocolNumber):
            switch sockets.open(owner: client, protocolNumber: protocolNumber) {
            case .success(let socket): reply(request, socket: socket, to: client)
            case .failure(let status): reply(request, status: status, to: client)
            }
        case .bind(let request, let id, let address, let port):
            guard owned(id, client, request) != nil else { return }
            guard address == .any || network.isOwnAddress(address) else {
                return reply(request, socket: id, status: .invalidArgument,
                             message: "\(address) is not an address of \(node.name)", to: client)
            }
            switch sockets.bind(id, address: address, port: port) {
            case .success(let socket): reply(request, socket: socket, to: client)
            case .failure(let status): reply(request, socket: id, status: status, to: client)
            }
        case .connect(let request, let id, let address, let port):
            guard var socket = owned(id, client, request) else { return }
            guard socket.protocolNumber == .udp else {
                return reply(request, socket: id, status: .protocolNotSupported, to: client)
            }
            guard let bound = autobind(&socket, request: request, client: client) else { return }
            socket = bound
            socket.peerAddress = address
            socket.peerPort = port
            sockets.update(socket)
            reply(request, socket: socket, to: client)
        case .sendTo(let request, let id, let address, let port, let payload):
            guard let socket = owned(id, client, request) else { return }
            transmit(payload, from: socket, to: address, port: port, request: request, client: client, now: now)
        case .send(let request, let id, let payload):
            guard let socket = owned(id, client, request) else { return }
            guard let peer = socket.peerAddress else {
                return reply(request, socket: id, status: .notConnected, to: client)
            }
            transmit(payload, from: socket, to: peer, port: socket.peerPort, request: request, client: client, now: now)
        case .setOption(let request, let id, let option, let value):
            guard var socket = owned(id, client, request) else { return }
            switch option {
            case .timeToLive:
                guard (0...255).contains(value) else {
                    return reply(request, socket: id, status: .invalidArgument, message: "TTL must be 0-255", to: client)
                }
                socket.timeToLive = value == 0 ? nil : UInt8(value)
            case .receiveErrors:
                socket.receivesErrors = value != 0
            default:
                return reply(request, socket: id, status: .protocolNotSupported, message: "a TCP option", to: client)
            }
            sockets.update(socket)
            reply(request, socket: socket, to: client)
        case .close(let request, let id):
            guard owned(id, client, request) != nil else { return }
            closeSocket(id)
            reply(request, socket: id, to: client)
        case .listen(let request, let id, _), .shutdown(let request, let id, _), .status(let request, let id):
            guard owned(id, client, request) != nil else { return }
            reply(request, socket: id, status: .protocolNotSupported, message: "TCP sockets only", to: client)
        case .consumed(let id, let bytes):
            // Never answered: the app read this many bytes of the socket's datagrams.
            if sockets.socket(id, ownedBy: client) != nil { apps.datagramsConsumed(Int(bytes), socket: id) }
        case .write(let id, _):
            // Never answered: a closed socket's late writes are dropped; another kind of socket is an error.
            if sockets.socket(id, ownedBy: client) != nil {
                apps.send(.error(socket: id, status: .protocolNotSupported, message: "write is for TCP sockets"),
                           to: client)
            }
        case .reply, .datagram, .error, .icmpError, .accepted, .streamData, .peerClosed, .sent, .writable, .credit,
             .streamBatch:
            apps.send(.reply(request: message.requestID, socket: 0, status: .invalidArgument, localAddress: .any,
                              localPort: 0, message: "apps may not send host messages"), to: client)
        }
    }

    /// Closes a socket and forgets what its receive buffer held.
    func closeSocket(_ id: UInt32) {
        sockets.close(id)
        apps.forgetReceiveBuffer(socket: id)
    }

    /// The socket if this app owns it; otherwise answers `badSocket`.
    func owned(_ id: UInt32, _ client: Int, _ request: UInt32) -> HostSocket? {
        if let socket = sockets.socket(id, ownedBy: client) { return socket }
        reply(request, socket: id, status: .badSocket, message: "no socket \(id) on this connection", to: client)
        return nil
    }

    /// Binds an unbound UDP socket to an ephemeral port; answers the request on failure.
    private func autobind(_ socket: inout HostSocket, request: UInt32, client: Int) -> HostSocket? {
        guard socket.protocolNumber == .udp, socket.localPort == 0 else { return socket }
        switch sockets.bind(socket.id, address: .any, port: 0) {
        case .success(let bound):
            return bound
        case .failure(let status):
            reply(request, socket: socket.id, status: status, to: client)
            return nil
        }
    }

    private func transmit(_ payload: [UInt8], from socket: HostSocket, to address: IPv4Address, port: UInt16,
                          request: UInt32, client: Int, now: Instant) {
        var socket = socket
        let ipPayload: IPv4Payload
        switch socket.protocolNumber {
        case .udp:
            guard payload.count <= AppMessage.maximumUDPPayload else {
                return reply(request, socket: socket.id, status: .messageTooLong, to: client)
            }
            guard port != 0 else {
                return reply(request, socket: socket.id, status: .invalidArgument, message: "port 0", to: client)
            }
            guard let bound = autobind(&socket, request: request, client: client) else { return }
            socket = bound
            ipPayload = .udp(UDPHeader(sourcePort: socket.localPort, destinationPort: port), payload: payload)
        case .icmp:
            guard let message = try? ICMPMessage(parsing: payload, verifyChecksum: false),
                  case .echoRequest(_, let sequence, let data) = message else {
                return reply(request, socket: socket.id, status: .invalidArgument,
                             message: "an ICMP socket sends echo requests only", to: client)
            }
            ipPayload = .icmp(.echoRequest(identifier: socket.localPort, sequence: sequence, payload: data))
        case .tcp:
            return reply(request, socket: socket.id, status: .protocolNotSupported, to: client)
        }
        let source = socket.localAddress == .any ? nil : socket.localAddress
        let outputs = network.send(ipPayload, to: address, from: source, timeToLive: socket.timeToLive, now: now)
        var status = AppStatus.ok
        var text = ""
        for case .dropped(let record) in outputs where record.reason == .noRoute || record.reason == .linkDown {
            status = .networkUnreachable
            text = record.detail ?? record.reason.rawValue
        }
        perform(outputs)
        reply(request, socket: socket, status: status, message: text, to: client)
    }

    // MARK: Replies

    func reply(_ request: UInt32, socket: HostSocket, status: AppStatus = .ok, message: String = "",
                       to client: Int) {
        apps.send(.reply(request: request, socket: socket.id, status: status, localAddress: socket.localAddress,
                          localPort: socket.localPort, message: message), to: client)
    }

    func reply(_ request: UInt32, socket: UInt32 = 0, status: AppStatus = .ok, message: String = "",
                       to client: Int) {
        apps.send(.reply(request: request, socket: socket, status: status, localAddress: .any, localPort: 0,
                          message: message), to: client)
    }
}
