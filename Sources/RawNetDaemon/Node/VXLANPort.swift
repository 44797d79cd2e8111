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
/// send buffer is full, frames wait in a bounded egress queue.
final class VXLANPort: FramePort {
    let tunnel: VXLANTunnel
    let queueLimit: Int
    private(set) var counters = LinkCounters()
    var onFrame: (UnsafeRawBufferPointer) -> Void = { _ in }
    /// A datagram that carried no frame for this link: the reason, its UDP payload and a detail.
    var onRefused: (DropReason, UnsafeRawBufferPointer, String) -> Void = { _, _, _ in }
    /// The loop's current time, for `liveness`.
    var clock: () -> Instant = { Instant(nanoseconds: MonotonicClock.now()) }
    /// When frames last came from the remote.
    private(set) var liveness = TunnelLiveness()
    /// The last error the kernel reported for the remote (an ICMP error, no route), nil once frames arrive.
    private(set) var lastError: String?

    private let loop: EventLoop
    private let socket: KernelUDPSocket
    private var egress = Deque<[UInt8]>()
    private var receiveBuffer: UnsafeMutableRawBufferPointer
    private static let readBatch = 64

    init(loop: EventLoop, tunnel: VXLANTunnel, queueLimit: Int) throws {
        self.loop = loop
        self.tunnel = tunnel
        self.queueLimit = queueLimit
        socket = try KernelUDPSocket(boundTo: tunnel.local.value, port: tunnel.port)
        receiveBuffer = .allocate(byteCount: 65_536, alignment: 16)
        try loop.setReadHandler(for: socket.fileDescriptor) { [unowned self] in self.readDatagrams() }
    }

    deinit { receiveBuffer.deallocate() }

    var linkType: String { "vxlan" }
    var peerName: String { "\(tunnel.remote):\(tunnel.port)" }
    var queuedFrames: Int { egress.count }
    /// A tunnel has no connection: a frame sent now always reaches the kernel.
    var isConnected: Bool { true }

    func close() {
        loop.remove(socket.fileDescriptor)
        socket.close()
        egress.removeAll()
    }

    func send(_ frame: [UInt8]) {
        let datagram = tunnel.encapsulate(frame)
        if !egress.isEmpty {
            enqueue(datagram)
            return
        }
        switch transmit(datagram) {
        case .sent: break
        case .wouldBlock: enqueue(datagram)
        case .dropped(let reason): counters.drops[reason, default: 0] += 1
        }
    }

    private enum Transmission { case sent, wouldBlock, dropped(LinkDropReason) }

    private func transmit(_ datagram: [UInt8]) -> Transmission {
        let outcome = datagram.withUnsafeBytes { socket.send($0, to: tunnel.remote.value, port: tunnel.port) }
        switch outcome {
        case .sent:
            counters.framesOut += 1
            counters.bytesOut += datagram.count - VXLANHeader.length
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

    private func enqueue(_ datagram: [UInt8]) {
        guard egress.count < queueLimit else {
            counters.drops[.queueOverflow, default: 0] += 1
            return
        }
        egress.append(datagram)
        if egress.count == 1 { watchWritable(true) }
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
                egress.removeFirst()
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
                case .frame(let range):
                    liveness.heard(at: clock())
                    lastError = nil
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
}
