import Logging
import RawNetContracts
import RawNetCore
import RawNetLabModel
import RawNetPlatform

/// What every daemon kind (`NodeDaemon`, `SwitchDaemon`, `LinuxBridge`) does the
/// same way: finding its node in `lab.conf`, its pid-file lock, control lines,
/// interface status rows, the impairment timer and the run loop's lifetime.
enum DaemonSupport {
    /// The lab in `runDirectory` and the node `name` of it.
    static func loadNode(_ name: String, runDirectory: String) throws(NodeDaemonError)
        -> (paths: SocketPaths, topology: Topology, node: TopologyNode) {
        let paths = SocketPaths(runDirectory: runDirectory)
        let topology: Topology
        do {
            // Only this node's part: a daemon of a big lab must not parse every node's lines.
            topology = try LabConfig.load(path: paths.labConfigFile, onlyFor: name)
            try paths.check(topology, file: paths.labConfigFile)
        } catch {
            throw NodeDaemonError("cannot load the lab: \(error)")
        }
        guard let node = topology.node(named: name) else {
            let whole = (try? LabConfig.load(path: paths.labConfigFile)) ?? topology
            throw NodeDaemonError(whole.noNodeMessage(name))
        }
        return (paths, topology, node)
    }

    /// The lock on `NODE.pid`, taken before any socket is bound: a second daemon
    /// for this node stops here, leaving the running one's files alone. Held for
    /// the daemon's life: `rawnet down` signals only the holder of this lock.
    static func lockPIDFile(_ paths: SocketPaths, node name: String) throws(NodeDaemonError) -> PIDFileLock {
        do {
            return try PIDFile(path: paths.pidFile(node: name)).lock()
        } catch {
            throw NodeDaemonError("\(paths.pidFile(node: name)) is locked by a running daemon of '\(name)' (\(error))")
        }
    }

    /// Opens the link port of `interface` of `node` (an uncabled one listens with
    /// its own name and ".none" as the peer) and names its link and peer.
    static func openLinkPort(_ interface: TopologyInterface, of node: TopologyNode, in topology: Topology,
                             paths: SocketPaths, loop: EventLoop,
                             openTunnel: ((VXLANTunnel, Int, LinkEndpoint?) throws -> any FramePort)? = nil) throws
        -> (port: any FramePort, endpoint: LinkEndpoint, link: TopologyLink?, peer: LinkEndpoint?) {
        let endpoint = LinkEndpoint(node: node.name, interface: interface.name)
        let attached = topology.link(attachedTo: endpoint)
        let peer = attached.map { $0.isEndA ? $0.link.b : $0.link.a }
        let ownPath = paths.link(node: node.name, interface: interface.name)
        let peerPath = peer.map { paths.link(node: $0.node, interface: $0.interface) } ?? ownPath + ".none"
        let queueLimit = attached?.link.queueLimit ?? NodeDaemon.defaultQueueLimit
        // The end of a VXLAN link on this machine is a UDP socket, not a link socket.
        if let tunnel = attached?.link.tunnel, attached?.isEndA == true, let openTunnel {
            return (try openTunnel(tunnel, queueLimit, peer), endpoint, attached?.link, peer)
        }
        let port = try topology.linkSocketKind.openPort(loop: loop, localPath: ownPath, peerPath: peerPath,
                                                        queueLimit: queueLimit)
        return (port, endpoint, attached?.link, peer)
    }

    /// Decodes one control line, answers it with `answer` and encodes the answer.
    static func answerLine(_ line: [UInt8], _ answer: (ControlRequest) -> ControlResponse) -> [UInt8]? {
        let request: ControlRequest
        do {
            request = try ControlCodec.decodeLine(ControlRequest.self, from: line)
        } catch {
            return ControlServer.failureLine(
                "bad request: expected one line of JSON like {\"command\":\"status\"} (\(error))")
        }
        let response = answer(request)
        return (try? ControlCodec.encodeLine(response)) ?? ControlServer.failureLine("internal error encoding the answer")
    }

    /// The `status` row of interface `index` of a daemon that sends through `ImpairedEgress`.
    static func interfaceStatus(_ daemon: some ImpairedEgress, _ index: Int, address: String, isUp: Bool,
                                counters: InterfaceCounters) -> InterfaceStatus {
        let interface = daemon.node.interfaces[index], engine = daemon.impairments[index], port = daemon.ports[index]
        var status = InterfaceStatus(
            name: interface.name, mac: interface.macAddress.description, address: address,
            peer: daemon.peers[index], isUp: isUp,
            queuedFrames: port.queuedFrames + engine.pendingCount, counters: counters,
            impairment: engine.settings.isPerfect ? nil : engine.settings.description,
            linkSocket: port.linkType,
            isLinkConnected: port is SeqpacketLinkPort ? port.isConnected : nil,
            mtu: interface.mtu)
        if let tunnel = port as? VXLANPort { status.tunnel = TunnelStatus(tunnel, now: daemon.now) }
        return status
    }

