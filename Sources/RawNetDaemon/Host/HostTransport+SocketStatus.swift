import RawNetContracts
import RawNetCore
import RawNetWire

/// What the host's sockets look like from outside: the `status` answer of a
/// TCP socket and the `sockets` control answer, whose `internals` is that same text.
extension HostTransport {
    /// Every socket of every app, then every connection the TCP holds that no
    /// socket owns (like `ss -tan`: not yet accepted, or its app gone — SYN-RECEIVED,
    /// FIN-WAIT-*, CLOSING, LAST-ACK, TIME-WAIT), as socket 0 of no app.
    func socketList() -> [SocketInfo] {
        appSocketList() + orphanConnectionList()
    }

    private func orphanConnectionList() -> [SocketInfo] {
        let owned = Set(sockets.sockets.values.compactMap(\.tcp.connection))
        let orphans = tcp.connectionIDs.filter { !owned.contains($0) }.sorted {
            ($0.localPort, $0.remoteAddress.value, $0.remotePort) < ($1.localPort, $1.remoteAddress.value, $1.remotePort)
        }
        return orphans.compactMap { id in
            guard let status = connectionStatus(id), status.state != "CLOSED" else { return nil }
            return SocketInfo(id: 0, app: 0, protocolName: "tcp", local: "\(id.localAddress):\(id.localPort)",
                              peer: "\(id.remoteAddress):\(id.remotePort)", state: status.state,
                              receiveQueue: status.receiveQueue, sendQueue: status.sendQueue, internals: status.text)
        }
    }

    private func appSocketList() -> [SocketInfo] {
        sockets.sockets.values.sorted { $0.id < $1.id }.map { socket in
            var info = SocketInfo(id: socket.id, app: socket.owner, protocolName: socket.protocolNumber.description,
                                  local: "\(socket.localAddress):\(socket.localPort)",
                                  peer: socket.peerAddress.map { "\($0):\(socket.peerPort)" })
            if let identity = apps.identity(of: socket.owner) {
                info.appName = identity.name
                info.pid = identity.pid
            }
            if socket.protocolNumber == .tcp {
                let status = tcpStatus(of: socket)
                info.state = status.state
                info.receiveQueue = status.receiveQueue
                info.sendQueue = status.sendQueue
                info.internals = status.text
            } else {
                info.state = socket.isConnected ? "ESTAB" : "UNCONN"
                info.receiveQueue = apps.queuedDatagramBytes(socket: socket.id)
                info.sendQueue = 0
                info.drops = socket.receiveDrops
            }
            return info
        }
    }

    /// The socket's state and TCP internals (`TCPSocketStatus`).
    func tcpStatus(of socket: HostSocket) -> TCPSocketStatus {
        let local = "\(socket.localAddress):\(socket.localPort)"
        if socket.tcp.isListening {
            let listener = tcp.listeners[socket.localPort]
            return .listening(local: local, ready: listener?.ready.count ?? 0, backlog: listener?.backlog ?? 0,
                              halfOpen: listener?.handshaking.count ?? 0, synCookiesSent: listener?.synCookiesSent ?? 0,
                              synCookiesAccepted: listener?.synCookiesAccepted ?? 0, droppedSYNs: listener?.droppedSYNs ?? 0)
        }
        guard let id = socket.tcp.connection, let status = connectionStatus(id, local: local) else {
            return .closed(local: local)
        }
        return status
    }

    /// The internals of connection `id`, if the stack holds it.
    func connectionStatus(_ id: TCPConnectionID, local: String? = nil) -> TCPSocketStatus? {
        guard let connection = tcp.connection(id) else { return nil }
        return .connection(
            local: local ?? "\(id.localAddress):\(id.localPort)", peer: "\(id.remoteAddress):\(id.remotePort)",
            stats: connection.stats,
            receiveQueue: connection.availableByteCount, sendQueue: connection.unacknowledgedByteCount,
            congestionControl: connection.configuration.congestionControl.rawValue.lowercased(),   // as --congestion spells it
            isNagleEnabled: connection.configuration.isNagleEnabled,
            isDelayedAckEnabled: connection.configuration.isDelayedAckEnabled)
    }
}
