import DequeModule
import RawNetContracts
import RawNetLabModel
import RawNetPlatform

/// The host's app API listener (`NODE.api`, SOCK_SEQPACKET): accepts app
/// connections, decodes their messages and queues messages back to them.
/// Never blocks: a slow app's messages wait in a queue bounded in messages and
/// bytes, per app and for all apps together; a datagram also counts against
/// its socket's receive buffer (`socketReceiveBuffer`) — until written to the
/// app, or, for an app that reports what it consumed (`receiveCredit`), until
/// the app says it read it. Beyond a bound a datagram is refused (the host
/// counts and traces the drop) and any other optional message is dropped and
/// counted.
final class AppServer {
    typealias Handler = (_ client: Int, _ message: AppMessage) -> Void

    static let maximumQueuedMessages = 1024
    /// Bytes one UDP or ICMP socket's datagrams may take while its app has not
    /// read them (`AppMessage.datagramReceiveBuffer`).
    static let socketReceiveBuffer = AppMessage.datagramReceiveBuffer
    /// What one queued message costs beyond its bytes (its bookkeeping).
    static let messageOverhead = 256
    /// Bytes of messages one app may have waiting in the daemon.
    static let appOutputLimit = 4 * 1024 * 1024
    /// Bytes of messages all apps of the host together may have waiting.
    static let sharedOutputBudget = 16 * 1024 * 1024

    /// One message waiting for an app.
    private struct Queued {
        var bytes: [UInt8]
        /// The socket whose receive buffer holds it (a datagram), else 0.
        var socket: UInt32
        /// What it costs that receive buffer (`AppMessage.receiveCost(ofDatagram:)`).
        var receiveCost = 0
        var cost: Int { bytes.count + AppServer.messageOverhead }
    }

    private final class Client {
        let id: Int
        let connection: UnixConnection
        var output = Deque<Queued>()
        var isWatchingWritable = false
        var name = ""
        var pid: UInt32 = 0
        var features: AppFeatures = []
        /// A `streamBatch` being gathered (empty when none).
        var batch: [UInt8] = []
        /// The app's end closed with messages for it unread, or a write to it
        /// failed: nothing more goes to it (a datagram for it is a counted drop),
        /// and what it sent before it went is still read, to the end.
        var isGone = false
        /// Its end reported the reset (once, before the messages it left).
        var isResetRead = false
        init(id: Int, connection: UnixConnection) {
            self.id = id
            self.connection = connection
        }
    }

    private let loop: EventLoop
    private let listener: UnixListener
    private var clients: [Int: Client] = [:]
    private var nextClientID = 1
    private let handler: Handler
    /// One message is read here whole; a longer one is refused (see `refuseTooLong`).
    private var buffer = [UInt8](repeating: 0, count: AppMessage.maximumLength)
    /// Bytes waiting, per app and for all apps.
    private var outputBytes = ByteBudget<Int>(holderLimit: AppServer.appOutputLimit,
                                              totalLimit: AppServer.sharedOutputBudget)
    /// Bytes of datagrams waiting, per socket.
    private var receiveBuffers = ByteBudget<UInt32>(holderLimit: AppServer.socketReceiveBuffer)
    /// Called when an app went away, to close its sockets; the flag says whether
    /// it left messages unread (its end closed with some queued, which the kernel
    /// reports as ECONNRESET, or this server still held some for it).
    var onDisconnect: (_ client: Int, _ leftMessagesUnread: Bool) -> Void = { _, _ in }
    /// Called when an app's queue of messages emptied after having been full
    /// enough to hold back stream data (see `isBacklogged`).
    var onDrained: (Int) -> Void = { _ in }
    /// An app with this many messages waiting gets no more stream data until it reads.
    static let streamBacklogLimit = 8
    /// Messages other than datagrams not delivered because an app's queue was full.
    private(set) var overflowCount = 0
    /// Messages from apps refused for being longer than `AppMessage.maximumLength`.
    private(set) var refusedCount = 0
    /// Bytes of messages waiting for all apps.
    var queuedBytes: Int { outputBytes.total }

