import RawNetWire

/// One end of a link carried over VXLAN (RFC 7348): this node's interface
/// sends each Ethernet frame as the payload of a UDP datagram from
/// `local:port` to `remote:port`, behind an 8-byte header with `vni`, and
/// takes frames only from `remote` with that VNI. The decisions are here, free
/// of I/O; the daemon's `VXLANPort` holds the UDP socket.
public struct VXLANTunnel: Hashable, Sendable, CustomStringConvertible {
    /// The underlay address this end's UDP socket binds.
    public var local: IPv4Address
    /// The far end's underlay address: the only sender taken, the only destination.
    public var remote: IPv4Address
    /// The VXLAN Network Identifier both ends agree on (24 bits).
    public var vni: UInt32
    /// The UDP port both ends use (source and destination), 4789 unless the topology says.
    public var port: UInt16
    /// How long this end may send nothing before it sends a keepalive; nil: no keepalives.
    public var keepalive: Duration?
    /// Keepalive intervals without a frame from the remote before it counts as down.
    public var misses: Int

    public init(local: IPv4Address, remote: IPv4Address, vni: UInt32, port: UInt16 = VXLANHeader.defaultPort,
                keepalive: Duration? = VXLANTunnel.defaultKeepalive, misses: Int = VXLANTunnel.defaultMisses) {
        self.local = local
        self.remote = remote
        self.vni = vni
        self.port = port
        self.keepalive = keepalive
        self.misses = misses
    }

    /// A keepalive after a second without sending, down after three missed.
    public static let defaultKeepalive: Duration = .seconds(1)
    public static let defaultMisses = 3
    /// The keepalive intervals and miss counts a topology may give.
    public static let keepaliveRange: ClosedRange<Duration> = .milliseconds(10) ... .seconds(3600)
    public static let missesRange = 1...1000

    /// VNIs a topology may give: 24 bits.
    public static let vniRange: ClosedRange<UInt32> = 0...VXLANHeader.maximumVNI

    /// `vxlan vni 42 10.9.0.1:4789 > 10.9.0.2:4789`, as status and traces name the tunnel.
    public var description: String { "vxlan vni \(vni) \(local):\(port) > \(remote):\(port)" }

    /// The UDP payload that carries `frame` to the remote.
    public func encapsulate(_ frame: [UInt8]) -> [UInt8] {
        VXLANHeader(vni: vni).encapsulate(frame)
    }

    /// What a received datagram is: the inner frame's range in `payload`, or why it is refused.
    public enum Arrival: Equatable, Sendable {
        case frame(Range<Int>)
        /// The far end's keepalive (`TunnelKeepalive`): it lives; nothing to deliver.
        case keepalive
        case refused(DropReason, detail: String)
    }

    /// Judges one UDP payload that arrived from `source`: only the remote's
    /// datagrams with this VNI and room for an Ethernet header carry a frame.
    public func classify(payload: UnsafeRawBufferPointer, from source: IPv4Address, sourcePort: UInt16) -> Arrival {
        guard source == remote else {
            return .refused(.notFromPeer, detail: "from \(source):\(sourcePort), not the tunnel's remote \(remote)")
        }
        let header: VXLANHeader
        do {
            header = try VXLANHeader(parsing: payload)
        } catch {
            return .refused(.badTunnelHeader, detail: "\(error)")
        }
        guard header.vni == vni else {
            return .refused(.wrongVNI, detail: "VNI \(header.vni), this link's is \(vni)")
        }
        guard payload.count >= VXLANHeader.length + EthernetView.headerLength else {
            return .refused(.badTunnelHeader, detail: "\(payload.count - VXLANHeader.length) bytes after the header, shorter than an Ethernet header")
        }
        let inner = UnsafeRawBufferPointer(rebasing: payload[VXLANHeader.length...])
        if TunnelKeepalive.matches(inner) { return .keepalive }
        return .frame(VXLANHeader.length..<payload.count)
    }
}

/// The frame a tunnel end sends when it has sent nothing for its keepalive
/// interval, so the far end can tell a quiet lab from a remote that is gone.
/// An Ethernet frame inside the usual VXLAN header: to 01:80:c2:00:00:0e (a
/// reserved group address bridges never forward: it reaches only the
/// interface behind the tunnel) with the IEEE 802 Local Experimental
/// EtherType 0x88B5, which no protocol is assigned. A RawNet end counts it
/// and delivers nothing; a Linux VXLAN device hands it to a stack with no
/// handler for that type, which discards it.
public enum TunnelKeepalive {
    public static let destination = MACAddress(0x0180_C200_000E)
    public static let etherType = EtherType(0x88B5)
    /// What the payload says, for whoever captures it.
    static let text = Array("RawNet VXLAN keepalive".utf8)

