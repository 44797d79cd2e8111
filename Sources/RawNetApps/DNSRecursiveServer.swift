import RawNetCore
import RawNetPlatform
import RawNetSocket
import RawNetWire

/// `rawnet dns serve HOST --recursive`: a recursive resolver for the lab's
/// hosts, on port 53 (UDP, and TCP for a client whose answer was truncated). Each client question is a `DNSResolution` (Core) that
/// walks the tree from the root servers of its hints; this loop only moves its
/// questions (UDP from an ephemeral port, TCP when an answer is truncated) and
/// its clock. At most `maximumInFlight` questions at once (more are answered
/// SERVFAIL); the cache is bounded (`DNSCache`).
public struct DNSRecursiveServer {
    public var roots: [IPv4Address]
    public var port: UInt16 = 53
    public static let maximumInFlight = 64

    public init(roots: [IPv4Address]) { self.roots = roots }

    struct Client {
        var resolution: DNSResolution
        var address: IPv4Address
        var port: UInt16
        /// Set when the question came over TCP: the answer goes back whole on it.
        var stream: TCPStream?
    }

    public func run(on host: HostConnection, ready: () -> Void = {}, log: (String) -> Void,
                    shouldStop: () -> Bool = { false }) throws(NetworkError) {
        let service = try UDPSocket(host)
        try service.bind(port: port)
        let upstream = try UDPSocket(host)
        try upstream.bind(port: 0)
        let listener = try TCPListener(host, port: port, backlog: 16)
        var streams: [(stream: TCPStream, framing: DNSStreamFraming, lastHeard: Int64)] = []
        let tcp = DNSResolver(connection: host, server: roots.first ?? .any)
        var cache = DNSCache()
        var clients: [UInt16: Client] = [:]  // by the ID of the question in flight
        var random = SystemRandomNumberGenerator()
        func freshID() -> UInt16 {
            while true {
                let id = UInt16.random(in: 0...UInt16.max, using: &random)
                if clients[id] == nil { return id }
            }
        }
        /// Carries a step out: a question sent (its client filed under the new ID) or the answer returned.
        func perform(_ step: DNSResolution.Step, _ client: Client) {
            var client = client
            switch step {
            case .answer(let message):
                let bytes = message.serialize(limit: client.stream == nil ? DNSMessage.udpLimit : 65_535)
                let question = message.questions.first.map { "\($0.type) \($0.name)" } ?? "?"
                log("\(client.address):\(client.port) \(question) \(message.header.responseCode), "
                    + "\(message.answers.count) answers after \(client.resolution.queries) queries: "
                    + client.resolution.notes.joined(separator: "; "))
                if let stream = client.stream {
                    try? stream.write(DNSStreamFraming.frame(bytes))
                } else {
                    try? service.send(bytes, to: client.address, port: client.port)
                }
            case .ask(let server, let query, let overTCP):
                if overTCP {
                    let now = MonotonicClock.now()
                    let next: DNSResolution.Step
                    if let response = try? tcp.exchangeOverTCP(query, server: server),
                       let step = client.resolution.receive(response, from: server, cache: &cache, now: now, id: freshID()) {
                        next = step
                    } else {
                        next = client.resolution.timeout(cache: &cache, now: now, id: freshID())
                    }
                    perform(next, client)
                    return
                }
                clients[query.header.id] = client
                do { try upstream.send(query.serialize(), to: server, port: 53) } catch {
                    log("send to \(server): \(error)")
                }
            }
        }
        ready()
        while !shouldStop() {
            let now = MonotonicClock.now()
            let nextDeadline = clients.values.compactMap(\.resolution.deadline).min()
            let wait = nextDeadline.map { Duration.nanoseconds(max(0, min($0 - now, 500_000_000))) } ?? .milliseconds(500)
            try host.wait(timeout: wait)
            /// A client's question, over UDP or (with `stream`) TCP.
            func begin(_ payload: [UInt8], from address: IPv4Address, port: UInt16, stream: TCPStream?) {
                guard let query = try? DNSMessage(parsing: payload), !query.header.isResponse else { return }
                var client = Client(resolution: DNSResolution(query: query, roots: roots), address: address,
                                    port: port, stream: stream)
                if clients.count >= Self.maximumInFlight {
                    perform(.answer(DNSAuthority.reply(to: query, code: .serverFailure)), client)
                    return
                }
                let step = client.resolution.start(cache: &cache, now: MonotonicClock.now(), id: freshID())
                perform(step, client)
            }
            while let datagram = try service.receive(timeout: .zero) {
                begin(datagram.payload, from: datagram.from, port: datagram.port, stream: nil)
            }
            while let stream = try listener.accept(timeout: .zero) {
                if streams.count >= DNSServer.maximumConnections { streams.removeFirst().stream.close() }
                streams.append((stream, DNSStreamFraming(), MonotonicClock.now()))
            }
            var index = 0
            while index < streams.count {
                var keep = true
                while keep, let bytes = try? streams[index].stream.read(timeout: .zero) {
                    if bytes.isEmpty || !streams[index].framing.append(bytes) { keep = false; break }
                    streams[index].lastHeard = MonotonicClock.now()
                    while let message = streams[index].framing.next() {
                        let stream = streams[index].stream
                        begin(message, from: stream.remoteAddress, port: stream.remotePort, stream: stream)
                    }
                }
                if keep, MonotonicClock.now() - streams[index].lastHeard > DNSServer.idleSeconds * 1_000_000_000 { keep = false }
                if keep { index += 1 } else { streams.remove(at: index).stream.close() }
            }
            while let datagram = try upstream.receive(timeout: .zero) {
                guard let response = try? DNSMessage(parsing: datagram.payload),
                      var client = clients[response.header.id] else { continue }
                guard let step = client.resolution.receive(response, from: datagram.from, cache: &cache,
                                                           now: MonotonicClock.now(), id: freshID()) else { continue }
                clients[response.header.id] = nil
                perform(step, client)
            }
            let later = MonotonicClock.now()
            for (id, var client) in clients {
                guard let deadline = client.resolution.deadline, deadline <= later else { continue }
                clients[id] = nil
                perform(client.resolution.timeout(cache: &cache, now: later, id: freshID()), client)
            }
        }
        listener.close()
        for entry in streams { entry.stream.close() }
        try? service.close()
        try? upstream.close()
    }
}
