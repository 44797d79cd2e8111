import RawNetContracts
import RawNetWire

/// A connected TCP socket on a RawNet host: a byte stream to one peer.
///
///     let host = try HostConnection(runDirectory: dir, host: "alice", appName: "hello")
///     let stream = try TCPStream.connect(host, to: IPv4Address("10.0.2.20")!, port: 7000)
///     try stream.write("hello\n")
///     while let line = try stream.readLine() { print(line) }
///     stream.close()
///
/// Calls block (with the given time limits); use a stream from one thread.
/// To wait on several streams or on the keyboard too, call
/// `HostConnection.wait(timeout:alsoWatching:)` and then read with timeout `.zero`.
public final class TCPStream {
    public let connection: HostConnection
    /// The host's id for this socket.
    public let id: UInt32
    public let localAddress: IPv4Address
    public let localPort: UInt16
    public let remoteAddress: IPv4Address
    public let remotePort: UInt16
    /// How long `write` waits for room in the send buffer before failing (nil: for ever).
    public var writeTimeout: Duration? = .seconds(120)

    private var inbox: [UInt8] = []
    private var inboxHead = 0
    private var pendingError: NetworkError?
    private var isClosed = false
    private var isWriteShut = false
    /// True once the peer closed its direction and every byte was read.
    public var isEndOfStream: Bool { sawEndOfStream && inboxHead == inbox.count }
    private var sawEndOfStream = false

    init(connection: HostConnection, id: UInt32, local: IPv4Address, localPort: UInt16, remote: IPv4Address,
         remotePort: UInt16) {
        self.connection = connection
        self.id = id
        self.localAddress = local
        self.localPort = localPort
        self.remoteAddress = remote
        self.remotePort = remotePort
    }

    deinit {
        if !isClosed {
            connection.reportConsumed(socket: id)
            connection.post { [id] in .close(request: $0, socket: id) }
        }
    }

    /// Opens a connection to `address`:`port` and waits for the handshake.
    /// Throws `connectionRefused` (the peer answered RST), `hostUnreachable`
    /// or `networkUnreachable` (ICMP, no route), or `timedOut`.
    /// - Parameter localPort: 0 for an ephemeral port (49152–65535).
    public static func connect(_ connection: HostConnection, to address: IPv4Address, port: UInt16,
                               localPort: UInt16 = 0, options: TCPOptions = TCPOptions(),
                               timeout: Duration = .seconds(75)) throws(NetworkError) -> TCPStream {
        let id = try connection.request { .open(request: $0, protocol: .tcp) }.socket
        do {
            for (option, value) in options.settings {
                _ = try connection.request { .setOption(request: $0, socket: id, option: option, value: value) }
            }
            if localPort != 0 {
                _ = try connection.request { .bind(request: $0, socket: id, address: .any, port: localPort) }
            }
            let reply = try connection.request(timeout: timeout) {
                .connect(request: $0, socket: id, address: address, port: port)
            }
            return TCPStream(connection: connection, id: id, local: reply.localAddress, localPort: reply.localPort,
                             remote: address, remotePort: port)
        } catch {
            connection.forget(socket: id)
            connection.post { .close(request: $0, socket: id) }
            throw error
        }
    }

    // MARK: Reading

    /// Reads up to `maxCount` bytes, waiting for at least one. Returns an
    /// empty array at end of stream. Throws `connectionReset` or `timedOut`
    /// when the connection broke.
    public func read(maxCount: Int = 65_536) throws(NetworkError) -> [UInt8] {
        try read(maxCount: maxCount, timeout: nil) ?? []
    }

    /// Like `read(maxCount:)`, but returns nil when nothing arrived within `timeout`
    /// (`.zero`: only what is already here).
    public func read(maxCount: Int = 65_536, timeout: Duration?) throws(NetworkError) -> [UInt8]? {
        // After the end of stream nothing more can come, and after an error only
        // bytes already here (a write may have taken the error before them): answer
        // at once, as recv(2) returns 0 again rather than waiting.
        if inboxHead == inbox.count && !sawEndOfStream { try fill(timeout: pendingError == nil ? timeout : .zero) }
        if inboxHead < inbox.count {
            let count = min(maxCount, inbox.count - inboxHead)
            if inboxHead == 0 && count == inbox.count {
                defer { inbox = [] }  // all of it: hand the bytes over without copying
                return inbox
            }
            let bytes = Array(inbox[inboxHead..<(inboxHead + count)])
            inboxHead += count
            compact()
            return bytes
        }
        if sawEndOfStream { return [] }
        if let pendingError { throw pendingError }
        return nil
    }