    /// The keepalive frame from `source` (the tunnel interface's MAC), padded to the Ethernet minimum.
    public static func frame(from source: MACAddress) -> [UInt8] {
        var frame: [UInt8] = []
        EthernetHeader(destination: destination, source: source, etherType: etherType).serialize(into: &frame)
        frame += text
        if frame.count < EthernetView.minimumFrameLength {
            frame += [UInt8](repeating: 0, count: EthernetView.minimumFrameLength - frame.count)
        }
        return frame
    }

    /// Whether an inner frame is a keepalive: its destination and EtherType say so.
    public static func matches(_ frame: UnsafeRawBufferPointer) -> Bool {
        guard let view = try? EthernetView(frame) else { return false }
        return view.etherType == etherType && view.destination == destination
    }
}

/// Whether the far end of a tunnel lives, judged on the clock: a tunnel has
/// no connection to tell, so its state is what was last heard. Each end sends
/// a keepalive once it has sent nothing for `keepalive` (`keepaliveDue`), so a
/// remote that is there is heard at least that often even in a silent lab.
/// `waiting` until the first frame (for at most `downAfter` from the start),
/// `up` while a frame came within `downAfter` (`misses` intervals), `down`
/// after that, `up` again with the next frame (`recoveries` counts those returns).
public struct TunnelLiveness: Sendable, Equatable {
    public enum State: String, Sendable, Equatable {
        case waiting = "waiting"
        case up = "up"
        case down = "down"
    }

    /// The keepalive interval; nil: no keepalives (the remote is judged on `misses` seconds).
    public let keepalive: Duration?
    public let misses: Int
    public let startedAt: Instant
    public private(set) var lastHeard: Instant?
    public private(set) var lastSent: Instant?
    /// Times frames came back after the remote was down.
    public private(set) var recoveries = 0
    public private(set) var keepalivesSent = 0
    public private(set) var keepalivesHeard = 0
    /// The state last reported by `heard` or `poll`.
    public private(set) var reported = State.waiting

    public init(keepalive: Duration? = VXLANTunnel.defaultKeepalive, misses: Int = VXLANTunnel.defaultMisses,
                startedAt: Instant) {
        self.keepalive = keepalive
        self.misses = max(1, misses)
        self.startedAt = startedAt
    }

    public init(_ tunnel: VXLANTunnel, startedAt: Instant) {
        self.init(keepalive: tunnel.keepalive, misses: tunnel.misses, startedAt: startedAt)
    }

    /// How long without a frame before the remote counts as down.
    public var downAfter: Duration { (keepalive ?? .seconds(1)) * misses }

    /// A frame (or a keepalive, `isKeepalive`) from the remote arrived at `now`.
    /// Returns the new state when this changed it (to `up`).
    @discardableResult
    public mutating func heard(at now: Instant, isKeepalive: Bool = false) -> State? {
        if reported == .down { recoveries += 1 }
        lastHeard = now
        if isKeepalive { keepalivesHeard += 1 }
        defer { reported = .up }
        return reported == .up ? nil : .up
    }

    /// This end sent something at `now` (a frame or, with `isKeepalive`, a keepalive).
    public mutating func sent(at now: Instant, isKeepalive: Bool = false) {
        lastSent = now
        if isKeepalive { keepalivesSent += 1 }
    }

    /// Whether this end should send a keepalive at `now`: it has sent nothing for an interval.
    public func keepaliveDue(at now: Instant) -> Bool {
        guard let keepalive else { return false }
        return now - (lastSent ?? startedAt) >= keepalive
    }

    /// The state at `now`.
    public func state(at now: Instant) -> State {
        guard let lastHeard else { return now - startedAt > downAfter ? .down : .waiting }
        return now - lastHeard > downAfter ? .down : .up
    }

    /// Brings the reported state up to `now`: the new state when it changed.
    public mutating func poll(at now: Instant) -> State? {
        let current = state(at: now)
        guard current != reported else { return nil }
        reported = current
        return current
    }

    /// When something is next due: a keepalive, or the remote counting as down.
    public func nextDeadline() -> Instant {
        let silence = reported == .down ? Instant.distantFuture : (lastHeard ?? startedAt) + downAfter + .nanoseconds(1)
        guard let keepalive else { return silence }
        return min((lastSent ?? startedAt) + keepalive, silence)
    }
}
