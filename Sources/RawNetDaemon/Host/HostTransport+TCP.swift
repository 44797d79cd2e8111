import RawNetContracts
import RawNetCore
import RawNetLabModel
import RawNetPlatform
import RawNetWire

/// Bookkeeping of the daemon's TCP pass (see `runTCP`).
struct TCPRunState {
    var isRunning = false
    var needsAnotherPass = false
    /// A pass is due once the loop handled everything that woke it (see `requestTCPPass`).
    var isPassRequested = false
    /// Connections whose socket must be brought up to date on the next pass:
    /// touched by an arriving segment or an app request, named by an event of
    /// the stack, just accepted, or holding data an app was too slow to take.
    var dirty: Set<TCPConnectionID> = []

    mutating func markDirty(_ id: TCPConnectionID?) {
        if let id { dirty.insert(id) }
    }
}

/// The few fields of a connection that its socket follows, read in place.
struct TCPConnectionView {
    let state: TCPState
    let error: TCPConnectionError?
    let availableByteCount: Int
    let isEndOfStream: Bool
    let sendBufferSpace: Int
    let sendBufferSize: Int

    init(_ connection: borrowing TCPConnection) {
        state = connection.state
        error = connection.error
        availableByteCount = connection.availableByteCount
        isEndOfStream = connection.isEndOfStream
        sendBufferSpace = connection.sendBufferSpace
        sendBufferSize = connection.sendBufferCapacity
    }
}

/// The host's TCP: one `TCPStack` for the host's address, fed with arriving
/// segments, polled after every input and at its deadlines, its segments sent
/// through the IP layer, and its connections tied to app sockets.
extension NodeDaemon {
    /// The host TCP's default send and receive buffer, in bytes: where autotuning starts.
    public static let hostBufferSize = 256 * 1024
    /// The most either buffer grows to by autotuning (Linux: `tcp_rmem`/`tcp_wmem` maximum).
    public static let hostBufferLimit = 4 * 1024 * 1024
}

extension HostTransport {
    static func makeTCPStack(for node: TopologyNode) -> TCPStack {
        let address = node.interfaces.first?.address.address ?? .any
        var configuration = TCPConfiguration()
        configuration.recordsEvents = true
        // Linux starts a socket at 128 KiB of receive buffer and autotunes it
        // up to 6 MiB; hosts start at 256 KiB each way and autotune up to
        // 4 MiB (window scale 7), growing only while a connection moves data
        // that fast. A size an app sets with `TCPOptions` is fixed instead.
        configuration.sendBufferSize = NodeDaemon.hostBufferSize
        configuration.receiveBufferSize = NodeDaemon.hostBufferSize
        configuration.sendBufferLimit = NodeDaemon.hostBufferLimit
        configuration.receiveBufferLimit = NodeDaemon.hostBufferLimit
        // The MSS option announces the interface's MTU less 40 bytes of headers,
        // and connections start their path MTU there (RFC 1191, RFC 9293 §3.7.1).
        if let mtu = node.interfaces.first?.mtu {
            configuration.maximumSegmentSize = mtu - 40
            configuration.pathMTU = mtu
        }
        return TCPStack(address: address, configuration: configuration,
                        initialSequenceNumbers: .keyed(key0: .random(in: .min ... .max), key1: .random(in: .min ... .max)))
    }

    // MARK: Segments

    /// A TCP segment for this host: into the stack (demultiplexed there by the four numbers).
    func deliverTCP(_ packet: DeliveredPacket, header tcpHeader: TCPHeader, payload: [UInt8], now: Instant) {
        let segment = TCPSegment(source: packet.header.source, destination: packet.header.destination,
                                 header: tcpHeader, payload: payload)
        let id = TCPConnectionID(arriving: segment)
        if dropsForMemory(segment, id: id, packet: packet) { return }
        let resetsBefore = tcp.resetsSent
        tcpRun.markDirty(id)
        // A SYN for a listener makes a connection with the listener's options.
        if !tcp.hasConnection(id), tcpHeader.flags.contains(.syn), !tcpHeader.flags.contains(.ack),
           let listener = sockets.tcpSocket(boundTo: id.localPort), listener.tcp.isListening {
            let base = tcp.configuration
            tcp.configuration = listener.tcp.options.configuration(from: base)
            tcp.handle(segment, now: now)
            tcp.configuration = base
        } else {
            tcp.handle(segment, now: now)
        }
        if tcp.resetsSent > resetsBefore || (!tcp.hasConnection(id) && tcp.listeners[id.localPort] == nil) {
            network.countNoSocket(packet)
        } else if let discard = tcp.lastDiscard {
            // Every segment the stack left unanswered (a SYN beyond a full backlog, bad flags) is a counted drop.
            network.countDrop(discard.reason, packet: packet, detail: discard.detail)
        }
        // In-order data waits for the end of the burst; anything the stack must answer at once goes now.
        if tcp.hasUrgentOutput { runTCP(now: now) } else { requestTCPPass() }
    }

