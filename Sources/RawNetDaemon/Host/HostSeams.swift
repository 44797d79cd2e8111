import RawNetContracts
import RawNetCore
import RawNetWire

/// The IP layer below a host's transport, as `HostTransport` sees it: the
/// node daemon (its `IPNode` and link ports) in a running lab, an in-memory
/// node in tests. Set once; the transport never does I/O itself.
protocol HostNetwork: AnyObject {
    /// Builds and routes one packet from this host; the outputs are not yet carried out (see `perform`).
    func send(_ payload: IPv4Payload, to destination: IPv4Address, from source: IPv4Address?, timeToLive: UInt8?,
              now: Instant) -> [NodeOutput]
    /// An ICMP port unreachable about a delivered packet; not yet carried out.
    func sendPortUnreachable(about packet: DeliveredPacket, now: Instant) -> [NodeOutput]
    /// Carries out what the IP layer asked for (frames out, packets to this host, drops and events traced).
    func perform(_ outputs: [NodeOutput])
    func isOwnAddress(_ address: IPv4Address) -> Bool
    /// Counts (and traces) a packet no socket took: a "no socket on port" drop.
    func countNoSocket(_ packet: DeliveredPacket)
    /// Counts (and traces) a delivered packet the transport dropped for `reason`.
    func countDrop(_ reason: DropReason, packet: DeliveredPacket, detail: String?)
    /// How many connections' segments the interfaces can take now (see `NodeDaemon.segmentBudget`).
    var segmentBudget: Int { get }
}

/// Where a host's transport sends messages to its apps: `AppServer` in the
/// daemon (the app API socket), an in-memory recorder in tests.
protocol AppMessageSink: AnyObject {
    /// Queues one message for app `client`.
    func send(_ message: AppMessage, to client: Int)
    /// Queues a `datagram` for `socket` of app `client` within the socket's
    /// receive buffer and the app's queue; returns why not (nil: queued).
    func queueDatagram(_ message: AppMessage, socket: UInt32, to client: Int) -> String?
    /// Bytes of datagrams waiting for `socket` (its receive queue).
    func queuedDatagramBytes(socket: UInt32) -> Int
    /// Whether the app is slow to read: stream data should wait.
    func isBacklogged(_ client: Int) -> Bool
    /// Whether the app reads `streamBatch` messages (and so takes `appendStreamData`).
    func readsStreamBatches(_ client: Int) -> Bool
    /// Whether the app writes TCP bytes within credit (`AppFeatures.writeCredit`).
    func usesWriteCredit(_ client: Int) -> Bool
    /// Whether the app reports what it consumed (`AppFeatures.receiveCredit`).
    func usesReceiveCredit(_ client: Int) -> Bool
    /// The app read `bytes` of `socket`'s datagrams: they leave its receive buffer.
    func datagramsConsumed(_ bytes: Int, socket: UInt32)
    /// A socket closed: its receive buffer holds nothing any more.
    func forgetReceiveBuffer(socket: UInt32)
    /// Queues `count` stream bytes for an app that reads stream batches: `fill` appends them to its batch.
    func appendStreamData(socket: UInt32, to client: Int, count: Int, _ fill: (inout [UInt8]) -> Void)
    /// Queues stream bytes as one `streamData` (or into a batch, for an app that reads those).
    func sendStreamData(_ bytes: [UInt8], socket: UInt32, to client: Int)
    /// Sends every batch being gathered (at the end of a TCP pass).
    func sendBatches()
    /// Records the name, pid and features an app gave in `hello`.
    func setName(_ name: String, pid: UInt32, features: AppFeatures, for client: Int)
    /// The name and pid an app gave in `hello`.
    func identity(of client: Int) -> (name: String, pid: UInt32)?
}

extension AppServer: AppMessageSink {}
