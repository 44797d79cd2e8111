import RawNetWire

/// All TCP of one host, free of I/O: demultiplexes arriving segments by their
/// four numbers, runs listeners with bounded backlogs, answers segments for no
/// socket with a RST (RFC 9293 §3.10.7.1), and collects everything to send.
///
/// Connections are polled in the order they were created, so a simulation that
/// drives a stack is deterministic.
public struct TCPStack: Sendable {
    public let address: IPv4Address
    public var configuration: TCPConfiguration
    private var initialSequenceNumbers: TCPInitialSequenceNumbers
    public private(set) var connections: [TCPConnectionID: TCPConnection] = [:]
    private var order: [TCPConnectionID] = []
    public private(set) var listeners: [UInt16: TCPListener] = [:]
    /// Connections the application gave up; removed once CLOSED.
    private var released: Set<TCPConnectionID> = []
    private var outbox: [TCPSegment] = []
    private var nextEphemeralPort: UInt16 = 49152
    private var events: [(TCPConnectionID, TCPEvent)] = []
    /// RSTs sent for segments that reached no socket.
    public private(set) var resetsSent = 0

    public init(address: IPv4Address, configuration: TCPConfiguration = TCPConfiguration(),
                initialSequenceNumbers: TCPInitialSequenceNumbers) {
        self.address = address
        self.configuration = configuration
        self.initialSequenceNumbers = initialSequenceNumbers
    }

    // MARK: Sockets

    /// Starts listening on `port` with room for `backlog` pending connections.
    public mutating func listen(port: UInt16, backlog: Int = 16) throws {
        guard listeners[port] == nil else { throw TCPUsageError.portInUse }
        listeners[port] = TCPListener(port: port, backlog: backlog)
    }

    /// Stops listening; connections already accepted are unaffected.
    public mutating func stopListening(port: UInt16, now: Instant) {
        guard let listener = listeners.removeValue(forKey: port) else { return }
        for id in listener.handshaking + listener.ready { abort(id, now: now) ; release(id) }
    }

    /// Opens a connection to `remote`:`port`; the SYN leaves on the next poll.
    public mutating func connect(to remote: IPv4Address, port: UInt16, localPort: UInt16? = nil,
                                 configuration: TCPConfiguration? = nil, now: Instant) throws -> TCPConnectionID {
        let local = localPort ?? allocateEphemeralPort(remote: remote, port: port)
        let id = TCPConnectionID(localAddress: address, localPort: local, remoteAddress: remote, remotePort: port)
        guard connections[id] == nil else { throw TCPUsageError.portInUse }
        let isn = initialSequenceNumbers.next(for: id, now: now)
        insert(TCPConnection.connect(id: id, configuration: configuration ?? self.configuration,
                                     initialSequenceNumber: isn, now: now))
        return id
    }

    /// The oldest established connection waiting on `port`, if any.
    public mutating func accept(port: UInt16) -> TCPConnectionID? {
        guard var listener = listeners[port], !listener.ready.isEmpty else { return nil }
        let id = listener.ready.removeFirst()
        listeners[port] = listener
        return id
    }

    public func connection(_ id: TCPConnectionID) -> TCPConnection? { connections[id] }

    /// True if the stack holds a connection `id` (without copying it).
    public func hasConnection(_ id: TCPConnectionID) -> Bool { connections.index(forKey: id) != nil }

    /// Runs `body` on a connection in place.
    @discardableResult
    public mutating func withConnection<R>(_ id: TCPConnectionID, _ body: (inout TCPConnection) throws -> R) rethrows -> R? {
        guard let index = connections.index(forKey: id) else { return nil }
        return try body(&connections.values[index])
    }

    public mutating func send(_ bytes: some Collection<UInt8>, on id: TCPConnectionID) throws -> Int {
        guard let index = connections.index(forKey: id) else { throw TCPUsageError.notConnected }
        return try connections.values[index].send(bytes)
    }

    public mutating func receive(on id: TCPConnectionID, maxCount: Int = .max) -> [UInt8] {
        connections[id]?.receive(maxCount: maxCount) ?? []
    }

    public mutating func close(_ id: TCPConnectionID, now: Instant) {
        connections[id]?.close(now: now)
    }

    public mutating func abort(_ id: TCPConnectionID, now: Instant) {
        connections[id]?.abort(now: now)
    }

    /// The application is done with `id`: the stack forgets it once it is CLOSED
    /// (after TIME-WAIT if it closed first).
    public mutating func release(_ id: TCPConnectionID) { released.insert(id) }

    // MARK: Segments and time

