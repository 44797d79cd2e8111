import HeapModule
import RawNetWire

/// All TCP of one host, free of I/O: demultiplexes arriving segments by their
/// four numbers, runs listeners with bounded backlogs, answers segments for no
/// socket with a RST (RFC 9293 §3.10.7.1), and collects everything to send.
///
/// A poll visits only the connections that need it: those touched since the
/// last poll (a segment, an application call) and those whose timer is due
/// (a heap of deadlines), so its cost follows the work, not the number of
/// connections. Visited connections are polled in the order they were
/// created, so a simulation that drives a stack is deterministic.
public struct TCPStack: Sendable {
    public let address: IPv4Address
    public var configuration: TCPConfiguration
    private var initialSequenceNumbers: TCPInitialSequenceNumbers
    private let synCookies: TCPSYNCookies
    /// The connections, in no particular order (see `Entry`); `slots` finds them.
    private var entries: [Entry] = []
    private var slots: [TCPConnectionID: Int] = [:]
    /// The last connection looked up, to skip hashing for a run of segments of one connection.
    private var cachedID: TCPConnectionID?
    private var cachedSlot = 0
    private var nextSerial: UInt64 = 0
    /// Slots of connections to visit on the next poll.
    private var due: [Int] = []
    /// Where the next poll starts in creation order (after one a budget stopped).
    private var resumeSerial: UInt64 = 0
    private var timers = Heap<TimerEntry>()
    public private(set) var listeners: [UInt16: TCPListenQueue] = [:]
    /// Connections the application gave up; removed once CLOSED.
    private var released: Set<TCPConnectionID> = []
    private var outbox: [TCPSegment] = []
    private var nextEphemeralPort: UInt16 = 49152
    private var events: [(TCPConnectionID, TCPEvent)] = []
    /// Record `congestionChanged` events (once per poll of a connection whose
    /// window moved). A host turns it on while someone subscribes to its trace.
    public var reportsCongestion = false
    /// RSTs sent for segments that reached no socket.
    public private(set) var resetsSent = 0
    /// True when a segment handled since the last poll wants its answer at once
    /// (see ``handle(_:now:)``); the next poll clears it.
    public private(set) var hasUrgentOutput = false

    /// One connection with its bookkeeping.
    private struct Entry: Sendable {
        var connection: TCPConnection
        /// Creation order.
        let serial: UInt64
        /// True while the slot is in `due`.
        var isDue = false
        /// The deadline of this connection's live entry in `timers`, if any.
        var scheduled: Instant?
    }

    /// A connection's timer; stale once the connection's `scheduled` differs
    /// (an earlier deadline replaced it) or the connection is gone.
    private struct TimerEntry: Comparable, Sendable {
        var deadline: Instant
        var serial: UInt64
        var id: TCPConnectionID
        static func < (a: TimerEntry, b: TimerEntry) -> Bool {
            a.deadline < b.deadline || (a.deadline == b.deadline && a.serial < b.serial)
        }
        static func == (a: TimerEntry, b: TimerEntry) -> Bool { a.deadline == b.deadline && a.serial == b.serial }
    }

    public init(address: IPv4Address, configuration: TCPConfiguration = TCPConfiguration(),
                initialSequenceNumbers: TCPInitialSequenceNumbers) {
        self.address = address
        self.configuration = configuration
        self.initialSequenceNumbers = initialSequenceNumbers
        let keys = initialSequenceNumbers.cookieKeys
        self.synCookies = TCPSYNCookies(key0: keys.0, key1: keys.1)
    }

    // MARK: Sockets

    /// Starts listening on `port` with room for `backlog` pending connections.
    public mutating func listen(port: UInt16, backlog: Int = 16) throws {
        guard listeners[port] == nil else { throw TCPUsageError.portInUse }
        listeners[port] = TCPListenQueue(port: port, backlog: backlog)
    }

    /// Stops listening; connections already accepted are unaffected.
    public mutating func stopListening(port: UInt16, now: Instant) {
        guard let listener = listeners.removeValue(forKey: port) else { return }
        for id in listener.handshaking + listener.ready { abort(id, now: now) ; release(id, now: now) }
    }