    /// Reads one line (without its `\n` or `\r\n`), decoded as UTF-8; nil at end
    /// of stream (a last line without newline is returned first).
    public func readLine() throws(NetworkError) -> String? {
        while true {
            if let line = try readLine(timeout: nil) { return line }
            if isEndOfStream { return nil }
        }
    }

    /// A whole line if one is here within `timeout`; nil otherwise (check `isEndOfStream`).
    public func readLine(timeout: Duration?) throws(NetworkError) -> String? {
        let deadline = timeout.map { ContinuousClock.now + $0 }
        while true {
            if let newline = inbox[inboxHead...].firstIndex(of: 0x0A) {
                var end = newline
                if end > inboxHead && inbox[end - 1] == 0x0D { end -= 1 }
                let line = String(decoding: inbox[inboxHead..<end], as: UTF8.self)
                inboxHead = newline + 1
                compact()
                return line
            }
            if sawEndOfStream {
                guard inboxHead < inbox.count else { return nil }
                let line = String(decoding: inbox[inboxHead...], as: UTF8.self)
                inboxHead = inbox.count
                compact()
                return line
            }
            if let pendingError {
                // Bytes sent before the error may still be queued (a write can take
                // the error first): read those, then throw.
                let before = inbox.count
                try fill(timeout: .zero)
                if inbox.count == before && !sawEndOfStream { throw pendingError }
                continue
            }
            let remaining = deadline.map { max(.zero, $0 - ContinuousClock.now) }
            let before = inbox.count
            try fill(timeout: remaining)
            if inbox.count == before && !sawEndOfStream && pendingError == nil,
               let remaining, remaining == .zero { return nil }
        }
    }

    /// Whether bytes (or the end of stream, or an error) are here to be read without waiting.
    public var hasPendingInput: Bool {
        inboxHead < inbox.count || connection.hasEvents(socket: id) || sawEndOfStream || pendingError != nil
    }

    /// Moves what the host sent into the inbox, waiting at most `timeout` for something.
    /// Bytes a read or readLine asked for and moved here count as consumed (as
    /// bytes a Linux app read into its own buffer): the host hears of them (see
    /// `ReceiveCreditLedger`), so a long line never waits on the window.
    private func fill(timeout: Duration?) throws(NetworkError) {
        var wait = timeout
        var moved = 0
        defer {
            connection.streamRead(moved, socket: id, isDrained: !connection.hasStreamData(socket: id))
        }
        while let event = try connection.waitForEvent(socket: id, timeout: wait, where: Self.isInput) {
            switch event {
            case .streamData(let bytes):
                moved += bytes.count
                if inboxHead == inbox.count {
                    inbox = bytes  // nothing unread: take the chunk as it is
                    inboxHead = 0
                } else {
                    inbox.append(contentsOf: bytes)
                }
            case .endOfStream: sawEndOfStream = true
            case .error(let error): pendingError = error
            default: break
            }
            wait = .zero  // then take whatever else is already here
        }
    }

    private static func isInput(_ event: SocketEvent) -> Bool {
        switch event {
        case .streamData, .endOfStream, .error: return true
        default: return false
        }
    }

    private func compact() {
        if inboxHead == inbox.count {
            inbox.removeAll(keepingCapacity: true)
            inboxHead = 0
        } else if inboxHead > 65_536 {
            inbox.removeFirst(inboxHead)
            inboxHead = 0
        }
    }

    // MARK: Writing

    /// Writes every byte, waiting while the host's send buffer is full.
    ///
    /// Bytes go out within the credit the host granted (see `AppMessage.write`):
    /// the call returns once they are on their way, without a round trip per
    /// write, and waits only when the send buffer is full. An error that ended
    /// the connection (a reset, a time-out) is thrown by the next call, as an
    /// OS does for a write after a reset; bytes written after it are lost, as
    /// they would be in a kernel's send buffer.
    public func write(_ bytes: [UInt8]) throws(NetworkError) {
        try checkWritable()
        var offset = 0
        while offset < bytes.count {
            if connection.credit(socket: id) == 0 {
                guard try connection.waitForCredit(socket: id, timeout: writeTimeout) else { throw NetworkError.timedOut }
                takeQueuedError()
                if let pendingError { throw pendingError }
            }
            offset = try writeWithinCredit(bytes, from: offset)
        }
    }