    /// The `state=` of a `link` command: true for up, false for down, or the error answer.
    static func linkState(_ args: [String: String]) -> Result<Bool, ControlFailure> {
        switch args["state"]?.lowercased() {
        case "up": return .success(true)
        case "down": return .success(false)
        case nil: return .failure(ControlFailure("link needs state=up or state=down"))
        case let other?: return .failure(ControlFailure("link state must be up or down, not '\(other)'"))
        }
    }

    /// Stops `loop` on SIGTERM or SIGINT.
    static func stopOnSignals(_ loop: EventLoop, logger: Logger) throws {
        EventLoop.ignoreBrokenPipeSignal()
        for signal in [SignalNumber.terminate, SignalNumber.interrupt] {
            try loop.onSignal(signal) { number in
                logger.info("signal \(number): shutting down")
                loop.stop()
            }
        }
    }

    /// Once a second: `tick`, then stop `loop` when the run directory is gone (the
    /// lab was removed under us) or the process named by `RAWNET_TETHER_PID` (a
    /// test or benchmark that started this lab) has ended.
    static func watchForAbandonment(_ loop: EventLoop, runDirectory: String, logger: Logger,
                                    tick: @escaping () -> Void = {}) {
        let tether = ProcessEnvironment.value(Processes.tetherVariable).flatMap { Int32($0) }
        if let tether { logger.info("tethered to pid \(tether): stopping when it ends") }
        _ = loop.scheduleRepeating(every: .seconds(1)) {
            tick()
            if !FileSystem.exists(runDirectory) {
                logger.notice("run directory \(runDirectory) is gone: shutting down")
                loop.stop()
            } else if let tether, !Processes.isAlive(tether) {
                logger.notice("pid \(tether), which started this lab, has ended: shutting down")
                loop.stop()
            }
        }
    }
}

/// One loop timer kept at a deadline that changes (the earliest of some engines').
struct LoopTimer {
    private var timer: TimerID?
    private var deadline: Int64?

    /// Moves the timer to `next` (cancels it when nil); `fire` runs when it comes.
    mutating func set(_ next: Instant?, on loop: EventLoop, fire: @escaping () -> Void) {
        guard let next else {
            if let timer { loop.cancel(timer) }
            timer = nil
            deadline = nil
            return
        }
        if deadline == next.nanoseconds { return }
        if let timer { loop.cancel(timer) }
        deadline = next.nanoseconds
        timer = loop.schedule(at: next.nanoseconds, fire)
    }

    /// Forgets the timer that just fired.
    mutating func fired() {
        timer = nil
        deadline = nil
    }
}

/// A daemon that keeps its own counters per interface (no `IPNode` counts for it):
/// what leaves or is dropped at egress is counted and traced the same way.
protocol CountingEgress: ImpairedEgress {
    var counters: [InterfaceCounters] { get set }
    var subscribers: TraceSubscribers { get }
    /// Each interface's VXLAN tunnel as traces name it, nil for other links.
    var tunnelNames: [String?] { get }
    /// Streams one event about a frame on interface `index`.
    func traceFrame(_ kind: TraceEvent.Kind, interface index: Int, bytes: [UInt8], reason: String?, detail: String?,
                    time: Int64?)
}

extension CountingEgress {
    var isTracing: Bool { !subscribers.isEmpty }

    func broadcast(_ event: TraceEvent) {
        subscribers.broadcast(event)
    }

    func countDrop(_ reason: DropReason, interface index: Int) {
        counters[index].countDrop(reason)
    }

    func frameNeverLeft(_ frame: [UInt8], interface index: Int) {
        counters[index].uncountSent(bytes: frame.count)
    }

    func frameLeft(_ frame: [UInt8], interface index: Int, time: Int64?) {
        counters[index].countSent(bytes: frame.count)
        if let time { traceFrame(.sent, interface: index, bytes: frame, reason: nil, detail: tunnelNames[index], time: time) }
    }

    func traceEgress(_ kind: TraceEvent.Kind, interface index: Int, bytes: [UInt8], reason: String, detail: String?) {
        traceFrame(kind, interface: index, bytes: bytes, reason: reason, detail: detail, time: nil)
    }
}
