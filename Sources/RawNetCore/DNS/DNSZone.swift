import RawNetWire

/// One zone of authority: its origin, its SOA and every record at or below the
/// origin, including NS records that delegate a child zone (a zone cut) and the
/// glue addresses of those name servers.
public struct DNSZone: Sendable, Equatable {
    public var origin: DNSName
    public private(set) var records: [DNSRecord] = []
    /// Records by owner name.
    private var byName: [DNSName: [DNSRecord]] = [:]
    /// Every name that owns records or lies above one, up to the origin (so an
    /// empty non-terminal such as `in-addr.arpa.` exists and is not NXDOMAIN).
    private var existing: Set<DNSName> = []

    public init(origin: DNSName) { self.origin = origin }

    /// Adds a record; one outside the zone is refused.
    public mutating func add(_ record: DNSRecord) throws(DNSZoneError) {
        guard record.name.isSubdomain(of: origin) else {
            throw DNSZoneError(line: nil, message: "\(record.name) is outside the zone \(origin)")
        }
        guard !(byName[record.name]?.contains(record) ?? false) else { return }
        records.append(record)
        byName[record.name, default: []].append(record)
        var name = record.name
        while existing.insert(name).inserted, name != origin { name = name.parent }
    }

    /// The zone's SOA record, if it has one at its origin.
    public var soa: DNSRecord? {
        byName[origin]?.first { $0.type == .soa }
    }

    public func records(named name: DNSName) -> [DNSRecord] { byName[name] ?? [] }

    public func exists(_ name: DNSName) -> Bool { existing.contains(name) }

    public static func == (a: DNSZone, b: DNSZone) -> Bool { a.origin == b.origin && a.records == b.records }
}

/// A zone or master file that cannot be used: the line (from 1) and what is wrong.
public struct DNSZoneError: Error, Sendable, Equatable, CustomStringConvertible {
    public var line: Int?
    public var message: String

    public init(line: Int?, message: String) {
        self.line = line
        self.message = message
    }

    public var description: String { line.map { "line \($0): \(message)" } ?? message }
}
