import RawNetContracts
import RawNetLabModel
import RawNetPlatform

/// The control socket of a daemon: a Unix stream listener speaking one JSON
/// line per request and per answer. Non-blocking: partial lines are buffered,
/// answers wait in a per-client buffer while the client is slow. Unread output
/// is bounded twice: a client past `maximumPendingOutput`, or the client
/// furthest behind when all together pass `sharedOutputBudget` (many stalled
/// subscribers), is cut: its unsent output is dropped, it gets one last line
/// saying why (`{"ok":false,"error":…}`, after the rest of a line it was
/// partly sent) and is closed once that is read or `cutGrace` passed. Cuts are
/// counted; the daemon's memory never grows with its clients' sloth.
/// Trace subscribers seldom get that far: `TraceSubscribers` offers them an
/// event only while it fits their own limit, counting the rest as a gap.
final class ControlServer {
    /// Handles one request line and returns the answer line (with its newline),
    /// or nil to send nothing.
    typealias Handler = (_ client: Int, _ line: [UInt8]) -> [UInt8]?

    static let maximumLineLength = 64 * 1024
    static let maximumPendingOutput = 4 * 1024 * 1024
    /// Unread output all clients of one daemon may have, together.
    static let sharedOutputBudget = 16 * 1024 * 1024
    /// How long a cut client has to read its last line before it is closed.
    static let cutGrace: Duration = .seconds(60)

    private final class Client {
        let id: Int
        let connection: UnixConnection
        var input: [UInt8] = []
        /// Bytes queued for the client; those before `head` are written already.
        var output: [UInt8] = []
        var head = 0
        /// Bytes queued and not yet written.
        var unsent: Int { output.count - head }
        var isWatchingWritable = false
        /// Part of the first line of `output` was written already.
        var isMidLine = false
        /// Cut for being too far behind: only its last line is left to send.
        var isCut = false
        init(id: Int, connection: UnixConnection) {
            self.id = id
            self.connection = connection
        }
    }

    /// The daemon's loop (trace subscribers schedule their counts on it).
    let loop: EventLoop
    private let listener: UnixListener
    private var clients: [Int: Client] = [:]
    private var nextClientID = 1
    private let handler: Handler
    /// Called after a client went away or was cut (for subscriber bookkeeping).
    var onDisconnect: (Int) -> Void = { _ in }
    /// Memory taken by unread output (the buffers' capacity), per client and in all.
    private var pending = ByteBudget<Int>(holderLimit: .max, totalLimit: ControlServer.sharedOutputBudget)
    /// Clients cut for being too far behind.
    private(set) var cutCount = 0
    /// Bytes of memory holding unread output for all clients.
    var queuedBytes: Int { pending.total }
    /// A drained buffer larger than this is given back rather than kept for reuse.
    private static let keptCapacity = 64 * 1024
    /// Called when a client that had output waiting has read all of it.
    var onDrained: (Int) -> Void = { _ in }

    /// When the daemon next lets go of the code pages it does not use (`CodeResidency`).
    private var codeRelease: TimerID?
    /// How long the daemon is quiet (no control request) before it lets go of its code pages.
    static let codeReleaseQuiet: Duration = .milliseconds(500)

    init(loop: EventLoop, path: String, handler: @escaping Handler) throws {
        self.loop = loop
        self.handler = handler
        listener = try UnixListener(kind: .stream, path: path)
        try loop.setReadHandler(for: listener.fileDescriptor) { [unowned self] in self.acceptClients() }
        scheduleCodeRelease(after: .milliseconds(500))
    }

    /// A daemon touches much of its code once: starting up, and answering requests (`up` asks
    /// each daemon for its status, `rawnet status` and `sockets` ask later) that an idle daemon
    /// never runs again. Half a second after the start, and once it has had no request for
    /// `codeReleaseQuiet`, it lets go of those pages, so its resident size is the code it runs.
    private func scheduleCodeRelease(after delay: Duration) {
        if let codeRelease { loop.cancel(codeRelease) }
        codeRelease = loop.schedule(after: delay) { [weak self] in
            self?.codeRelease = nil
            CodeResidency.releaseUnusedCode()
        }
    }

    /// Closes every client and the listener (removing the socket file).
    func close() {
        for id in Array(clients.keys) { disconnect(id) }
        loop.remove(listener.fileDescriptor)
        listener.close()
    }

    /// Queues bytes for a client (e.g. a trace event for a subscriber).
    func send(_ bytes: [UInt8], to id: Int) {
        guard let client = clients[id], !client.isCut else { return }
        client.output.append(contentsOf: bytes)
        if client.isWatchingWritable {
            // The socket was full: the bytes wait for its writable wake-up, without a write that would fail.
            pending.set(client.output.capacity, for: client.id)
        } else {
            flush(client)
        }
        guard clients[id] != nil else { return }
        if client.unsent > Self.maximumPendingOutput {
            cut(client, because: "this client fell \(client.unsent) bytes behind (at most \(Self.maximumPendingOutput) may wait for one client)")
        }
        while pending.isOverTotal, let furthest = pending.largestHolder, let victim = clients[furthest] {
            cut(victim, because: "this client's unread output took the most memory, \(pending.bytes(of: furthest)) bytes, when this daemon's control clients together took more than \(Self.sharedOutputBudget)")
        }
    }

