import RawNetPlatform

/// A forwarder between two pairs of link sockets that frames can be pushed
/// through: the relay (`RelayReference`) or, once it exists, a router daemon.
public protocol FrameForwarder: AnyObject, Sendable {
    var leftToRight: FramePath { get }
    var rightToLeft: FramePath { get }
    /// A frame of `size` bytes that the forwarder passes from left to right
    /// (`towardsRight`) or back. The relay passes any bytes; a router needs
    /// an Ethernet frame addressed to its interface carrying IPv4 for the far side.
    func frame(size: Int, towardsRight: Bool) -> [UInt8]
    /// Stops the forwarder's processes.
    func stop()
}

extension RelayReference: FrameForwarder {
    public func frame(size: Int, towardsRight: Bool) -> [UInt8] {
        [UInt8](repeating: towardsRight ? 0x5A : 0xA5, count: size)
    }
}

/// The RawNet halves of the comparisons: where the system under test plugs in.
/// Every hook is nil until the daemons it needs exist; a scenario then runs
/// its reference only and reports the goal as pending.
///
/// To plug in the router daemon for `forward` and `latency`, set
/// `makeForwarder` to a closure that writes a one-router lab, starts
/// `rawnet router NAME --run-dir DIR`, binds nothing itself, and returns a
/// `FrameForwarder` whose paths are the router's two link sockets (inject)
/// and two sockets the harness binds as the neighbours (collect); its
/// `frame(size:towardsRight:)` builds a valid Ethernet/IPv4 frame through the
/// router (static ARP entries or an answering neighbour are up to the hook).
public struct RawNetSides: Sendable {
    /// forward: a router daemon between two links of the given socket type, pinned to `cpus`.
    public var makeForwarder: (@Sendable (_ workDirectory: String, _ cpus: [Int], _ linkSocket: LinkSocketKind) throws
        -> any FrameForwarder)?
    /// forward: the same router with its impairment engines bypassed (`RAWNET_BYPASS_IMPAIRMENT=1`),
    /// the reference for the idle engine's overhead.
    public var makeBypassedForwarder: (@Sendable (_ workDirectory: String, _ cpus: [Int], _ linkSocket: LinkSocketKind) throws
        -> any FrameForwarder)?
    /// capture: the same router with `rawnet capture` writing its frames to a pcapng file meanwhile.
    public var makeCapturedForwarder: (@Sendable (_ workDirectory: String, _ cpus: [Int], _ linkSocket: LinkSocketKind) throws
        -> any FrameForwarder)?
    /// switch: a switch daemon between two links of the given socket type, pinned to `cpus`.
    public var makeSwitchForwarder: (@Sendable (_ workDirectory: String, _ cpus: [Int], _ linkSocket: LinkSocketKind) throws
        -> any FrameForwarder)?
    /// tcp: app-to-app goodput through one router in MB/s with `connections` concurrent connections.
    public var tcpGoodput: (@Sendable (_ connections: Int, _ context: RunContext) throws -> Double)?
    /// loss: goodput under `lossPercent` % random loss divided by clean goodput (one pair of transfers).
    public var lossRetained: (@Sendable (_ lossPercent: Int, _ context: RunContext) throws -> Double)?
    /// loss: clean goodput in Mbit/s with the loss case's congestion control (what the shares divide by).
    public var lossCleanGoodput: (@Sendable (RunContext) throws -> Double)?
    /// latency: chat-line round trips in seconds.
    public var chatRoundTrips: (@Sendable (RunContext) throws -> [Double])?
    /// latency: TCP connect times through one router, in seconds.
    public var connectTimes: (@Sendable (RunContext) throws -> [Double])?
    /// scale: seconds for `rawnet up` of the lab file at the given path.
    public var upTime: (@Sendable (_ labFile: String, _ context: RunContext) throws -> Double)?
    /// scale: resident memory of one idle daemon in MB.
    public var idleDaemonMemory: (@Sendable (RunContext) throws -> Double)?
    /// scale: percentage of hosts that reach a far host.
    public var reachability: (@Sendable (RunContext) throws -> Double)?
    /// scale: percentage of 1 000 concurrent TCP connections that delivered byte-exact data.
    public var concurrentConnections: (@Sendable (RunContext) throws -> Double)?
    /// interop: one connection's goodput in MB/s through one router along `path` (Linux at one end, or none).
    public var interopGoodput: (@Sendable (_ path: InteropPath, _ context: RunContext) throws -> Double)?
    /// converge: seconds until every host of a RIP grid reaches every other after a link failure.
    public var convergence: (@Sendable (RunContext) throws -> Double)?
    /// sim: simulated lossy transfers per CPU-second.
    public var simulatedTransfers: (@Sendable (RunContext) throws -> Double)?

    public init() {}

    /// Nothing of RawNet plugged in yet: references only.
    public static let referencesOnly = RawNetSides()
}
