import RawNetContracts
import RawNetPlatform
import RawNetWire

/// Something the host sent to one socket without being asked.
public enum SocketEvent: Sendable, Equatable {
    /// A datagram (UDP payload, or a whole ICMP message on an ICMP socket).
    case datagram(from: IPv4Address, port: UInt16, timeToLive: UInt8, payload: [UInt8])
    /// An asynchronous error, e.g. connection refused on a connected UDP socket.
    case error(NetworkError)
    /// An ICMP error about a datagram this socket sent (only with `receiveErrors` on).
    case icmpError(ICMPErrorReport)
    /// TCP: a listener accepted a connection, now socket `socket`.
    case accepted(socket: UInt32, peer: IPv4Address, peerPort: UInt16, localAddress: IPv4Address, localPort: UInt16)
    /// TCP: bytes of the stream, in order.
    case streamData([UInt8])
    /// TCP: the peer closed its direction (FIN after all its data).
    case endOfStream
    /// TCP: the send buffer has room again.
    case writable(freeSpace: Int)
}

/// An ICMP error about one of a UDP socket's datagrams, as traceroute reads it.
public struct ICMPErrorReport: Sendable, Equatable {
    /// The router or host that sent the ICMP error.
    public var from: IPv4Address
    public var type: UInt8
    public var code: UInt8
    /// Where the datagram that caused it was going.
    public var originalDestination: IPv4Address
    public var originalPort: UInt16

    /// True for ICMP time exceeded in transit.
    public var isTimeExceeded: Bool { type == 11 }
    /// True for ICMP destination unreachable, port unreachable.
    public var isPortUnreachable: Bool { type == 3 && code == 3 }
}

/// One app's connection to a host daemon's app API (`RUNDIR/HOST.api`).
/// Blocking calls with timeouts; use it from one thread.
///
///     let host = try HostConnection(runDirectory: dir, host: "alice", appName: "ping")
///     let socket = try UDPSocket(host)
public final class HostConnection {
    /// The host's name.
    public let host: String
    /// How long a request may wait for its reply.
    public var requestTimeout: Duration = .seconds(5)

    private let connection: UnixConnection
    private var nextRequest: UInt32 = 1
    private var events: [UInt32: [SocketEvent]] = [:]
    /// TCP: bytes of send buffer the host granted per socket and not yet written.
    private var credits: [UInt32: Int] = [:]
    /// Bytes reads consumed per socket and not yet reported to the host (`consumed`).
    private var receiveCredit = ReceiveCreditLedger()
    private var isClosed = false
    /// One seqpacket message at a time is read here, whole (`AppMessage.maximumLength`).
    private var receiveBuffer = [UInt8](repeating: 0, count: AppMessage.maximumLength)

    /// The path of a host's app API socket inside a lab's run directory.
    public static func appAPIPath(runDirectory: String, host: String) -> String {
        SocketPaths(runDirectory: runDirectory).appAPI(node: host)
    }

    /// Connects to `host`'s app API in `runDirectory` and says hello.
    public init(runDirectory: String, host: String, appName: String) throws(NetworkError) {
        self.host = host
        let path = Self.appAPIPath(runDirectory: runDirectory, host: host)
        do {
            connection = try UnixConnection.connect(kind: .seqpacket, to: path)
        } catch {
            throw .hostNotRunning(host: host, path: path, reason: "\(error)")
        }
        _ = try request {
            .hello(request: $0, pid: UInt32(bitPattern: Processes.currentPID),
                   features: [.writeCredit, .streamBatch, .receiveCredit], name: appName)
        }
    }

    deinit {
        if !isClosed { reportAllConsumed() }
        connection.close()
    }

    /// Closes the connection; the host closes every socket of this app (a
    /// connection whose received bytes were left unread is reset, as Linux does).
    public func close() {
        if !isClosed { reportAllConsumed() }
        isClosed = true
        connection.close()
    }

    // MARK: Internals used by the socket types

    struct ReplyInfo {
        var socket: UInt32
        var localAddress: IPv4Address
        var localPort: UInt16
        /// The message text of a `reply` (e.g. a TCP status), or empty.
        var message = ""
        /// For a TCP `send`: how many bytes the host took.
        var count = 0
    }

