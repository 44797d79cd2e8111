import RawNetWire

/// An authoritative name server's answers (RFC 1034 section 4.3.2, without
/// wildcards): for each query, the zone closest to the name; below a zone cut a
/// referral (the child's NS records, glue in additional, AA clear); else the
/// records of the asked type (following CNAMEs within its zones), NODATA or
/// NXDOMAIN with the zone's SOA, AA set. A name in none of its zones is
/// REFUSED: this server does not recurse. No I/O: bytes or a message in, a
/// message out.
public struct DNSAuthority: Sendable {
    public private(set) var zones: [DNSZone]

    public init(zones: [DNSZone]) { self.zones = zones }

    public func answer(_ query: DNSMessage) -> DNSMessage {
        guard query.header.opcode == 0 else { return Self.reply(to: query, code: .notImplemented) }
        guard query.questions.count == 1, let question = query.questions.first else {
            return Self.reply(to: query, code: .formatError)
        }
        guard question.recordClass == DNSRecord.internetClass || question.recordClass == 255 else {
            return Self.reply(to: query, code: .refused)
        }
        guard let zone = zone(for: question.name) else { return Self.reply(to: query, code: .refused) }
        var response = Self.reply(to: query, code: .noError)
        response.header.isAuthoritative = true
        var name = question.name
        var zoneNow = zone
        var followed: Set<DNSName> = []
        while true {
            if let cut = zoneNow.delegation(above: name) {
                // A referral is not authoritative unless an earlier CNAME in this answer was.
                if response.answers.isEmpty { response.header.isAuthoritative = false }
                response.authority = cut
                response.additional = glue(for: cut.compactMap(\.data.targetName))
                return response
            }
            let owned = zoneNow.records(named: name)
            let matching = owned.filter { question.type == .any ? $0.type != .soa || name == zoneNow.origin : $0.type == question.type }
            if !matching.isEmpty {
                response.answers += matching
                response.additional = glue(for: matching.compactMap { record in
                    record.type == .ns || record.type == .mx ? record.data.targetName : nil
                }).filter { !response.answers.contains($0) }
                return response
            }
            if let alias = owned.first(where: { $0.type == .cname }), question.type != .cname {
                response.answers.append(alias)
                guard let target = alias.data.targetName, followed.insert(target).inserted, followed.count <= 8,
                      let next = self.zone(for: target) else { return response }
                name = target
                zoneNow = next
                continue
            }
            if !zoneNow.exists(name) && response.answers.isEmpty { response.header.responseCode = .nameError }
            if let soa = zoneNow.soa, case .soa(let data) = soa.data {
                var negative = soa
                negative.ttl = min(soa.ttl, data.minimum)  // RFC 2308 section 3
                response.authority = [negative]
            }
            return response
        }
    }

    /// The zone whose origin is the longest suffix of `name`.
    public func zone(for name: DNSName) -> DNSZone? {
        zones.filter { name.isSubdomain(of: $0.origin) }.max { $0.origin.labels.count < $1.origin.labels.count }
    }

    /// A or other address records these servers have, from any zone (glue included).
    func glue(for names: [DNSName]) -> [DNSRecord] {
        var records: [DNSRecord] = []
        for name in names {
            for zone in zones where name.isSubdomain(of: zone.origin) {
                for record in zone.records(named: name) where record.type == .a && !records.contains(record) {
                    records.append(record)
                }
            }
        }
        return records
    }

    /// An empty response echoing the query's ID, opcode, RD and question.
    public static func reply(to query: DNSMessage, code: DNSResponseCode) -> DNSMessage {
        var header = DNSHeader(id: query.header.id)
        header.isResponse = true
        header.opcode = query.header.opcode
        header.recursionDesired = query.header.recursionDesired
        header.checkingDisabled = query.header.checkingDisabled
        header.responseCode = code
        return DNSMessage(header: header, questions: query.questions)
    }
}

extension DNSZone {
    /// The NS records of the highest zone cut between the origin (exclusive) and `name` (inclusive).
    func delegation(above name: DNSName) -> [DNSRecord]? {
        guard name != origin, name.isSubdomain(of: origin) else { return nil }
        let depth = origin.labels.count
        for count in (depth + 1)...name.labels.count {
            let candidate = DNSName(suffixOf: name, count: count)
            let servers = records(named: candidate).filter { $0.type == .ns }
            if !servers.isEmpty { return servers }
        }
        return nil
    }
}

extension DNSName {
    /// The last `count` labels of `name`.
    init(suffixOf name: DNSName, count: Int) {
        // Each suffix of a valid name is valid.
        self = (try? DNSName(labels: Array(name.labels.suffix(count)))) ?? .root
    }
}
