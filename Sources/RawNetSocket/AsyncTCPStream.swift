import RawNetContracts
import RawNetWire

/// A connected TCP socket on a RawNet host, for Swift concurrency: a byte
/// stream to one peer. Sendable; any task may use it. Its state lives in its
/// `AsyncHostConnection`. Closed by `close()`, or (without waiting) when the
/// last reference goes.
///
///     let stream = try await AsyncTCPStream.connect(host, to: IPv4Address(10, 0, 2, 20), port: 7000)
///     try await stream.write("hello\n")
///     for try await line in stream.lines { print(line) }
///     await stream.close()
///
/// Errors are `NetworkError`s: `connectionRefused`, `connectionReset`,
/// `timedOut`, …; waiting calls throw `CancellationError` when their task is
/// cancelled (see `AsyncHostConnection` for what that leaves behind).
public final class AsyncTCPStream: Sendable {
    public let connection: AsyncHostConnection
    /// The host's id for this socket.
    public let id: UInt32
    public let localAddress: IPv4Address
    public let localPort: UInt16
    public let remoteAddress: IPv4Address
    public let remotePort: UInt16

    init(connection: AsyncHostConnection, id: UInt32, localAddress: IPv4Address, localPort: UInt16,
         remoteAddress: IPv4Address, remotePort: UInt16) {
        self.connection = connection
        self.id = id
        self.localAddress = localAddress
        self.localPort = localPort
        self.remoteAddress = remoteAddress
        self.remotePort = remotePort
    }

    deinit {
        connection.post { [id] in $0.discardSocket(id) }
    }

    /// Opens a connection to `address`:`port` and waits for the handshake.
    /// Throws `connectionRefused` (the peer answered RST), `hostUnreachable`
    /// or `networkUnreachable` (ICMP, no route), `timedOut`, or
    /// `CancellationError` (the socket is then closed).
    /// - Parameter localPort: 0 for an ephemeral port (49152–65535).
    public static func connect(_ connection: AsyncHostConnection, to address: IPv4Address, port: UInt16,
                               localPort: UInt16 = 0, options: TCPOptions = TCPOptions(),
                               timeout: Duration = .seconds(75)) async throws -> AsyncTCPStream {
        try await connection.connectTCP(to: address, port: port, localPort: localPort, options: options,
                                        timeout: timeout)
    }

    // MARK: Reading

    /// Reads up to `maxCount` bytes, waiting for at least one; empty at end of
    /// stream. Throws the error that broke the connection (`connectionReset`, `timedOut`).
    public func read(maxCount: Int = 65_536) async throws -> [UInt8] {
        try await connection.read(id, maxCount: maxCount)
    }

    /// Reads one line (without its `\n` or `\r\n`), decoded as UTF-8; nil at end
    /// of stream (a last line without newline comes first).
    public func readLine() async throws -> String? {
        try await connection.readLine(id)
    }

    /// The stream's lines, until end of stream.
    public var lines: Lines { Lines(stream: self) }

    /// The lines of a stream, as read by `readLine()`.
    public struct Lines: AsyncSequence, Sendable {
        public typealias Element = String
        let stream: AsyncTCPStream

        public struct AsyncIterator: AsyncIteratorProtocol {
            let stream: AsyncTCPStream
            public mutating func next() async throws -> String? { try await stream.readLine() }
        }

        public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(stream: stream) }
    }

    // MARK: Writing

    /// Writes every byte, waiting while the host's send buffer is full.
    /// Concurrent writes take turns (each goes out whole).
    public func write(_ bytes: [UInt8]) async throws {
        try await connection.write(bytes, to: id)
    }

    /// Writes a string as UTF-8.
    public func write(_ text: String) async throws {
        try await write(Array(text.utf8))
    }

    // MARK: Closing and status

    /// Sends a FIN: the peer reads end of stream; this side can still read.
    public func shutdownWrite() async throws(NetworkError) {
        try await connection.requireSocket(id)
        _ = try await connection.typedRequest { [id] in .shutdown(request: $0, socket: id, how: .write) }
    }

    /// Closes the socket: a FIN after the data already written, or a RST if
    /// received bytes were left unread (as Linux does). Tasks still waiting
    /// on it throw `badSocket`.
    public func close() async {
        await connection.closeSocket(id)
    }

    /// Changes options of the open connection (see `TCPStream.setOptions`).
    public func setOptions(_ options: TCPOptions) async throws(NetworkError) {
        for (option, value) in options.settings {
            _ = try await connection.typedRequest { [id] in .setOption(request: $0, socket: id, option: option, value: value) }
        }
    }

    /// The connection's state and TCP internals as the host sees them now.
    public func status() async throws(NetworkError) -> TCPSocketStatus {
        let reply = try await connection.typedRequest { [id] in .status(request: $0, socket: id) }
        return TCPSocketStatus(parsing: reply.message)
    }
}

extension AsyncHostConnection {
    func connectTCP(to address: IPv4Address, port: UInt16, localPort: UInt16, options: TCPOptions,
                    timeout: Duration) async throws -> AsyncTCPStream {
        try Task.checkCancellation()
        let id = try await open(.tcp)
        do {
            for (option, value) in options.settings {
                _ = try await typedRequest { .setOption(request: $0, socket: id, option: option, value: value) }
            }
            if localPort != 0 {
                _ = try await typedRequest { .bind(request: $0, socket: id, address: .any, port: localPort) }
            }
            let reply = try await request(timeout: timeout, isCancellable: true) {
                .connect(request: $0, socket: id, address: address, port: port)
            }
            return AsyncTCPStream(connection: self, id: id, localAddress: reply.localAddress,
                                  localPort: reply.localPort, remoteAddress: address, remotePort: port)
        } catch {
            discardSocket(id)
            throw error
        }
    }
}
