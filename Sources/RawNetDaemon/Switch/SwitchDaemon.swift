import Logging
import RawNetContracts
import RawNetCore
import RawNetLabModel
import RawNetPlatform
import RawNetWire

/// The process behind a switch node (`rawnetd switch NAME`): one link port
/// and one egress impairment engine per port, as any node has, around an
/// `EthernetSwitch` (Core) that learns, ages, floods and forwards, and runs the
/// spanning tree when the topology says `stp:`. No IP, no ARP: frames pass
/// through unchanged (tagged or untagged as the port says). Its control socket
/// answers `status`, `macs`, `stp`, `link`, `impair`, `subscribe` and `help`.
public final class SwitchDaemon {
    public let node: TopologyNode
    public let topology: Topology
    public let paths: SocketPaths
    private let pidLock: PIDFileLock
    let logger: Logger
    let loop: EventLoop
    let cableLoss: CableLoss
    var bridge: EthernetSwitch
    /// Ports down by command, and ports whose far end is down (no carrier).
    var carrier = CarrierState()
    var ports: [any FramePort] = []
    var impairments: [ImpairmentEngine] = []
    public let isImpairmentBypassed: Bool
    var counters: [InterfaceCounters] = []
    var peers: [String?] = []
    /// Each port's VXLAN tunnel as traces name it, nil for other links.
    var tunnelNames: [String?] = []
    var control: ControlServer?
    let subscribers: TraceSubscribers
    private(set) var now = NodeDaemon.readClock()
    private var traceClock = TraceClock()
    private var timer = LoopTimer()
    let startedAt = NodeDaemon.readClock()
    private var isShutDown = false

    public init(name: String, runDirectory: String, logger: Logger? = nil,
                bypassImpairment: Bool = NodeDaemon.isBypassRequestedByEnvironment) throws {
        isImpairmentBypassed = bypassImpairment
        (paths, topology, node) = try DaemonSupport.loadNode(name, runDirectory: runDirectory)
        guard node.kind == .switch else {
            throw NodeDaemonError("node '\(name)' is a \(node.kind.rawValue), not a switch: run 'rawnet \(node.kind.rawValue) \(name)'")
        }
        var log = logger ?? Logger(label: "rawnet.\(name)")
        log[metadataKey: "node"] = .string(name)
        self.logger = log
        subscribers = TraceSubscribers(node: name)
        pidLock = try DaemonSupport.lockPIDFile(paths, node: name)
        bridge = node.ethernetSwitch
        loop = try EventLoop()
        cableLoss = CableLoss(loop: loop)
        try setUpPorts()
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

    private func setUpPorts() throws {
        for index in node.interfaces.indices {
            let (port, endpoint, link, peer, tunnelName) = try openPort(index, in: topology, paths: paths, loop: loop)
            port.onFrame = { [unowned self] bytes in self.frameArrived(Array(bytes), on: index) }
            (port as? LinkPort)?.onForeignFrame = { [unowned self] bytes in
                self.dropped(Array(bytes), on: index, reason: .notFromPeer, detail: "sender is not \(self.ports[index].peerName)")
            }
            ports.append(port)
            watchQueuedDrops(on: index)
            cableLoss.watch(port, index: index) { [unowned self] isUp, index in self.cableChanged(isUp: isUp, on: index) }
            peers.append(peer)
            tunnelNames.append(tunnelName)
            counters.append(InterfaceCounters())
            var engine = ImpairmentEngine(seed: NodeDaemon.seed(for: endpoint))
            if !isImpairmentBypassed { engine.update(link?.impairmentSettings(leaving: endpoint) ?? .perfect, now: now) }
            impairments.append(engine)
        }
    }

    /// Runs until SIGTERM or SIGINT (or the run directory disappears), then removes the node's files.
    public func run() throws {
        try DaemonSupport.stopOnSignals(loop, logger: logger)
        let pidFile = PIDFile(path: paths.pidFile(node: node.name))
        try pidLock.write()
        logger.info("switch \(node.name) up: \(node.interfaces.map { "\($0.name) \($0.switchPort?.description ?? "")" }.joined(separator: ", "))")
        defer {
            shutDown()
            pidFile.remove()
            pidLock.release()
        }
        DaemonSupport.watchForAbandonment(loop, runDirectory: paths.runDirectory, logger: logger) { [unowned self] in
            for index in self.carrier.adminDown where self.peers[index] != nil {
                CarrierState.tell(self.ports[index], isUp: false)
            }
        }
        if let stp = node.spanningTree {
            logger.info("spanning tree on: priority \(stp.priority), hello \(stp.helloTime), max age \(stp.maxAge), forward delay \(stp.forwardDelay)")
        }
        perform(bridge.start(now: now))
        rearmTimer()
        try loop.run()
    }

    /// Closes every socket. Safe to call twice.
    public func shutDown() {
        guard !isShutDown else { return }
        isShutDown = true
        subscribers.captures.stopAll()   // what the files still hold in memory is written out
        control?.close()
        for port in ports { port.close() }
        logger.info("stopped")
    }

    var wallTime: Int64 { traceClock.now() }
    /// A fresh reading for a frame about to be written (see `TraceClock.fresh`).
    var sendTime: Int64 { traceClock.fresh() }

    // MARK: Frames

    private func frameArrived(_ frame: [UInt8], on index: Int) {
        if frame.count < EthernetView.headerLength, let isUp = CarrierSignal.state(in: frame) {
            carrierChanged(isUp: isUp, on: index)
            return
        }
        counters[index].countReceived(bytes: frame.count)
        if !subscribers.isEmpty {
            trace(.received, interface: index, bytes: frame, detail: tunnelNames[index], time: traceClock.fresh())
        }
        perform(bridge.receive(frame: frame, on: index, now: now))
    }

    func perform(_ outputs: [SwitchOutput]) {
        for output in outputs {
            switch output {
            case .transmit(let port, let frame):
                egress(frame, on: port)
            case .dropped(let port, let reason, let frame, let detail):
                dropped(frame, on: port, reason: reason, detail: detail)
            case .note(let port, let text):
                if !subscribers.isEmpty { trace(.note, interface: port, bytes: nil, detail: text) }
            }
        }
    }

    private func dropped(_ frame: [UInt8], on index: Int, reason: DropReason, detail: String) {
        counters[index].countDrop(reason)
        if !subscribers.isEmpty { trace(.dropped, interface: index, bytes: frame, reason: reason.rawValue, detail: detail) }
    }

    /// Keeps one loop timer at the earliest deadline of the impairment engines
    /// and the switch (MAC ageing, spanning tree timers).
    private func rearmTimer() {
        let next = [earliestImpairmentDeadline, bridge.nextDeadline()].compactMap { $0 }.min()
        timer.set(next, on: loop) { [unowned self] in
            self.timer.fired()
            self.releaseDueFrames()
            self.perform(self.bridge.poll(now: self.now))
        }
    }

    func trace(_ kind: TraceEvent.Kind, interface: Int?, bytes: [UInt8]?, reason: String? = nil, detail: String? = nil,
               time: Int64? = nil) {
        let name = interface.flatMap { node.interfaces.indices.contains($0) ? node.interfaces[$0].name : nil }
        subscribers.offer(time: time ?? wallTime, interface: name, kind: kind, frame: bytes, reason: reason, detail: detail)
    }
}

extension SwitchDaemon: CountingEgress {
    func traceFrame(_ kind: TraceEvent.Kind, interface index: Int, bytes: [UInt8], reason: String?, detail: String?,
                    time: Int64?) {
        trace(kind, interface: index, bytes: bytes, reason: reason, detail: detail, time: time)
    }
}
