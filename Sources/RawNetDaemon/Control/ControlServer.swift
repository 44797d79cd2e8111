import RawNetContracts
import RawNetLabModel
import RawNetPlatform

/// The control socket of a daemon: a Unix stream listener speaking one JSON
/// line per request and per answer. Non-blocking: partial lines are buffered,
/// answers wait in a per-client buffer while the client is slow. A client whose
/// unread output passes `maximumPendingOutput` is disconnected rather than
/// letting the daemon's memory grow; trace subscribers never get that far
/// (`TraceSubscribers` offers them an event only while it fits, counting the rest).
final class ControlServer {
    /// Handles one request line and returns the answer line (with its newline),
    /// or nil to send nothing.
    typealias Handler = (_ client: Int, _ line: [UInt8]) -> [UInt8]?

    static let maximumLineLength = 64 * 1024
    static let maximumPendingOutput = 4 * 1024 * 1024

    private final class Client {
        let id: Int
        let connection: UnixConnection
        var input: [UInt8] = []
        var output: [UInt8] = []
        var isWatchingWritable = false
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
    /// Called after a client went away (for subscriber bookkeeping).
    var onDisconnect: (Int) -> Void = { _ in }
    /// Called when a client that had output waiting has read all of it.
    var onDrained: (Int) -> Void = { _ in }

    init(loop: EventLoop, path: String, handler: @escaping Handler) throws {
        self.loop = loop
        self.handler = handler
        listener = try UnixListener(kind: .stream, path: path)
        try loop.setReadHandler(for: listener.fileDescriptor) { [unowned self] in self.acceptClients() }
    }

    /// Closes every client and the listener (removing the socket file).
    func close() {
        for id in Array(clients.keys) { disconnect(id) }
        loop.remove(listener.fileDescriptor)
        listener.close()
    }

    /// Queues bytes for a client (e.g. a trace event for a subscriber).
    func send(_ bytes: [UInt8], to id: Int) {
        guard let client = clients[id] else { return }
        client.output.append(contentsOf: bytes)
        if client.output.count > Self.maximumPendingOutput {
            disconnect(id)
            return
        }
        flush(client)
    }

    /// Bytes queued for a client and not yet written; nil when there is no such client.
    func pendingOutput(of id: Int) -> Int? {
        clients[id]?.output.count
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
        client.input.append(contentsOf: bytes)
        while let newline = client.input.firstIndex(of: 0x0A) {
            var line = Array(client.input[..<newline])
            client.input.removeSubrange(...newline)
            if line.last == 0x0D { line.removeLast() }
            if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { continue }
            if let answer = handler(id, line) { send(answer, to: id) }
            guard clients[id] != nil else { return }
        }
        if client.input.count > Self.maximumLineLength {
            client.input.removeAll()
            send(Self.failureLine("request line longer than \(Self.maximumLineLength) bytes"), to: id)
        }
    }

    private func flush(_ client: Client) {
        while !client.output.isEmpty {
            let written: Int?
            do {
                written = try client.connection.write(client.output)
            } catch {
                disconnect(client.id)
                return
            }
            guard let written else { break }
            client.output.removeFirst(written)
        }
        let wantsWritable = !client.output.isEmpty
        if wantsWritable != client.isWatchingWritable {
            client.isWatchingWritable = wantsWritable
            try? loop.setWriteHandler(for: client.connection.fileDescriptor,
                                      wantsWritable ? { [unowned self] in self.writable(client.id) } : nil)
        }
    }

    private func writable(_ id: Int) {
        guard let client = clients[id] else { return }
        flush(client)
        if clients[id] != nil && client.output.isEmpty { onDrained(id) }
    }

    private func disconnect(_ id: Int) {
        guard let client = clients.removeValue(forKey: id) else { return }
        loop.remove(client.connection.fileDescriptor)
        client.connection.close()
        onDisconnect(id)
    }

    static func failureLine(_ message: String) -> [UInt8] {
        (try? ControlCodec.encodeLine(ControlResponse.failure(message))) ?? Array("{\"ok\":false}\n".utf8)
    }
}
