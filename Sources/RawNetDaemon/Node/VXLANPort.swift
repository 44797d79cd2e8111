import DequeModule
import RawNetCore
import RawNetPlatform
import RawNetWire

/// The end of a link carried over VXLAN (`VXLANTunnel`): a kernel UDP socket
/// bound to the tunnel's local address and port, in the daemon's loop like
/// any link port. Each frame leaves as one datagram to the remote behind the
/// 8-byte VXLAN header; a datagram is a frame only when it comes from the
/// remote with this link's VNI (`VXLANTunnel.classify`), anything else is
/// refused through `onRefused` with its reason. Never blocks: when the kernel's
/// send buffer is full, frames wait in a bounded egress queue. Keeps its own
/// loop timer for the tunnel's keepalives (`TunnelKeepalive`, sent after an
/// interval without sending, counted, never delivered) and for declaring the
/// remote down (`TunnelLiveness`); `onStateChange` hears each change.
final class VXLANPort: FramePort {
    let tunnel: VXLANTunnel
    let queueLimit: Int
    private(set) var counters = LinkCounters()
    var onFrame: (UnsafeRawBufferPointer) -> Void = { _ in }
    var onQueuedDrop: ((LinkDropReason, [UInt8]) -> Void)?
    /// Never called: a tunnel has no connection (its liveness is what was last heard).
    var onCableChange: ((Bool) -> Void)?
    /// A datagram that carried no frame for this link: the reason, its UDP payload and a detail.
    var onRefused: (DropReason, UnsafeRawBufferPointer, String) -> Void = { _, _, _ in }
    /// The loop's current time, for `liveness`.
    var clock: () -> Instant = { Instant(nanoseconds: MonotonicClock.now()) }
    /// The remote's state changed (`up` on the first frame after `waiting` or `down`, `down` after the missed intervals).
    var onStateChange: (TunnelLiveness.State) -> Void = { _ in }
    /// When frames last came from the remote, and when this end last sent.
    private(set) var liveness: TunnelLiveness
    /// The last error the kernel reported for the remote (an ICMP error, no route), nil once frames arrive.
    private(set) var lastError: String?

    private let loop: EventLoop
    private let socket: KernelUDPSocket
    private var egress = Deque<[UInt8]>()
    private var receiveBuffer: UnsafeMutableRawBufferPointer
    private static let readBatch = 64
    /// The keepalive datagram, made once.
    private let keepalive: [UInt8]
    private var timer = LoopTimer()

    /// - Parameter mac: the interface's MAC address, the keepalives' source.
    /// - Parameter socket: the UDP socket when already bound (a bridge binds it
    ///   before it enters its node's namespace), else bound here.
    init(loop: EventLoop, tunnel: VXLANTunnel, queueLimit: Int, mac: MACAddress, socket: KernelUDPSocket? = nil) throws {
        self.loop = loop
        self.tunnel = tunnel
        self.queueLimit = queueLimit
        self.socket = try socket ?? KernelUDPSocket(boundTo: tunnel.local.value, port: tunnel.port)
        receiveBuffer = .allocate(byteCount: 65_536, alignment: 16)
        keepalive = tunnel.encapsulate(TunnelKeepalive.frame(from: mac))
        liveness = TunnelLiveness(tunnel, startedAt: Instant(nanoseconds: MonotonicClock.now()))
        try loop.setReadHandler(for: self.socket.fileDescriptor) { [unowned self] in self.readDatagrams() }
        rearm()
    }

    /// The state of the remote now.
    var state: TunnelLiveness.State { liveness.state(at: clock()) }

    private func rearm() {
        timer.set(liveness.nextDeadline(), on: loop) { [unowned self] in
            self.timer.fired()
            self.tick()
        }
    }

    /// Sends a keepalive when this end has been quiet for an interval, and tells a remote gone down.
    private func tick() {
        let now = clock()
        if liveness.keepaliveDue(at: now), egress.isEmpty {
            if case .sent = send(datagram: keepalive) { liveness.sent(at: now, isKeepalive: true) }
        }
        if let change = liveness.poll(at: now) { onStateChange(change) }
        rearm()
    }

