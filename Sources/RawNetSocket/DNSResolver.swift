import RawNetContracts
import RawNetPlatform
import RawNetWire

/// Why a name did not resolve.
public enum ResolveError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The server said the name does not exist (NXDOMAIN).
    case noSuchName(String)
    /// The name exists but has no record of the asked type.
    case noData(String, DNSRecordType)
    /// Another error code (SERVFAIL, REFUSED, …) from the server.
    case serverError(String, DNSResponseCode, server: IPv4Address)
    /// No answer from the server after every attempt.
    case timedOut(String, server: IPv4Address, attempts: Int)
    /// The answer could not be read, or the socket failed.
    case failed(String, String)

    public var description: String {
        switch self {
        case .noSuchName(let name): "\(name): no such name (NXDOMAIN)"
        case .noData(let name, let type): "\(name): no \(type) record"
        case .serverError(let name, let code, let server): "\(name): server \(server) answered \(code)"
        case .timedOut(let name, let server, let attempts):
            "\(name): no answer from the name server \(server) (\(attempts) tries, timed out)"
        case .failed(let name, let reason): "\(name): \(reason)"
        }
    }
}

/// One exchange with a name server: what came back, from where, how long it took.
public struct DNSExchange: Sendable {
    public var response: DNSMessage
    public var server: IPv4Address
    /// Seconds from the first try's send to the answer.
    public var seconds: Double
    /// Tries over UDP (1 when the first was answered).
    public var attempts: Int
    /// Whether the answer came over TCP after a truncated UDP answer.
    public var usedTCP: Bool
    /// Bytes of the answer (as dig's MSG SIZE).
    public var size: Int
}

/// The stub resolver apps use (like the C library's with /etc/resolv.conf): it
/// asks one name server, over UDP first, retrying on loss, and over TCP when the
/// answer comes back truncated; answers are kept for their TTL in a small cache.
/// Blocking; `AsyncDNSResolver` is its async counterpart.
public final class DNSResolver {
    public let connection: HostConnection
    /// The name server (the host's resolver from the topology).
    public var server: IPv4Address
    public var port: UInt16 = 53
    /// Wait for each UDP try; the total is `timeout * attempts`.
    public var timeout: Duration = .seconds(2)
    public var attempts = 3
    /// Send an EDNS OPT (1232 bytes) with each question, as resolvers do; off for `dig +noedns`.
    public var usesEDNS = true
    /// Appended to a name without a dot, as resolv.conf's `search` (e.g. `bob` → `bob.lab.`).
    public var searchDomain: DNSName?

    private var cache = DNSStubCache()

    public init(connection: HostConnection, server: IPv4Address, searchDomain: DNSName? = nil) {
        self.connection = connection
        self.server = server
        self.searchDomain = searchDomain
    }

    /// The name to ask for `text`: as given when it has a dot, else under the search domain.
    public func fullName(_ text: String) throws(ResolveError) -> DNSName {
        try DNSStubCache.fullName(text, searchDomain: searchDomain)
    }

    /// The IPv4 addresses of `text` (following CNAMEs), from the cache or the server.
    public func addresses(of text: String) throws(ResolveError) -> [IPv4Address] {
        if let address = IPv4Address(text) { return [address] }
        let name = try fullName(text)
        return try DNSStubCache.addresses(in: try lookup(name, type: .a), of: name)
    }

    /// The name a reverse lookup (PTR) gives an address, nil when there is none.
    public func name(of address: IPv4Address) -> String? {
        guard let records = try? lookup(DNSName(reverseOf: address), type: .ptr) else { return nil }
        for record in records { if case .ptr(let name) = record.data { return name.description } }
        return nil
    }

    /// The answer records for `name`/`type`, from the cache while their TTL lasts.
    public func lookup(_ name: DNSName, type: DNSRecordType) throws(ResolveError) -> [DNSRecord] {
        if let cached = try cache.lookup(name, type, now: MonotonicClock.now()) { return cached }
        let exchange = try query(name, type: type)
        return try cache.take(exchange, name: name, type: type, now: MonotonicClock.now())
    }

