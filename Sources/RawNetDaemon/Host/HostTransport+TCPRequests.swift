import RawNetContracts
import RawNetCore
import RawNetLabModel
import RawNetWire

/// App requests on TCP sockets: bind is shared with UDP; listen, connect,
/// send, shutdown, options, status and close are TCP's own.
extension HostTransport {
    /// Handles `message` if it is about one of the app's TCP sockets; false otherwise.
    func handleTCPRequest(_ message: AppMessage, from client: Int, now: Instant) -> Bool {
        let request = message.requestID
        let id: UInt32
        switch message {
        case .connect(_, let s, _, _), .send(_, let s, _), .sendTo(_, let s, _, _, _), .setOption(_, let s, _, _),
             .close(_, let s), .listen(_, let s, _), .shutdown(_, let s, _), .status(_, let s), .write(let s, _),
             .consumed(let s, _):
            id = s
        default:
            return false
        }
        guard let socket = sockets.socket(id, ownedBy: client), socket.protocolNumber == .tcp else {
            return false
        }
        switch message {
        case .listen(_, _, let backlog):
            listen(socket, backlog: Int(backlog), request: request, client: client)
        case .connect(_, _, let address, let port):
            connect(socket, to: address, port: port, request: request, client: client, now: now)
        case .send(_, _, let payload):
            send(payload, on: socket, request: request, client: client)
        case .write(_, let payload):
            write(payload, on: socket, client: client)
        case .consumed(_, let bytes):
            // The app read these: as much more may go to it (see `update`).
            var updated = socket
            updated.tcp.unconsumed = max(0, updated.tcp.unconsumed - Int(bytes))
            sockets.update(updated)
        case .sendTo:
            reply(request, socket: socket, status: .invalidArgument, message: "TCP sockets use send", to: client)
        case .setOption(_, _, let option, let value):
            setOption(option, value, on: socket, request: request, client: client, now: now)
        case .shutdown(_, _, let how):
            shutdown(socket, how: how, request: request, client: client, now: now)
        case .status:
            reply(request, socket: socket, message: tcpStatus(of: socket).text, to: client)
        case .close:
            closeTCP(socket, now: now)
            reply(request, socket: id, to: client)
        default:
            return false
        }
        tcpRun.markDirty(sockets.socket(id, ownedBy: client)?.tcp.connection)
        requestTCPPass()
        return true
    }

    private func listen(_ socket: HostSocket, backlog: Int, request: UInt32, client: Int) {
        guard socket.tcp.connection == nil else {
            return reply(request, socket: socket, status: .invalidArgument, message: "socket is connected", to: client)
        }
        var bound = socket
        if bound.localPort == 0 {
            switch sockets.bind(socket.id, address: .any, port: 0) {
            case .success(let value): bound = value
            case .failure(let status): return reply(request, socket: socket, status: status, to: client)
            }
        }
        if !bound.tcp.isListening {
            do {
                try tcp.listen(port: bound.localPort, backlog: max(1, backlog))
            } catch {
                return reply(request, socket: bound, status: .addressInUse, to: client)
            }
            bound.tcp.isListening = true
            sockets.update(bound)
        }
        reply(request, socket: bound, to: client)
    }

    private func connect(_ socket: HostSocket, to address: IPv4Address, port: UInt16, request: UInt32, client: Int,
                         now: Instant) {
        guard !socket.tcp.isListening, socket.tcp.connection == nil else {
            let text = socket.tcp.isListening ? "socket is listening" : "socket is already connected"
            return reply(request, socket: socket, status: .invalidArgument, message: text, to: client)
        }
        guard port != 0, address != .any else {
            return reply(request, socket: socket, status: .invalidArgument, message: "no port or address", to: client)
        }
        guard !tcpMemory.isUnderPressure else {
            tcpMemory.countRefusedConnect()
            return reply(request, socket: socket, status: .noBufferSpace, message: tcpMemory.pressureText, to: client)
        }
        var bound = socket
        if bound.localPort == 0 {
            switch sockets.bind(socket.id, address: .any, port: 0) {
            case .success(let value): bound = value
            case .failure(let status): return reply(request, socket: socket, status: status, to: client)
            }
        }
        let configuration = bound.tcp.options.configuration(from: tcp.configuration)
        let id: TCPConnectionID
        do {
            id = try tcp.connect(to: address, port: port, localPort: bound.localPort, configuration: configuration,
                                  now: now)
        } catch {
            return reply(request, socket: bound, status: .addressInUse, message: "connection exists", to: client)
        }
        sockets.attach(bound.id, to: id)
        guard var attached = sockets.socket(bound.id, ownedBy: client) else { return }
        attached.tcp.pendingConnect = request  // answered by updateTCPSockets when the handshake ends
        sockets.update(attached)
    }

