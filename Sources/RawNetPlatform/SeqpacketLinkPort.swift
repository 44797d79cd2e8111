import DequeModule

/// One end of a cable over seqpacket sockets (`LinkSocketKind.seqpacket`).
///
/// Every port listens at `localPath`. Of the two ends of a cable, the one
/// whose path sorts last (byte order) connects to the other's listener and
/// opens with a `LinkHello` naming its own path; the listener takes a
/// connection whose hello names its peer's socket as the cable, and answers with
/// its own hello, but only while it has no cable or the cable it has is gone
/// (its other end closed): a live cable is never taken over, and a refused
/// claimant is closed and counted (`refusedCables`). So a peer that restarts is
/// picked up again without restarting this end: a restarted connecting end
/// simply connects again (its old connection died with it), and when the listening end restarts, the
/// connecting end sees the connection close and connects again after a short
/// back-off run by the loop's timers (never blocking). A connection that
/// opens with anything but a hello only injects frames (tools and tests).
///
/// Frames leave on the cable's connection. When its socket buffer is full they
/// wait in a bounded egress queue drained on writability; beyond the limit
/// they are "queue overflow" drops. With no cable they are "not connected"
/// drops, and frames queued when a cable breaks are dropped the same way.
public final class SeqpacketLinkPort: FramePort, SendBatching {
    public let localAddress: UnixSocketAddress
    public let peerAddress: UnixSocketAddress
    public let queueLimit: Int
    public private(set) var counters = LinkCounters()
    public var onFrame: (UnsafeRawBufferPointer) -> Void
    public var onQueuedDrop: ((LinkDropReason, [UInt8]) -> Void)?
    public var onCableChange: ((Bool) -> Void)?
    /// True when this end connects to the peer's listener (its path sorts after the peer's).
    public let isConnecting: Bool

    /// The first and the longest wait before connecting again.
    public static let firstRetryDelay: Duration = .milliseconds(5)
    public static let longestRetryDelay: Duration = .milliseconds(50)

    private let loop: EventLoop
    private let listener: UnixListener
    /// The cable, once connected (dialled by us or accepted with the right hello).
    private var cable: Attachment?
    /// Accepted connections that are not the cable: waiting for a hello, or injecting.
    private var others: [Int32: Attachment] = [:]
    private var egress = Deque<[UInt8]>()
    /// Frames sent during the loop's burst (`EventLoop.batchingSends`), written in one call when it ends.
    private var held: [[UInt8]] = []
    /// `receiveSlots` slots of `maximumFrame` bytes, one message each, read in one call
    /// (only the pages frames were written to become resident).
    private var receiveBuffer: UnsafeMutableRawBufferPointer
    private var receivedLengths: UnsafeMutableBufferPointer<Int>
    private var retryTimer: TimerID?
    private var retryDelay = SeqpacketLinkPort.firstRetryDelay
    private var isClosed = false
    private static let maximumFrame = 65_536
    /// Messages read per readiness event before yielding to other descriptors.
    private static let readBatch = 64
    /// Messages read per system call (recvmmsg).
    private static let receiveSlots = 16

    /// One connected socket and whether its first message is still to come.
    private final class Attachment {
        let connection: UnixConnection
        var awaitsFirstMessage = true
        var isOpen = true
        init(_ connection: UnixConnection) { self.connection = connection }
        var key: Int32 { connection.fileDescriptor.rawValue }
    }

    /// Listens at `localPath` (removing a stale socket file), registers with
    /// `loop`, and, when this end is the connecting one, tries to connect now.
    /// - Throws: `SocketError` for a path over 107 bytes or a socket/bind/listen failure.
    public init(
        loop: EventLoop, localPath: String, peerPath: String, queueLimit: Int = 256,
        onFrame: @escaping (UnsafeRawBufferPointer) -> Void = { _ in }
    ) throws {
        precondition(queueLimit >= 0, "queue limit must not be negative")
        self.loop = loop
        localAddress = try UnixSocketAddress(path: localPath)
        peerAddress = try UnixSocketAddress(path: peerPath)
        self.queueLimit = queueLimit
        self.onFrame = onFrame
        isConnecting = Array(peerPath.utf8).lexicographicallyPrecedes(Array(localPath.utf8))
        listener = try UnixListener(kind: .seqpacket, path: localPath, backlog: 16)
        receiveBuffer = .allocate(byteCount: Self.maximumFrame * Self.receiveSlots, alignment: 16)
        receivedLengths = .allocate(capacity: Self.receiveSlots)
        try loop.setReadHandler(for: listener.fileDescriptor) { [unowned self] in self.acceptPending() }
        if isConnecting { connectToPeer() }
    }

    deinit {
        receiveBuffer.deallocate()
        receivedLengths.deallocate()
    }

    public var socketKind: LinkSocketKind { .seqpacket }

    public var isConnected: Bool { cable != nil }

