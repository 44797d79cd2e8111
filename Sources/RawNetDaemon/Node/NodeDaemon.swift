import Logging
import RawNetContracts
import RawNetCore
import RawNetLabModel
import RawNetPlatform
import RawNetWire

/// Why a daemon could not start.
public struct NodeDaemonError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// The process behind one router or host of a lab (`rawnet router NAME` /
/// `rawnet host NAME`): one event loop driving the node's `IPNode`, one
/// link port (`FramePort`: datagram or seqpacket, as the lab says) and one
/// egress `ImpairmentEngine` per interface, the control
/// socket, and for hosts a `HostTransport`: the app API with the apps'
/// UDP, ICMP and TCP sockets and the host's TCP.
///
/// Everything runs on the loop's thread. Input never stops it: malformed
/// frames are counted drops, bad control lines and bad app messages get error
/// answers. SIGTERM or SIGINT end `run()`, removing the node's socket and pid files.
public final class NodeDaemon {
    public let node: TopologyNode
    public let topology: Topology
    public let paths: SocketPaths
    /// The lock on `NODE.pid`, held from `init` until `run` ends.
    private let pidLock: PIDFileLock
    let logger: Logger
    let loop: EventLoop
    /// Cables whose peer process ended (seqpacket), turned into carrier loss.
    let cableLoss: CableLoss
    var ip: IPNode
    var ports: [any FramePort] = []
    var impairments: [ImpairmentEngine] = []
    /// VLAN subinterfaces (`eth0.10`) by parent interface and VLAN, and each one's VLAN (`NodeDaemon+VLAN`).
    var subinterfaces: [Int: [UInt16: Int]] = [:]
    var subinterfaceVLAN: [Int: UInt16] = [:]
    /// Interfaces down by command, and links whose far end is down (no carrier).
    var carrier = CarrierState()
    /// True when frames skip the impairment engines (see `bypassEnvironmentVariable`).
    public let isImpairmentBypassed: Bool
    /// `node:interface` of each interface's peer, nil when not cabled.
    var peers: [String?] = []
    /// Each interface's VXLAN tunnel as traces name it (`vxlan vni 2 A:4789 > B:4789`), nil for other links.
    var tunnelNames: [String?] = []
    var control: ControlServer?
    var apps: AppServer?
    /// The host's transport: sockets, TCP and the app API (nil on routers).
    var host: HostTransport<NodeDaemon, AppServer>?
    /// A router's RIP, when the topology switches it on (`NodeDaemon+RIP`).
    var rip: RIPRouter?
    /// Who streams this node's trace events (`subscribe`).
    let subscribers: TraceSubscribers
    /// The monotonic time of the loop's current wake-up: read once when it
    /// starts (`EventLoop.beforeEvents`) and passed down to every handler and
    /// timer it runs; read once more for the TCP pass that ends the wake-up
    /// (`finishWakeUp`). Each phase sees one time.
    private(set) var now = NodeDaemon.readClock()
    /// The wall-clock times trace events carry (see `TraceClock`).
    private var traceClock = TraceClock()
    private var timer: TimerID?
    private var timerDeadline: Int64?
    /// Something changed a deadline since the timer was last set (see `finishWakeUp`).
    var isTimerStale = false
    let startedAt = NodeDaemon.readClock()
    private var isShutDown = false

    /// Default egress queue limit of a link port when the topology sets none.
    public static let defaultQueueLimit = 256

