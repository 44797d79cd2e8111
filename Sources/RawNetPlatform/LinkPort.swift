import Glibc
import DequeModule

/// Why a `LinkPort` dropped a frame.
public enum LinkDropReason: String, Hashable, Sendable, CaseIterable, CustomStringConvertible {
    /// The egress queue was full.
    case queueOverflow = "queue overflow"
    /// Nobody is bound at the peer path (ENOENT, ECONNREFUSED, ...).
    case peerDown = "peer down"
    /// A seqpacket port has no connection to its peer (not up yet, restarting, or gone).
    case notConnected = "not connected"
    /// Any other send failure (e.g. EMSGSIZE).
    case sendFailed = "send failed"
    /// A datagram received from a socket that is not the link's peer (an
    /// unbound sender, or one bound elsewhere); it is not delivered.
    case notFromPeer = "not from the link's peer"

    public var description: String { rawValue }
}

/// Frame and byte counters of one `LinkPort`.
public struct LinkCounters: Equatable, Sendable {
    public var framesIn = 0
    public var bytesIn = 0
    public var framesOut = 0
    public var bytesOut = 0
    public var drops: [LinkDropReason: Int] = [:]
    /// Seqpacket: connections that claimed to be the peer and were closed, because
    /// their hello named another path or the cable they would replace is alive.
    public var refusedCables = 0

    public init() {}

    /// All drops, whatever the reason.
    public var totalDrops: Int { drops.values.reduce(0, +) }
}

/// One end of a cable over datagram sockets (`LinkSocketKind.datagram`; the
/// seqpacket end is `SeqpacketLinkPort`): receives datagrams on a socket bound at `localPath`,
/// sends to the socket bound at `peerPath`, and never blocks its loop.
///
/// Sending uses a second, unbound socket connected to the peer path. A
/// connected socket makes the kernel report writability (EPOLLOUT) from the
/// peer's receive queue (`net.unix.max_dgram_qlen`), which an unconnected
/// `sendto` socket does not; and the receiving socket stays unconnected, so a
/// restarted peer can always reach it. When the peer's queue is full the frame
/// waits in a bounded egress queue, drained when the kernel reports room.
/// When the peer is gone (ENOENT, ECONNREFUSED) the frame is a counted drop and
/// the next send reconnects, so a restarted peer is picked up by itself.
///
/// The sending socket is bound to an abstract name derived from this end's
/// path (`senderName(standingFor:)`), so the receiver knows who sent each
/// datagram: only the peer's name, or the peer's own path (a tool bound at the
/// peer's `NODE.IF` sending from that socket), is taken as a frame from the
/// cable; anything else is a "not from the link's peer" drop, reported
/// through `onForeignFrame`.
public final class LinkPort: FramePort {
    public let localAddress: UnixSocketAddress
    public let peerAddress: UnixSocketAddress
    /// Most frames held while the peer's kernel queue is full.
    public let queueLimit: Int
    public private(set) var counters = LinkCounters()
    /// Called on the loop for every received frame (valid only during the call).
    public var onFrame: (UnsafeRawBufferPointer) -> Void
    /// Called on the loop for every datagram dropped as not from the peer (already counted).
    public var onForeignFrame: ((UnsafeRawBufferPointer) -> Void)?
    public var onQueuedDrop: ((LinkDropReason, [UInt8]) -> Void)?
    /// Never called: datagram links have no connection that could end.
    public var onCableChange: ((Bool) -> Void)?

    private let loop: EventLoop
    /// The names a datagram from the peer arrives with: its sending socket's, and its own path.
    private let peerNames: [[UInt8]]
    private var lastSender = UnixDatagramSocket.SenderAddress()
    private let receiver: UnixDatagramSocket
    private let sender: UnixDatagramSocket
    private var isSenderConnected = false
    private var egress = Deque<[UInt8]>()
    private var receiveBuffer: UnsafeMutableRawBufferPointer
    private static let maximumFrame = 65_536
    /// Frames read per readiness event before yielding to other descriptors.
    private static let readBatch = 64

    /// Binds at `localPath` (removing a stale socket file) and registers with `loop`.
    /// - Throws: `SocketError` for a path over 107 bytes or a socket/bind failure.
    public init(
        loop: EventLoop, localPath: String, peerPath: String, queueLimit: Int = 256,
        onFrame: @escaping (UnsafeRawBufferPointer) -> Void = { _ in }
    ) throws {
        precondition(queueLimit >= 0, "queue limit must not be negative")
        self.loop = loop
        self.localAddress = try UnixSocketAddress(path: localPath)
        self.peerAddress = try UnixSocketAddress(path: peerPath)
        self.queueLimit = queueLimit
        self.onFrame = onFrame
        peerNames = [Self.senderName(standingFor: peerPath), Array(peerPath.utf8)]
        receiver = try UnixDatagramSocket(boundTo: localAddress)
        sender = try UnixDatagramSocket(boundToAbstractName: Self.senderName(standingFor: localPath))
        receiveBuffer = .allocate(byteCount: Self.maximumFrame, alignment: 16)
        try loop.setReadHandler(for: receiver.fileDescriptor) { [unowned self] in self.readFrames() }
        _ = connectIfNeeded()
    }

