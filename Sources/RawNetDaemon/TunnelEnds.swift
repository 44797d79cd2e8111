import Logging
import RawNetContracts
import RawNetCore
import RawNetLabModel
import RawNetPlatform
import RawNetWire

/// The VXLAN link ends of a node daemon or a linux node's bridge, written once
/// for both: opening the UDP socket, counting and tracing what it refuses,
/// telling when the remote goes down or comes back, and the status line.
extension ImpairedEgress {
    /// How trace lines and notes name the far end of interface `index`'s tunnel:
    /// `bob:eth0 (remote, part m2, 10.9.0.2) over vxlan vni 2 10.9.0.1:4789 > 10.9.0.2:4789`
    /// (a far end no part of this lab runs is named by the tunnel alone).
    static func tunnelName(_ tunnel: VXLANTunnel, farEnd: LinkEndpoint?, in topology: Topology) -> String {
        guard let farEnd, let name = topology.remoteEndName(farEnd) else { return tunnel.description }
        return "\(name) over \(tunnel)"
    }

    /// Opens interface `index`'s link port as `DaemonSupport.openLinkPort` does, a
    /// VXLAN end's port through `openTunnel` (on `tunnelSocket` when one was bound
    /// already). Also returns how status names the peer (a far end another part
    /// runs with its place) and how traces name the tunnel (nil for other links).
    func openPort(_ index: Int, in topology: Topology, paths: SocketPaths, loop: EventLoop,
                  tunnelSocket: KernelUDPSocket? = nil) throws
        -> (port: any FramePort, endpoint: LinkEndpoint, link: TopologyLink?, peerName: String?, tunnelName: String?) {
        var tunnelName: String?
        let (port, endpoint, link, peer) = try DaemonSupport.openLinkPort(
            node.interfaces[index], of: node, in: topology, paths: paths, loop: loop,
            openTunnel: { [unowned self] tunnel, queueLimit, farEnd in
                let name = Self.tunnelName(tunnel, farEnd: farEnd, in: topology)
                tunnelName = name
                return try self.openTunnel(tunnel, queueLimit: queueLimit, on: index, loop: loop, name: name, socket: tunnelSocket)
            })
        return (port, endpoint, link, peer.map { topology.remoteEndName($0) ?? $0.description }, tunnelName)
    }

    /// The UDP socket of interface `index`'s VXLAN link end. Datagrams it refuses
    /// are counted and traced on the interface; the remote going down or coming
    /// back is logged and traced as a note.
    func openTunnel(_ tunnel: VXLANTunnel, queueLimit: Int, on index: Int, loop: EventLoop, name: String,
                    socket: KernelUDPSocket? = nil) throws -> VXLANPort {
        let interface = node.interfaces[index]
        let port: VXLANPort
        do {
            port = try VXLANPort(loop: loop, tunnel: tunnel, queueLimit: queueLimit, mac: interface.macAddress, socket: socket)
        } catch {
            throw NodeDaemonError("\(node.name):\(interface.name): cannot open the \(tunnel): \(error)")
        }
        port.clock = { [unowned self] in self.now }
        port.onRefused = { [unowned self] reason, payload, detail in
            self.countDrop(reason, interface: index)
            if self.isTracing {
                // The datagram is not a frame of this link: traced as its bytes after the VXLAN header, when there are any.
                let inner = payload.count > VXLANHeader.length ? Array(payload[VXLANHeader.length...]) : []
                self.traceEgress(.dropped, interface: index, bytes: inner, reason: reason.rawValue, detail: "\(tunnel): \(detail)")
            }
        }
        port.onStateChange = { [unowned self, unowned port] state in
            let text: String
            switch state {
            case .up: text = "remote up: \(name)"
            case .down: text = "remote down: \(name): nothing heard for \(ImpairmentText.duration(port.liveness.downAfter))"
            case .waiting: return
            }
            self.logger.notice("\(interface.name): \(text)")
            if self.isTracing {
                self.broadcast(TraceEvent(time: self.wallTime, node: self.node.name, interface: interface.name, kind: .note,
                                          detail: text))
            }
        }
        logger.info("\(interface.name) over \(name)")
        return port
    }
}

extension DaemonSupport {
    /// The UDP sockets of `node`'s VXLAN link ends by interface index, bound
    /// now: in the namespace the process runs in, where the underlay is.
    static func bindTunnelSockets(of node: TopologyNode, in topology: Topology) throws -> [Int: KernelUDPSocket] {
        var sockets: [Int: KernelUDPSocket] = [:]
        for (index, interface) in node.interfaces.enumerated() {
            let endpoint = LinkEndpoint(node: node.name, interface: interface.name)
            guard let attached = topology.link(attachedTo: endpoint), attached.isEndA, let tunnel = attached.link.tunnel else { continue }
            do {
                sockets[index] = try KernelUDPSocket(boundTo: tunnel.local.value, port: tunnel.port)
            } catch {
                throw NodeDaemonError("\(endpoint): cannot open the \(tunnel): \(error)")
            }
        }
        return sockets
    }
}

extension TunnelStatus {
    /// The status of a VXLAN link end now.
    init(_ port: VXLANPort, now: Instant) {
        let liveness = port.liveness
        self.init(tunnel: port.tunnel.description, state: liveness.state(at: now).rawValue,
                  lastHeardSecondsAgo: liveness.lastHeard.map { (now - $0).seconds },
                  recoveries: liveness.recoveries, lastError: port.lastError)
        keepaliveSeconds = liveness.keepalive?.seconds
        downAfterSeconds = liveness.downAfter.seconds
        keepalivesSent = liveness.keepalivesSent
        keepalivesHeard = liveness.keepalivesHeard
    }
}