    /// Asks for a TCP pass after everything that woke the loop was handled, so
    /// a burst of frames or app messages costs one pass (and the segments of
    /// one burst are acknowledged together, as a receive batch is in Linux).
    func requestTCPPass() {
        if tcpRun.isRunning {
            tcpRun.needsAnotherPass = true
        } else {
            tcpRun.isPassRequested = true
        }
    }

    /// Whether a TCP pass is due at the end of this wake-up: one was asked
    /// for, or connections are due and the interfaces can take their segments.
    var isPassDue: Bool {
        tcpRun.isPassRequested || tcp.hasDueConnections && network.segmentBudget > 0
    }

    /// Runs the pass input of this wake-up asked for, if any (so an answer describes settled state).
    func runPassIfRequested(now: Instant) {
        if tcpRun.isPassRequested { runTCP(now: now) }
    }

    /// When the TCP needs polling next. Connections a full egress queue holds
    /// back wait for its writable wake-up, not a timer.
    func earliestDeadline() -> Instant? {
        let isHeldBack = tcp.hasDueConnections && network.segmentBudget == 0
        return tcp.earliestDeadline(includingDue: !isHeldBack)
    }

    /// Polls the stack until it is quiet: sends its segments, traces its
    /// events, and brings every TCP socket's app up to date. Re-entrant calls
    /// (a segment to ourselves arriving while we send) ask for another pass.
    func runTCP(now: Instant) {
        if tcpRun.isRunning {
            tcpRun.needsAnotherPass = true
            return
        }
        tcpRun.isRunning = true
        tcpRun.isPassRequested = false
        defer { tcpRun.isRunning = false }
        var passes = 0
        repeat {
            tcpRun.needsAnotherPass = false
            let segments = tcp.poll(now: now, budget: network.segmentBudget)
            let events = tcp.drainEvents()
            // The events are the engine's decisions, made before its segments leave: stamped
            // before them (sending a frame reads the clock afresh) and streamed before them, so
            // a `retransmit` event is never after the frame it sent, in time or in the stream.
            if isTracing { trace(events, at: traceTime()) }
            for segment in segments { transmit(segment, now: now) }
            for (id, _) in events { tcpRun.dirty.insert(id) }
            updateTCPSockets(now: now)
            passes += 1
        } while (tcpRun.needsAnotherPass || tcp.hasDueConnections && network.segmentBudget > 0) && passes < 64
        apps.sendBatches()
    }

    private func transmit(_ segment: TCPSegment, now: Instant) {
        let outputs = network.send(.tcp(segment.header, payload: segment.payload), to: segment.destination,
                                   from: segment.source, timeToLive: nil, now: now)
        for case .dropped(let record) in outputs where record.reason == .noRoute || record.reason == .linkDown {
            let id = TCPConnectionID(localAddress: segment.source, localPort: segment.header.sourcePort,
                                     remoteAddress: segment.destination, remotePort: segment.header.destinationPort)
            if let socket = sockets.tcpSocket(for: id), socket.tcp.pendingConnect != nil {
                fail(socket, with: .networkUnreachable, now: now)
            }
        }
        perform(outputs)
    }

    /// Ends a connection that is still connecting, e.g. after an ICMP error.
    func fail(_ socket: HostSocket, with status: AppStatus, now: Instant) {
        guard let id = socket.tcp.connection else { return }
        var updated = socket
        updated.tcp.failure = status
        sockets.update(updated)
        tcp.abort(id, now: now)
        tcpRun.markDirty(id)
        tcpRun.needsAnotherPass = true
    }

    /// An ICMP error quoting one of our TCP segments: "fragmentation needed"
    /// lowers the connection's path MTU (RFC 1191), other errors make a connecting socket give up.
    func tcpICMPError(_ message: ICMPMessage, connection id: TCPConnectionID, now: Instant) {
        if case .destinationUnreachable(.fragmentationNeeded(let mtu), _) = message {
            if tcp.pathMTUDecreased(id, to: Int(mtu), now: now) {
                tcpRun.markDirty(id)
                requestTCPPass()
            }
            return
        }
        guard let socket = sockets.tcpSocket(for: id), socket.tcp.pendingConnect != nil else { return }
        fail(socket, with: Self.status(forICMPType: message.type, code: message.code), now: now)
        requestTCPPass()
    }

    // MARK: Sockets and their apps

