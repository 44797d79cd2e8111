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

    public init(local: IPv4Address, remote: IPv4Address, vni: UInt32, port: UInt16 = VXLANHeader.defaultPort) {
        self.local = local
        self.remote = remote
        self.vni = vni
        self.port = port
    }

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
        return .frame(VXLANHeader.length..<payload.count)
    }
}

/// Whether frames arrive from a tunnel's remote, judged on the clock: a
/// tunnel has no connection to tell, so its state is what was last heard.
/// `waiting` until the first frame, `up` while frames came within
/// `silenceLimit`, `silent` after (a remote gone, or an idle lab), `up` again
/// with the next frame (`recoveries` counts those returns).
public struct TunnelLiveness: Sendable, Equatable {
    public enum State: String, Sendable, Equatable {
        case waiting = "waiting"
        case up = "up"
        case silent = "silent"
    }

    /// How long without a frame before the tunnel counts as silent.
    public var silenceLimit: Duration
    public private(set) var lastHeard: Instant?
    /// Times frames came back after a silence.
    public private(set) var recoveries = 0

    public init(silenceLimit: Duration = .seconds(3)) {
        self.silenceLimit = silenceLimit
    }

    /// A frame from the remote arrived at `now`.
    public mutating func heard(at now: Instant) {
        if let lastHeard, now - lastHeard > silenceLimit { recoveries += 1 }
        lastHeard = now
    }

    /// The state at `now`.
    public func state(at now: Instant) -> State {
        guard let lastHeard else { return .waiting }
        return now - lastHeard > silenceLimit ? .silent : .up
    }
}