    /// Frames waiting: in the egress queue, and those held during a burst.
    public var queuedFrames: Int { egress.count + held.count }

    /// Connections that only inject frames, or have not said who they are yet.
    public var otherConnections: Int { others.count }

    /// The cable's descriptor while connected (for tests and status).
    public var cableDescriptor: FileDescriptor? { cable?.connection.fileDescriptor }

    public func close() {
        guard !isClosed else { return }
        isClosed = true
        if let retryTimer { loop.cancel(retryTimer) }
        retryTimer = nil
        loop.remove(listener.fileDescriptor)
        listener.close()
        for attachment in Array(others.values) + (cable.map { [$0] } ?? []) {
            loop.remove(attachment.connection.fileDescriptor)
            attachment.connection.close()
        }
        others.removeAll()
        cable = nil
        egress.removeAll()
        held.removeAll()
    }

    // MARK: Sending

    @discardableResult
    public func send(_ frame: [UInt8]) -> LinkDropReason? {
        if !egress.isEmpty { return enqueue(frame) }
        if loop.isBatchingSends, cable != nil {
            // At most a queue's worth is held, so that what the socket does not take at the
            // flush always fits in the (then empty) queue: a frame is refused, if at all, now,
            // where the caller sees it, never after it was counted as sent.
            if held.count < queueLimit {
                if held.isEmpty { loop.flushAtEndOfBatch(self) }
                held.append(frame)
                return nil
            }
            flushSends()
            if !egress.isEmpty { return enqueue(frame) }
        }
        switch transmit(frame) {
        case .sent: return nil
        case .wouldBlock: return enqueue(frame)
        case .dropped(let reason):
            counters.drops[reason, default: 0] += 1
            return reason
        }
    }

    private enum Transmission { case sent, wouldBlock, dropped(LinkDropReason) }

    private func transmit(_ frame: [UInt8]) -> Transmission {
        guard let cable else { return .dropped(.notConnected) }
        do {
            guard try cable.connection.write(frame) != nil else { return .wouldBlock }
            counters.framesOut += 1
            counters.bytesOut += frame.count
            return .sent
        } catch where error.meansPeerAbsent || error == .notConnected {
            lose(cable)
            return .dropped(.notConnected)
        } catch {
            return .dropped(.sendFailed)
        }
    }

    /// Writes the frames held during a burst, as many per call as the socket takes; the rest
    /// wait in the egress queue, which is empty while frames are held and takes a queue's worth.
    /// Only a cable lost meanwhile (or a failing send) drops one here, as it would a queued frame.
    public func flushSends() {
        guard !held.isEmpty else { return }
        var frames: [[UInt8]] = []
        swap(&frames, &held)
        var next = 0
        while next < frames.count {
            guard let cable else {
                counters.drops[.notConnected, default: 0] += frames.count - next
                for frame in frames[next...] { onQueuedDrop?(.notConnected, frame) }
                return
            }
            do {
                guard let sent = try cable.connection.writeMessages(frames, next..<frames.count) else { break }
                for index in next..<(next + sent) { counters.bytesOut += frames[index].count }
                counters.framesOut += sent
                next += sent
                if sent == 0 { break }
            } catch where error.meansPeerAbsent || error == .notConnected {
                lose(cable)
            } catch {
                counters.drops[.sendFailed, default: 0] += 1
                onQueuedDrop?(.sendFailed, frames[next])
                next += 1
            }
        }
        for index in next..<frames.count {
            if let reason = enqueue(frames[index]) { onQueuedDrop?(reason, frames[index]) }
        }
    }

    private func enqueue(_ frame: [UInt8]) -> LinkDropReason? {
        guard egress.count < queueLimit else {
            counters.drops[.queueOverflow, default: 0] += 1
            return .queueOverflow
        }
        egress.append(frame)
        if egress.count == 1 { watchWritable(true) }
        return nil
    }

    private func watchWritable(_ on: Bool) {
        guard let cable else { return }
        try? loop.setWriteHandler(for: cable.connection.fileDescriptor, on ? { [unowned self] in self.drain() } : nil)
    }

    private func drain() {
        while let frame = egress.first {
            switch transmit(frame) {
            case .sent:
                egress.removeFirst()
            case .wouldBlock:
                return
            case .dropped(let reason):
                if reason == .notConnected {
                    dropQueue()
                    return
                }
                counters.drops[reason, default: 0] += 1
                onQueuedDrop?(reason, egress.removeFirst())
            }
        }
        watchWritable(false)
    }

    /// Drops everything queued: it was meant for a cable that is gone.
    private func dropQueue() {
        guard !egress.isEmpty else { return }
        counters.drops[.notConnected, default: 0] += egress.count
        let dropped = egress
        egress.removeAll()
        for frame in dropped { onQueuedDrop?(.notConnected, frame) }
    }

    // MARK: Connections

