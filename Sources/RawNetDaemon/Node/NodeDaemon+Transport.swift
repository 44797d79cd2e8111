import RawNetContracts
import RawNetCore
import RawNetLabModel
import RawNetWire

/// The host's transport layer: UDP and ICMP sockets of apps, demultiplexing of
/// delivered packets by protocol and port. TCP is in NodeDaemon+TCP.swift.
extension NodeDaemon {
    // MARK: Arriving packets

    func deliver(_ packet: DeliveredPacket) {
        switch packet.transport {
        case .udp(let udp, let payload):
            deliverUDP(packet, udp: udp, payload: payload)
        case .icmp(let message):
            deliverICMP(packet, message: message)
        case .tcp(let header, let payload):
            deliverTCP(packet, header: header, payload: payload)
        default:
            break
        }
    }

    private func deliverUDP(_ packet: DeliveredPacket, udp: UDPHeader, payload: [UInt8]) {
        let header = packet.header
        guard let socket = sockets.udpSocket(port: udp.destinationPort, destination: header.destination,
                                             source: header.source, sourcePort: udp.sourcePort) else {
            countNoSocket(packet)
            perform(ip.sendDestinationUnreachable(.port, about: packet, now: Self.now()))
            return
        }
        apps?.send(.datagram(socket: socket.id, from: header.source, port: udp.sourcePort,
                             timeToLive: header.timeToLive, payload: payload), to: socket.owner)
    }

    func countNoSocket(_ packet: DeliveredPacket) {
        if let interface = packet.interface { ip.countDrop(.noSocketOnPort, interface: interface) }
        if !subscribers.isEmpty {
            trace(.dropped, interface: packet.interface, bytes: packet.packet, isPacket: true,
                  reason: DropReason.noSocketOnPort.rawValue)
        }
    }

    private func deliverICMP(_ packet: DeliveredPacket, message: ICMPMessage) {
        let header = packet.header
        var bytes: [UInt8] = []
        message.serialize(into: &bytes)
        switch message {
        case .echoReply(let identifier, _, _):
            guard let socket = sockets.icmpSocket(identifier: identifier) else { return }
            apps?.send(.datagram(socket: socket.id, from: header.source, port: 0, timeToLive: header.timeToLive,
                                 payload: bytes), to: socket.owner)
        case .destinationUnreachable, .timeExceeded:
            guard let quoted = message.quotedIPv4Header else { return }
            let inner = Array(message.quoted.dropFirst(quoted.headerLength))
            switch quoted.protocolNumber {
            case .icmp:
                // The quote holds our echo request: type 8, code, checksum, identifier.
                guard inner.count >= 6, inner[0] == 8 else { return }
                let identifier = UInt16(inner[4]) << 8 | UInt16(inner[5])
                guard let socket = sockets.icmpSocket(identifier: identifier) else { return }
                apps?.send(.datagram(socket: socket.id, from: header.source, port: 0, timeToLive: header.timeToLive,
                                     payload: bytes), to: socket.owner)
            case .udp:
                guard inner.count >= 4 else { return }
                let sourcePort = UInt16(inner[0]) << 8 | UInt16(inner[1])
                let destinationPort = UInt16(inner[2]) << 8 | UInt16(inner[3])
                guard let socket = sockets.udpSocket(boundTo: sourcePort) else { return }
                if socket.receivesErrors {
                    apps?.send(.icmpError(socket: socket.id, from: header.source, type: message.type, code: message.code,
                                          originalDestination: quoted.destination, originalPort: destinationPort),
                               to: socket.owner)
                } else if socket.peerAddress == quoted.destination, socket.peerPort == destinationPort {
                    // Like Linux: only a connected socket hears about errors, as its next call failing.
                    let status = Self.status(forICMPType: message.type, code: message.code)
                    apps?.send(.error(socket: socket.id, status: status,
                                      message: "ICMP \(message) from \(header.source)"), to: socket.owner)
                }
            case .tcp:
                tcpICMPError(message, quoted: quoted, inner: inner)
            default:
                return
            }
        default:
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

    func handleAppMessage(_ message: AppMessage, from client: Int) {
        if handleTCPRequest(message, from: client) { return }
        switch message {
        case .hello(let request, let pid, let features, let name):
            apps?.setName(name, pid: pid, features: features, for: client)
            logger.debug("app \(client) hello: \(name) pid \(pid)")
            reply(request, to: client)
        case .open(let request, let protocolNumber):
            switch sockets.open(owner: client, protocolNumber: protocolNumber) {
            case .success(let socket): reply(request, socket: socket, to: client)
            case .failure(let status): reply(request, status: status, to: client)
            }
        case .bind(let request, let id, let address, let port):
            guard owned(id, client, request) != nil else { return }
            guard address == .any || ip.isOwnAddress(address) else {
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
            transmit(payload, from: socket, to: address, port: port, request: request, client: client)
        case .send(let request, let id, let payload):
            guard let socket = owned(id, client, request) else { return }
            guard let peer = socket.peerAddress else {
                return reply(request, socket: id, status: .notConnected, to: client)
            }
            transmit(payload, from: socket, to: peer, port: socket.peerPort, request: request, client: client)
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
            sockets.close(id)
            reply(request, socket: id, to: client)
        case .listen(let request, let id, _), .shutdown(let request, let id, _), .status(let request, let id):
            guard owned(id, client, request) != nil else { return }
            reply(request, socket: id, status: .protocolNotSupported, message: "TCP sockets only", to: client)
        case .write(let id, _):
            // Never answered: a closed socket's late writes are dropped; another kind of socket is an error.
            if sockets.socket(id, ownedBy: client) != nil {
                apps?.send(.error(socket: id, status: .protocolNotSupported, message: "write is for TCP sockets"),
                           to: client)
            }
        case .reply, .datagram, .error, .icmpError, .accepted, .streamData, .peerClosed, .sent, .writable, .credit,
             .streamBatch:
            apps?.send(.reply(request: message.requestID, socket: 0, status: .invalidArgument, localAddress: .any,
                              localPort: 0, message: "apps may not send host messages"), to: client)
        }
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
                          request: UInt32, client: Int) {
        var socket = socket
        let ipPayload: IPv4Payload
        switch socket.protocolNumber {
        case .udp:
            guard payload.count <= 65_507 else { return reply(request, socket: socket.id, status: .messageTooLong, to: client) }
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
        let outputs = ip.send(ipPayload, to: address, from: source, timeToLive: socket.timeToLive, now: Self.now())
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
        apps?.send(.reply(request: request, socket: socket.id, status: status, localAddress: socket.localAddress,
                          localPort: socket.localPort, message: message), to: client)
    }

    func reply(_ request: UInt32, socket: UInt32 = 0, status: AppStatus = .ok, message: String = "",
                       to client: Int) {
        apps?.send(.reply(request: request, socket: socket, status: status, localAddress: .any, localPort: 0,
                          message: message), to: client)
    }
}
