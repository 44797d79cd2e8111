/// The Unix socket type that carries a lab's links.
public enum LinkSocketKind: String, Sendable, CaseIterable, CustomStringConvertible {
    /// SOCK_DGRAM: every interface binds a socket and sends to its peer's path.
    case datagram
    /// SOCK_SEQPACKET: one end of a cable connects to the other's listener;
    /// the connection carries frames both ways (see `SeqpacketLinkPort`).
    case seqpacket

    /// What a lab uses when its topology names no type: the faster one as
    /// measured end to end (BENCHMARKS.md, "Router forwarding").
    public static let `default`: LinkSocketKind = .seqpacket

    public var description: String { rawValue }

    /// Opens a port of this kind bound (or listening) at `localPath`, cabled to `peerPath`.
    /// - Throws: `SocketError` for a path over 107 bytes or a socket/bind/listen failure.
    public func openPort(loop: EventLoop, localPath: String, peerPath: String,
                         queueLimit: Int = 256) throws -> any FramePort {
        switch self {
        case .datagram:
            return try LinkPort(loop: loop, localPath: localPath, peerPath: peerPath, queueLimit: queueLimit)
        case .seqpacket:
            return try SeqpacketLinkPort(loop: loop, localPath: localPath, peerPath: peerPath, queueLimit: queueLimit)
        }
    }
}

/// One end of a cable as the daemons see it, whatever socket type carries it:
/// frames in through `onFrame`, frames out through `send`, which never blocks
/// (a full peer means the bounded egress queue; beyond it, or with no peer,
/// a counted drop).
public protocol FramePort: AnyObject {
    /// What carries the frames, as status shows it: `seqpacket`, `datagram`, `vxlan`.
    var linkType: String { get }
    /// The other end as messages name it: its socket path, or a tunnel's remote.
    var peerName: String { get }
    /// Most frames held while the peer cannot take more.
    var queueLimit: Int { get }
    /// Frames and bytes in and out, drops by reason.
    var counters: LinkCounters { get }
    /// Frames waiting in the egress queue.
    var queuedFrames: Int { get }
    /// Whether a frame sent now can reach the peer's socket.
    var isConnected: Bool { get }
    /// Called on the loop for every received frame (valid only during the call).
    var onFrame: (UnsafeRawBufferPointer) -> Void { get set }
    /// Called on the loop for each frame the port took (queued, or held for a burst)
    /// and dropped afterwards, such as what waited for a cable that broke; already
    /// counted in `counters`. A drop of the frame being sent is `send`'s answer instead.
    var onQueuedDrop: ((LinkDropReason, [UInt8]) -> Void)? { get set }
    /// Called on the loop when the cable connects (true) and when a connected cable is
    /// lost (false: the peer's process ended, as a machine switched off takes its end
    /// of a cable with it). Only a seqpacket port has a cable to lose.
    var onCableChange: ((Bool) -> Void)? { get set }
    /// Sends one frame now or queues it (nil), or counts it as dropped and says why. Never blocks.
    @discardableResult
    func send(_ frame: [UInt8]) -> LinkDropReason?
    /// Unregisters from the loop and closes every socket (removing the bound file).
    func close()
}

/// The first message on a seqpacket link connection: the sender names the
/// path it stands for (`rawnet-link 1 /run/.../alice.eth0`). The connecting
/// end sends it first; the listening end answers with its own once it takes
/// the connection as its cable. A connection whose first message is not a
/// hello only injects frames (tools and tests); it never receives any.
public enum LinkHello {
    static let prefix = Array("rawnet-link 1 ".utf8)

    /// The hello announcing `path`.
    public static func message(from path: String) -> [UInt8] {
        prefix + Array(path.utf8)
    }

    /// The path a hello names, or nil when the bytes are not a hello.
    public static func path(in message: UnsafeRawBufferPointer) -> String? {
        guard message.count > prefix.count, message.count <= prefix.count + UnixSocketAddress.maximumPathLength,
              message.prefix(prefix.count).elementsEqual(prefix) else { return nil }
        return String(decoding: message.dropFirst(prefix.count), as: UTF8.self)
    }

    /// The path a hello names, or nil when the bytes are not a hello.
    public static func path(in message: [UInt8]) -> String? {
        message.withUnsafeBytes { path(in: $0) }
    }
}

extension LinkPort {
    public var linkType: String { socketKind.rawValue }
    public var peerName: String { peerAddress.path }
}

extension SeqpacketLinkPort {
    public var linkType: String { socketKind.rawValue }
    public var peerName: String { peerAddress.path }
}

/// The link's carrier, said in band: a link end taken down (`rawnet link
/// NODE:IF down`) tells its peer "carrier off", and "carrier on" when it comes
/// back, so the far interface loses its carrier as when a real cable is pulled
/// at one end. Both messages are shorter than an Ethernet header, so no frame
/// can be taken for one. A down end says it again once a second (a peer that
/// restarted learns it too). VXLAN links do not carry it.
public enum CarrierSignal {
    public static let off = Array("carrier off".utf8)
    public static let on = Array("carrier on".utf8)

    /// The message for a carrier that is up or down.
    public static func message(isUp: Bool) -> [UInt8] { isUp ? on : off }

    /// true for "carrier on", false for "carrier off", nil for anything else (frames).
    public static func state(in message: [UInt8]) -> Bool? {
        guard message.count < 14 else { return nil }
        if message == on { return true }
        if message == off { return false }
        return nil
    }
}