    /// Drops a client's unsent output (but the rest of a line it was partly
    /// sent), queues one last line saying why, and closes it once that is
    /// read, or after `cutGrace`. Counted; no more events go to it.
    private func cut(_ client: Client, because reason: String) {
        cutCount += 1
        client.isCut = true
        let unsent = client.output[client.head...]
        let keep = client.isMidLine ? (unsent.firstIndex(of: 0x0A).map { $0 + 1 } ?? unsent.endIndex) : client.head
        // A fresh buffer: the old one's memory goes back now, not when the client is closed.
        client.output = Array(client.output[client.head..<keep]) + Self.failureLine("\(reason): disconnected; what followed was not sent")
        client.head = 0
        pending.forget(client.id)  // what is left is one line or two, and goes soon
        HeapTuning.returnFreeMemory()  // the cut buffer's pages, not kept for reuse
        onDisconnect(client.id)
        let id = client.id
        _ = loop.schedule(after: Self.cutGrace) { [weak self] in self?.disconnect(id) }
        flush(client)
    }

    /// Bytes queued for a client and not yet written; nil when there is no such client.
    func pendingOutput(of id: Int) -> Int? {
        guard let client = clients[id], !client.isCut else { return nil }
        return client.unsent
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
        guard let client = clients[id] else { return }
        let bytes: [UInt8]?
        do {
            bytes = try client.connection.read(maximumLength: 16 * 1024)
        } catch {
            disconnect(id)
            return
        }
        guard let bytes else { return }
        if bytes.isEmpty {
            disconnect(id)
            return
        }
        if client.isCut { return }  // its requests are no longer heard
        client.input.append(contentsOf: bytes)
        while let newline = client.input.firstIndex(of: 0x0A) {
            var line = Array(client.input[..<newline])
            client.input.removeSubrange(...newline)
            if line.last == 0x0D { line.removeLast() }
            if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { continue }
            if let answer = handler(id, line) { send(answer, to: id) }
            scheduleCodeRelease(after: Self.codeReleaseQuiet)
            guard let current = clients[id], !current.isCut else { return }
        }
        if client.input.count > Self.maximumLineLength {
            client.input.removeAll()
            send(Self.failureLine("request line longer than \(Self.maximumLineLength) bytes"), to: id)
        }
    }

    private func flush(_ client: Client) {
        while client.unsent > 0 {
            let written: Int?
            do {
                let head = client.head
                written = try client.output.withUnsafeBytes { bytes throws(Errno) in
                    try client.connection.write(UnsafeRawBufferPointer(rebasing: bytes[head...]))
                }
            } catch {
                disconnect(client.id)
                return
            }
            guard let written, written > 0 else { break }
            client.head += written
            client.isMidLine = client.output[client.head - 1] != 0x0A
        }
        // What was written leaves the buffer all at once, or once it is most of it: moving the
        // unsent rest forward after every partial write cost a backlogged subscriber's daemon dearly.
        if client.unsent == 0 {
            client.output.removeAll(keepingCapacity: client.output.capacity <= Self.keptCapacity)
            client.head = 0
        } else if client.head >= Self.keptCapacity && client.head * 2 >= client.output.count {
            client.output.removeFirst(client.head)
            client.head = 0
        }
        if !client.isCut {
            pending.set(client.output.capacity, for: client.id)
        }
        if client.isCut && client.unsent == 0 {
            disconnect(client.id)
            return
        }
        let wantsWritable = client.unsent > 0
        if wantsWritable != client.isWatchingWritable {
            client.isWatchingWritable = wantsWritable
            try? loop.setWriteHandler(for: client.connection.fileDescriptor,
                                      wantsWritable ? { [unowned self] in self.writable(client.id) } : nil)
        }
    }

    private func writable(_ id: Int) {
        guard let client = clients[id] else { return }
        flush(client)
        if clients[id] != nil && client.unsent == 0 { onDrained(id) }
    }

    private func disconnect(_ id: Int) {
        guard let client = clients.removeValue(forKey: id) else { return }
        loop.remove(client.connection.fileDescriptor)
        client.connection.close()
        pending.forget(id)
        if !client.isCut { onDisconnect(id) }  // a cut client was forgotten already
    }

    static func failureLine(_ message: String) -> [UInt8] {
        (try? ControlCodec.encodeLine(ControlResponse.failure(message))) ?? Array("{\"ok\":false}\n".utf8)
    }
}