    /// Opens a connection to `remote`:`port`; the SYN leaves on the next poll.
    public mutating func connect(to remote: IPv4Address, port: UInt16, localPort: UInt16? = nil,
                                 configuration: TCPConfiguration? = nil, now: Instant) throws -> TCPConnectionID {
        let local = localPort ?? allocateEphemeralPort(remote: remote, port: port)
        let id = TCPConnectionID(localAddress: address, localPort: local, remoteAddress: remote, remotePort: port)
        guard slots[id] == nil else { throw TCPUsageError.portInUse }
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

    /// Every connection by its four numbers (a copy: for tests and status, not hot paths).
    public var connections: [TCPConnectionID: TCPConnection] {
        Dictionary(uniqueKeysWithValues: entries.map { ($0.connection.id, $0.connection) })
    }

    /// The four numbers of every connection the stack holds, in no particular order.
    public var connectionIDs: [TCPConnectionID] { entries.map(\.connection.id) }

    /// How many connections the stack holds.
    public var connectionCount: Int { entries.count }

    /// A copy of connection `id`, if the stack holds it.
    public func connection(_ id: TCPConnectionID) -> TCPConnection? {
        slot(of: id).map { entries[$0].connection }
    }

    /// True if the stack holds a connection `id` (without copying it).
    public func hasConnection(_ id: TCPConnectionID) -> Bool { slot(of: id) != nil }

    /// Reads connection `id` without copying or changing it.
    public func inspect<R>(_ id: TCPConnectionID, _ body: (borrowing TCPConnection) throws -> R) rethrows -> R? {
        guard let slot = slot(of: id) else { return nil }
        return try body(entries[slot].connection)
    }

    /// Runs `body` on a connection in place; the connection is visited on the next poll.
    @discardableResult
    public mutating func withConnection<R>(_ id: TCPConnectionID, _ body: (inout TCPConnection) throws -> R) rethrows -> R? {
        guard let slot = lookUp(id) else { return nil }
        markDue(slot)
        return try body(&entries[slot].connection)
    }

    public mutating func send(_ bytes: some Collection<UInt8>, on id: TCPConnectionID) throws -> Int {
        guard let slot = lookUp(id) else { throw TCPUsageError.notConnected }
        markDue(slot)
        return try entries[slot].connection.send(bytes)
    }

    public mutating func receive(on id: TCPConnectionID, maxCount: Int = .max) -> [UInt8] {
        withConnection(id) { $0.receive(maxCount: maxCount) } ?? []
    }

    public mutating func close(_ id: TCPConnectionID, now: Instant) {
        withConnection(id) { $0.close(now: now) }
    }

    public mutating func abort(_ id: TCPConnectionID, now: Instant) {
        withConnection(id) { $0.abort(now: now) }
    }

    /// An ICMP "fragmentation needed" quoting a segment of `id` named this
    /// next-hop MTU (see `TCPConnection.pathMTUDecreased`). True if it lowered the path MTU.
    @discardableResult
    public mutating func pathMTUDecreased(_ id: TCPConnectionID, to nextHopMTU: Int, now: Instant) -> Bool {
        withConnection(id) { $0.pathMTUDecreased(to: nextHopMTU, now: now) } ?? false
    }

    /// The application is done with `id` (closed it or died): the connection is
    /// orphaned (see `TCPConnection.orphan(now:)`) and the stack forgets it once
    /// it is CLOSED (after TIME-WAIT if it closed first).
    public mutating func release(_ id: TCPConnectionID, now: Instant) {
        released.insert(id)
        guard let slot = lookUp(id) else { return }
        entries[slot].connection.orphan(now: now)
        markDue(slot)
    }

    // MARK: Segments and time

    /// Takes one arriving segment addressed to this host.
    public mutating func handle(_ segment: TCPSegment, now: Instant) {
        let id = TCPConnectionID(arriving: segment)
        if let slot = lookUp(id), entries[slot].connection.state != .closed {
            markDue(slot)
            let expected = entries[slot].connection.rcvNxt
            let hadHoles = entries[slot].connection.reassembler.hasHoles
            entries[slot].connection.handle(segment, now: now)
            noteProgress(of: id, at: slot)
            // In-order data waits for the end of a burst to be acknowledged together
            // (as a receive batch is). So does data around a hole when SACK is on:
            // the burst's one ACK carries the newest SACK blocks, which is what the
            // sender's loss detection reads (RFC 6675, RACK), much as Linux's receive
            // offload answers a batch with one ACK. Without SACK the sender counts
            // duplicate ACKs, so each goes at once; so does anything else: a
            // duplicate, a handshake or FIN, a probe.
            if entries[slot].connection.isAckNeeded || !entries[slot].connection.outbox.isEmpty {
                let holes = hadHoles || entries[slot].connection.reassembler.hasHoles
                let advanced = entries[slot].connection.rcvNxt - expected
                let isInOrderData = !segment.payload.isEmpty && !holes && advanced == segment.payload.count
                let isHeldForSACK = !segment.payload.isEmpty && holes && entries[slot].connection.isSACKPermitted
                    && !segment.header.flags.contains(.fin)
                if !(isInOrderData || isHeldForSACK) || !entries[slot].connection.outbox.isEmpty { hasUrgentOutput = true }
            }
            return
        }
        let flags = segment.header.flags
        if var listener = listeners[id.localPort] {
            if flags.contains(.rst) { return }
            if flags.contains(.ack) {
                if !flags.contains(.syn), acceptCookie(segment, id: id, listener: &listener, now: now) { return }
                reply(toStray: segment)
                return
            }
            guard flags.contains(.syn) else { return }
            if listener.isFull {
                if configuration.isSYNCookiesEnabled {
                    sendCookie(answering: segment, id: id, listener: &listener, now: now)
                } else {
                    listener.droppedSYNs += 1
                }
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

    /// Fires due timers and returns every segment to send, visiting only the
    /// connections touched since the last poll or whose timer is due.
    ///
    /// - Parameter budget: the segments the caller can take now (room in its
    ///   interface queue, as Linux's TCP small queues hold a socket back rather
    ///   than let the qdisc drop). No further connection is visited once the
    ///   segments reach it; those left stay due (``hasDueConnections``) and go
    ///   first on a later poll, so none is starved.
    public mutating func poll(now: Instant, budget: Int = .max) -> [TCPSegment] {
        var segments = outbox
        outbox.removeAll()
        hasUrgentOutput = false
        collectDueTimers(now: now)
        guard !due.isEmpty else { return segments }
        if due.count > 1 {
            // Creation order, starting at the connection a budget stopped last time.
            let cursor = resumeSerial
            due.sort { a, b in
                let (x, y) = (entries[a].serial, entries[b].serial)
                if (x < cursor) != (y < cursor) { return y < cursor }
                return x < y
            }
        }
        var closedAny = false
        var visitedCount = 0
        for slot in due {
            if segments.count >= budget { break }
            visitedCount += 1
            entries[slot].isDue = false
            let id = entries[slot].connection.id
            segments.append(contentsOf: entries[slot].connection.poll(now: now))
            if configuration.recordsEvents {
                if reportsCongestion { entries[slot].connection.reportCongestionChange(now: now) }
                for event in entries[slot].connection.drainEvents() { events.append((id, event)) }
            }
            noteProgress(of: id, at: slot)
            schedule(slot)
            if entries[slot].connection.state == .closed { closedAny = true }
        }
        let visited = Array(due[..<visitedCount])
        due.removeFirst(visitedCount)
        resumeSerial = due.first.map { entries[$0].serial } ?? 0
        if closedAny { removeFinished(among: visited) }
        return segments
    }

    /// True while connections wait for a poll (touched, timer due, or left by a budget).
    public var hasDueConnections: Bool { !due.isEmpty || !outbox.isEmpty }

    /// Earliest timer over all connections (those waiting for a poll included).
    public func nextDeadline() -> Instant? {
        var earliest = earliestOfDue()
        for entry in timers.unordered where isLive(entry) {
            if earliest.map({ entry.deadline < $0 }) ?? true { earliest = entry.deadline }
        }
        return earliest
    }

    /// ``nextDeadline()`` that also forgets stale timers on its way, so it
    /// costs little however many connections there are.
    /// - Parameter includingDue: false leaves out connections waiting for a
    ///   poll (a caller that cannot poll them yet, e.g. its queue is full).
    public mutating func earliestDeadline(includingDue: Bool = true) -> Instant? {
        while let top = timers.min, !isLive(top) { _ = timers.removeMin() }
        let fromDue = includingDue ? earliestOfDue() : nil
        guard let top = timers.min?.deadline else { return fromDue }
        return fromDue.map { Swift.min($0, top) } ?? top
    }

    /// Events recorded since the last call, with the connection they belong to.
    public mutating func drainEvents() -> [(TCPConnectionID, TCPEvent)] {
        defer { events.removeAll() }
        return events
    }

    // MARK: Internals

    private func slot(of id: TCPConnectionID) -> Int? {
        if id == cachedID { return cachedSlot }
        return slots[id]
    }

    private mutating func lookUp(_ id: TCPConnectionID) -> Int? {
        if id == cachedID { return cachedSlot }
        guard let slot = slots[id] else { return nil }
        cachedID = id
        cachedSlot = slot
        return slot
    }

    private mutating func markDue(_ slot: Int) {
        guard !entries[slot].isDue else { return }
        entries[slot].isDue = true
        due.append(slot)
    }

    /// Queues the connection's next deadline if it is earlier than the one queued.
    private mutating func schedule(_ slot: Int) {
        guard let deadline = entries[slot].connection.nextDeadline() else { return }
        if let scheduled = entries[slot].scheduled, scheduled <= deadline { return }
        entries[slot].scheduled = deadline
        timers.insert(TimerEntry(deadline: deadline, serial: entries[slot].serial, id: entries[slot].connection.id))
    }

    /// Marks due every connection whose queued deadline has come.
    private mutating func collectDueTimers(now: Instant) {
        while let top = timers.min, top.deadline <= now {
            _ = timers.removeMin()
            guard isLive(top), let slot = slots[top.id] else { continue }
            entries[slot].scheduled = nil
            markDue(slot)
        }
    }

    private func isLive(_ entry: TimerEntry) -> Bool {
        guard let slot = slot(of: entry.id) else { return false }
        return entries[slot].serial == entry.serial && entries[slot].scheduled == entry.deadline
    }

    private func earliestOfDue() -> Instant? {
        var earliest: Instant?
        for slot in due {
            if let d = entries[slot].connection.nextDeadline(), earliest.map({ d < $0 }) ?? true { earliest = d }
        }
        return earliest
    }

    /// Adds a connection; one that replaces a CLOSED connection of the same
    /// four numbers (not yet forgotten) takes over its slot.
    private mutating func insert(_ connection: TCPConnection) {
        let entry = Entry(connection: connection, serial: nextSerial)
        nextSerial += 1
        if let slot = slots[connection.id] {
            let wasDue = entries[slot].isDue
            entries[slot] = entry
            entries[slot].isDue = wasDue
            released.remove(connection.id)
            markDue(slot)
            return
        }
        let slot = entries.count
        entries.append(entry)
        slots[connection.id] = slot
        markDue(slot)
    }

    /// Answers a SYN for a full listener with a SYN-ACK whose ISN is a cookie; keeps no state.
    private mutating func sendCookie(answering syn: TCPSegment, id: TCPConnectionID, listener: inout TCPListenQueue,
                                     now: Instant) {
        var peerMSS = 536
        for case .maximumSegmentSize(let value) in syn.header.options { peerMSS = Int(value) }
        let cookie = synCookies.cookie(for: id, peerISN: syn.header.sequenceNumber,
                                       mss: Swift.min(peerMSS, configuration.maximumSegmentSize), now: now)
        let header = TCPHeader(sourcePort: id.localPort, destinationPort: id.remotePort, sequenceNumber: cookie,
                               acknowledgmentNumber: syn.header.sequenceNumber &+ 1, flags: [.syn, .ack],
                               window: UInt16(Swift.min(configuration.receiveBufferSize, 65535)),
                               options: [.maximumSegmentSize(UInt16(clamping: configuration.maximumSegmentSize))])
        outbox.append(TCPSegment(source: syn.destination, destination: syn.source, header: header))
        hasUrgentOutput = true
        listener.synCookiesSent += 1
        listener.lastCookieSentAt = now
    }

    /// Makes a connection from an ACK that returns a valid SYN cookie, shortly
    /// after cookies were sent and while the accept queue has room. True if it did.
    private mutating func acceptCookie(_ segment: TCPSegment, id: TCPConnectionID, listener: inout TCPListenQueue,
                                       now: Instant) -> Bool {
        guard let sentAt = listener.lastCookieSentAt, now - sentAt <= .seconds(128),
              listener.ready.count < listener.backlog else { return false }
        let cookie = segment.header.acknowledgmentNumber &- 1
        let peerISN = segment.header.sequenceNumber &- 1
        guard let mss = synCookies.check(cookie, for: id, peerISN: peerISN, now: now) else { return false }
        let syn = TCPSegment(source: segment.source, destination: segment.destination,
                             header: TCPHeader(sourcePort: id.remotePort, destinationPort: id.localPort,
                                               sequenceNumber: peerISN, acknowledgmentNumber: 0, flags: [.syn],
                                               window: segment.header.window, options: [.maximumSegmentSize(UInt16(mss))]))
        guard let connection = TCPConnection(cookieSYN: syn, configuration: configuration, cookie: cookie, now: now)
        else { return false }
        listener.synCookiesAccepted += 1
        listener.handshaking.append(id)
        listeners[id.localPort] = listener
        insert(connection)
        handle(segment, now: now)  // the ACK completes the handshake (and any data in it is taken)
        return true
    }

    private mutating func reply(toStray segment: TCPSegment) {
        if let reset = TCPConnection.reset(replyingTo: segment) {
            hasUrgentOutput = true
            outbox.append(reset)
            resetsSent += 1
        }
    }

    /// Moves a passive connection from the handshake list to the accept queue once it left SYN-RECEIVED.
    private mutating func noteProgress(of id: TCPConnectionID, at slot: Int) {
        guard entries[slot].connection.isPassive, !listeners.isEmpty,
              var listener = listeners[id.localPort],
              let index = listener.handshaking.firstIndex(of: id) else { return }
        let state = entries[slot].connection.state
        if state == .synReceived { return }
        listener.handshaking.remove(at: index)
        if state == .closed {
            released.insert(id)  // never accepted: nobody else will release it
        } else {
            listener.ready.append(id)
        }
        listeners[id.localPort] = listener
    }

    /// Forgets the visited connections that are CLOSED and released. A slot is
    /// filled by the last entry, so only that entry's slot number changes.
    private mutating func removeFinished(among visited: [Int]) {
        let finished = visited.filter { slot in
            entries[slot].connection.state == .closed && released.contains(entries[slot].connection.id)
        }
        for slot in finished.sorted(by: >) {
            let id = entries[slot].connection.id
            released.remove(id)
            slots[id] = nil
            let last = entries.count - 1
            if slot != last {
                entries.swapAt(slot, last)
                slots[entries[slot].connection.id] = slot
                if entries[slot].isDue, let index = due.firstIndex(of: last) { due[index] = slot }
            }
            entries.removeLast()
        }
        cachedID = nil
    }

    private mutating func allocateEphemeralPort(remote: IPv4Address, port: UInt16) -> UInt16 {
        for _ in 0..<16384 {
            let candidate = nextEphemeralPort
            nextEphemeralPort = nextEphemeralPort == 65535 ? 49152 : nextEphemeralPort + 1
            let id = TCPConnectionID(localAddress: address, localPort: candidate, remoteAddress: remote, remotePort: port)
            if slots[id] == nil && listeners[candidate] == nil { return candidate }
        }
        return nextEphemeralPort
    }
}
