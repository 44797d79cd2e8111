import Logging
import RawNetContracts
import RawNetCore
import RawNetLabModel
import RawNetPlatform
import RawNetWire

/// The process behind an attached linux node (`rawnetd linux NAME`, started by
/// `rawnet attach NAME`): the node's end of each cable, owned by the Linux
/// kernel of a network namespace instead of a RawNet `IPNode`.
///
/// Per interface it holds a TAP device of the same name inside the node's
/// namespace (the kernel's interface, configured by `rawnet attach`) and the
/// interface's link port (`FramePort`, datagram or seqpacket as the lab says,
/// so it meets the peer daemon exactly as a RawNet node would). Frames the
/// kernel sends go through the interface's egress `ImpairmentEngine` to the
/// link; frames from the link go straight to the kernel (their impairment is
/// the peer's egress). The kernel does ARP, IP and TCP itself.
///
/// Its control socket `NODE.ctl` speaks the daemons' protocol for `status`,
/// `impair`, `link`, `subscribe` and `help`, so `rawnet status`, `impair`,
/// `trace` and `capture` treat it as any node. One thread, one loop.
public final class LinuxBridge {
    public let node: TopologyNode
    public let topology: Topology
    public let paths: SocketPaths
    /// The lock on `NODE.pid`, held from `init` until `run` ends.
    private let pidLock: PIDFileLock
    /// The network namespace the TAP devices live in.
    public let namespace: String
    let logger: Logger
    let loop: EventLoop
    var taps: [TapDevice] = []
    var ports: [any FramePort] = []
    var impairments: [ImpairmentEngine] = []
    /// A bridge always runs its impairment engines.
    let isImpairmentBypassed = false
    var counters: [InterfaceCounters] = []
    var isUp: [Bool] = []
    var peers: [String?] = []
    /// Each interface's VXLAN tunnel as traces name it, nil for other links.
    var tunnelNames: [String?] = []
    var control: ControlServer?
    let subscribers: TraceSubscribers
    private(set) var now = LinuxBridge.readClock()
    /// The wall-clock times trace events carry (see `TraceClock`).
    private var traceClock = TraceClock()
    private var timer = LoopTimer()
    let startedAt = LinuxBridge.readClock()
    private var isShutDown = false
    private var tapBuffer: UnsafeMutableRawBufferPointer
    private static let maximumFrame = 65_536
    /// Frames read from a TAP per readiness event before yielding.
    private static let readBatch = 64

    /// Sets up the linux node `name` of the lab in `runDirectory`: enters the
    /// namespace named in `NODE.netns`, creates a TAP device per interface there,
    /// opens the link sockets and the control socket.
    public init(name: String, runDirectory: String, logger: Logger? = nil) throws {
        (paths, topology, node) = try DaemonSupport.loadNode(name, runDirectory: runDirectory)
        guard node.kind == .linux else {
            throw NodeDaemonError("node '\(name)' is a \(node.kind.rawValue), not a linux node: run 'rawnet \(node.kind.rawValue) \(name)'")
        }
        var log = logger ?? Logger(label: "rawnet.\(name)")
        log[metadataKey: "node"] = .string(name)
        self.logger = log
        pidLock = try DaemonSupport.lockPIDFile(paths, node: name)
        subscribers = TraceSubscribers(node: name)
        tapBuffer = .allocate(byteCount: Self.maximumFrame, alignment: 16)

        let record = paths.namespaceRecord(node: name)
        guard let bytes = try? FileSystem.readBytes(at: record) else {
            throw NodeDaemonError("node '\(name)' has no network namespace (\(record) is missing): `rawnet attach \(name)` creates it and starts this bridge")
        }
        namespace = String(decoding: bytes, as: UTF8.self).filter { !$0.isWhitespace }
        // A VXLAN link end's socket stays in the namespace it was made in: the underlay's, not the node's.
        let tunnelSockets = try DaemonSupport.bindTunnelSockets(of: node, in: topology)
        do {
            try NetworkNamespace.enter(path: NetworkNamespace.path(named: namespace))
        } catch {
            throw NodeDaemonError("cannot enter network namespace '\(namespace)': \(error)")
        }
        loop = try EventLoop()
        try setUpInterfaces(tunnelSockets: tunnelSockets)
        control = try ControlServer(loop: loop, path: paths.control(node: name)) { [unowned self] client, line in
            DaemonSupport.answerLine(line) { self.answer($0, from: client) }
        }
        if let control { subscribers.attach(to: control) }
        loop.beforeEvents = { [unowned self] time in
            self.now = Instant(nanoseconds: time)
            self.traceClock.startWakeUp()
        }
        loop.afterEvents = { [unowned self] in self.rearmTimer() }
    }

    deinit { tapBuffer.deallocate() }

    private func setUpInterfaces(tunnelSockets: [Int: KernelUDPSocket]) throws {
        for (index, interface) in node.interfaces.enumerated() {
            let tap: TapDevice
            do {
                tap = try TapDevice(name: interface.name)
            } catch {
                throw NodeDaemonError("cannot create TAP device '\(interface.name)' in namespace '\(namespace)': \(error)")
            }
            taps.append(tap)
            try loop.setReadHandler(for: tap.fileDescriptor) { [unowned self] in self.readTap(index) }

            let (port, endpoint, link, peer, tunnelName) = try openPort(index, in: topology, paths: paths, loop: loop,
                                                                        tunnelSocket: tunnelSockets[index])
            port.onFrame = { [unowned self] bytes in self.frameArrived(bytes, on: index) }
            (port as? LinkPort)?.onForeignFrame = { [unowned self] bytes in self.foreignFrame(bytes, on: index) }
            ports.append(port)
            watchQueuedDrops(on: index)
            peers.append(peer)
            tunnelNames.append(tunnelName)
            counters.append(InterfaceCounters())
            isUp.append(true)

            var engine = ImpairmentEngine(seed: NodeDaemon.seed(for: endpoint))
            engine.update(link?.impairmentSettings(leaving: endpoint) ?? .perfect, now: now)
            impairments.append(engine)
        }
    }

