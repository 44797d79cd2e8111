import RawNetContracts
import RawNetWire

/// What the connection keeps for one open socket (on its thread only).
struct AsyncSocketState {
    /// Stream bytes not yet read: `inbox[inboxHead...]`.
    var inbox: [UInt8] = []
    var inboxHead = 0
    /// Of the unread stream bytes, how many (the first ones) already count as
    /// consumed: a `readLine` waiting for the rest of a line took them, so a
    /// line longer than the receive window still arrives.
    var creditedUnread = 0
    var isEndOfStream = false
    /// Datagrams not yet received: `datagrams[datagramHead...]`.
    var datagrams: [UDPDatagram] = []
    var datagramHead = 0
    /// Connections a listener accepted, not yet taken by `accept`.
    var accepted: [AcceptedConnection] = []
    /// TCP: the error that ended the connection (kept). UDP: an asynchronous error, reported once.
    var error: NetworkError?
    /// A `writable` arrived since the last `send`.
    var isWritable = false
    var isWriting = false
    var writeQueue: [CheckedContinuation<Void, Never>] = []
    var waiters: [Int: CheckedContinuation<Void, any Error>] = [:]
    /// Counts events (`wakeWaiters`), so a waiter can tell whether it missed one.
    var generation = 0

    var unreadByteCount: Int { inbox.count - inboxHead }
}

/// A connection accepted by a listener, before `accept` takes it.
struct AcceptedConnection: Sendable {
    var socket: UInt32
    var peer: IPv4Address
    var peerPort: UInt16
    var localAddress: IPv4Address
    var localPort: UInt16
}

extension AsyncHostConnection {
    /// The most stream bytes the library puts in one `write` or `send`: within
    /// `AppMessage.maximumWritePayload`, so a write of any size arrives whole.
    static let maximumChunk = 60_000

    // MARK: Events from the host

    func fileEvent(_ message: AppMessage) {
        switch message {
        case .streamData(let id, let payload):
            guard sockets[id] != nil else { return }
            sockets[id]!.inbox.append(contentsOf: payload)
            bufferedByteCount += payload.count
        case .peerClosed(let id):
            sockets[id]?.isEndOfStream = true
        case .error(let id, let status, let text):
            sockets[id]?.error = NetworkError(status: status, message: text)
        case .writable(let id, _):
            sockets[id]?.isWritable = true
        case .datagram(let id, let from, let port, let ttl, let payload):
            guard sockets[id] != nil else { return }
            sockets[id]!.datagrams.append(UDPDatagram(from: from, port: port, timeToLive: ttl, payload: payload))
            bufferedByteCount += payload.count
        case .accepted(let id, let new, let peer, let peerPort, let local, let localPort):
            guard sockets[id] != nil else {
                // The listener is closed already: the new connection has no one to take it.
                post { .close(request: $0, socket: new) }
                return
            }
            sockets[new] = AsyncSocketState()
            sockets[id]!.accepted.append(AcceptedConnection(socket: new, peer: peer, peerPort: peerPort,
                                                            localAddress: local, localPort: localPort))
        default:
            return  // icmpError reports and stray replies
        }
        wakeWaiters(on: message.socketID)
    }

    // MARK: Opening and closing

    /// Opens a socket on the host and starts keeping its state.
    func open(_ protocolNumber: AppProtocolNumber) async throws(NetworkError) -> UInt32 {
        let id = try await typedRequest { .open(request: $0, protocol: protocolNumber) }.socket
        sockets[id] = AsyncSocketState()
        return id
    }

    /// Closes socket `id` and waits for the host to confirm; waiting tasks throw `badSocket`.
    /// Connections a listener accepted but nobody took are closed too.
    func closeSocket(_ id: UInt32) async {
        guard let state = forget(id) else { return }
        for connection in state.accepted { _ = forget(connection.socket) }
        _ = try? await typedRequest { .close(request: $0, socket: id) }
        for connection in state.accepted { post { .close(request: $0, socket: connection.socket) } }
    }

