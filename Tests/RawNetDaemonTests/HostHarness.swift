@testable import RawNetDaemon
import RawNetContracts
import RawNetCore
import RawNetLabModel
import RawNetWire

// An in-process host, in the spirit of swift-nio's EmbeddedChannel: a
// `HostTransport` over a real `IPNode`, with frames and app messages kept in
// memory and a clock that moves only when a test advances it. No process,
// socket or thread.

/// Apps as the transport sees them, recording every message per app.
final class FakeAppSink: AppMessageSink {
    private(set) var messages: [Int: [AppMessage]] = [:]
    var features: [Int: AppFeatures] = [:]
    private var identities: [Int: (name: String, pid: UInt32)] = [:]
    /// Apps that are slow to read (stream data waits while they are here).
    var backlogged: Set<Int> = []
    private(set) var batchesSent = 0

    /// Sockets whose receive queue is full: their datagrams are refused.
    var fullSockets: Set<UInt32> = []

    func send(_ message: AppMessage, to client: Int) { messages[client, default: []].append(message) }
    func queueDatagram(_ message: AppMessage, socket: UInt32, to client: Int) -> String? {
        if fullSockets.contains(socket) { return "receive queue full" }
        send(message, to: client)
        return nil
    }
    func queuedDatagramBytes(socket: UInt32) -> Int { 0 }
    func isBacklogged(_ client: Int) -> Bool { backlogged.contains(client) }
    func readsStreamBatches(_ client: Int) -> Bool { features[client]?.contains(.streamBatch) ?? false }
    func usesWriteCredit(_ client: Int) -> Bool { features[client]?.contains(.writeCredit) ?? false }
    func usesReceiveCredit(_ client: Int) -> Bool { features[client]?.contains(.receiveCredit) ?? false }
    /// Datagram bytes apps said they consumed, per socket.
    private(set) var consumedDatagramBytes: [UInt32: Int] = [:]
    func datagramsConsumed(_ bytes: Int, socket: UInt32) { consumedDatagramBytes[socket, default: 0] += bytes }
    func forgetReceiveBuffer(socket: UInt32) { consumedDatagramBytes[socket] = nil }

    func appendStreamData(socket: UInt32, to client: Int, count: Int, _ fill: (inout [UInt8]) -> Void) {
        var bytes: [UInt8] = []
        fill(&bytes)
        send(.streamData(socket: socket, payload: bytes), to: client)
    }

    func sendStreamData(_ bytes: [UInt8], socket: UInt32, to client: Int) {
        send(.streamData(socket: socket, payload: bytes), to: client)
    }

    func sendBatches() { batchesSent += 1 }

    func setName(_ name: String, pid: UInt32, features: AppFeatures, for client: Int) {
        identities[client] = (name, pid)
        self.features[client] = features
    }

    func identity(of client: Int) -> (name: String, pid: UInt32)? { identities[client] }

    /// The messages app `client` received since the last call, oldest first.
    @discardableResult
    func take(_ client: Int) -> [AppMessage] {
        defer { messages[client] = [] }
        return messages[client] ?? []
    }

    /// Every stream byte app `client` has received on `socket` (not removed).
    func streamBytes(_ client: Int, socket: UInt32) -> [UInt8] {
        var bytes: [UInt8] = []
        for case .streamData(socket, let payload) in messages[client] ?? [] { bytes += payload }
        return bytes
    }
}

/// One host: its transport, IP node, fake apps, frames out and a virtual clock.
final class HostHarness: HostNetwork {
    let node: TopologyNode
    var ip: IPNode
    let apps = FakeAppSink()
    var now = Instant(nanoseconds: 1_000_000_000)
    /// Frames the host put on its interfaces, oldest first (see `takeFrames`).
    private(set) var transmitted: [(interface: Int, frame: [UInt8])] = []
    private(set) var drops: [DropRecord] = []
    private(set) var noSocketPackets = 0
    /// What the interfaces can take (`HostNetwork.segmentBudget`).
    var budget = Int.max
    private var nextRequest: UInt32 = 1
    private(set) var traceEvents: [TraceEvent] = []

    lazy var transport: HostTransport<HostHarness, FakeAppSink> = {
        let transport = HostTransport(node: node, network: self, apps: apps)
        transport.emit = { [unowned self] in self.traceEvents.append($0) }
        return transport
    }()

    init(_ node: TopologyNode) {
        self.node = node
        ip = IPNode(node)
    }

    /// A host named `name` with one interface `eth0` at `address` (CIDR).
    convenience init(name: String, address: String) {
        let interface = TopologyInterface(name: "eth0", address: IPv4InterfaceAddress(address)!,
                                          macAddress: TopologyInterface.defaultMACAddress(node: name, interface: "eth0"))
        self.init(TopologyNode(name: name, kind: .host, interfaces: [interface]))
    }

    var address: IPv4Address { node.interfaces[0].address.address }

    // MARK: HostNetwork

    func send(_ payload: IPv4Payload, to destination: IPv4Address, from source: IPv4Address?, timeToLive: UInt8?,
              now: Instant) -> [NodeOutput] {
        ip.send(payload, to: destination, from: source, timeToLive: timeToLive, now: now)
    }

    func sendPortUnreachable(about packet: DeliveredPacket, now: Instant) -> [NodeOutput] {
        ip.sendDestinationUnreachable(.port, about: packet, now: now)
    }

