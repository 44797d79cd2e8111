import RawNetContracts
import RawNetWire

/// One received UDP datagram.
public struct UDPDatagram: Sendable, Equatable {
    public var from: IPv4Address
    public var port: UInt16
    /// The TTL the IPv4 packet arrived with.
    public var timeToLive: UInt8
    public var payload: [UInt8]
}

/// A UDP socket on a RawNet host, like a `SOCK_DGRAM` socket.
///
///     let socket = try UDPSocket(host)
///     try socket.bind(port: 5000)
///     try socket.send([1, 2, 3], to: IPv4Address("10.0.2.20")!, port: 7)
///     if let datagram = try socket.receive(timeout: .seconds(1)) { … }
public final class UDPSocket {
    public let connection: HostConnection
    /// The host's id for this socket.
    public let id: UInt32
    public private(set) var localAddress: IPv4Address = .any
    /// 0 until bound (explicitly, or by the first send).
    public private(set) var localPort: UInt16 = 0
    private var isClosed = false

    /// Opens a UDP socket on the connection's host.
    public init(_ connection: HostConnection) throws(NetworkError) {
        self.connection = connection
        id = try connection.request { .open(request: $0, protocol: .udp) }.socket
    }

    deinit {
        if !isClosed { connection.post { [id] in .close(request: $0, socket: id) } }
    }

    /// Binds to a local port (0: an ephemeral one from 49152–65535) and address (`.any`: every address).
    public func bind(address: IPv4Address = .any, port: UInt16) throws(NetworkError) {
        let reply = try connection.request { [id] in .bind(request: $0, socket: id, address: address, port: port) }
        localAddress = reply.localAddress
        localPort = reply.localPort
    }

    /// Sets the default peer: `send(_:)` goes there, only its datagrams are
    /// received, and a port unreachable from it fails the next call with
    /// `connectionRefused`.
    public func connect(to address: IPv4Address, port: UInt16) throws(NetworkError) {
        let reply = try connection.request { [id] in .connect(request: $0, socket: id, address: address, port: port) }
        localAddress = reply.localAddress
        localPort = reply.localPort
    }

    /// Sends one datagram. More than 65,507 bytes (`AppMessage.maximumUDPPayload`)
    /// throws `messageTooLong` and sends nothing, as Linux's `EMSGSIZE`.
    public func send(_ payload: [UInt8], to address: IPv4Address, port: UInt16) throws(NetworkError) {
        guard payload.count <= AppMessage.maximumUDPPayload else { throw .messageTooLong }
        let reply = try connection.request { [id] in
            .sendTo(request: $0, socket: id, address: address, port: port, payload: payload)
        }
        localPort = reply.localPort
    }

    /// Sends one datagram to the connected peer (at most 65,507 bytes, as above).
    public func send(_ payload: [UInt8]) throws(NetworkError) {
        guard payload.count <= AppMessage.maximumUDPPayload else { throw .messageTooLong }
        let reply = try connection.request { [id] in .send(request: $0, socket: id, payload: payload) }
        localPort = reply.localPort
    }

    /// The TTL of datagrams sent from now on (1–255).
    public func setTimeToLive(_ ttl: UInt8) throws(NetworkError) {
        _ = try connection.request { [id] in
            .setOption(request: $0, socket: id, option: .timeToLive, value: Int32(ttl))
        }
    }

    /// Asks for ICMP errors about this socket's datagrams as events (see `receiveEvent`).
    public func setReceivesErrors(_ on: Bool) throws(NetworkError) {
        _ = try connection.request { [id] in
            .setOption(request: $0, socket: id, option: .receiveErrors, value: on ? 1 : 0)
        }
    }

    /// The next datagram, or nil after `timeout`. An asynchronous error
    /// (e.g. `connectionRefused`) is thrown; ICMP error reports are skipped.
    public func receive(timeout: Duration?) throws(NetworkError) -> UDPDatagram? {
        while true {
            switch try receiveEvent(timeout: timeout) {
            case nil: return nil
            case .datagram(let from, let port, let ttl, let payload)?:
                return UDPDatagram(from: from, port: port, timeToLive: ttl, payload: payload)
            case .error(let error)?: throw error
            case .icmpError?, .accepted?, .streamData?, .endOfStream?, .writable?: continue
            }
        }
    }

    /// The next event of any kind, or nil after `timeout`.
    public func receiveEvent(timeout: Duration?) throws(NetworkError) -> SocketEvent? {
        try connection.nextEvent(socket: id, timeout: timeout)
    }

    /// Closes the socket (the port becomes free).
    public func close() throws(NetworkError) {
        guard !isClosed else { return }
        isClosed = true
        connection.forget(socket: id)
        _ = try connection.request { [id] in .close(request: $0, socket: id) }
    }
}