    /// Takes one arriving segment addressed to this host.
    public mutating func handle(_ segment: TCPSegment, now: Instant) {
        let id = TCPConnectionID(arriving: segment)
        if let index = connections.index(forKey: id), inPlace(index, { $0.state }) != .closed {
            connections.values[index].handle(segment, now: now)
            noteProgress(of: id, at: index)
            return
        }
        let flags = segment.header.flags
        if var listener = listeners[id.localPort] {
            if flags.contains(.rst) { return }
            if flags.contains(.ack) {
                reply(toStray: segment)
                return
            }
            guard flags.contains(.syn) else { return }
            if listener.isFull {
                listener.droppedSYNs += 1
                listeners[id.localPort] = listener
                return
            }
            let isn = initialSequenceNumbers.next(for: id, now: now)
            guard let connection = TCPConnection(acceptingSYN: segment, configuration: configuration,
                                                 initialSequenceNumber: isn, now: now) else { return }
            insert(connection)
            listener.handshaking.append(id)
            listeners[id.localPort] = listener
            return
        }
        reply(toStray: segment)
    }

    /// Fires due timers everywhere and returns every segment to send.
    public mutating func poll(now: Instant) -> [TCPSegment] {
        var segments = outbox
        outbox.removeAll()
        var closedAny = false
        for id in order {
            guard let index = connections.index(forKey: id) else { continue }
            let (output, state) = inPlace(index) { ($0.poll(now: now), $0.state) }
            segments.append(contentsOf: output)
            if configuration.recordsEvents {
                for event in inPlace(index, { $0.drainEvents() }) { events.append((id, event)) }
            }
            noteProgress(of: id, at: index)
            if state == .closed { closedAny = true }
        }
        if closedAny { removeFinished() }
        return segments
    }

    /// Earliest timer over all connections.
    public func nextDeadline() -> Instant? {
        var earliest: Instant?
        for id in order {
            guard let index = connections.index(forKey: id) else { continue }
            if let d = connections.values[index].nextDeadline(), earliest == nil || d < earliest! { earliest = d }
        }
        return earliest
    }

    /// ``nextDeadline()`` reading each connection in place instead of copying it.
    public mutating func earliestDeadline() -> Instant? {
        var earliest: Instant?
        for id in order {
            guard let index = connections.index(forKey: id) else { continue }
            if let d = inPlace(index, { $0.nextDeadline() }), earliest == nil || d < earliest! { earliest = d }
        }
        return earliest
    }

    /// Events recorded since the last call, with the connection they belong to.
    public mutating func drainEvents() -> [(TCPConnectionID, TCPEvent)] {
        defer { events.removeAll() }
        return events
    }

    // MARK: Internals

    /// Runs `body` on the connection at `index` through the dictionary's
    /// in-place access, so reading a field does not copy the whole connection.
    private mutating func inPlace<R>(_ index: Dictionary<TCPConnectionID, TCPConnection>.Index,
                                     _ body: (inout TCPConnection) -> R) -> R {
        body(&connections.values[index])
    }

    private mutating func insert(_ connection: TCPConnection) {
        connections[connection.id] = connection
        order.append(connection.id)
    }

    private mutating func reply(toStray segment: TCPSegment) {
        if let reset = TCPConnection.reset(replyingTo: segment) {
            outbox.append(reset)
            resetsSent += 1
        }
    }

    /// Moves passive connections from the handshake list to the accept queue.
    private mutating func noteProgress(of id: TCPConnectionID) {
        guard let index = connections.index(forKey: id) else { return }
        noteProgress(of: id, at: index)
    }

    /// `noteProgress(of:)` for a connection already looked up (read in place, not copied).
    private mutating func noteProgress(of id: TCPConnectionID, at position: Dictionary<TCPConnectionID, TCPConnection>.Index) {
        let (isPassive, state) = inPlace(position) { ($0.isPassive, $0.state) }
        guard isPassive, !listeners.isEmpty,
              var listener = listeners[id.localPort],
              let index = listener.handshaking.firstIndex(of: id) else { return }
        if state == .synReceived { return }
        listener.handshaking.remove(at: index)
        if state == .closed {
            released.insert(id)  // never accepted: nobody else will release it
        } else {
            listener.ready.append(id)
        }
        listeners[id.localPort] = listener
    }

    private mutating func removeFinished() {
        order.removeAll { id in
            guard let connection = connections[id] else { return true }
            guard connection.state == .closed, released.contains(id) else { return false }
            connections[id] = nil
            released.remove(id)
            return true
        }
    }

    private mutating func allocateEphemeralPort(remote: IPv4Address, port: UInt16) -> UInt16 {
        for _ in 0..<16384 {
            let candidate = nextEphemeralPort
            nextEphemeralPort = nextEphemeralPort == 65535 ? 49152 : nextEphemeralPort + 1
            let id = TCPConnectionID(localAddress: address, localPort: candidate, remoteAddress: remote, remotePort: port)
            if connections[id] == nil && listeners[candidate] == nil { return candidate }
        }
        return nextEphemeralPort
    }
}