    /// Empties the cache.
    public func flushCache() { cache = DNSStubCache() }

    /// One question to `server` (default: the resolver's), no cache: UDP with
    /// retries, then TCP if the answer was truncated. For dig and the resolver itself.
    public func query(_ name: DNSName, type: DNSRecordType, server: IPv4Address? = nil,
                      recursionDesired: Bool = true) throws(ResolveError) -> DNSExchange {
        let target = server ?? self.server
        let id = UInt16.random(in: 0...UInt16.max)
        let query = DNSMessage.query(id: id, name: name, type: type, recursionDesired: recursionDesired,
                                     edns: usesEDNS ? DNSEDNS() : nil)
        let bytes = query.serialize()
        let start = MonotonicClock.now()
        func seconds() -> Double { Double(MonotonicClock.now() - start) / 1e9 }
        do {
            let socket = try UDPSocket(connection)
            defer { try? socket.close() }
            try socket.connect(to: target, port: port)
            for attempt in 1...max(1, attempts) {
                try socket.send(bytes)
                let deadline = MonotonicClock.now() + timeout.totalNanoseconds
                while true {
                    let remaining = deadline - MonotonicClock.now()
                    guard remaining > 0, let datagram = try socket.receive(timeout: .nanoseconds(remaining)) else { break }
                    // Only an answer to this question counts (RFC 5452: ID and question must match).
                    guard datagram.from == target, datagram.port == port,
                          let response = try? DNSMessage(parsing: datagram.payload),
                          DNSStubCache.answers(response, query) else { continue }
                    if response.header.isTruncated {
                        var exchange = try queryTCP(bytes, id: id, server: target, name: name)
                        exchange.seconds = seconds()
                        exchange.attempts = attempt
                        return exchange
                    }
                    return DNSExchange(response: response, server: target, seconds: seconds(), attempts: attempt,
                                       usedTCP: false, size: datagram.payload.count)
                }
            }
        } catch {
            if error == .connectionRefused {
                throw .failed(name.description, "the name server \(target) refused (no DNS service on port \(port))")
            }
            throw .failed(name.description, "\(error)")
        }
        throw .timedOut(name.description, server: target, attempts: max(1, attempts))
    }

    /// One message over TCP to `server` and its answer (a recursive resolver's retry after TC).
    public func exchangeOverTCP(_ query: DNSMessage, server: IPv4Address) throws(NetworkError) -> DNSMessage {
        let name = query.questions.first?.name ?? .root
        return try queryTCP(query.serialize(), id: query.header.id, server: server, name: name).response
    }

    /// The same question over TCP (RFC 7766): a two-byte length before each message.
    private func queryTCP(_ bytes: [UInt8], id: UInt16, server: IPv4Address,
                          name: DNSName) throws(NetworkError) -> DNSExchange {
        let stream = try TCPStream.connect(connection, to: server, port: port)
        defer { stream.close() }
        try stream.write(DNSStreamFraming.frame(bytes))
        var framing = DNSStreamFraming()
        let deadline = MonotonicClock.now() + timeout.totalNanoseconds * Int64(max(1, attempts))
        while true {
            let remaining = deadline - MonotonicClock.now()
            guard remaining > 0, let chunk = try stream.read(timeout: .nanoseconds(remaining)) else { throw .timedOut }
            if chunk.isEmpty { throw .connectionReset }
            guard framing.append(chunk) else { throw .protocolError("a DNS message over TCP longer than announced") }
            while let message = framing.next() {
                if let response = try? DNSMessage(parsing: message), response.header.id == id, response.header.isResponse {
                    return DNSExchange(response: response, server: server, seconds: 0, attempts: 1, usedTCP: true,
                                       size: message.count)
                }
            }
        }
    }
}

/// Messages over a TCP stream, each after its two-byte length (RFC 1035 section 4.2.2).
public struct DNSStreamFraming: Sendable {
    private var buffer: [UInt8] = []
    /// Bytes held at most: one message of the largest size and its length.
    public static let limit = 65_537

    public init() {}