    /// Sends a request and waits for its reply; a non-ok reply throws.
    func request(timeout: Duration? = nil, _ make: (UInt32) -> AppMessage) throws(NetworkError) -> ReplyInfo {
        guard !isClosed else { throw .hostClosedConnection }
        let id = nextRequest
        nextRequest = nextRequest == UInt32.max ? 1 : nextRequest + 1
        try write(make(id))
        let deadline = MonotonicClock.now() &+ (timeout ?? requestTimeout).totalNanoseconds
        while true {
            let remaining = deadline &- MonotonicClock.now()
            guard remaining > 0, let message = try readMessage(timeout: .nanoseconds(remaining)) else {
                throw .timedOut
            }
            if case .reply(let r, let socket, let status, let address, let port, let text) = message, r == id {
                if let error = NetworkError(status: status, message: text) { throw error }
                return ReplyInfo(socket: socket, localAddress: address, localPort: port, message: text)
            }
            if case .sent(let r, let socket, let count) = message, r == id {
                return ReplyInfo(socket: socket, localAddress: .any, localPort: 0, count: Int(count))
            }
            file(message)
        }
    }

    /// Sends a request without waiting for the reply (used when closing).
    func post(_ make: (UInt32) -> AppMessage) {
        guard !isClosed else { return }
        let id = nextRequest
        nextRequest = nextRequest == UInt32.max ? 1 : nextRequest + 1
        try? write(make(id))
    }

    /// The next event for `socket`, waiting at most `timeout` (nil: for ever).
    func nextEvent(socket: UInt32, timeout: Duration?) throws(NetworkError) -> SocketEvent? {
        let deadline = timeout.map { MonotonicClock.now() &+ $0.totalNanoseconds }
        while true {
            if var queue = events[socket], !queue.isEmpty {
                let first = queue.removeFirst()
                events[socket] = queue
                noteTaken(first, socket: socket)
                return first
            }
            var wait: Duration? = nil
            if let deadline {
                // Past the deadline (a timeout of zero: a non-blocking poll) messages the host
                // already sent are still read, without waiting; nil once none is left.
                let remaining = deadline &- MonotonicClock.now()
                wait = remaining <= 0 ? .zero : .nanoseconds(remaining)
            }
            guard let message = try readMessage(timeout: wait) else { return nil }
            file(message)
        }
    }

    /// Forgets queued events and credit of a closed socket.
    func forget(socket: UInt32) {
        events[socket] = nil
        credits[socket] = nil
        receiveCredit.forget(socket: socket)
    }

    // MARK: Reporting what was read

    /// The app's reads took `count` stream bytes of `socket`; the host hears
    /// of them as `ReceiveCreditLedger` says (`isDrained`: nothing of it is left unread).
    func streamRead(_ count: Int, socket: UInt32, isDrained: Bool) {
        report(receiveCredit.streamRead(count, socket: socket, isDrained: isDrained))
    }

    /// Reports every consumed byte not yet reported (before a close, so the
    /// host resets only a connection whose bytes really were left unread).
    func reportConsumed(socket: UInt32) {
        guard !isClosed else { return }
        report(receiveCredit.flush(socket: socket))
    }

    private func reportAllConsumed() {
        for message in receiveCredit.flushAll() { report(message) }
    }

    private func report(_ message: AppMessage?) {
        guard let message else { return }
        try? write(encoded: message.encoded())
    }

    /// An event left the queue for the app: a datagram is consumed.
    private func noteTaken(_ event: SocketEvent, socket: UInt32) {
        guard case .datagram(_, _, _, let payload) = event else { return }
        let isDrained = !(events[socket]?.contains { if case .datagram = $0 { true } else { false } } ?? false)
        report(receiveCredit.datagramTaken(payloadCount: payload.count, socket: socket, isDrained: isDrained))
    }

    // MARK: Writing within credit

    /// Bytes `socket` may write now without waiting (the host's credit).
    func credit(socket: UInt32) -> Int { max(0, credits[socket] ?? 0) }