    init(loop: EventLoop, path: String, handler: @escaping Handler) throws {
        self.loop = loop
        self.handler = handler
        listener = try UnixListener(kind: .seqpacket, path: path)
        try loop.setReadHandler(for: listener.fileDescriptor) { [unowned self] in self.acceptClients() }
    }

    var connectionCount: Int { clients.count }

    func close() {
        for id in Array(clients.keys) { disconnect(id) }
        loop.remove(listener.fileDescriptor)
        listener.close()
    }

    /// Records the name, pid and features an app gave in `hello`.
    func setName(_ name: String, pid: UInt32, features: AppFeatures, for id: Int) {
        clients[id]?.name = name
        clients[id]?.pid = pid
        clients[id]?.features = features
    }

    /// Whether the app writes TCP bytes within credit (`AppFeatures.writeCredit`).
    func usesWriteCredit(_ id: Int) -> Bool {
        clients[id]?.features.contains(.writeCredit) ?? false
    }

    /// The name and pid an app gave in `hello`.
    func identity(of id: Int) -> (name: String, pid: UInt32)? {
        clients[id].map { ($0.name, $0.pid) }
    }

    /// Whether the app is slow to read: stream data should wait.
    func isBacklogged(_ id: Int) -> Bool {
        (clients[id]?.output.count ?? 0) >= Self.streamBacklogLimit
    }

    /// The largest `streamBatch` message, in bytes.
    static let batchLimit = 64 * 1024
    /// Apps with a batch being gathered.
    private var batchingClients: [Int] = []

    /// Queues stream bytes for an app: into its `streamBatch` if it reads
    /// those (sent by `sendBatches`, or before any other message to it), else
    /// as one `streamData`.
    func sendStreamData(_ bytes: [UInt8], socket: UInt32, to id: Int) {
        guard let client = clients[id] else { return }
        guard client.features.contains(.streamBatch) else { return send(.streamData(socket: socket, payload: bytes), to: id) }
        appendStreamData(socket: socket, to: id, count: bytes.count) { $0.append(contentsOf: bytes) }
    }

    /// Whether app `id` reads stream batches (and so takes ``appendStreamData(socket:to:count:_:)``).
    func readsStreamBatches(_ id: Int) -> Bool {
        clients[id]?.features.contains(.streamBatch) ?? false
    }

    /// Queues `count` stream bytes for app `id`, which reads stream batches:
    /// `fill` appends them straight into its batch.
    func appendStreamData(socket: UInt32, to id: Int, count: Int, _ fill: (inout [UInt8]) -> Void) {
        guard let client = clients[id] else { return }
        if !client.batch.isEmpty && client.batch.count + 8 + count > Self.batchLimit { sendBatch(of: client) }
        if client.batch.isEmpty {
            client.batch = AppMessage.streamBatchHead
            client.batch.reserveCapacity(Swift.max(Self.batchLimit, client.batch.count + 8 + count))
            batchingClients.append(id)
        }
        AppMessage.appendRecord(socket: socket, to: &client.batch, payload: fill)
    }

    /// Sends every batch being gathered (at the end of a TCP pass).
    func sendBatches() {
        for id in batchingClients {
            if let client = clients[id], !client.batch.isEmpty { sendBatch(of: client) }
        }
        batchingClients.removeAll(keepingCapacity: true)
    }

    private func sendBatch(of client: Client) {
        let bytes = client.batch
        client.batch = []
        enqueue(bytes, for: client, isEssential: true)  // stream bytes taken from TCP are never dropped
    }

    /// Queues one message for an app. Beyond `maximumQueuedMessages` a message
    /// is dropped, except `credit`: a lost grant could never be granted again,
    /// and grants are few by construction (a few per socket's send buffer).
    func send(_ message: AppMessage, to id: Int) {
        guard let client = clients[id] else { return }
        if !client.batch.isEmpty { sendBatch(of: client) }  // keeps the order of the app's messages
        var isEssential = false
        if case .credit = message { isEssential = true }
        enqueue(message.encoded(), for: client, isEssential: isEssential)
    }