    /// Closes socket `id` without waiting (for deinit).
    func discardSocket(_ id: UInt32) {
        guard let state = forget(id) else { return }
        post { .close(request: $0, socket: id) }
        for connection in state.accepted {
            _ = forget(connection.socket)
            post { .close(request: $0, socket: connection.socket) }
        }
    }

    /// Stops keeping socket `id`; what its reads consumed is reported first,
    /// so the host resets it only if bytes really were left unread.
    private func forget(_ id: UInt32) -> AsyncSocketState? {
        guard let state = sockets[id] else { return nil }
        if let report = receiveCredit.flush(socket: id), closedReason == nil { send(report) }
        wakeWaiters(on: id)
        for writer in state.writeQueue { writer.resume() }
        sockets[id] = nil
        bufferedByteCount -= state.unreadByteCount + state.datagrams[state.datagramHead...].reduce(0) {
            $0 + $1.payload.count
        }
        updateReadInterest()
        return state
    }

    /// Throws why socket `id` cannot be used (closed connection, closed socket).
    func requireSocket(_ id: UInt32) throws(NetworkError) {
        if let closedReason { throw closedReason }
        if sockets[id] == nil { throw .badSocket }
    }

    // MARK: Streams

    /// Up to `maxCount` bytes of stream `id`, waiting for at least one; empty at end of stream.
    func read(_ id: UInt32, maxCount: Int) async throws -> [UInt8] {
        while true {
            try requireSocket(id)
            let state = sockets[id]!
            if state.unreadByteCount > 0 {
                let count = min(max(1, maxCount), state.unreadByteCount)
                return take(count, from: id, skipping: 0)
            }
            if state.isEndOfStream { return [] }
            if let error = state.error { throw error }
            try await waitForEvent(on: id)
        }
    }

    /// The next line of stream `id` without its `\n` or `\r\n`; nil at end of stream.
    func readLine(_ id: UInt32) async throws -> String? {
        while true {
            try requireSocket(id)
            let state = sockets[id]!
            if let newline = state.inbox[state.inboxHead...].firstIndex(of: 0x0A) {
                let length = newline - state.inboxHead
                var line = take(length, from: id, skipping: 1)
                if line.last == 0x0D { line.removeLast() }
                return String(decoding: line, as: UTF8.self)
            }
            if state.isEndOfStream {
                guard state.unreadByteCount > 0 else { return nil }
                return String(decoding: take(state.unreadByteCount, from: id, skipping: 0), as: UTF8.self)
            }
            if let error = state.error { throw error }
            // The line goes on beyond what is here: this read takes all of it.
            sockets[id]!.creditedUnread = state.unreadByteCount
            credit(state.unreadByteCount - state.creditedUnread, of: id)
            try await waitForEvent(on: id)
        }
    }

    /// Reads took `count` more stream bytes of `id` (its state already says so).
    private func credit(_ count: Int, of id: UInt32) {
        let isDrained = sockets[id]!.unreadByteCount == sockets[id]!.creditedUnread
        if let report = receiveCredit.streamRead(count, socket: id, isDrained: isDrained) { send(report) }
    }

    /// Removes `count` bytes (and then `skip` more) from the front of the inbox.
    private func take(_ count: Int, from id: UInt32, skipping skip: Int) -> [UInt8] {
        let head = sockets[id]!.inboxHead
        let bytes = Array(sockets[id]!.inbox[head..<(head + count)])
        let credited = sockets[id]!.creditedUnread
        sockets[id]!.inboxHead += count + skip
        bufferedByteCount -= count + skip
        if sockets[id]!.inboxHead == sockets[id]!.inbox.count {
            sockets[id]!.inbox.removeAll(keepingCapacity: true)
            sockets[id]!.inboxHead = 0
        } else if sockets[id]!.inboxHead > 65_536 {
            sockets[id]!.inbox.removeFirst(sockets[id]!.inboxHead)
            sockets[id]!.inboxHead = 0
        }
        sockets[id]!.creditedUnread = max(0, credited - count - skip)
        credit(max(0, count + skip - credited), of: id)
        updateReadInterest()
        return bytes
    }

