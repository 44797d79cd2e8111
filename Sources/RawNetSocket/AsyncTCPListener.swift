import RawNetContracts
import RawNetWire

/// A listening TCP socket on a RawNet host, for Swift concurrency.
///
///     let listener = try await AsyncTCPListener(host, port: 7000)
///     for try await stream in listener.connections {
///         Task { try await stream.write("hello \(stream.remoteAddress)\n"); await stream.close() }
///     }
///
/// Cancelling a task waiting in `accept` throws `CancellationError` and keeps
/// the listener listening; connections that arrive meanwhile wait for the next `accept`.
public final class AsyncTCPListener: Sendable {
    public let connection: AsyncHostConnection
    public let id: UInt32
    public let localAddress: IPv4Address
    /// The port (chosen by the host when 0 was asked for).
    public let localPort: UInt16

    /// Binds `port` (0: an ephemeral one, 49152–65535) and listens.
    /// Throws `addressInUse` when another socket on the host holds the port.
    /// `options` apply to every connection it accepts.
    public init(_ connection: AsyncHostConnection, address: IPv4Address = .any, port: UInt16, backlog: Int = 16,
                options: TCPOptions = TCPOptions()) async throws(NetworkError) {
        self.connection = connection
        (id, localAddress, localPort) = try await connection.listen(address: address, port: port, backlog: backlog,
                                                                    options: options)
    }

    deinit {
        connection.post { [id] in $0.discardSocket(id) }
    }

    /// The next connection, waiting for one.
    public func accept() async throws -> AsyncTCPStream {
        let accepted = try await connection.accept(id)
        return AsyncTCPStream(connection: connection, id: accepted.socket, localAddress: accepted.localAddress,
                              localPort: accepted.localPort, remoteAddress: accepted.peer,
                              remotePort: accepted.peerPort)
    }

    /// The connections as they come; the sequence ends (nil) only when the
    /// listener is closed, otherwise it throws what `accept` throws.
    public var connections: Connections { Connections(listener: self) }

    /// The accepted connections of a listener.
    public struct Connections: AsyncSequence, Sendable {
        public typealias Element = AsyncTCPStream
        let listener: AsyncTCPListener

        public struct AsyncIterator: AsyncIteratorProtocol {
            let listener: AsyncTCPListener
            public mutating func next() async throws -> AsyncTCPStream? {
                do {
                    return try await listener.accept()
                } catch NetworkError.badSocket {
                    return nil  // closed
                }
            }
        }

        public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(listener: listener) }
    }

    /// Stops listening and frees the port; connections not yet accepted are reset.
    /// Tasks waiting in `accept` throw `badSocket`; `connections` ends.
    public func close() async {
        await connection.closeSocket(id)
    }
}

extension AsyncHostConnection {
    func listen(address: IPv4Address, port: UInt16, backlog: Int, options: TCPOptions) async throws(NetworkError)
        -> (UInt32, IPv4Address, UInt16) {
        let id = try await open(.tcp)
        do throws(NetworkError) {
            for (option, value) in options.settings {
                _ = try await typedRequest { .setOption(request: $0, socket: id, option: option, value: value) }
            }
            _ = try await typedRequest { .bind(request: $0, socket: id, address: address, port: port) }
            let reply = try await typedRequest { .listen(request: $0, socket: id, backlog: UInt16(clamping: backlog)) }
            return (id, reply.localAddress, reply.localPort)
        } catch {
            discardSocket(id)
            throw error
        }
    }
}