    /// Sets up the node `name` of the lab in `runDirectory` (reading `lab.conf`
    /// there): binds its link sockets, control socket and (hosts) app API.
    /// - Parameter kind: the kind the command line asked for; a mismatch is an error.
    /// - Parameter bypassImpairment: send frames straight to the links, skipping the
    ///   impairment engines; by default, as `RAWNET_BYPASS_IMPAIRMENT=1` says.
    public init(name: String, kind: NodeKind, runDirectory: String, logger: Logger? = nil,
                bypassImpairment: Bool = NodeDaemon.isBypassRequestedByEnvironment) throws {
        isImpairmentBypassed = bypassImpairment
        (paths, topology, node) = try DaemonSupport.loadNode(name, runDirectory: runDirectory)
        guard node.kind.hasDaemon else {
            throw NodeDaemonError("node '\(name)' is a linux node: no RawNet stack runs it; `rawnet attach \(name)` joins a Linux namespace to the lab in its place")
        }
        guard node.kind == kind else {
            throw NodeDaemonError("node '\(name)' is a \(node.kind.rawValue), not a \(kind.rawValue): run 'rawnet \(node.kind.rawValue) \(name)'")
        }
        var log = logger ?? Logger(label: "rawnet.\(name)")
        log[metadataKey: "node"] = .string(name)
        self.logger = log
        subscribers = TraceSubscribers(node: name)

        pidLock = try DaemonSupport.lockPIDFile(paths, node: name)
        ip = IPNode(node)
        ip.countsTransmits = false   // counted as frames leave (`frameLeft`), after the impairment and the link queue
        loop = try EventLoop()
        cableLoss = CableLoss(loop: loop)
        try setUpInterfaces()
        if let configuration = node.rip { startRIP(configuration) }
        control = try ControlServer(loop: loop, path: paths.control(node: name)) { [unowned self] client, line in
            self.handleControlLine(line, from: client)
        }
        if let control { subscribers.attach(to: control) }
        if kind == .host {
            let server = try AppServer(loop: loop, path: paths.appAPI(node: name)) { [unowned self] client, message in
                self.host?.handleAppMessage(message, from: client, now: self.now)
                self.isTimerStale = true
            }
            server.onDisconnect = { [unowned self] client, leftMessagesUnread in
                let count = self.host?.closeSockets(ownedBy: client, now: self.now,
                                                    leftMessagesUnread: leftMessagesUnread) ?? 0
                if count > 0 { self.logger.info("app \(client) left, closed \(count) socket(s)") }
                self.isTimerStale = true
            }
            server.onDrained = { [unowned self] _ in
                self.host?.requestTCPPass()
            }
            apps = server
            let transport = HostTransport(node: node, network: self, apps: server, logger: self.logger)
            transport.emit = { [unowned self] event in self.broadcast(event) }
            transport.traceTime = { [unowned self] in self.wallTime }
            transport.offer = { [unowned self] time, key, build in
                self.subscribers.offer(time: time, interface: nil, bytes: 0, countedAs: key, build)
            }
            host = transport
            subscribers.onChange = { [unowned self] in self.host?.isTracing = self.subscribers.hasEventSubscribers }
            _ = loop.scheduleRepeating(every: .seconds(1)) { [unowned self] in self.host?.recountTCPMemory() }
        }
        loop.beforeEvents = { [unowned self] time in
            self.now = Instant(nanoseconds: time)
            self.traceClock.startWakeUp()
        }
        loop.afterEvents = { [unowned self] in self.finishWakeUp() }
    }

    /// Work done once per wake-up of the loop, after every frame, app message
    /// and timer of that wake-up: the TCP pass they asked for (or one that
    /// waited for room in an egress queue), then the timer.
    func finishWakeUp() {
        if let host, host.isPassDue {
            // The pass's segments leave now, after all the input of this
            // wake-up: they are stamped with a second reading (stamping them
            // with the wake-up's start cost a fifth of one connection's goodput).
            now = Self.readClock()
            host.runTCP(now: now)
            isTimerStale = true
        }
        if isTimerStale { rearmTimer() }
    }

    private func setUpInterfaces() throws {
        for (index, interface) in node.interfaces.enumerated() {
            if interface.subinterface != nil {
                try setUpSubinterface(index)
                continue
            }
            let (port, endpoint, link, peer, tunnelName) = try openPort(index, in: topology, paths: paths, loop: loop)
            port.onFrame = { [unowned self] bytes in self.frameArrived(Array(bytes), on: index) }
            (port as? LinkPort)?.onForeignFrame = { [unowned self] bytes in self.foreignFrame(bytes, on: index) }
            ports.append(port)
            watchQueuedDrops(on: index)
            // A peer whose process ended takes its end of the cable with it: no carrier, as
            // for a machine switched off, until a cable connects again.
            cableLoss.watch(port, index: index) { [unowned self] isUp, index in self.cableChanged(isUp: isUp, on: index) }
            peers.append(peer)
            tunnelNames.append(tunnelName)
            var settings = ImpairmentSettings.perfect
            for (option, value) in isImpairmentBypassed ? [:] : link?.impairment(leaving: endpoint) ?? [:] {
                do {
                    try settings.set(option, to: value)
                } catch {
                    throw NodeDaemonError("impairment '\(option): \(value)' on \(endpoint): \(error)")
                }
            }
            var engine = ImpairmentEngine(seed: Self.seed(for: endpoint))
            engine.update(settings, now: now)
            impairments.append(engine)
        }
    }