    /// Accepts waiting connections, answers finished connects, pushes data,
    /// end of stream, errors and `writable` to the apps.
    ///
    /// Only sockets whose connection changed since the last pass are visited
    /// (see `TCPRunState.dirty`); sockets accepted in this pass, and those
    /// still holding data their app could not take, are visited again on the next.
    private func updateTCPSockets(now: Instant) {
        guard tcp.configuration.recordsEvents else { return updateAllTCPSockets(now: now) }
        let touched = tcpRun.dirty
        tcpRun.dirty.removeAll(keepingCapacity: true)
        var accepted: [TCPConnectionID] = []
        for (port, listener) in tcp.listeners where !listener.ready.isEmpty {
            guard let socket = sockets.tcpSocket(boundTo: port), socket.tcp.isListening else { continue }
            accepted += acceptConnections(on: socket)
        }
        for id in touched {
            accountMemory(of: id)
            guard let socket = sockets.tcpSocket(for: id), !socket.tcp.isListening else { continue }
            if update(socket, now: now) { tcpRun.dirty.insert(id) }
        }
        tcpRun.dirty.formUnion(accepted)
    }

    /// Every TCP socket, for a stack that records no events to say which changed.
    private func updateAllTCPSockets(now: Instant) {
        for socket in sockets.sockets.values where socket.protocolNumber == .tcp {
            if socket.tcp.isListening {
                acceptConnections(on: socket)
            } else if socket.tcp.connection != nil {
                update(socket, now: now)
            }
        }
    }

    /// Opens a socket for every connection waiting on a listener; returns their connections.
    @discardableResult
    private func acceptConnections(on socket: HostSocket) -> [TCPConnectionID] {
        var ids: [TCPConnectionID] = []
        while let id = tcp.accept(port: socket.localPort) {
            var accepted = sockets.openAccepted(owner: socket.owner, connection: id)
            apps.send(.accepted(socket: socket.id, newSocket: accepted.id, peer: id.remoteAddress,
                                 peerPort: id.remotePort, localAddress: id.localAddress,
                                 localPort: id.localPort), to: socket.owner)
            if let view = tcp.inspect(id, { TCPConnectionView($0) }), grantCredit(to: &accepted, view) {
                sockets.update(accepted)
            }
            ids.append(id)
        }
        return ids
    }

    /// Brings one socket up to date with its connection. Returns true if
    /// received data is still waiting for its app.
    @discardableResult
    private func update(_ original: HostSocket, now: Instant) -> Bool {
        var socket = original
        guard let id = socket.tcp.connection else { return false }
        let owner = socket.owner
        guard let connection = tcp.inspect(id, { TCPConnectionView($0) }) else { return false }
        if let request = socket.tcp.pendingConnect {
            if connection.state.isSynchronized {
                socket.tcp.pendingConnect = nil
                apps.send(.reply(request: request, socket: socket.id, status: .ok, localAddress: id.localAddress,
                                  localPort: id.localPort, message: ""), to: owner)
            } else if connection.state == .closed {
                let status = socket.tcp.failure ?? Self.status(for: connection.error)
                socket.tcp.pendingConnect = nil
                socket.tcp.isErrorReported = true
                apps.send(.reply(request: request, socket: socket.id, status: status, localAddress: id.localAddress,
                                  localPort: id.localPort, message: connection.error?.description ?? ""), to: owner)
            }
        }
        // Received bytes, while the app keeps up.
        var available = connection.availableByteCount
        var hasRead = false
        var isHeldByWindow = false
        while available > 0 {
            if socket.tcp.isReadShut {
                _ = tcp.receive(on: id)
                available = 0
                hasRead = true
                tcpRun.needsAnotherPass = true
                break
            }
            guard !apps.isBacklogged(owner) else { break }
            var count = min(available, 32 * 1024)
            if apps.usesReceiveCredit(owner) {
                // Within the app's receive window; its `consumed` brings the socket back.
                count = min(count, AppMessage.streamReceiveWindow - socket.tcp.unconsumed)
                if count <= 0 {
                    isHeldByWindow = true
                    break
                }
                socket.tcp.unconsumed += count
            }
            if apps.readsStreamBatches(owner) {
                // Straight from the receive queue into the app's batch.
                apps.appendStreamData(socket: socket.id, to: owner, count: count) { batch in
                    available = tcp.withConnection(id) { connection in
                        connection.receive(maxCount: count, appendingTo: &batch)
                        return connection.availableByteCount
                    } ?? 0
                }
            } else {
                guard let (bytes, left) = tcp.withConnection(id, { ($0.receive(maxCount: count), $0.availableByteCount) })
                else { break }
                available = left
                apps.sendStreamData(bytes, socket: socket.id, to: owner)
            }
            hasRead = true
            // An app that reports its reads is judged by `unconsumed` alone.
            if !apps.usesReceiveCredit(owner) { socket.tcp.hasPassedBytesToApp = true }
            tcpRun.needsAnotherPass = true
        }
        let current = hasRead ? tcp.inspect(id, { TCPConnectionView($0) }) ?? connection : connection
        if current.isEndOfStream && !socket.tcp.isEndOfStreamReported && !socket.tcp.isReadShut {
            socket.tcp.isEndOfStreamReported = true
            apps.send(.peerClosed(socket: socket.id), to: owner)
        }
        if current.state == .closed, let error = current.error, error != .aborted,
           !socket.tcp.isErrorReported, socket.tcp.pendingConnect == nil {
            socket.tcp.isErrorReported = true
            apps.send(.error(socket: socket.id, status: Self.status(for: error), message: error.description), to: owner)
        }
        if grantCredit(to: &socket, current) { socket.tcp.wantsWritable = false }
        if socket.tcp.wantsWritable {
            let space = current.sendBufferSpace
            if space >= max(1, current.sendBufferSize / 4) || current.state == .closed {
                socket.tcp.wantsWritable = false
                apps.send(.writable(socket: socket.id, freeSpace: UInt32(clamping: space)), to: owner)
            }
        }
        if socket != original { sockets.update(socket) }
        return available > 0 && !isHeldByWindow
    }