    /// Writes every byte to stream `id`, in chunks the host's send buffer takes,
    /// waiting for `writable` after a short `sent`. Writers of one stream take turns.
    func write(_ bytes: [UInt8], to id: UInt32) async throws {
        try requireSocket(id)
        if sockets[id]!.isWriting {
            await withCheckedContinuation { sockets[id]!.writeQueue.append($0) }
        } else {
            sockets[id]!.isWriting = true
        }
        defer { passWriteTurn(id) }
        var offset = 0
        while offset < bytes.count {
            try Task.checkCancellation()
            try requireSocket(id)
            if let error = sockets[id]!.error { throw error }
            let chunk = Array(bytes[offset..<min(bytes.count, offset + Self.maximumChunk)])
            sockets[id]!.isWritable = false
            let taken = try await request { .send(request: $0, socket: id, payload: chunk) }.count
            offset += taken
            if taken < chunk.count { try await waitUntilWritable(id) }
        }
    }

    private func waitUntilWritable(_ id: UInt32) async throws {
        while true {
            try requireSocket(id)
            if sockets[id]!.isWritable { return }
            if let error = sockets[id]!.error { throw error }
            try await waitForEvent(on: id)
        }
    }

    private func passWriteTurn(_ id: UInt32) {
        guard sockets[id] != nil else { return }
        if sockets[id]!.writeQueue.isEmpty {
            sockets[id]!.isWriting = false
        } else {
            sockets[id]!.writeQueue.removeFirst().resume()  // the turn passes on; isWriting stays set
        }
    }

    // MARK: Listeners and datagrams

    /// The next connection listener `id` accepted, waiting for one.
    func accept(_ id: UInt32) async throws -> AcceptedConnection {
        while true {
            try requireSocket(id)
            if !sockets[id]!.accepted.isEmpty { return sockets[id]!.accepted.removeFirst() }
            if let error = sockets[id]!.error { throw error }
            try await waitForEvent(on: id)
        }
    }

    /// The next datagram of socket `id`, waiting for one; an asynchronous error is thrown once.
    func receive(_ id: UInt32) async throws -> UDPDatagram {
        while true {
            try requireSocket(id)
            let state = sockets[id]!
            if state.datagramHead < state.datagrams.count {
                let datagram = state.datagrams[state.datagramHead]
                sockets[id]!.datagramHead += 1
                if sockets[id]!.datagramHead == sockets[id]!.datagrams.count {
                    sockets[id]!.datagrams.removeAll(keepingCapacity: true)
                    sockets[id]!.datagramHead = 0
                }
                bufferedByteCount -= datagram.payload.count
                let isDrained = sockets[id]!.datagramHead == sockets[id]!.datagrams.count
                if let report = receiveCredit.datagramTaken(payloadCount: datagram.payload.count, socket: id,
                                                            isDrained: isDrained) {
                    send(report)
                }
                updateReadInterest()
                return datagram
            }
            if let error = state.error {
                sockets[id]!.error = nil
                throw error
            }
            try await waitForEvent(on: id)
        }
    }
}

extension AppMessage {
    /// The socket a message is about (0 for hello and open).
    var socketID: UInt32 {
        switch self {
        case .hello, .open, .streamBatch: return 0
        case .bind(_, let s, _, _), .connect(_, let s, _, _), .sendTo(_, let s, _, _, _), .send(_, let s, _),
             .setOption(_, let s, _, _), .close(_, let s), .listen(_, let s, _), .shutdown(_, let s, _),
             .status(_, let s), .reply(_, let s, _, _, _, _), .datagram(let s, _, _, _, _), .error(let s, _, _),
             .icmpError(let s, _, _, _, _, _), .accepted(let s, _, _, _, _, _), .streamData(let s, _),
             .peerClosed(let s), .sent(_, let s, _), .writable(let s, _), .write(let s, _), .credit(let s, _),
             .consumed(let s, _):
            return s
        }
    }
}