    /// A stable seed per interface, so a lab replays the same fates when no seed is given.
    static func seed(for endpoint: LinkEndpoint) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in endpoint.description.utf8 {
            hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
        }
        return hash
    }

    /// Runs until SIGTERM or SIGINT, then removes the node's files.
    public func run() throws {
        try DaemonSupport.stopOnSignals(loop, logger: logger)
        let pidFile = PIDFile(path: paths.pidFile(node: node.name))
        try pidLock.write()
        logger.info("\(node.kind.rawValue) \(node.name) up: \(node.interfaces.map { "\($0.name) \($0.address)" }.joined(separator: ", "))")
        if isImpairmentBypassed { logger.info("impairment engines bypassed (\(Self.bypassEnvironmentVariable))") }
        defer {
            shutDown()
            pidFile.remove()
            pidLock.release()
        }
        announceRIP()
        rearmTimer()
        DaemonSupport.watchForAbandonment(loop, runDirectory: paths.runDirectory, logger: logger) { [unowned self] in
            self.repeatCarrierOff()
        }
        try loop.run()
    }

    /// Closes every socket (removing the files). Safe to call twice.
    public func shutDown() {
        guard !isShutDown else { return }
        isShutDown = true
        subscribers.captures.stopAll()   // what the files still hold in memory is written out
        control?.close()
        apps?.close()
        // A subinterface shares its parent's port: close each port once.
        for (index, port) in ports.enumerated() where subinterfaceVLAN[index] == nil { port.close() }
        logger.info("stopped")
    }

    /// The monotonic clock: read when the loop wakes and before the closing TCP pass (see `now`).
    static func readClock() -> Instant { Instant(nanoseconds: MonotonicClock.now()) }

    /// The wall-clock time for trace events of this wake-up (read when the first one needs it).
    var wallTime: Int64 { traceClock.now() }
    /// A fresh reading for a frame about to be written (see `TraceClock.fresh`); the wake-up's
    /// reading while the frame would only be tallied (a clock read less per frame).
    var sendTime: Int64 { frameTime() }

    /// The stamp of a frame read from or about to be written to a link: a fresh reading (so
    /// no frame shown is stamped before its cause), unless the frame would only be tallied:
    /// a tally keeps only the first and last time of its interval, where the wake-up's
    /// reading is as good.
    private func frameTime() -> Int64 {
        let now = traceClock.now()
        return subscribers.onlyTallies(at: now) ? now : traceClock.fresh()
    }

    // MARK: Frames

    private func frameArrived(_ frame: consuming [UInt8], on index: Int) {
        let frame = frame
        if frame.count < EthernetView.headerLength, let isUp = CarrierSignal.state(in: frame) {
            carrierChanged(isUp: isUp, on: index)
            return
        }
        if !subscribers.isEmpty {
            trace(.received, interface: index, bytes: frame, detail: tunnelNames[index], time: frameTime())
        }
        if !subinterfaces.isEmpty, let (sub, untagged) = subinterfaceFrame(frame, on: index) {
            ip.countReceived(bytes: frame.count, interface: index)   // the parent counts what crossed its cable
            perform(ip.receive(frame: untagged, on: sub, now: now))
            isTimerStale = true
            return
        }
        perform(ip.receive(frame: consume frame, on: index, now: now))
        isTimerStale = true
    }

    /// A datagram a link port refused as not from its peer: counted on the
    /// interface and traced, never handed to the IP layer.
    private func foreignFrame(_ bytes: UnsafeRawBufferPointer, on index: Int) {
        ip.countDrop(.notFromPeer, interface: index)
        if !subscribers.isEmpty {
            trace(.dropped, interface: index, bytes: Array(bytes), reason: DropReason.notFromPeer.rawValue,
                  detail: "sender is not \(ports[index].peerName)")
        }
    }

    /// Carries out what the IP layer asked for.
    func perform(_ outputs: [NodeOutput]) {
        for output in outputs {
            switch output {
            case .transmit(let interface, let frame):
                egress(subinterfaceVLAN.isEmpty ? frame : tagged(frame, for: interface), on: interface)
            case .deliver(let packet):
                deliver(packet)
            case .dropped(let record):
                if !subscribers.isEmpty {
                    broadcast(TraceEvent(record, node: node.name, interfaceNames: interfaceNames, time: wallTime))
                }
            case .event(let event):
                guard !subscribers.isEmpty else { continue }
                // A router notes every packet it forwards: its text is written only for a subscriber that reads it.
                let time = wallTime
                let name = event.interface.flatMap { node.interfaces.indices.contains($0) ? node.interfaces[$0].name : nil }
                subscribers.offer(time: time, interface: name, bytes: 0,
                                  countedAs: TraceSummary.Key(interface: name, kind: .note, proto: nil, reason: event.traceWord)) {
                    TraceEvent(event, node: node.name, interfaceNames: interfaceNames, time: time)
                }
            }
        }
    }

    // MARK: Timer

    /// Keeps one loop timer at the earliest deadline of the IP layer and impairments.
    func rearmTimer() {
        isTimerStale = false
        var next = ip.nextDeadline()
        // Connections a full egress queue holds back wait for its writable wake-up, not a timer.
        if let deadline = host?.earliestDeadline(), next.map({ deadline < $0 }) ?? true {
            next = deadline
        }
        if let deadline = earliestImpairmentDeadline, next.map({ deadline < $0 }) ?? true { next = deadline }
        if let deadline = rip?.nextDeadline(), next.map({ deadline < $0 }) ?? true { next = deadline }
        guard let next else {
            if let timer { loop.cancel(timer) }
            timer = nil
            timerDeadline = nil
            return
        }
        if timerDeadline == next.nanoseconds { return }
        if let timer { loop.cancel(timer) }
        timerDeadline = next.nanoseconds
        timer = loop.schedule(at: next.nanoseconds) { [unowned self] in
            self.timer = nil
            self.timerDeadline = nil
            self.timerFired()
        }
    }

    private func timerFired() {
        let now = self.now
        perform(ip.poll(now: now))
        pollRIP()
        host?.runTCP(now: now)
        releaseDueFrames()
        rearmTimer()
    }

    // MARK: Trace

    /// Streams one event to every subscriber. `bytes` is an Ethernet frame, or
    /// with `isPacket` a bare IPv4 packet (given a blank Ethernet header).
    func trace(_ kind: TraceEvent.Kind, interface: Int?, bytes: [UInt8], isPacket: Bool = false,
               reason: String? = nil, detail: String? = nil, time: Int64? = nil) {
        let name = interface.flatMap { node.interfaces.indices.contains($0) ? node.interfaces[$0].name : nil }
        var frame = bytes
        if isPacket { frame = [UInt8](repeating: 0, count: 12) + [0x08, 0x00] + bytes }
        subscribers.offer(time: time ?? wallTime, interface: name, kind: kind, frame: frame, reason: reason, detail: detail)
    }

    /// Sends one trace event to every subscriber (or counts it in that subscriber's gap).
    func broadcast(_ event: TraceEvent) {
        subscribers.broadcast(event)
    }

    var interfaceNames: [String] { node.interfaces.map(\.name) }

    // MARK: Packets for this node

    /// A packet the IP layer delivered to this node: to the host's transport;
    /// a router has no sockets, so it answers as a host with no socket there
    /// does: TCP gets a RST, UDP an ICMP port unreachable (`IPNode.refuse`).
    func deliver(_ packet: DeliveredPacket) {
        if rip != nil, receiveRIP(packet) { return }
        if let host { return host.deliver(packet, now: now) }
        perform(ip.refuse(packet, now: now))
    }
}

