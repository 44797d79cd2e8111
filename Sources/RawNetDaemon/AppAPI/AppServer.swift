import DequeModule
import RawNetContracts
import RawNetLabModel
import RawNetPlatform

/// The host's app API listener (`NODE.api`, SOCK_SEQPACKET): accepts app
/// connections, decodes their messages and queues messages back to them.
/// Never blocks: a slow app's messages wait in a bounded queue; beyond it
/// datagrams are dropped, as a full socket receive buffer drops them.
final class AppServer {
    typealias Handler = (_ client: Int, _ message: AppMessage) -> Void

    static let maximumQueuedMessages = 1024

    private final class Client {
        let id: Int
        let connection: UnixConnection
        var output = Deque<[UInt8]>()
        var isWatchingWritable = false
        var name = ""
        var pid: UInt32 = 0
        var features: AppFeatures = []
        /// A `streamBatch` being gathered (empty when none).
        var batch: [UInt8] = []
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
    private var buffer = [UInt8](repeating: 0, count: 70_000)
    /// Called when an app went away, to close its sockets; the flag says whether
    /// it left messages unread (its end closed with some queued, which the kernel
    /// reports as ECONNRESET, or this server still held some for it).
    var onDisconnect: (_ client: Int, _ leftMessagesUnread: Bool) -> Void = { _, _ in }
    /// Called when an app's queue of messages emptied after having been full
    /// enough to hold back stream data (see `isBacklogged`).
    var onDrained: (Int) -> Void = { _ in }
    /// An app with this many messages waiting gets no more stream data until it reads.
    static let streamBacklogLimit = 8
    /// Messages not delivered because an app's queue was full.
    private(set) var overflowCount = 0

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

    private func enqueue(_ bytes: [UInt8], for client: Client, isEssential: Bool) {
        guard client.output.count < Self.maximumQueuedMessages || isEssential else {
            overflowCount += 1
            return
        }
        client.output.append(bytes)
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
                count = try buffer.withUnsafeMutableBytes { try client.connection.read(into: $0) }
            } catch {
                disconnect(id, leftMessagesUnread: (error as? Errno) == .connectionReset)
                return
            }
            guard let count else { return }
            if count == 0 {
                disconnect(id)
                return
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

    private func flush(_ client: Client) {
        while let first = client.output.first {
            let written: Int?
            do {
                written = try client.connection.write(first)
            } catch {
                disconnect(client.id)
                return
            }
            guard written != nil else { break }
            client.output.removeFirst()
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
        onDisconnect(id, leftMessagesUnread || !client.output.isEmpty)
    }
}