    /// Queues a datagram (`.datagram`) for `socket` of app `id` if its receive
    /// buffer and the app's queue have room. Returns why not, for the drop's
    /// detail, or nil when it was queued.
    func queueDatagram(_ message: AppMessage, socket: UInt32, to id: Int) -> String? {
        guard let client = clients[id], !client.isGone else { return "its app is gone" }
        if !client.batch.isEmpty { sendBatch(of: client) }
        var payloadCount = 0
        if case .datagram(_, _, _, _, let payload) = message { payloadCount = payload.count }
        let queued = Queued(bytes: message.encoded(), socket: socket,
                            receiveCost: AppMessage.receiveCost(ofDatagram: payloadCount))
        guard receiveBuffers.admits(queued.receiveCost, for: socket) else {
            return "socket \(socket) has \(receiveBuffers.bytes(of: socket)) of \(Self.socketReceiveBuffer) bytes unread"
        }
        if let full = queueRoom(for: queued.cost, client: client) { return full }
        receiveBuffers.add(queued.receiveCost, for: socket)
        append(queued, to: client)
        return nil
    }

    /// Bytes of datagrams waiting in the daemon for `socket` (its receive queue),
    /// and for a `receiveCredit` app those it was sent and has not yet read.
    func queuedDatagramBytes(socket: UInt32) -> Int { receiveBuffers.bytes(of: socket) }

    /// Whether the app reports what it consumed (`AppFeatures.receiveCredit`).
    func usesReceiveCredit(_ id: Int) -> Bool {
        clients[id]?.features.contains(.receiveCredit) ?? false
    }

    /// The app read `bytes` of `socket`'s datagrams: they leave its receive buffer.
    func datagramsConsumed(_ bytes: Int, socket: UInt32) {
        receiveBuffers.remove(bytes, for: socket)
    }

    /// A socket closed: its receive buffer holds nothing any more.
    func forgetReceiveBuffer(socket: UInt32) {
        receiveBuffers.forget(socket)
    }

    /// Why app `client`'s queue cannot take `cost` more bytes, or nil if it can.
    private func queueRoom(for cost: Int, client: Client) -> String? {
        if client.output.count >= Self.maximumQueuedMessages {
            return "app has \(client.output.count) messages unread"
        }
        if !outputBytes.admits(cost, for: client.id) {
            return outputBytes.bytes(of: client.id) + cost > Self.appOutputLimit
                ? "app has \(outputBytes.bytes(of: client.id)) bytes unread (at most \(Self.appOutputLimit))"
                : "apps have \(outputBytes.total) bytes unread (at most \(Self.sharedOutputBudget) in all)"
        }
        return nil
    }

    private func enqueue(_ bytes: [UInt8], for client: Client, isEssential: Bool) {
        let queued = Queued(bytes: bytes, socket: 0)
        // Essential messages are few by construction (stream data waits while 8 messages do).
        guard isEssential || queueRoom(for: queued.cost, client: client) == nil else {
            overflowCount += 1
            return
        }
        append(queued, to: client)
    }

    private func append(_ queued: Queued, to client: Client) {
        guard !client.isGone else { return }
        outputBytes.add(queued.cost, for: client.id)
        client.output.append(queued)
        flush(client)
    }

    private func acceptClients() {
        while let connection = try? listener.accept() {
            let client = Client(id: nextClientID, connection: connection)
            nextClientID += 1
            clients[client.id] = client
            try? loop.setReadHandler(for: connection.fileDescriptor) { [unowned self] in self.readable(client.id) }
        }
    }