/// The IP layer as the host's transport sees it.
extension NodeDaemon: HostNetwork {
    func send(_ payload: IPv4Payload, to destination: IPv4Address, from source: IPv4Address?, timeToLive: UInt8?,
              now: Instant) -> [NodeOutput] {
        ip.send(payload, to: destination, from: source, timeToLive: timeToLive, now: now)
    }

    func sendPortUnreachable(about packet: DeliveredPacket, now: Instant) -> [NodeOutput] {
        ip.sendDestinationUnreachable(.port, about: packet, now: now)
    }

    func isOwnAddress(_ address: IPv4Address) -> Bool {
        ip.isOwnAddress(address)
    }

    func countNoSocket(_ packet: DeliveredPacket) {
        countDrop(.noSocketOnPort, packet: packet, detail: nil)
    }

    func countDrop(_ reason: DropReason, packet: DeliveredPacket, detail: String?) {
        ip.countDrop(reason, interface: packet.interface)
        if !subscribers.isEmpty {
            trace(.dropped, interface: packet.interface, bytes: packet.packet, isPacket: true,
                  reason: reason.rawValue, detail: detail)
        }
    }

    /// Segments the interfaces can take now without their egress queues
    /// dropping, keeping room for one connection's burst. Connections left
    /// over wait for the queue to drain (the port's writable wake-up), as
    /// Linux's TCP small queues hold a socket back instead of letting the
    /// qdisc drop its segments. At least one connection runs while the queues are empty.
    var segmentBudget: Int {
        var budget = Int.max
        for port in ports {
            let headroom = min(64, port.queueLimit / 2)
            let room = port.queueLimit - port.queuedFrames - headroom
            budget = min(budget, port.queuedFrames == 0 ? max(room, 1) : max(room, 0))
        }
        return budget
    }

}

extension NodeDaemon {
    /// Sends log lines to standard error (the supervisor keeps it in `NODE.log`),
    /// at `info` level or `debug` when `verbose`. Call once per process.
    public static func bootstrapLogging(verbose: Bool = false) {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = verbose ? .debug : .info
            return handler
        }
    }
}
