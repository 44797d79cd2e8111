import RawNetPlatform
import RawNetWire

/// `DNSResolver` for Swift concurrency: the same questions, retries, TCP after a
/// truncated answer and cache, on an `AsyncHostConnection`.
///
///     let resolver = AsyncDNSResolver(connection: host, server: IPv4Address(10, 0, 2, 53))
///     let bob = try await resolver.addresses(of: "bob.lab")[0]
public actor AsyncDNSResolver {
    public let connection: AsyncHostConnection
    public let server: IPv4Address
    public let port: UInt16 = 53
    public var timeout: Duration = .seconds(2)
    public var attempts = 3
    public let searchDomain: DNSName?
    private var cache = DNSStubCache()

    public init(connection: AsyncHostConnection, server: IPv4Address, searchDomain: DNSName? = nil) {
        self.connection = connection
        self.server = server
        self.searchDomain = searchDomain
    }

    public func setTimeout(_ timeout: Duration, attempts: Int) {
        self.timeout = timeout
        self.attempts = max(1, attempts)
    }

    /// The IPv4 addresses of `text`, an address as given, else from the cache or the server.
    public func addresses(of text: String) async throws(ResolveError) -> [IPv4Address] {
        if let address = IPv4Address(text) { return [address] }
        let name = try DNSStubCache.fullName(text, searchDomain: searchDomain)
        return try DNSStubCache.addresses(in: try await lookup(name, type: .a), of: name)
    }

    /// The answer records for `name`/`type`, from the cache while their TTL lasts.
    public func lookup(_ name: DNSName, type: DNSRecordType) async throws(ResolveError) -> [DNSRecord] {
        if let cached = try cache.lookup(name, type, now: MonotonicClock.now()) { return cached }
        let exchange = try await query(name, type: type)
        return try cache.take(exchange, name: name, type: type, now: MonotonicClock.now())
    }

    /// One question over UDP (retried `attempts` times, `timeout` each), then TCP when truncated.
    public func query(_ name: DNSName, type: DNSRecordType) async throws(ResolveError) -> DNSExchange {
        let query = DNSMessage.query(id: UInt16.random(in: 0...UInt16.max), name: name, type: type, edns: DNSEDNS())
        let start = MonotonicClock.now()
        func seconds() -> Double { Double(MonotonicClock.now() - start) / 1e9 }
        let socket: AsyncUDPSocket
        do { socket = try await AsyncUDPSocket(connection) } catch { throw .failed(name.description, "\(error)") }
        defer { Task { await socket.close() } }
        let bytes = query.serialize()
        for attempt in 1...attempts {
            do { try await socket.send(bytes, to: server, port: port) } catch { throw .failed(name.description, "\(error)") }
            let deadline = MonotonicClock.now() + timeout.totalNanoseconds
            while let datagram = await Self.receive(socket, until: deadline) {
                guard datagram.from == server, datagram.port == port,
                      let response = try? DNSMessage(parsing: datagram.payload),
                      DNSStubCache.answers(response, query) else { continue }
                if response.header.isTruncated {
                    let answer = try await overTCP(query, name: name)
                    return DNSExchange(response: answer.0, server: server, seconds: seconds(), attempts: attempt,
                                       usedTCP: true, size: answer.1)
                }
                return DNSExchange(response: response, server: server, seconds: seconds(), attempts: attempt,
                                   usedTCP: false, size: datagram.payload.count)
            }
        }
        throw .timedOut(name.description, server: server, attempts: attempts)
    }

    /// The next datagram before `deadline` (monotonic ns), nil after it.
    private static func receive(_ socket: AsyncUDPSocket, until deadline: Int64) async -> UDPDatagram? {
        let remaining = deadline - MonotonicClock.now()
        guard remaining > 0 else { return nil }
        return await withTaskGroup(of: UDPDatagram?.self) { group in
            group.addTask { try? await socket.receive() }
            group.addTask {
                try? await Task.sleep(for: .nanoseconds(remaining))
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first
        }
    }

    private func overTCP(_ query: DNSMessage, name: DNSName) async throws(ResolveError) -> (DNSMessage, Int) {
        do {
            let stream = try await AsyncTCPStream.connect(connection, to: server, port: port, timeout: timeout)
            try await stream.write(DNSStreamFraming.frame(query.serialize()))
            var framing = DNSStreamFraming()
            while true {
                let chunk = try await stream.read()
                guard !chunk.isEmpty, framing.append(chunk) else { break }
                if let message = framing.next(), let response = try? DNSMessage(parsing: message),
                   DNSStubCache.answers(response, query) {
                    await stream.close()
                    return (response, message.count)
                }
            }
            await stream.close()
        } catch {
            throw .failed(name.description, "over TCP: \(error)")
        }
        throw .failed(name.description, "the TCP connection closed before an answer")
    }
}