    /// Sends `bytes` (at most `credit(socket:)`) as one `write`, which the host never answers.
    func write(_ bytes: ArraySlice<UInt8>, socket: UInt32) throws(NetworkError) {
        guard !isClosed else { throw .hostClosedConnection }
        credits[socket] = (credits[socket] ?? 0) - bytes.count
        try write(encoded: AppMessage.encodedWrite(socket: socket, payload: bytes))
    }

    /// Waits until `socket` has credit or an error is queued for it, at most
    /// `timeout` (nil: for ever). False when the time ran out.
    func waitForCredit(socket: UInt32, timeout: Duration?) throws(NetworkError) -> Bool {
        let deadline = timeout.map { MonotonicClock.now() &+ $0.totalNanoseconds }
        while credit(socket: socket) == 0 && !hasQueuedError(socket: socket) {
            var wait: Duration? = nil
            if let deadline {
                let remaining = deadline &- MonotonicClock.now()
                if remaining <= 0 { return false }
                wait = .nanoseconds(remaining)
            }
            guard let message = try readMessage(timeout: wait) else { continue }
            file(message)
        }
        return true
    }

    /// Whether an error event is queued for `socket`.
    func hasQueuedError(socket: UInt32) -> Bool {
        events[socket]?.contains { if case .error = $0 { true } else { false } } ?? false
    }

    /// Whether events for `socket` are waiting.
    func hasEvents(socket: UInt32) -> Bool { !(events[socket]?.isEmpty ?? true) }

    /// Bytes the host sent and no socket of this app has read yet (stream
    /// data and datagram payloads waiting here). Sockets of an app that reads
    /// nothing hold at most their receive window each: the host sends no more.
    public var unreadByteCount: Int {
        events.values.reduce(0) { total, queue in
            queue.reduce(total) { sum, event in
                switch event {
                case .streamData(let bytes): return sum + bytes.count
                case .datagram(_, _, _, let payload): return sum + payload.count
                default: return sum
                }
            }
        }
    }

    /// Whether stream bytes for `socket` are waiting in its queue.
    func hasStreamData(socket: UInt32) -> Bool {
        events[socket]?.contains { if case .streamData = $0 { true } else { false } } ?? false
    }

    /// Removes and returns the first queued event of `socket` that `matches`, without waiting.
    func takeQueuedEvent(socket: UInt32, where matches: (SocketEvent) -> Bool) -> SocketEvent? {
        guard let index = events[socket]?.firstIndex(where: matches) else { return nil }
        let event = events[socket]!.remove(at: index)
        noteTaken(event, socket: socket)
        return event
    }

    /// Waits until the host sent something, or until one of `descriptors`
    /// (e.g. standard input, 0) is readable, at most `timeout` (nil: for ever).
    /// Everything the host sent is queued for its sockets, so their
    /// non-blocking calls (timeout `.zero`) find it. Returns the descriptors
    /// of `descriptors` that are readable. For apps that wait on several
    /// things at once, like a chat reading the keyboard and the network.
    @discardableResult
    public func wait(timeout: Duration?, alsoWatching descriptors: [Int32] = []) throws(NetworkError) -> [Int32] {
        guard !isClosed else { throw .hostClosedConnection }
        let own = connection.fileDescriptor
        let others = descriptors.map { FileDescriptor(rawValue: $0) }
        let hasQueued = events.values.contains { !$0.isEmpty }
        let ready = FileDescriptor.waitReadable([own] + others, timeout: hasQueued ? .zero : timeout)
        if ready.contains(own) { try drain() }
        return ready.filter { $0 != own }.map(\.rawValue)
    }

    /// Queues every message already waiting on the connection, without blocking.
    func drain() throws(NetworkError) {
        while let message = try readMessage(timeout: .zero) { file(message) }
    }

