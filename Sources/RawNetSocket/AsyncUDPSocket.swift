import RawNetContracts
import RawNetWire

/// A UDP socket on a RawNet host, for Swift concurrency. It is bound when
/// made (port 0: an ephemeral one), so its local port is known at once.
///
///     let socket = try await AsyncUDPSocket(host, port: 5000)
///     try await socket.send(Array("ping".utf8), to: IPv4Address(10, 0, 2, 20), port: 7)
///     let answer = try await socket.receive()   // answer.payload, answer.from, answer.port
///
/// Cancelling a task waiting in `receive` throws `CancellationError`; no
/// datagram is lost.
public final class AsyncUDPSocket: Sendable {
    public let connection: AsyncHostConnection
    public let id: UInt32
    public let localAddress: IPv4Address
    public let localPort: UInt16

    /// Opens a UDP socket bound to `port` (0: an ephemeral one) and `address` (`.any`: every address).
    /// Throws `addressInUse` when the port is taken.
    public init(_ connection: AsyncHostConnection, address: IPv4Address = .any, port: UInt16 = 0)
        async throws(NetworkError) {
        self.connection = connection
        (id, localAddress, localPort) = try await connection.openUDP(address: address, port: port)
    }

    deinit {
        connection.post { [id] in $0.discardSocket(id) }
    }

    /// Sets the default peer: `send(_:)` goes there, only its datagrams are
    /// received, and a port unreachable from it makes the next `receive`
    /// throw `connectionRefused`.
    public func connect(to address: IPv4Address, port: UInt16) async throws(NetworkError) {
        try await connection.requireSocket(id)
        _ = try await connection.typedRequest { [id] in
            .connect(request: $0, socket: id, address: address, port: port)
        }
    }

    /// Sends one datagram. More than 65,507 bytes (`AppMessage.maximumUDPPayload`)
    /// throws `messageTooLong` and sends nothing, as Linux's `EMSGSIZE`.
    public func send(_ payload: [UInt8], to address: IPv4Address, port: UInt16) async throws(NetworkError) {
        guard payload.count <= AppMessage.maximumUDPPayload else { throw .messageTooLong }
        try await connection.requireSocket(id)
        _ = try await connection.typedRequest { [id] in
            .sendTo(request: $0, socket: id, address: address, port: port, payload: payload)
        }
    }

    /// Sends one datagram to the connected peer (at most 65,507 bytes, as above).
    public func send(_ payload: [UInt8]) async throws(NetworkError) {
        guard payload.count <= AppMessage.maximumUDPPayload else { throw .messageTooLong }
        try await connection.requireSocket(id)
        _ = try await connection.typedRequest { [id] in .send(request: $0, socket: id, payload: payload) }
    }

    /// The next datagram, waiting for one. An asynchronous error (e.g.
    /// `connectionRefused` after ICMP port unreachable) is thrown once.
    public func receive() async throws -> UDPDatagram {
        try await connection.receive(id)
    }

    /// Closes the socket; the port becomes free once this returns.
    public func close() async {
        await connection.closeSocket(id)
    }
}

extension AsyncHostConnection {
    func openUDP(address: IPv4Address, port: UInt16) async throws(NetworkError) -> (UInt32, IPv4Address, UInt16) {
        let id = try await open(.udp)
        do throws(NetworkError) {
            let reply = try await typedRequest { .bind(request: $0, socket: id, address: address, port: port) }
            return (id, reply.localAddress, reply.localPort)
        } catch {
            discardSocket(id)
            throw error
        }
    }
}