    private func connectToPeer() {
        retryTimer = nil
        guard !isClosed, cable == nil else { return }
        do {
            let connection = try UnixConnection.connect(kind: .seqpacket, to: peerAddress.path)
            // A fresh connection has an empty buffer: the hello always fits.
            _ = try connection.write(LinkHello.message(from: localAddress.path))
            let attachment = Attachment(connection)
            try watch(attachment)
            become(attachment)
        } catch {
            scheduleRetry()
        }
    }

    private func scheduleRetry() {
        guard isConnecting, !isClosed, retryTimer == nil, cable == nil else { return }
        let delay = retryDelay
        retryDelay = min(retryDelay * 2, Self.longestRetryDelay)
        retryTimer = loop.schedule(after: delay) { [unowned self] in self.connectToPeer() }
    }

    private func acceptPending() {
        while let connection = try? listener.accept() {
            let attachment = Attachment(connection)
            do {
                try watch(attachment)
                others[attachment.key] = attachment
            } catch {
                connection.close()
            }
        }
    }

    private func watch(_ attachment: Attachment) throws(Errno) {
        try loop.setReadHandler(for: attachment.connection.fileDescriptor) { [unowned self, unowned attachment] in
            self.read(from: attachment)
        }
    }

    /// Makes `attachment` the cable, closing the one before.
    private func become(_ attachment: Attachment) {
        if let old = cable, old !== attachment { forget(old) }
        others[attachment.key] = nil
        cable = attachment
        retryDelay = Self.firstRetryDelay
        if let retryTimer { loop.cancel(retryTimer) }
        retryTimer = nil
        if !egress.isEmpty { watchWritable(true) }
        onCableChange?(true)
    }

    /// Closes a connection that ended; losing the cable drops its queue and
    /// (on the connecting end) starts connecting again.
    private func lose(_ attachment: Attachment) {
        let wasCable = attachment === cable
        forget(attachment)
        if wasCable {
            cable = nil
            dropQueue()
            scheduleRetry()
            if !isClosed { onCableChange?(false) }
        }
    }

    private func forget(_ attachment: Attachment) {
        guard attachment.isOpen else { return }
        attachment.isOpen = false
        loop.remove(attachment.connection.fileDescriptor)
        attachment.connection.close()
        if others[attachment.key] === attachment { others[attachment.key] = nil }
    }

    // MARK: Receiving

    /// Reads what the connection holds, up to `readBatch` messages, `receiveSlots` per
    /// system call; a connection's first message alone, since a hello decides what the rest are.
    /// What handling them sends is written when the burst ends, one call per port.
    private func read(from attachment: Attachment) {
        loop.batchingSends { readBurst(from: attachment) }
    }

    private func readBurst(from attachment: Attachment) {
        var left = Self.readBatch
        while left > 0, attachment.isOpen {
            let wanted = attachment.awaitsFirstMessage ? 1 : min(left, Self.receiveSlots)
            let received: Int?
            do {
                received = try attachment.connection.readMessages(
                    into: receiveBuffer, slotSize: Self.maximumFrame,
                    lengths: UnsafeMutableBufferPointer(rebasing: receivedLengths[..<wanted]))
            } catch {
                lose(attachment)
                return
            }
            guard let received, received > 0 else { return }
            left -= received
            for slot in 0..<received {
                guard attachment.isOpen else { return }
                let count = min(receivedLengths[slot], Self.maximumFrame)
                if count == 0 {
                    lose(attachment)
                    return
                }
                let start = receiveBuffer.baseAddress! + slot * Self.maximumFrame
                let message = UnsafeRawBufferPointer(start: start, count: count)
                if attachment.awaitsFirstMessage {
                    attachment.awaitsFirstMessage = false
                    if let path = LinkHello.path(in: message) {
                        guard introduce(attachment, claiming: path) else { return }
                        continue
                    }
                }
                counters.framesIn += 1
                counters.bytesIn += count
                onFrame(message)
            }
            if received < wanted { return }
        }
    }

    /// Handles a hello. On the cable we dialled it is the listener's answer;
    /// on an accepted connection it must name the peer's socket — that path, or
    /// another spelling of the same socket file (two daemons may have been given
    /// the run directory as a relative and an absolute path) — and the cable
    /// it would replace must be gone: a cable whose other end closed shows a
    /// hang-up even before the loop has read it, so a restarted peer is taken at
    /// once, while a live cable stays. Returns false when the connection was closed.
    private func introduce(_ attachment: Attachment, claiming path: String) -> Bool {
        if attachment === cable { return true }
        let namesPeer = path == peerAddress.path || FileSystem.isSameFile(path, peerAddress.path)
        let cableIsLive = cable.map { $0.isOpen && !$0.connection.fileDescriptor.hasHungUp } ?? false
        guard namesPeer, !cableIsLive else {
            counters.refusedCables += 1
            forget(attachment)
            return false
        }
        _ = try? attachment.connection.write(LinkHello.message(from: localAddress.path))
        become(attachment)
        return true
    }
}
