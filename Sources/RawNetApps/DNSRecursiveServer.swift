import RawNetCore
import RawNetPlatform
import RawNetSocket
import RawNetWire

/// `rawnet dns serve HOST --recursive`: a recursive resolver for the lab's
/// hosts, on port 53 (UDP, and TCP for a client whose answer was truncated). Each client question is a `DNSResolution` (Core) that
/// walks the tree from the root servers of its hints; this loop only moves its
/// questions (UDP from an ephemeral port, TCP when an answer is truncated) and
/// its clock. At most `maximumInFlight` questions at once (more are answered
/// SERVFAIL); the cache is bounded (`DNSCache`). It asks with EDNS, answers a
/// client with EDNS in up to the size it advertised (1232 at most), and counts
/// what it cannot answer as asked as the authoritative server does.
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
        /// The client's EDNS: its answer carries an OPT and may take the size it advertised.
        var usesEDNS = false
        var udpLimit = DNSMessage.udpLimit
    }

    public func run(on host: HostConnection, ready: () -> Void = {}, log: (String) -> Void,
                    report: (DNSServer.Counters) -> Void = { _ in },
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
        var counters = DNSServer.Counters()
        var reported = counters, reportedAt: Int64 = 0
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
            case .answer(var message):
                if client.usesEDNS, message.edns == nil { message.edns = DNSEDNS() }
                let bytes = message.serialize(limit: client.stream == nil ? client.udpLimit : 65_535)
                if client.stream == nil {
                    counters.udpQueries += 1
                    if bytes.count > 3, bytes[2] & 0x02 != 0 { counters.truncated += 1 }
                } else {
                    counters.tcpQueries += 1
                }
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
                guard payload.count >= DNSMessage.headerLength else { counters.drops[.tooShort, default: 0] += 1; return }
                guard payload[2] & 0x80 == 0 else { counters.drops[.response, default: 0] += 1; return }
                guard stream != nil || payload.count <= DNSAuthority.largestUDPQuery else {
                    counters.drops[.overlong, default: 0] += 1
                    return
                }
                guard let query = try? DNSMessage(parsing: payload) else {
                    counters.drops[.malformed, default: 0] += 1
                    let header = DNSHeader(id: UInt16(payload[0]) << 8 | UInt16(payload[1]),
                                           flags: UInt16(payload[2]) << 8 | UInt16(payload[3]))
                    reply(DNSAuthority.reply(to: DNSMessage(header: header), code: .formatError), DNSMessage.udpLimit)
                    return
                }
                func reply(_ message: DNSMessage, _ limit: Int) {
                    let bytes = message.serialize(limit: stream == nil ? limit : 65_535)
                    if let stream { try? stream.write(DNSStreamFraming.frame(bytes)) } else {
                        try? service.send(bytes, to: address, port: port)
                    }
                }
                if case .reply(let message, let limit, let problem)? = DNSAuthority.ednsOutcome(of: query) {
                    if let problem { counters.drops[problem, default: 0] += 1 }
                    reply(message, limit)
                    return
                }
                guard query.header.opcode == 0 else {
                    counters.drops[.opcode, default: 0] += 1
                    var answer = DNSAuthority.reply(to: query, code: .notImplemented)
                    if query.edns != nil { answer.edns = DNSEDNS() }
                    reply(answer, query.udpResponseLimit)
                    return
                }
                var client = Client(resolution: DNSResolution(query: query, roots: roots), address: address,
                                    port: port, stream: stream, usesEDNS: query.edns != nil, udpLimit: query.udpResponseLimit)
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
            if counters != reported, later - reportedAt >= 200_000_000 {
                report(counters)
                (reported, reportedAt) = (counters, later)
            }
        }
        listener.close()
        for entry in streams { entry.stream.close() }
        try? service.close()
        try? upstream.close()
    }
}