    deinit {
        receiveBuffer.deallocate()
    }

    /// Unregisters from the loop and closes both sockets (removing the bound file).
    public func close() {
        loop.remove(receiver.fileDescriptor)
        loop.remove(sender.fileDescriptor)
        receiver.close()
        sender.close()
        egress.removeAll()
    }

    public var socketKind: LinkSocketKind { .datagram }

    /// Whether the sending socket is connected to a socket bound at the peer path.
    public var isConnected: Bool { isSenderConnected }

    /// The sending socket's descriptor (for status and tests).
    public var senderDescriptor: FileDescriptor { sender.fileDescriptor }

    /// Frames waiting in the egress queue.
    public var queuedFrames: Int { egress.count }

    /// Sends one frame now, or queues it if the peer's queue is full, or
    /// counts a drop (queue overflow, peer down) and returns its reason. Never blocks.
    @discardableResult
    public func send(_ frame: [UInt8]) -> LinkDropReason? {
        if !egress.isEmpty { return enqueue(frame) }
        switch transmit(frame) {
        case .sent: return nil
        case .wouldBlock: return enqueue(frame)
        case .dropped(let reason):
            counters.drops[reason, default: 0] += 1
            return reason
        }
    }

    /// Sends one frame given as raw bytes (copied only if it must wait).
    @discardableResult
    public func send(_ frame: UnsafeRawBufferPointer) -> LinkDropReason? {
        send(Array(frame))
    }

    private enum Transmission { case sent, wouldBlock, dropped(LinkDropReason) }

    private func transmit(_ frame: [UInt8]) -> Transmission {
        guard connectIfNeeded() else { return .dropped(.peerDown) }
        var outcome = sender.send(frame)
        if case .peerGone = outcome {
            // The peer may have restarted: its old socket is dead, a new one
            // may be bound at the same path. Reconnect once and retry.
            isSenderConnected = false
            guard connectIfNeeded() else { return .dropped(.peerDown) }
            outcome = sender.send(frame)
        }
        switch outcome {
        case .sent:
            counters.framesOut += 1
            counters.bytesOut += frame.count
            return .sent
        case .wouldBlock:
            return .wouldBlock
        case .peerGone:
            isSenderConnected = false
            return .dropped(.peerDown)
        case .failed:
            return .dropped(.sendFailed)
        }
    }

    private func connectIfNeeded() -> Bool {
        if isSenderConnected { return true }
        do {
            try sender.connect(to: peerAddress)
            isSenderConnected = true
        } catch {
            isSenderConnected = false
        }
        return isSenderConnected
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
        try? loop.setWriteHandler(for: sender.fileDescriptor, on ? { [unowned self] in self.drain() } : nil)
    }

    private func drain() {
        while let frame = egress.first {
            switch transmit(frame) {
            case .sent:
                egress.removeFirst()
            case .wouldBlock:
                return
            case .dropped(let reason):
                // The peer vanished: what waits for it is stale. Drop it all.
                let dropped = reason == .peerDown ? Array(egress) : [egress.removeFirst()]
                if reason == .peerDown { egress.removeAll() }
                counters.drops[reason, default: 0] += dropped.count
                for frame in dropped { onQueuedDrop?(reason, frame) }
            }
        }
        watchWritable(false)
    }

    /// The abstract socket name (leading NUL) a datagram link end standing for
    /// the interface at `path` sends from: "rawnet-link-" and a 64-bit FNV-1a
    /// hash of the path as both ends spell it (daemons of a lab are given one
    /// run directory, spelled the same).
    public static func senderName(standingFor path: String) -> [UInt8] {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in path.utf8 { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        let hex = String(hash, radix: 16)
        return [0] + Array("rawnet-link-\(String(repeating: "0", count: 16 - hex.count))\(hex)".utf8)
    }

    private func readFrames() {
        for _ in 0..<Self.readBatch {
            let count: Int?
            do {
                count = try receiver.receive(into: receiveBuffer, sender: &lastSender)
            } catch {
                return
            }
            guard let count else { return }
            guard peerNames.contains(where: lastSender.matches) else {
                counters.drops[.notFromPeer, default: 0] += 1
                onForeignFrame?(UnsafeRawBufferPointer(rebasing: receiveBuffer[..<count]))
                continue
            }
            counters.framesIn += 1
            counters.bytesIn += count
            onFrame(UnsafeRawBufferPointer(rebasing: receiveBuffer[..<count]))
        }
    }
}