    /// Writes as many bytes as the send buffer has room for now, without
    /// waiting (like a non-blocking `send`): returns how many, 0 when it is full.
    public func writeAvailable(_ bytes: [UInt8]) throws(NetworkError) -> Int {
        try checkWritable()
        return try writeWithinCredit(bytes, from: 0)
    }

    /// Whether a write would take bytes now without waiting (the host granted room).
    public var isWritable: Bool { connection.credit(socket: id) > 0 }

    /// Sends bytes from `offset` on, as many as the credit allows, in messages
    /// of at most 60 000 bytes; returns the offset reached.
    private func writeWithinCredit(_ bytes: [UInt8], from offset: Int) throws(NetworkError) -> Int {
        var offset = offset
        while offset < bytes.count {
            let count = min(connection.credit(socket: id), bytes.count - offset, AsyncHostConnection.maximumChunk)
            guard count > 0 else { break }
            try connection.write(bytes[offset..<(offset + count)], socket: id)
            offset += count
        }
        return offset
    }

    /// Throws if this side may not write: closed, shut for writing, or the
    /// connection ended with an error (one the host already sent counts).
    private func checkWritable() throws(NetworkError) {
        guard !isClosed else { throw NetworkError.badSocket }
        guard !isWriteShut else { throw NetworkError.notConnected }
        if pendingError == nil {
            try connection.drain()
            takeQueuedError()
        }
        if let pendingError { throw pendingError }
    }

    /// Moves an error the host sent for this socket into `pendingError` (read
    /// throws it too, once the bytes before it are read).
    private func takeQueuedError() {
        guard pendingError == nil, let event = connection.takeQueuedEvent(socket: id, where: {
            if case .error = $0 { return true }
            return false
        }), case .error(let error) = event else { return }
        pendingError = error
    }

    /// Writes a string as UTF-8.
    public func write(_ text: String) throws(NetworkError) { try write(Array(text.utf8)) }

    // MARK: Closing and status

    /// Sends a FIN: the peer reads end of stream; this side can still read.
    public func shutdownWrite() throws(NetworkError) {
        _ = try connection.request { [id] in .shutdown(request: $0, socket: id, how: .write) }
        isWriteShut = true
    }

    /// Closes the socket: a FIN after the data already written, or a RST if
    /// received bytes were left unread (as Linux does).
    public func close() {
        guard !isClosed else { return }
        isClosed = true
        connection.reportConsumed(socket: id)
        connection.forget(socket: id)
        _ = try? connection.request { [id] in .close(request: $0, socket: id) }
    }

    /// Changes options of the open connection, like setsockopt after connect:
    /// Nagle, delayed ACK, congestion control and the send buffer take effect
    /// at once; the receive buffer only for connections made later, because
    /// the handshake fixed the window scale (the host says so in its reply).
    public func setOptions(_ options: TCPOptions) throws(NetworkError) {
        for (option, value) in options.settings {
            _ = try connection.request { [id] in .setOption(request: $0, socket: id, option: option, value: value) }
        }
    }

    /// Waits until the peer acknowledged every byte written and, after
    /// `shutdownWrite`, the FIN too — delivery, not just handing bytes to the
    /// host. Throws the error that ended the connection first (`connectionReset`
    /// when the peer's app was killed, `timedOut` when the host gave up), or
    /// `timedOut` once `timeout` passed.
    public func waitUntilDelivered(timeout: Duration? = nil) throws(NetworkError) {
        let deadline = timeout.map { ContinuousClock.now + $0 }
        while true {
            try connection.drain()
            takeQueuedError()
            if let pendingError { throw pendingError }
            let status = try status()
            takeQueuedError()  // an error that ended the connection comes before the reply
            if let pendingError { throw pendingError }
            let unacknowledged = status.sendQueue ?? 0
            let isFINAcknowledged = ["FIN-WAIT-2", "TIME-WAIT", "CLOSED"].contains(status.state)
            if unacknowledged == 0 && (isWriteShut ? isFINAcknowledged : status.state != "CLOSED") { return }
            if !isWriteShut && status.state == "CLOSED" { throw NetworkError.notConnected }
            if let deadline, ContinuousClock.now >= deadline { throw NetworkError.timedOut }
            _ = try connection.wait(timeout: .milliseconds(10))
        }
    }

    /// The connection's state and TCP internals as the host sees them now.
    public func status() throws(NetworkError) -> TCPSocketStatus {
        let reply = try connection.request { [id] in .status(request: $0, socket: id) }
        return TCPSocketStatus(parsing: reply.message)
    }
}
