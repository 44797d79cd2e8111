import RawNetCore
import RawNetPlatform
import RawNetSocket
import RawNetWire

/// `rawnet dns serve HOST --recursive`: a recursive resolver for the lab's
/// hosts, on UDP port 53. Each client question is a `DNSResolution` (Core) that
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
    }

    public func run(on host: HostConnection, ready: () -> Void = {}, log: (String) -> Void,
                    shouldStop: () -> Bool = { false }) throws(NetworkError) {
        let service = try UDPSocket(host)
        try service.bind(port: port)
        let upstream = try UDPSocket(host)
        try upstream.bind(port: 0)
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
                let bytes = message.serialize(limit: DNSMessage.udpLimit)
                let question = message.questions.first.map { "\($0.type) \($0.name)" } ?? "?"
                log("\(client.address):\(client.port) \(question) \(message.header.responseCode), "
                    + "\(message.answers.count) answers after \(client.resolution.queries) queries: "
                    + client.resolution.notes.joined(separator: "; "))
                try? service.send(bytes, to: client.address, port: client.port)
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
            while let datagram = try service.receive(timeout: .zero) {
                guard let query = try? DNSMessage(parsing: datagram.payload), !query.header.isResponse else { continue }
                var client = Client(resolution: DNSResolution(query: query, roots: roots), address: datagram.from,
                                    port: datagram.port)
                if clients.count >= Self.maximumInFlight {
                    perform(.answer(DNSAuthority.reply(to: query, code: .serverFailure)), client)
                    continue
                }
                let step = client.resolution.start(cache: &cache, now: MonotonicClock.now(), id: freshID())
                perform(step, client)
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
        try? service.close()
        try? upstream.close()
    }
}
