import RawNetContracts
import RawNetSocket
import RawNetWire

/// `rawnet http serve HOST`: an HTTP/1.1 server on one lab host. One thread
/// waits on the host and serves every connection in turn, as chat's room
/// does: each connection is an `HTTPSession` (the protocol, without sockets)
/// fed with what arrived, its responses written as the send buffer takes them.
/// No client can hold the others up: reads and writes never wait on one
/// connection, a connection's pending output is bounded by pausing its input,
/// and time limits end silent, slow and stalled connections.
public struct HTTPServer {
    public var port: UInt16
    public var settings: HTTPServerSettings
    /// Connections served at once; more are closed as they arrive.
    public var maximumConnections = 512
    /// The file under the root for a path (`/index.html`).
    public var files: (String) -> HTTPFileAnswer

    public init(port: UInt16 = 80, settings: HTTPServerSettings = HTTPServerSettings(),
                files: @escaping (String) -> HTTPFileAnswer) {
        self.port = port
        self.settings = settings
        self.files = files
    }

    private final class Client {
        let stream: TCPStream
        var session: HTTPSession
        var pending: [UInt8] = []
        var pendingHead = 0
        var lastProgress: Double
        /// Set once the session finished and its output went out: FIN sent, reading until the peer's FIN.
        var lingerUntil: Double?
        var isGone = false
        init(stream: TCPStream, session: HTTPSession, now: Double) {
            self.stream = stream
            self.session = session
            lastProgress = now
        }
        var hasPending: Bool { pendingHead < pending.count }
        var pendingBytes: Int { pending.count - pendingHead }
    }

    /// Pending output above which a connection's input waits (pipelined requests queue in TCP instead).
    static let pauseInputAbove = 256 * 1024
    /// Response bytes held for all clients together; a file that does not fit
    /// in what is left is answered 503 (so memory stays bounded however many
    /// clients ask for large files at once).
    public var outputBudget = 64 << 20

    /// Runs until `shouldStop` says so (asked between rounds) or the host goes away.
    public func run(on host: HostConnection, until shouldStop: () -> Bool = { false },
                    log: (String) -> Void) throws(NetworkError) {
        let listener = try TCPListener(host, port: port, backlog: 128, options: TCPOptions(isNagleEnabled: false))
        log("serving http on \(host.host) port \(listener.localPort)")
        var clients: [Client] = []
        var sessionSettings = settings
        sessionSettings.hostName = host.host
        while !shouldStop() {
            var now = AppTerminal.monotonicSeconds()
            let nextDeadline = clients.map { $0.lingerUntil ?? min($0.session.deadline, $0.lastProgress + settings.idleTimeout) }.min()
            let wait = nextDeadline.map { max(0, min(0.5, $0 - now)) } ?? 0.5
            try host.wait(timeout: .milliseconds(Int64(wait * 1000) + 1))
            now = AppTerminal.monotonicSeconds()
            while let stream = try listener.accept(timeout: .zero) {
                if clients.count >= maximumConnections {
                    log("too many connections: closing \(stream.remoteAddress):\(stream.remotePort)")
                    stream.close()
                    continue
                }
                let peer = "\(stream.remoteAddress):\(stream.remotePort)"
                clients.append(Client(stream: stream, session: HTTPSession(settings: sessionSettings, peer: peer, now: now,
                                                                           files: files), now: now))
            }
            var held = clients.reduce(0) { $0 + $1.pendingBytes }
            for client in clients where !client.isGone {
                let before = client.pendingBytes
                client.session.outputAllowance = max(0, outputBudget - held)
                serve(client, now: now, log: log)
                held += client.pendingBytes - before
            }
            for client in clients where client.isGone { client.stream.close() }
            clients.removeAll { $0.isGone }
        }
        for client in clients { client.stream.close() }
        listener.close()
    }

    private func serve(_ client: Client, now: Double, log: (String) -> Void) {
        do {
            if let lingerUntil = client.lingerUntil {
                // Lingering close: drop what still arrives until the peer's FIN, so unread bytes
                // do not turn the close into a RST that could destroy the response in flight.
                while let bytes = try client.stream.read(timeout: .zero), !bytes.isEmpty {}
                if client.stream.isEndOfStream || now >= lingerUntil { client.isGone = true }
                return
            }
            var input: [UInt8] = []
            if !client.session.isFinished && client.pending.count - client.pendingHead < Self.pauseInputAbove {
                while input.count < 65_536, let bytes = try client.stream.read(timeout: .zero), !bytes.isEmpty {
                    input += bytes
                }
                if !input.isEmpty || client.session.hasBufferedInput {
                    enqueue(client, client.session.receive(input, now: now, outputLimit: Self.pauseInputAbove), now: now)
                }
                if client.stream.isEndOfStream { enqueue(client, client.session.endOfInput(), now: now) }
            }
            // Time limits on the client's requests run only while the server is not the one behind.
            if !client.hasPending { enqueue(client, client.session.poll(now: now), now: now) }
            for line in client.session.log { log(line) }
            client.session.log.removeAll()
            if client.hasPending {
                let end = min(client.pending.count, client.pendingHead + 262_144)
                let written = try client.stream.writeAvailable(Array(client.pending[client.pendingHead..<end]))
                if written > 0 {
                    client.pendingHead += written
                    client.lastProgress = now
                }
                if !client.hasPending {
                    client.pending.removeAll(keepingCapacity: false)
                    client.pendingHead = 0
                }
            }
            if client.hasPending && now - client.lastProgress > settings.idleTimeout {
                log("\(client.session.peer) stopped reading: closing")
                client.isGone = true
            } else if !client.hasPending && client.session.isFinished {
                try client.stream.shutdownWrite()
                client.lingerUntil = now + 2
            }
        } catch {
            client.isGone = true
        }
    }

    private func enqueue(_ client: Client, _ bytes: [UInt8], now: Double) {
        guard !bytes.isEmpty else { return }
        if !client.hasPending { client.lastProgress = now }
        client.pending += bytes
    }
}