    private func readable(_ id: Int) {
        // A few messages per wake-up, so one busy app cannot starve the links.
        for _ in 0..<32 {
            guard let client = clients[id] else { return }
            let count: Int?
            do {
                count = try buffer.withUnsafeMutableBytes { try client.connection.readMessage(into: $0) }
            } catch {
                // The app closed with messages unread. The error comes before what it
                // sent last (a `consumed`, a `close`), which is read on to the end.
                guard (error as? Errno) == .connectionReset, !client.isResetRead else {
                    disconnect(id, leftMessagesUnread: true)
                    return
                }
                client.isResetRead = true
                client.isGone = true
                discardOutput(of: client)
                continue
            }
            guard let count else { return }
            if count == 0 {
                disconnect(id, leftMessagesUnread: client.isGone)
                return
            }
            if count > buffer.count {
                refuseTooLong(length: count, from: id)
                continue
            }
            let bytes = buffer[..<count]
            do {
                handler(id, try AppMessage(decoding: bytes))
            } catch {
                let request = bytes.count >= 5 ? bytes[1..<5].reduce(UInt32(0)) { $0 << 8 | UInt32($1) } : 0
                send(.reply(request: request, socket: 0, status: .protocolError, localAddress: .any, localPort: 0,
                            message: error.description), to: id)
            }
        }
    }

    /// Answers a message longer than the protocol allows (its head is in
    /// `buffer`, the rest was never read): a request gets a messageTooLong
    /// `reply`, a `write` (never answered) an `error` for its socket. Nothing of
    /// it is carried out, so nothing arrives cut short.
    private func refuseTooLong(length: Int, from id: Int) {
        refusedCount += 1
        func field(_ range: Range<Int>) -> UInt32 { buffer[range].reduce(0) { $0 << 8 | UInt32($1) } }
        let request = field(1..<5)
        let socket = field(5..<9)
        let text = AppMessage.tooLongText(length)
        if AppMessageKind(rawValue: buffer[0]) == .write || request == 0 {
            send(.error(socket: socket, status: .messageTooLong, message: text), to: id)
        } else {
            send(.reply(request: request, socket: socket, status: .messageTooLong, localAddress: .any, localPort: 0,
                        message: text), to: id)
        }
    }

    private func flush(_ client: Client) {
        while let first = client.output.first {
            let written: Int?
            do {
                written = try client.connection.write(first.bytes)
            } catch {
                // The app is gone: nothing more goes to it, but what it sent is still read.
                client.isGone = true
                discardOutput(of: client)
                break
            }
            guard written != nil else { break }
            client.output.removeFirst()
            outputBytes.remove(first.cost, for: client.id)
            // Sent to an app that reports its reads, a datagram stays charged until it says it read it.
            if first.socket != 0 && !client.features.contains(.receiveCredit) {
                receiveBuffers.remove(first.receiveCost, for: first.socket)
            }
        }
        let wasWatching = client.isWatchingWritable
        let wantsWritable = !client.output.isEmpty
        if wantsWritable != client.isWatchingWritable {
            client.isWatchingWritable = wantsWritable
            try? loop.setWriteHandler(for: client.connection.fileDescriptor,
                                      wantsWritable ? { [unowned self] in self.writable(client.id) } : nil)
        }
        if wasWatching && !wantsWritable { onDrained(client.id) }
    }

    private func writable(_ id: Int) {
        if let client = clients[id] { flush(client) }
    }

    private func disconnect(_ id: Int, leftMessagesUnread: Bool = false) {
        guard let client = clients.removeValue(forKey: id) else { return }
        loop.remove(client.connection.fileDescriptor)
        client.connection.close()
        let leftUnread = leftMessagesUnread || client.isGone || !client.output.isEmpty
        discardOutput(of: client)
        outputBytes.forget(id)
        onDisconnect(id, leftUnread)
    }

    /// Forgets what waits for `client`, giving back what it held of the budgets.
    private func discardOutput(of client: Client) {
        for queued in client.output {
            outputBytes.remove(queued.cost, for: client.id)
            if queued.socket != 0 { receiveBuffers.remove(queued.receiveCost, for: queued.socket) }
        }
        client.output.removeAll()
    }
}