    /// Runs until SIGTERM or SIGINT (or the run directory disappears), then
    /// closes the TAP devices (removing them) and the node's socket and pid files.
    public func run() throws {
        try DaemonSupport.stopOnSignals(loop, logger: logger)
        let pidFile = PIDFile(path: paths.pidFile(node: node.name))
        try pidLock.write()
        let list = node.interfaces.map { "\($0.name) \($0.address)" }.joined(separator: ", ")
        logger.info("linux \(node.name) bridged in namespace \(namespace): \(list)")
        defer {
            shutDown()
            pidFile.remove()
            pidLock.release()
        }
        DaemonSupport.watchForAbandonment(loop, runDirectory: paths.runDirectory, logger: logger)
        try loop.run()
    }

    /// Closes every socket and TAP device. Safe to call twice.
    public func shutDown() {
        guard !isShutDown else { return }
        isShutDown = true
        subscribers.captures.stopAll()   // what the files still hold in memory is written out
        control?.close()
        for port in ports { port.close() }
        for (index, tap) in taps.enumerated() {
            loop.remove(tap.fileDescriptor)
            taps[index].close()
        }
        logger.info("stopped")
    }

    static func readClock() -> Instant { Instant(nanoseconds: MonotonicClock.now()) }

    var wallTime: Int64 { traceClock.now() }
    /// A fresh reading for a frame about to be written (see `TraceClock.fresh`).
    var sendTime: Int64 { traceClock.fresh() }

    // MARK: Frames

    /// Kernel → lab: each frame the kernel sent out of the TAP goes through the egress impairment.
    private func readTap(_ index: Int) {
        for _ in 0..<Self.readBatch {
            let count: Int?
            do {
                count = try taps[index].read(into: tapBuffer)
            } catch {
                logger.warning("reading \(taps[index].name): \(error)")
                return
            }
            guard let count, count > 0 else { return }
            egress(Array(UnsafeRawBufferPointer(rebasing: tapBuffer[..<count])), on: index)
        }
    }

    /// A datagram a link port refused as not from its peer: counted and traced, never written to the TAP.
    private func foreignFrame(_ bytes: UnsafeRawBufferPointer, on index: Int) {
        counters[index].countDrop(.notFromPeer)
        if !subscribers.isEmpty {
            trace(.dropped, interface: index, bytes: Array(bytes), reason: DropReason.notFromPeer.rawValue,
                  detail: "sender is not \(ports[index].peerName)")
        }
    }

    /// Lab → kernel: a frame from the link, written to the TAP as if it arrived on the wire.
    private func frameArrived(_ bytes: UnsafeRawBufferPointer, on index: Int) {
        if bytes.count < 14, let isUp = CarrierSignal.state(in: Array(bytes)) {
            // The kernel's interface keeps its carrier: noted, never written to the TAP device.
            if !subscribers.isEmpty {
                broadcast(TraceEvent(time: wallTime, node: node.name, interface: node.interfaces[index].name, kind: .note,
                                     detail: "\(peers[index] ?? "the peer") says its end is \(isUp ? "up" : "down")"))
            }
            return
        }
        counters[index].countReceived(bytes: bytes.count)
        if !subscribers.isEmpty {
            trace(.received, interface: index, bytes: Array(bytes), detail: tunnelNames[index], time: traceClock.fresh())
        }
        guard isUp[index] else {
            drop(Array(bytes), on: index, reason: .linkDown, detail: "interface down")
            return
        }
        do {
            if try !taps[index].write(bytes) {
                drop(Array(bytes), on: index, reason: .queueOverflow, detail: "the kernel's TAP backlog is full")
            }
        } catch {
            drop(Array(bytes), on: index, reason: .sendFailed, detail: "write to TAP \(taps[index].name): \(error)")
        }
    }

    private func drop(_ frame: [UInt8], on index: Int, reason: DropReason, detail: String) {
        counters[index].countDrop(reason)
        if !subscribers.isEmpty { trace(.dropped, interface: index, bytes: frame, reason: reason.rawValue, detail: detail) }
    }

    // MARK: Timer

    /// Keeps one loop timer at the earliest deadline of the impairment engines.
    private func rearmTimer() {
        timer.set(earliestImpairmentDeadline, on: loop) { [unowned self] in
            self.timer.fired()
            self.releaseDueFrames()
        }
    }

    // MARK: Trace

    func trace(_ kind: TraceEvent.Kind, interface: Int, bytes: [UInt8], reason: String? = nil, detail: String? = nil,
               time: Int64? = nil) {
        subscribers.offer(time: time ?? wallTime, interface: node.interfaces[interface].name, kind: kind, frame: bytes,
                          reason: reason, detail: detail)
    }
}

extension LinuxBridge: CountingEgress {
    func traceFrame(_ kind: TraceEvent.Kind, interface index: Int, bytes: [UInt8], reason: String?, detail: String?,
                    time: Int64?) {
        trace(kind, interface: index, bytes: bytes, reason: reason, detail: detail, time: time)
    }
}
