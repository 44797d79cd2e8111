import RawNetWire

/// One question a recursive resolver answers by walking the tree itself (RFC 1034
/// section 5.3.3): from the closest delegation it has cached (else the root
/// servers) it asks without recursion, follows referrals and CNAMEs, caches
/// what it learns with TTLs (negative answers with their SOA, RFC 2308),
/// retries a silent server and then the next, asks again over TCP when an
/// answer is truncated, and answers the client once it knows. No I/O and no clock: the caller sends each `Step.ask`, feeds back
/// what comes (`receive`) or the passing of `deadline` (`timeout`), with IDs
/// of its choosing (random, RFC 5452).
public struct DNSResolution: Sendable {
    public enum Step: Sendable, Equatable {
        /// Send `query` to `server` over UDP (or TCP) and wait until `deadline`.
        case ask(server: IPv4Address, query: DNSMessage, overTCP: Bool)
        /// The answer for the client.
        case answer(DNSMessage)
    }

    public static let timeout: Int64 = 1_500_000_000
    public static let triesPerServer = 2
    public static let maximumQueries = 32

    public let client: DNSMessage
    public let roots: [IPv4Address]
    public private(set) var name: DNSName
    /// CNAMEs followed so far, for the final answer.
    public private(set) var chain: [DNSRecord] = []
    public private(set) var servers: [IPv4Address] = []
    public private(set) var serverIndex = 0
    public private(set) var tries = 0
    public private(set) var queries = 0
    public private(set) var deadline: Int64?
    /// The question in flight: its ID and server.
    public private(set) var pending: (id: UInt16, server: IPv4Address)?
    /// One line per step, for the server's log (`ask 10.0.0.1 A bob.lab.`, `referral to lab.`).
    public private(set) var notes: [String] = []

    var type: DNSRecordType { client.questions.first?.type ?? .a }

    public init(query: DNSMessage, roots: [IPv4Address]) {
        client = query
        self.roots = roots
        name = query.questions.first?.name ?? .root
    }

    /// The first step: from the cache, or the first question out.
    public mutating func start(cache: inout DNSCache, now: Int64, id: UInt16) -> Step {
        guard client.questions.count == 1 else { return .answer(reply(.formatError)) }
        return advance(cache: &cache, now: now, id: id)
    }

    /// What to do with a response; nil when it is not the one awaited (wrong ID,
    /// server or question: ignored, as a spoofed or late answer must be).
    public mutating func receive(_ response: DNSMessage, from server: IPv4Address, cache: inout DNSCache,
                                 now: Int64, id: UInt16) -> Step? {
        guard let pending, response.header.isResponse, response.header.id == pending.id, server == pending.server,
              response.questions.first?.name == name, response.questions.first?.type == type else { return nil }
        self.pending = nil
        deadline = nil
        if response.header.isTruncated {
            notes.append("truncated answer from \(server): asking again over TCP")
            return ask(server, id: id, now: now, overTCP: true)
        }
        switch response.header.responseCode {
        case .noError: break
        case .nameError:
            let soa = response.authority.filter { $0.type == .soa }
            cache.store(soa, now: now)
            if let first = soa.first { cache.storeNoSuchName(name, soa: first, now: now) }
            notes.append("\(server) says \(name) does not exist")
            var answer = reply(.nameError)
            answer.authority = soa
            return .answer(answer)
        default:
            notes.append("\(server) answered \(response.header.responseCode)")
            return nextServer(cache: &cache, now: now, id: id)
        }
        if !response.answers.isEmpty {
            cache.store(response.answers, now: now)
            return advance(cache: &cache, now: now, id: id, fresh: response.answers)
        }
        let delegation = response.authority.filter { $0.type == .ns }
        if !response.header.isAuthoritative, let cut = delegation.first?.name, name.isSubdomain(of: cut) {
            cache.store(delegation + response.additional.filter { $0.type == .a }, now: now)
            notes.append("\(server) refers \(cut) to \(delegation.compactMap(\.data.targetName).map(\.description).joined(separator: " "))")
            return advance(cache: &cache, now: now, id: id)
        }
        // The name exists without this type (NODATA).
        notes.append("\(server): \(name) has no \(type) record")
        let soa = response.authority.filter { $0.type == .soa }
        if let first = soa.first { cache.storeNoData(name, type, soa: first, now: now) }
        var answer = reply(.noError)
        answer.answers = chain
        answer.authority = soa
        return .answer(answer)
    }

