import RawNetContracts
import RawNetCore
import RawNetPlatform
import RawNetSocket
import RawNetWire

/// `rawnet dns serve`: an authoritative name server on a host, port 53, over
/// UDP and TCP. The answers are `DNSAuthority`'s (Core); this is only the
/// sockets: one loop, each UDP query answered in at most 512 bytes, or the size
/// its EDNS OPT advertises up to 1232 (TC when cut), each TCP connection read as
/// length-prefixed messages and answered whole. What it cannot answer as asked is
/// counted by reason (`Counters`), handed to `report` as it changes. At most `maximumConnections` TCP clients at once, each closed after
/// `idleSeconds` of silence (RFC 7766 section 6.2.3).
public struct DNSServer {
    public var authority: DNSAuthority
    public var port: UInt16 = 53
    public static let maximumConnections = 16
    public static let idleSeconds: Int64 = 10

    /// What the server has done, for its log, `rawnet status` and tests.
    public struct Counters: Sendable, Equatable {
        public var udpQueries = 0
        public var tcpQueries = 0
        public var truncated = 0
        /// Messages not answered as asked, by reason: nothing sent, or only an error (FORMERR, BADVERS, NOTIMP).
        public var drops: [DNSQueryProblem: Int] = [:]

        public init() {}

        public var totalDrops: Int { drops.values.reduce(0, +) }

        /// What `rawnet status` prints under the service, a line each:
        /// `answered 12 (udp 10, tcp 2), 1 truncated` and `drops 3: 2 a response, not a query, …`.
        public var lines: [String] {
            var lines = ["answered \(udpQueries + tcpQueries) (udp \(udpQueries), tcp \(tcpQueries)), \(truncated) truncated"]
            if totalDrops > 0 {
                let reasons = drops.sorted { ($1.value, $0.key) < ($0.value, $1.key) }.map { "\($0.value) \($0.key.rawValue)" }
                lines.append("drops \(totalDrops): " + reasons.joined(separator: ", "))
            }
            return lines
        }
    }

    public init(authority: DNSAuthority) { self.authority = authority }

    /// Serves until the host goes away (or `shouldStop`). `log` gets one line per query.
    public func run(on host: HostConnection, ready: () -> Void = {}, log: (String) -> Void,
                    report: (Counters) -> Void = { _ in },
                    shouldStop: () -> Bool = { false }) throws(NetworkError) -> Counters {
        let udp = try UDPSocket(host)
        try udp.bind(port: port)
        let listener = try TCPListener(host, port: port, backlog: 16)
        ready()
        var clients: [(stream: TCPStream, framing: DNSStreamFraming, lastHeard: Int64)] = []
        var counters = Counters()
        var reported = counters, reportedAt: Int64 = 0
        while !shouldStop() {
            try host.wait(timeout: .milliseconds(500))
            while let datagram = try udp.receive(timeout: .zero) {
                let response: DNSMessage, limit: Int
                switch authority.respond(to: datagram.payload) {
                case .drop(let problem):
                    counters.drops[problem, default: 0] += 1
                    continue
                case .reply(let message, let udpLimit, let problem):
                    if let problem { counters.drops[problem, default: 0] += 1 } else { counters.udpQueries += 1 }
                    (response, limit) = (message, udpLimit)
                }
                let bytes = response.serialize(limit: limit)
                if bytes.count > 3, bytes[2] & 0x02 != 0 { counters.truncated += 1 }
                log(Self.line(response, from: datagram.from, port: datagram.port, transport: "udp", size: bytes.count))
                do { try udp.send(bytes, to: datagram.from, port: datagram.port) } catch { log("send to \(datagram.from): \(error)") }
            }
            while let stream = try listener.accept(timeout: .zero) {
                if clients.count >= Self.maximumConnections {
                    // The oldest quiet client makes room (RFC 7766 section 6.2.2: servers may close idle connections).
                    clients.removeFirst().stream.close()
                }
                clients.append((stream, DNSStreamFraming(), MonotonicClock.now()))
            }
            let now = MonotonicClock.now()
            var index = 0
            while index < clients.count {
                var keep = true
                do {
                    while keep, let bytes = try clients[index].stream.read(timeout: .zero) {
                        if bytes.isEmpty { keep = false; break }
                        clients[index].lastHeard = now
                        guard clients[index].framing.append(bytes) else {
                            counters.drops[.overlong, default: 0] += 1
                            keep = false
                            break
                        }
                        while let message = clients[index].framing.next() {
                            let response: DNSMessage
                            switch authority.respond(to: message, overTCP: true) {
                            case .drop(let problem):
                                counters.drops[problem, default: 0] += 1
                                continue
                            case .reply(let message, _, let problem):
                                if let problem { counters.drops[problem, default: 0] += 1 } else { counters.tcpQueries += 1 }
                                response = message
                            }
                            let out = response.serialize()
                            let stream = clients[index].stream
                            log(Self.line(response, from: stream.remoteAddress, port: stream.remotePort, transport: "tcp",
                                          size: out.count))
                            try stream.write(DNSStreamFraming.frame(out))
                        }
                    }
                } catch {
                    keep = false
                }
                if keep, now - clients[index].lastHeard > Self.idleSeconds * 1_000_000_000 { keep = false }
                if keep {
                    index += 1
                } else {
                    clients.remove(at: index).stream.close()
                }
            }
            // At most five reports a second: a busy server does not write its file per query.
            if counters != reported, now - reportedAt >= 200_000_000 {
                report(counters)
                (reported, reportedAt) = (counters, now)
            }
        }
        listener.close()
        try? udp.close()
        return counters
    }

    /// `10.0.1.10:40000 udp A bob.lab. NOERROR aa, 1 answer (45 bytes)`.
    static func line(_ response: DNSMessage, from address: IPv4Address, port: UInt16, transport: String, size: Int) -> String {
        let question = response.questions.first.map { "\($0.type) \($0.name)" } ?? "(no question)"
        var parts = ["\(address):\(port) \(transport) \(question) \(response.header.responseCode)"]
        if response.header.isAuthoritative { parts.append("aa") }
        if response.header.isTruncated { parts.append("tc") }
        let referral = !response.header.isAuthoritative && !response.authority.isEmpty
        let what = referral ? "referral to \(response.authority.compactMap(\.data.targetName).map(\.description).joined(separator: " "))"
            : "\(response.answers.count) answer\(response.answers.count == 1 ? "" : "s")"
        return parts.joined(separator: " ") + ", \(what) (\(size) bytes)"
    }
}
