import RawNetContracts
import RawNetCore
import RawNetWire

/// What the host's sockets look like from outside: the `status` answer of a
/// TCP socket and the `sockets` control answer, whose `internals` is that same text.
extension HostTransport {
    func socketList() -> [SocketInfo] {
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
                info.receiveQueue = 0
                info.sendQueue = 0
            }
            return info
        }
    }

    /// The socket's state and TCP internals (`TCPSocketStatus`).
    func tcpStatus(of socket: HostSocket) -> TCPSocketStatus {
        let local = "\(socket.localAddress):\(socket.localPort)"
        if socket.tcp.isListening {
            let listener = tcp.listeners[socket.localPort]
            return .listening(local: local, ready: listener?.ready.count ?? 0, backlog: listener?.backlog ?? 0)
        }
        guard let id = socket.tcp.connection, let connection = tcp.connection(id) else { return .closed(local: local) }
        return .connection(
            local: local, peer: "\(id.remoteAddress):\(id.remotePort)", stats: connection.stats,
            receiveQueue: connection.availableByteCount, sendQueue: connection.unacknowledgedByteCount,
            congestionControl: connection.configuration.congestionControl.rawValue,
            isNagleEnabled: connection.configuration.isNagleEnabled,
            isDelayedAckEnabled: connection.configuration.isDelayedAckEnabled)
    }
}