    /// The deadline passed without an answer: the same server once more, then the next.
    public mutating func timeout(cache: inout DNSCache, now: Int64, id: UInt16) -> Step {
        guard let pending else { return advance(cache: &cache, now: now, id: id) }
        notes.append("no answer from \(pending.server)")
        self.pending = nil
        if tries < Self.triesPerServer { return ask(pending.server, id: id, now: now, overTCP: false) }
        return nextServer(cache: &cache, now: now, id: id)
    }

    private mutating func nextServer(cache: inout DNSCache, now: Int64, id: UInt16) -> Step {
        serverIndex += 1
        tries = 0
        guard serverIndex < servers.count else {
            notes.append("no server left to ask")
            return .answer(reply(.serverFailure))
        }
        return ask(servers[serverIndex], id: id, now: now, overTCP: false)
    }

    private mutating func advance(cache: inout DNSCache, now: Int64, id: UInt16, fresh: [DNSRecord] = []) -> Step {
        for _ in 0..<9 {
            // A cached negative answer carries its SOA, TTL counted down (RFC 2308 section 6).
            if let soa = cache.noSuchName(name, now: now) {
                notes.append("\(name) does not exist (cached)")
                var answer = reply(.nameError)
                answer.authority = [soa]
                return .answer(answer)
            }
            if let soa = cache.noData(name, type, now: now) {
                notes.append("\(name) has no \(type) record (cached)")
                var answer = reply(.noError)
                answer.authority = [soa]
                return .answer(answer)
            }
            let found = fresh.filter { $0.name == name && ($0.type == type || type == .any) }
            if let records = found.isEmpty ? cache.records(name, type, now: now) : found, !records.isEmpty {
                var answer = reply(.noError)
                answer.answers = chain + records
                return .answer(answer)
            }
            let alias = fresh.first { $0.name == name && $0.type == .cname }
                ?? cache.records(name, .cname, now: now)?.first
            guard type != .cname, let alias, let target = alias.data.targetName else { break }
            chain.append(alias)
            name = target
        }
        if chain.count > 8 { return .answer(reply(.serverFailure)) }
        servers = closestServers(cache: cache, now: now)
        serverIndex = 0
        tries = 0
        guard let first = servers.first else {
            notes.append("no server known for \(name)")
            return .answer(reply(.serverFailure))
        }
        return ask(first, id: id, now: now, overTCP: false)
    }

    /// The addresses of the name servers of the deepest cached zone above `name`, else the roots.
    private func closestServers(cache: DNSCache, now: Int64) -> [IPv4Address] {
        var zone = name
        while true {
            if let delegation = cache.records(zone, .ns, now: now) {
                let addresses = delegation.compactMap(\.data.targetName).flatMap { server in
                    (cache.records(server, .a, now: now) ?? []).compactMap { record -> IPv4Address? in
                        if case .a(let address) = record.data { return address }
                        return nil
                    }
                }
                if !addresses.isEmpty { return addresses }
            }
            if zone.isRoot { return roots }
            zone = zone.parent
        }
    }

    private mutating func ask(_ server: IPv4Address, id: UInt16, now: Int64, overTCP: Bool) -> Step {
        queries += 1
        guard queries <= Self.maximumQueries else {
            notes.append("more than \(Self.maximumQueries) queries; giving up")
            return .answer(reply(.serverFailure))
        }
        tries += 1
        pending = (id, server)
        deadline = now + Self.timeout * (overTCP ? 2 : 1)
        notes.append("ask \(server) \(type) \(name)" + (overTCP ? " over TCP" : ""))
        return .ask(server: server, query: .query(id: id, name: name, type: type, recursionDesired: false, edns: DNSEDNS()),
                    overTCP: overTCP)
    }

    private func reply(_ code: DNSResponseCode) -> DNSMessage {
        var answer = DNSAuthority.reply(to: client, code: code)
        answer.header.recursionAvailable = true
        if code != .formatError, code != .serverFailure { answer.answers = chain }
        return answer
    }
}