    private func send(_ payload: [UInt8], on socket: HostSocket, request: UInt32, client: Int) {
        guard let id = socket.tcp.connection,
              let connection = tcp.inspect(id, { (state: $0.state, error: $0.error) }) else {
            return reply(request, socket: socket, status: .notConnected, to: client)
        }
        if socket.tcp.isWriteShut {
            return reply(request, socket: socket, status: .notConnected, message: "broken pipe (shut down for writing)",
                         to: client)
        }
        if connection.state == .closed {
            let status = connection.error.map { Self.status(for: $0) } ?? .notConnected
            return reply(request, socket: socket, status: status, message: "broken pipe", to: client)
        }
        let count: Int
        do {
            count = try tcp.send(payload, on: id)
        } catch {
            return reply(request, socket: socket, status: .notConnected, message: "broken pipe", to: client)
        }
        if count < payload.count {
            var updated = socket
            updated.tcp.wantsWritable = true
            sockets.update(updated)
        }
        apps.send(.sent(request: request, socket: socket.id, count: UInt32(count)), to: client)
    }

    /// Bytes within the app's credit (`AppFeatures.writeCredit`): taken whole,
    /// never answered. The space was reserved when it was granted; if the send
    /// buffer shrank since, it holds the promised bytes beyond its size (as a
    /// smaller buffer keeps what it holds). Bytes for a connection that ended
    /// or was shut for writing are dropped: the library refuses those writes
    /// itself, and the end of the connection reaches it as `error`.
    private func write(_ payload: [UInt8], on socket: HostSocket, client: Int) {
        var updated = socket
        guard payload.count <= socket.tcp.credit else {
            apps.send(.error(socket: socket.id, status: .protocolError,
                              message: "write of \(payload.count) bytes beyond the credit of \(socket.tcp.credit)"),
                       to: client)
            return
        }
        updated.tcp.credit -= payload.count
        sockets.update(updated)
        guard let id = socket.tcp.connection, !socket.tcp.isWriteShut,
              let state = tcp.inspect(id, { $0.state }), state != .closed else { return }
        tcp.withConnection(id) { connection in _ = try? connection.sendPromised(payload) }
    }

    private func setOption(_ option: AppSocketOption, _ value: Int32, on socket: HostSocket, request: UInt32,
                           client: Int, now: Instant) {
        var updated = socket
        switch option {
        case .timeToLive, .receiveErrors:
            return reply(request, socket: socket, status: .protocolNotSupported, message: "a UDP option", to: client)
        case .noDelay: updated.tcp.options.isNagleEnabled = value == 0
        case .delayedAck: updated.tcp.options.isDelayedAckEnabled = value != 0
        case .congestionControl:
            switch value {
            case 0: updated.tcp.options.congestionControl = .newReno
            case 1: updated.tcp.options.congestionControl = .cubic
            case 2: updated.tcp.options.congestionControl = .bbr
            default:
                return reply(request, socket: socket, status: .invalidArgument,
                             message: "congestion control is 0 (NewReno), 1 (CUBIC) or 2 (BBR)", to: client)
            }
        case .sendBufferSize, .receiveBufferSize:
            guard (1024...(16 << 20)).contains(value) else {
                return reply(request, socket: socket, status: .invalidArgument,
                             message: "buffer sizes are 1 KiB to 16 MiB", to: client)
            }
            if option == .sendBufferSize { updated.tcp.options.sendBufferSize = Int(value) }
            else { updated.tcp.options.receiveBufferSize = Int(value) }
        }
        // The socket keeps the options for connections it makes later (connect, or
        // accepted ones for a listener); a connected socket's connection changes at once.
        sockets.update(updated)
        var note = ""
        if let id = socket.tcp.connection {
            let options = updated.tcp.options
            tcp.withConnection(id) { connection in
                switch option {
                case .noDelay: connection.setNagle(options.isNagleEnabled ?? true)
                case .delayedAck: connection.setDelayedAck(options.isDelayedAckEnabled ?? true, now: now)
                case .congestionControl: connection.setCongestionControl(options.congestionControl ?? .newReno)
                case .sendBufferSize: connection.setSendBufferSize(options.sendBufferSize ?? 64 * 1024)
                case .receiveBufferSize, .timeToLive, .receiveErrors: break
                }
            }
            if option == .receiveBufferSize {
                // As on Linux: the window scale was fixed by the handshake.
                note = "the receive buffer applies to connections made after this (window scale is set at the handshake)"
            }
        }
        reply(request, socket: updated, message: note, to: client)
    }

    private func shutdown(_ socket: HostSocket, how: AppShutdown, request: UInt32, client: Int, now: Instant) {
        guard let id = socket.tcp.connection else {
            return reply(request, socket: socket, status: .notConnected, to: client)
        }
        var updated = socket
        if how != .read, !socket.tcp.isWriteShut {
            updated.tcp.isWriteShut = true
            tcp.close(id, now: now)
        }
        if how != .write { updated.tcp.isReadShut = true }
        sockets.update(updated)
        reply(request, socket: updated, to: client)
    }
}