    func perform(_ outputs: [NodeOutput]) {
        for output in outputs {
            switch output {
            case .transmit(let interface, let frame): transmitted.append((interface, frame))
            case .deliver(let packet): transport.deliver(packet, now: now)
            case .dropped(let record): drops.append(record)
            case .event: break
            }
        }
    }

    func isOwnAddress(_ address: IPv4Address) -> Bool { ip.isOwnAddress(address) }

    func countNoSocket(_ packet: DeliveredPacket) {
        noSocketPackets += 1
        if let interface = packet.interface { ip.countDrop(.noSocketOnPort, interface: interface) }
    }

    func countDrop(_ reason: DropReason, packet: DeliveredPacket, detail: String?) {
        if let interface = packet.interface { ip.countDrop(reason, interface: interface) }
        drops.append(DropRecord(reason: reason, interface: packet.interface, bytes: packet.packet, detail: detail))
    }

    var segmentBudget: Int { budget }

    // MARK: Driving it

    /// What the daemon does once a wake-up's input was handled: the TCP pass it asked for.
    func finishWakeUp() {
        if transport.isPassDue { transport.runTCP(now: now) }
    }

    /// App `client` sends `message` (one wake-up).
    func app(_ client: Int, _ message: AppMessage) {
        transport.handleAppMessage(message, from: client, now: now)
        finishWakeUp()
    }

    /// App `client` sends the request `make` builds with a fresh request number;
    /// returns the host's answer to it (`reply` or `sent`), if it answered yet.
    @discardableResult
    func call(_ client: Int, _ make: (UInt32) -> AppMessage) -> AppMessage? {
        let request = nextRequest
        nextRequest += 1
        app(client, make(request))
        return answer(to: request, client: client)
    }

    /// The host's answer to `request` of app `client`, among the messages it received.
    func answer(to request: UInt32, client: Int) -> AppMessage? {
        apps.messages[client]?.last { message in
            switch message {
            case .reply(request, _, _, _, _, _), .sent(request, _, _): return true
            default: return false
            }
        }
    }

    /// Opens a socket for app `client`; returns its id.
    func open(_ client: Int, _ protocolNumber: AppProtocolNumber) -> UInt32 {
        guard case .reply(_, let socket, .ok, _, _, _)? = call(client, { .open(request: $0, protocol: protocolNumber) })
        else { return 0 }
        return socket
    }

    /// A frame arrives on interface `interface` (one wake-up).
    func receive(_ frame: [UInt8], on interface: Int = 0) {
        perform(ip.receive(frame: frame, on: interface, now: now))
        finishWakeUp()
    }

    /// The frames sent since the last call.
    func takeFrames() -> [(interface: Int, frame: [UInt8])] {
        defer { transmitted = [] }
        return transmitted
    }

    /// The earliest deadline of the IP node and the transport.
    var nextDeadline: Instant? {
        [ip.nextDeadline(), transport.earliestDeadline()].compactMap { $0 }.min()
    }

    /// Runs what is due at `now` (a timer wake-up).
    func fireTimers() {
        perform(ip.poll(now: now))
        transport.runTCP(now: now)
    }

    /// Moves the clock forward by `duration`, waking at every deadline on the way.
    func advance(by duration: Duration) {
        let end = now + duration
        var wakeUps = 0
        while let next = nextDeadline, next <= end, wakeUps < 10_000 {
            now = max(now, next)
            fireTimers()
            wakeUps += 1
        }
        now = end
    }
}

/// Two harnessed hosts cabled back to back: what one sends, the other receives.
final class HostPair {
    let a: HostHarness
    let b: HostHarness

    /// alice (10.0.0.1/24) and bob (10.0.0.2/24) on one link.
    init() {
        a = HostHarness(name: "alice", address: "10.0.0.1/24")
        b = HostHarness(name: "bob", address: "10.0.0.2/24")
    }

    /// Carries frames both ways until neither host has anything to send;
    /// returns how many frames crossed.
    @discardableResult
    func exchange(limit: Int = 100_000) -> Int {
        var count = 0
        while count < limit {
            let fromA = a.takeFrames()
            let fromB = b.takeFrames()
            if fromA.isEmpty && fromB.isEmpty { break }
            for (_, frame) in fromA { b.receive(frame) }
            for (_, frame) in fromB { a.receive(frame) }
            count += fromA.count + fromB.count
        }
        return count
    }

    /// Advances both clocks together by `duration`, waking each host at its
    /// deadlines and carrying the frames between them.
    func advance(by duration: Duration) {
        exchange()
        let end = a.now + duration
        var wakeUps = 0
        while wakeUps < 10_000 {
            let next = [a.nextDeadline, b.nextDeadline].compactMap { $0 }.min()
            guard let next, next <= end else { break }
            let time = max(a.now, next)
            a.now = time
            b.now = time
            a.fireTimers()
            b.fireTimers()
            exchange()
            wakeUps += 1
        }
        a.now = end
        b.now = end
    }
}

extension HostHarness {
    /// App `client` sends the request `make` builds; returns its request number (for answers that come later).
    func request(_ client: Int, _ make: (UInt32) -> AppMessage) -> UInt32 {
        var number: UInt32 = 0
        _ = call(client) { request in
            number = request
            return make(request)
        }
        return number
    }
}

/// The status of a `reply`, nil for anything else.
func replyStatus(_ message: AppMessage?) -> AppStatus? {
    guard case .reply(_, _, let status, _, _, _)? = message else { return nil }
    return status
}

/// The local port a `reply` names.
func replyPort(_ message: AppMessage?) -> UInt16? {
    guard case .reply(_, _, _, _, let port, _)? = message else { return nil }
    return port
}