    deinit { receiveBuffer.deallocate() }

    var linkType: String { "vxlan" }
    var peerName: String { "\(tunnel.remote):\(tunnel.port)" }
    var queuedFrames: Int { egress.count }
    /// A tunnel has no connection: a frame sent now always reaches the kernel.
    var isConnected: Bool { true }

    func close() {
        timer.set(nil, on: loop) {}
        loop.remove(socket.fileDescriptor)
        socket.close()
        egress.removeAll()
    }

    @discardableResult
    func send(_ frame: [UInt8]) -> LinkDropReason? {
        let datagram = tunnel.encapsulate(frame)
        if !egress.isEmpty { return enqueue(datagram) }
        switch transmit(datagram) {
        case .sent: return nil
        case .wouldBlock: return enqueue(datagram)
        case .dropped(let reason):
            counters.drops[reason, default: 0] += 1
            return reason
        }
    }

    private enum Transmission { case sent, wouldBlock, dropped(LinkDropReason) }

    private func transmit(_ datagram: [UInt8]) -> Transmission {
        switch send(datagram: datagram) {
        case .sent:
            counters.framesOut += 1
            counters.bytesOut += datagram.count - VXLANHeader.length
            liveness.sent(at: clock())
            return .sent
        case let other:
            return other
        }
    }

    /// One datagram to the remote; the kernel's error is kept as `lastError`.
    private func send(datagram: [UInt8]) -> Transmission {
        let outcome = datagram.withUnsafeBytes { socket.send($0, to: tunnel.remote.value, port: tunnel.port) }
        switch outcome {
        case .sent:
            return .sent
        case .wouldBlock:
            return .wouldBlock
        case .peerGone(let error):
            lastError = error.description
            return .dropped(.peerDown)
        case .failed(let error):
            lastError = error.description
            return .dropped(.sendFailed)
        }
    }

    private func enqueue(_ datagram: [UInt8]) -> LinkDropReason? {
        guard egress.count < queueLimit else {
            counters.drops[.queueOverflow, default: 0] += 1
            return .queueOverflow
        }
        egress.append(datagram)
        if egress.count == 1 { watchWritable(true) }
        return nil
    }

    private func watchWritable(_ on: Bool) {
        try? loop.setWriteHandler(for: socket.fileDescriptor, on ? { [unowned self] in self.drain() } : nil)
    }

    private func drain() {
        while let datagram = egress.first {
            switch transmit(datagram) {
            case .sent:
                egress.removeFirst()
            case .wouldBlock:
                return
            case .dropped(let reason):
                counters.drops[reason, default: 0] += 1
                onQueuedDrop?(reason, Array(egress.removeFirst().dropFirst(VXLANHeader.length)))
            }
        }
        watchWritable(false)
    }

    private func readDatagrams() {
        for _ in 0..<Self.readBatch {
            switch socket.receive(into: receiveBuffer) {
            case .none:
                return
            case .refused(let error):
                // An ICMP error for an earlier datagram: the remote (or the way to it) is not there.
                lastError = error.description
            case .datagram(let count, let address, let port):
                let payload = UnsafeRawBufferPointer(rebasing: receiveBuffer[..<min(count, receiveBuffer.count)])
                switch tunnel.classify(payload: payload, from: IPv4Address(address), sourcePort: port) {
                case .keepalive:
                    heard(isKeepalive: true)
                case .frame(let range):
                    heard(isKeepalive: false)
                    counters.framesIn += 1
                    counters.bytesIn += range.count
                    onFrame(UnsafeRawBufferPointer(rebasing: payload[range]))
                case .refused(let reason, let detail):
                    if reason == .notFromPeer { counters.drops[.notFromPeer, default: 0] += 1 }
                    onRefused(reason, payload, detail)
                }
            }
        }
    }

    private func heard(isKeepalive: Bool) {
        lastError = nil
        if let change = liveness.heard(at: clock(), isKeepalive: isKeepalive) {
            onStateChange(change)
            rearm()
        }
    }
}