    /// Grants the app of a `writeCredit` socket the send-buffer space that is
    /// free and not yet granted, once it is worth a message: a quarter of the
    /// buffer, at most 64 KiB (the first grant is the whole free buffer). Only
    /// for a connected socket whose app may still write. True if it granted.
    func grantCredit(to socket: inout HostSocket, _ connection: TCPConnectionView) -> Bool {
        // Under memory pressure the app waits for credit, as a Linux writer waits for memory.
        guard socket.tcp.pendingConnect == nil, !socket.tcp.isWriteShut,
              connection.state == .established || connection.state == .closeWait,
              apps.usesWriteCredit(socket.owner) else { return false }
        guard !tcpMemory.isUnderPressure else {
            tcpMemory.isCreditHeldBack = true
            return false
        }
        let free = connection.sendBufferSpace - socket.tcp.credit
        guard free > 0, free >= min(64 * 1024, max(1, connection.sendBufferSize / 4)) else { return false }
        socket.tcp.credit += free
        apps.send(.credit(socket: socket.id, bytes: UInt32(clamping: free)), to: socket.owner)
        return true
    }

    static func status(for error: TCPConnectionError?) -> AppStatus {
        switch error {
        case .connectionRefused?: return .connectionRefused
        case .connectionReset?: return .connectionReset
        case .timedOut?, .keepaliveTimedOut?: return .timedOut
        case .aborted?, nil: return .connectionReset
        }
    }

    /// Closes a TCP socket as Linux does: a listener stops (its pending
    /// connections are reset); a connection with unread data is reset,
    /// otherwise it ends with a FIN. The stack forgets it once it is closed.
    /// Unread is what the host still holds, and what it sent the app and the
    /// app has not consumed: known exactly for an app that reports its reads
    /// (`receiveCredit`), else guessed from `appLeftMessagesUnread`.
    /// - Parameter appLeftMessagesUnread: the app went away without reading every
    ///   message the host sent it, so bytes this socket passed to it may be
    ///   unread too: like data left in a Linux socket's receive queue, that resets.
    func closeTCP(_ socket: HostSocket, now: Instant, appLeftMessagesUnread: Bool = false) {
        if socket.tcp.isListening {
            tcp.stopListening(port: socket.localPort, now: now)
        } else if let id = socket.tcp.connection, let unread = tcp.inspect(id, { $0.availableByteCount }) {
            // (`unconsumed` stays 0 for an app that does not report; by now a gone app's features are forgotten.)
            let leftUnread = socket.tcp.unconsumed > 0 || appLeftMessagesUnread && socket.tcp.hasPassedBytesToApp
            if unread > 0 || leftUnread {
                tcp.abort(id, now: now)
            } else {
                tcp.close(id, now: now)
            }
            tcp.release(id, now: now)
        }
        sockets.close(socket.id)
        requestTCPPass()
    }

    /// Closes every socket of an app that went away. Returns how many.
    /// - Parameter leftMessagesUnread: the app's end of the app API closed with
    ///   messages in it (or the host still held some for it); see `closeTCP`.
    @discardableResult
    func closeSockets(ownedBy owner: Int, now: Instant, leftMessagesUnread: Bool = false) -> Int {
        let owned = sockets.sockets.values.filter { $0.owner == owner }.sorted { $0.id < $1.id }
        for socket in owned {
            if socket.protocolNumber == .tcp {
                closeTCP(socket, now: now, appLeftMessagesUnread: leftMessagesUnread)
            } else {
                closeSocket(socket.id)
            }
        }
        return owned.count
    }
}
