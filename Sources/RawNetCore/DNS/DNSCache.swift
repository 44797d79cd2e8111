import RawNetWire

/// A resolver's cache on the caller's clock: record sets by name and type, kept
/// for their TTL, and names known not to exist (RFC 2308), at most `limit`
/// entries (the one expiring first leaves to make room). Times are nanoseconds.
public struct DNSCache: Sendable {
    public struct Key: Hashable, Sendable {
        public var name: DNSName
        public var type: DNSRecordType
    }

    enum Entry: Sendable {
        case records([DNSRecord], expires: Int64)
        case noSuchName(expires: Int64)

        var expires: Int64 {
            switch self {
            case .records(_, let expires), .noSuchName(let expires): expires
            }
        }
    }

    public let limit: Int
    private var entries: [Key: Entry] = [:]

    public init(limit: Int = 1024) { self.limit = limit }

    public var count: Int { entries.count }

    /// Stores a record set (all of one name and type) for its smallest TTL.
    public mutating func store(_ records: [DNSRecord], now: Int64) {
        var sets: [Key: [DNSRecord]] = [:]
        for record in records { sets[Key(name: record.name, type: record.type), default: []].append(record) }
        for (key, set) in sets {
            guard let ttl = set.map(\.ttl).min(), ttl > 0 else { continue }
            put(key, .records(set, expires: now + Int64(ttl) * 1_000_000_000), now: now)
        }
    }

    /// Remembers that `name` does not exist, for `ttl` seconds.
    public mutating func storeNoSuchName(_ name: DNSName, ttl: UInt32, now: Int64) {
        guard ttl > 0 else { return }
        put(Key(name: name, type: .any), .noSuchName(expires: now + Int64(ttl) * 1_000_000_000), now: now)
    }

    /// The records of `name` and `type` still valid at `now`, their TTLs counted down.
    public func records(_ name: DNSName, _ type: DNSRecordType, now: Int64) -> [DNSRecord]? {
        guard case .records(let set, let expires)? = entries[Key(name: name, type: type)], expires > now else { return nil }
        let left = UInt32(clamping: (expires - now) / 1_000_000_000)
        return set.map { var record = $0; record.ttl = min(record.ttl, left); return record }
    }

    public func isKnownMissing(_ name: DNSName, now: Int64) -> Bool {
        guard case .noSuchName(let expires)? = entries[Key(name: name, type: .any)] else { return false }
        return expires > now
    }

    private mutating func put(_ key: Key, _ entry: Entry, now: Int64) {
        if entries[key] == nil, entries.count >= limit {
            let expired = entries.filter { $0.value.expires <= now }.map(\.key)
            for old in expired { entries[old] = nil }
            if entries.count >= limit, let soonest = entries.min(by: { $0.value.expires < $1.value.expires })?.key {
                entries[soonest] = nil
            }
        }
        entries[key] = entry
    }
}
