import RawNetWire

/// A resolver's cache on the caller's clock: record sets by name and type, kept
/// for their TTL, and negative answers (RFC 2308): names known not to exist
/// (NXDOMAIN, by name) and types a name lacks (NODATA, by name and type), each
/// with the SOA it came with, kept for the smaller of that SOA's TTL and its
/// MINIMUM and handed back with its TTL counted down. At most `limit` entries
/// (the one expiring first leaves to make room). Times are nanoseconds.
public struct DNSCache: Sendable {
    public struct Key: Hashable, Sendable {
        public var name: DNSName
        public var type: DNSRecordType
    }

    enum Entry: Sendable {
        case records([DNSRecord], expires: Int64)
        /// A negative answer: NXDOMAIN under the key's type `.any`, else NODATA for the key's type.
        /// `soa` is as received, `cached` when it was.
        case negative(soa: DNSRecord, cached: Int64, expires: Int64)

        var expires: Int64 {
            switch self {
            case .records(_, let expires), .negative(_, _, let expires): expires
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

    /// Remembers that `name` does not exist (NXDOMAIN), with the SOA of the answer that said so.
    public mutating func storeNoSuchName(_ name: DNSName, soa: DNSRecord, now: Int64) {
        storeNegative(Key(name: name, type: .any), soa: soa, now: now)
    }

    /// Remembers that `name` exists without records of `type` (NODATA), with the answer's SOA.
    /// Not for `.any`, the key of NXDOMAIN.
    public mutating func storeNoData(_ name: DNSName, _ type: DNSRecordType, soa: DNSRecord, now: Int64) {
        guard type != .any else { return }
        storeNegative(Key(name: name, type: type), soa: soa, now: now)
    }

    /// How long a negative answer may be kept: the smaller of its SOA's TTL and MINIMUM (RFC 2308 section 5).
    public static func negativeTTL(_ soa: DNSRecord) -> UInt32 {
        guard case .soa(let fields) = soa.data else { return 0 }
        return min(soa.ttl, fields.minimum)
    }

    private mutating func storeNegative(_ key: Key, soa: DNSRecord, now: Int64) {
        let ttl = Self.negativeTTL(soa)
        guard ttl > 0 else { return }
        put(key, .negative(soa: soa, cached: now, expires: now + Int64(ttl) * 1_000_000_000), now: now)
    }

    /// The records of `name` and `type` still valid at `now`, their TTLs counted down.
    public func records(_ name: DNSName, _ type: DNSRecordType, now: Int64) -> [DNSRecord]? {
        guard case .records(let set, let expires)? = entries[Key(name: name, type: type)], expires > now else { return nil }
        let left = UInt32(clamping: (expires - now) / 1_000_000_000)
        return set.map { var record = $0; record.ttl = min(record.ttl, left); return record }
    }

    /// The SOA of a cached NXDOMAIN for `name` still valid at `now`, its TTL counted down.
    public func noSuchName(_ name: DNSName, now: Int64) -> DNSRecord? {
        negative(Key(name: name, type: .any), now: now)
    }

    /// The SOA of a cached NODATA for `name` and `type` still valid at `now`, its TTL counted down.
    public func noData(_ name: DNSName, _ type: DNSRecordType, now: Int64) -> DNSRecord? {
        type == .any ? nil : negative(Key(name: name, type: type), now: now)
    }

    /// The cached SOA with its TTL less the time it has been cached (RFC 2308 section 6), and never
    /// past the entry's own end, so a client keeps the negative answer no longer than this cache does.
    private func negative(_ key: Key, now: Int64) -> DNSRecord? {
        guard case .negative(var soa, let cached, let expires)? = entries[key], expires > now else { return nil }
        let held = UInt32(clamping: (now - cached) / 1_000_000_000)
        let left = UInt32(clamping: (expires - now) / 1_000_000_000)
        soa.ttl = min(soa.ttl > held ? soa.ttl - held : 0, left)
        return soa
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