    public static func frame(_ message: [UInt8]) -> [UInt8] {
        [UInt8(truncatingIfNeeded: message.count >> 8), UInt8(truncatingIfNeeded: message.count)] + message
    }

    /// Adds received bytes; false when they would exceed the bound (the stream should be closed).
    public mutating func append(_ bytes: [UInt8]) -> Bool {
        guard buffer.count + bytes.count <= Self.limit + 65_536 else { return false }
        buffer += bytes
        return true
    }

    /// The next whole message, if one has arrived.
    public mutating func next() -> [UInt8]? {
        guard buffer.count >= 2 else { return nil }
        let length = Int(buffer[0]) << 8 | Int(buffer[1])
        guard buffer.count >= 2 + length else { return nil }
        let message = Array(buffer[2..<(2 + length)])
        buffer.removeFirst(2 + length)
        return message
    }
}

/// The stub resolvers' cache and the reading of an answer, shared by the
/// blocking and the async resolver: answers and NXDOMAINs kept for their TTL,
/// at most `limit` (the soonest to expire leaves first).
struct DNSStubCache: Sendable {
    static let limit = 128

    struct Key: Hashable {
        var name: DNSName
        var type: DNSRecordType
    }

    private var entries: [Key: (expires: Int64, answer: [DNSRecord], code: DNSResponseCode)] = [:]

    /// The cached answer, nil when none is valid; a cached NXDOMAIN throws.
    func lookup(_ name: DNSName, _ type: DNSRecordType, now: Int64) throws(ResolveError) -> [DNSRecord]? {
        guard let cached = entries[Key(name: name, type: type)], cached.expires > now else { return nil }
        if cached.code == .nameError { throw .noSuchName(name.description) }
        return cached.answer
    }

    /// Reads an exchange's answer: its records (cached), or the error it means.
    mutating func take(_ exchange: DNSExchange, name: DNSName, type: DNSRecordType,
                       now: Int64) throws(ResolveError) -> [DNSRecord] {
        let response = exchange.response
        let key = Key(name: name, type: type)
        switch response.header.responseCode {
        case .noError:
            remember(key, answer: response.answers, code: .noError,
                     ttl: response.answers.map(\.ttl).min() ?? Self.negativeTTL(response), now: now)
            return response.answers
        case .nameError:
            remember(key, answer: [], code: .nameError, ttl: Self.negativeTTL(response), now: now)
            throw .noSuchName(name.description)
        default:
            throw .serverError(name.description, response.header.responseCode, server: exchange.server)
        }
    }

    static func negativeTTL(_ response: DNSMessage) -> UInt32 {
        for record in response.authority { if case .soa(let soa) = record.data { return min(record.ttl, soa.minimum) } }
        return 0
    }

    private mutating func remember(_ key: Key, answer: [DNSRecord], code: DNSResponseCode, ttl: UInt32, now: Int64) {
        guard ttl > 0 else { return }
        if entries.count >= Self.limit, entries[key] == nil,
           let oldest = entries.min(by: { $0.value.expires < $1.value.expires })?.key {
            entries[oldest] = nil
        }
        entries[key] = (now + Int64(ttl) * 1_000_000_000, answer, code)
    }

    static func fullName(_ text: String, searchDomain: DNSName?) throws(ResolveError) -> DNSName {
        let name: DNSName
        do { name = try DNSName(text) } catch { throw .failed(text, "not a valid name (\(error))") }
        if !text.contains("."), let searchDomain, let full = try? name.appending(searchDomain) { return full }
        return name
    }

    static func addresses(in records: [DNSRecord], of name: DNSName) throws(ResolveError) -> [IPv4Address] {
        let addresses = records.compactMap { record -> IPv4Address? in
            if case .a(let address) = record.data { return address }
            return nil
        }
        guard !addresses.isEmpty else { throw .noData(name.description, .a) }
        return addresses
    }

    /// Whether `response` answers `query` (RFC 5452: ID and question must match).
    static func answers(_ response: DNSMessage, _ query: DNSMessage) -> Bool {
        response.header.isResponse && response.header.id == query.header.id
            && (response.questions == query.questions || response.questions.isEmpty)
    }
}