    /// Waits for the first event of `socket` that `matches`, queuing the rest;
    /// nil after `timeout` (nil: for ever).
    func waitForEvent(socket: UInt32, timeout: Duration?, where matches: (SocketEvent) -> Bool)
        throws(NetworkError) -> SocketEvent? {
        let deadline = timeout.map { MonotonicClock.now() &+ $0.totalNanoseconds }
        while true {
            if let event = takeQueuedEvent(socket: socket, where: matches) { return event }
            var wait: Duration? = nil
            if let deadline {
                let remaining = deadline &- MonotonicClock.now()
                if remaining <= 0 {
                    try drain()
                    return takeQueuedEvent(socket: socket, where: matches)
                }
                wait = .nanoseconds(remaining)
            }
            guard let message = try readMessage(timeout: wait) else { continue }
            file(message)
        }
    }

    private func file(_ message: AppMessage) {
        switch message {
        case .datagram(let socket, let from, let port, let ttl, let payload):
            events[socket, default: []].append(.datagram(from: from, port: port, timeToLive: ttl, payload: payload))
        case .error(let socket, let status, let text):
            if let error = NetworkError(status: status, message: text) { events[socket, default: []].append(.error(error)) }
        case .icmpError(let socket, let from, let type, let code, let destination, let port):
            events[socket, default: []].append(.icmpError(ICMPErrorReport(
                from: from, type: type, code: code, originalDestination: destination, originalPort: port)))
        case .accepted(let socket, let new, let peer, let peerPort, let local, let localPort):
            events[socket, default: []].append(.accepted(socket: new, peer: peer, peerPort: peerPort,
                                                         localAddress: local, localPort: localPort))
        case .streamData(let socket, let payload):
            events[socket, default: []].append(.streamData(payload))
        case .peerClosed(let socket):
            events[socket, default: []].append(.endOfStream)
        case .writable(let socket, let free):
            events[socket, default: []].append(.writable(freeSpace: Int(free)))
        case .credit(let socket, let bytes):
            credits[socket, default: 0] += Int(bytes)
        case .streamBatch(let chunks):
            for chunk in chunks { events[chunk.socket, default: []].append(.streamData(chunk.payload)) }
        default:
            break // a reply nobody waits for any more
        }
    }

    private func write(_ message: AppMessage) throws(NetworkError) {
        try write(encoded: message.encoded())
    }

    /// Sends one encoded message; one longer than the app API allows is
    /// refused here (`messageTooLong`), before anything is sent.
    private func write(encoded bytes: [UInt8]) throws(NetworkError) {
        guard bytes.count <= AppMessage.maximumLength else { throw .messageTooLong }
        while true {
            do {
                if try connection.write(bytes) != nil { return }
                guard connection.fileDescriptor.waitWritable(timeout: requestTimeout) else { throw NetworkError.timedOut }
            } catch let error as NetworkError {
                throw error
            } catch {
                throw .hostClosedConnection
            }
        }
    }

    /// Reads one message, waiting at most `timeout`; nil when the time ran out.
    /// With a zero timeout it only reads what is there (one system call, no poll first).
    private func readMessage(timeout: Duration?) throws(NetworkError) -> AppMessage? {
        do {
            if timeout != .zero {
                guard connection.fileDescriptor.waitReadable(timeout: timeout ?? .seconds(86_400 * 365)) else { return nil }
            }
            let received = try receiveBuffer.withUnsafeMutableBytes { try connection.readMessage(into: $0) }
            guard let count = received else { return nil }
            if count == 0 {
                isClosed = true
                throw NetworkError.hostClosedConnection
            }
            guard count <= receiveBuffer.count else {
                throw NetworkError.protocolError("the host sent \(count) bytes in one message; at most \(receiveBuffer.count) are allowed")
            }
            do {
                return try AppMessage(decoding: receiveBuffer[..<count])
            } catch {
                throw NetworkError.protocolError(error.description)
            }
        } catch let error as NetworkError {
            throw error
        } catch {
            throw .hostClosedConnection
        }
    }
}

extension Duration {
    /// Whole nanoseconds, saturating.
    var totalNanoseconds: Int64 {
        let (seconds, attoseconds) = components
        let (ns, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        if overflow { return seconds < 0 ? .min : .max }
        return ns &+ attoseconds / 1_000_000_000
    }
}
