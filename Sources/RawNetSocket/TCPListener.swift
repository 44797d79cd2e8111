import RawNetContracts
import RawNetWire

/// A listening TCP socket on a RawNet host.
///
///     let listener = try TCPListener(host, port: 7000)
///     while let stream = try listener.accept() {
///         try stream.write("hello \(stream.remoteAddress)\n")
///         stream.close()
///     }
public final class TCPListener {
    public let connection: HostConnection
    public let id: UInt32
    public let localAddress: IPv4Address
    /// The port (chosen by the host when 0 was asked for).
    public let localPort: UInt16
    private var isClosed = false

    /// Binds `port` (0: an ephemeral one, 49152–65535) and listens.
    /// Throws `addressInUse` when another socket on the host holds the port.
    /// `options` apply to every connection it accepts.
    public init(_ connection: HostConnection, address: IPv4Address = .any, port: UInt16, backlog: Int = 16,
                options: TCPOptions = TCPOptions()) throws(NetworkError) {
        self.connection = connection
        let id = try connection.request { .open(request: $0, protocol: .tcp) }.socket
        self.id = id
        do {
            for (option, value) in options.settings {
                _ = try connection.request { .setOption(request: $0, socket: id, option: option, value: value) }
            }
            _ = try connection.request { .bind(request: $0, socket: id, address: address, port: port) }
            let reply = try connection.request {
                .listen(request: $0, socket: id, backlog: UInt16(clamping: backlog))
            }
            localAddress = reply.localAddress
            localPort = reply.localPort
        } catch {
            connection.post { .close(request: $0, socket: id) }
            throw error
        }
    }

    deinit {
        if !isClosed { connection.post { [id] in .close(request: $0, socket: id) } }
    }

    /// The next connection, waiting at most `timeout` (nil: for ever; `.zero`:
    /// only one already waiting). nil when the time ran out.
    public func accept(timeout: Duration? = nil) throws(NetworkError) -> TCPStream? {
        guard let event = try connection.waitForEvent(socket: id, timeout: timeout, where: {
            if case .accepted = $0 { return true }
            return false
        }), case .accepted(let socket, let peer, let peerPort, let local, let localPort) = event else { return nil }
        return TCPStream(connection: connection, id: socket, local: local, localPort: localPort, remote: peer,
                         remotePort: peerPort)
    }

    /// Stops listening and frees the port; connections not yet accepted are reset.
    public func close() {
        guard !isClosed else { return }
        isClosed = true
        connection.forget(socket: id)
        _ = try? connection.request { [id] in .close(request: $0, socket: id) }
    }
}
