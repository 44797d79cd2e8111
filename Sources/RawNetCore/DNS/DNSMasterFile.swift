import RawNetWire

/// Reads zones from master-file text (RFC 1035 section 5.1), the subset a lab
/// needs: `$ORIGIN`, `$TTL`, `@`, relative names, an empty owner repeating the
/// last, optional TTL and class `IN` in either order, `;` comments, `( … )`
/// across lines, quoted TXT strings, and the types A, NS, CNAME, PTR, MX, TXT,
/// SOA. Every SOA starts a zone; records go to the zone they lie in (the
/// deepest), and a record in none is an error naming its line.
public enum DNSMasterFile {
    public static let defaultTTL: UInt32 = 300

    /// The zones of `text`, after `existing`: a record may also fall into one of
    /// those (records a topology adds to the lab zone), and an SOA starts a zone
    /// only where none exists yet.
    public static func zones(from text: String, origin: DNSName = .root,
                             adding existing: [DNSZone] = []) throws(DNSZoneError) -> [DNSZone] {
        let pending = try records(from: text, origin: origin)
        var zones = existing
        for (_, record) in pending where record.type == .soa && !zones.contains(where: { $0.origin == record.name }) {
            zones.append(DNSZone(origin: record.name))
        }
        for (line, record) in pending {
            let candidates = zones.indices.filter { record.name.isSubdomain(of: zones[$0].origin) }
            guard let index = candidates.max(by: { zones[$0].origin.labels.count < zones[$1].origin.labels.count }) else {
                throw DNSZoneError(line: line, message: "\(record.name) is in no zone of this file (each zone starts with an SOA)")
            }
            // Glue (an address below a cut in the parent) stays in the zone that delegates.
            do { try zones[index].add(record) } catch { throw DNSZoneError(line: line, message: error.message) }
        }
        return zones
    }

    /// The records of the text with their line numbers, in no zone: what root hints are
    /// (`. NS a.root.` and `a.root. A 10.0.0.1`, no SOA).
    public static func records(from text: String, origin: DNSName = .root) throws(DNSZoneError) -> [(Int, DNSRecord)] {
        var pending: [(Int, DNSRecord)] = []
        var currentOrigin = origin
        var ttl = defaultTTL
        var lastOwner: DNSName?
        for (line, fields) in try logicalLines(text) {
            func fail(_ message: String) -> DNSZoneError { DNSZoneError(line: line, message: message) }
            func name(_ text: String) throws(DNSZoneError) -> DNSName {
                if text == "@" { return currentOrigin }
                do {
                    let parsed = try DNSName(text)
                    return text.hasSuffix(".") ? parsed : try parsed.appending(currentOrigin)
                } catch {
                    throw fail("bad name '\(text)': \(error)")
                }
            }
            var words = fields.words
            if words.first == "$ORIGIN" {
                guard words.count == 2 else { throw fail("$ORIGIN takes one name") }
                currentOrigin = try name(words[1].hasSuffix(".") ? words[1] : words[1] + ".")
                continue
            }
            if words.first == "$TTL" {
                guard words.count == 2, let value = UInt32(words[1]) else { throw fail("$TTL takes a number of seconds") }
                ttl = value
                continue
            }
            if words.first?.hasPrefix("$") == true { throw fail("\(words[0]) is not supported") }
            let owner: DNSName
            if fields.startsWithBlank {
                guard let last = lastOwner else { throw fail("the first record needs an owner name") }
                owner = last
            } else {
                owner = try name(words.removeFirst())
            }
            lastOwner = owner
            var recordTTL = ttl
            while let word = words.first, word.uppercased() == "IN" || UInt32(word) != nil {
                if let value = UInt32(word) { recordTTL = value }
                words.removeFirst()
            }
            guard !words.isEmpty else { throw fail("a record needs a type") }
            let typeText = words.removeFirst()
            guard let type = DNSRecordType(typeText) else { throw fail("unknown type '\(typeText)'") }
            func count(_ n: Int) throws(DNSZoneError) {
                guard words.count == n else { throw fail("\(type) takes \(n) field(s), found \(words.count)") }
            }
            let data: DNSRecordData
            switch type {
            case .a:
                try count(1)
                guard let address = IPv4Address(words[0]) else { throw fail("bad address '\(words[0])'") }
                data = .a(address)
            case .ns: try count(1); data = .ns(try name(words[0]))
            case .cname: try count(1); data = .cname(try name(words[0]))
            case .ptr: try count(1); data = .ptr(try name(words[0]))
            case .mx:
                try count(2)
                guard let preference = UInt16(words[0]) else { throw fail("bad MX preference '\(words[0])'") }
                data = .mx(preference: preference, exchange: try name(words[1]))
            case .txt:
                guard !fields.strings.isEmpty else { throw fail("TXT needs quoted strings") }
                data = .txt(fields.strings)
            case .soa:
                try count(7)
                let numbers = words[2...].compactMap { UInt32($0) }
                guard numbers.count == 5 else { throw fail("SOA needs five numbers after its two names") }
                data = .soa(DNSSOA(primary: try name(words[0]), mailbox: try name(words[1]), serial: numbers[0],
                                   refresh: numbers[1], retry: numbers[2], expire: numbers[3], minimum: numbers[4]))
            default:
                throw fail("type \(type) is not supported in zone files")
            }
            pending.append((line, DNSRecord(name: owner, ttl: recordTTL, data: data)))
        }
        return pending
    }

    /// The root servers' addresses a hints file names: the A records of the targets of `. NS`.
    public static func rootServers(from text: String) throws(DNSZoneError) -> [IPv4Address] {
        let records = try records(from: text).map(\.1)
        let names = records.filter { $0.name.isRoot && $0.type == .ns }.compactMap(\.data.targetName)
        return records.compactMap { record -> IPv4Address? in
            guard names.contains(record.name), case .a(let address) = record.data else { return nil }
            return address
        }
    }

    struct Fields {
        var words: [String] = []
        var strings: [[UInt8]] = []
        var startsWithBlank = false
    }

    /// Lines joined across parentheses, comments removed, split into words; quoted strings are kept apart.
    static func logicalLines(_ text: String) throws(DNSZoneError) -> [(Int, Fields)] {
        var result: [(Int, Fields)] = []
        var current = Fields()
        var startLine = 0
        var depth = 0
        var lineNumber = 0
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            if depth == 0 {
                current = Fields()
                startLine = lineNumber
                current.startsWithBlank = rawLine.first == " " || rawLine.first == "\t"
            }
            var word = ""
            var quoted: [UInt8]?
            var bytes = Array(rawLine.utf8)
            if bytes.last == 0x0D { bytes.removeLast() }
            var index = 0
            func flush() {
                if !word.isEmpty { current.words.append(word) }
                word = ""
            }
            while index < bytes.count {
                let byte = bytes[index]
                if var string = quoted {
                    if byte == 0x5C, index + 1 < bytes.count {
                        string.append(bytes[index + 1])
                        index += 2
                        quoted = string
                        continue
                    }
                    if byte == 0x22 {
                        guard string.count <= 255 else {
                            throw DNSZoneError(line: lineNumber, message: "a TXT string is longer than 255 bytes")
                        }
                        current.strings.append(string)
                        quoted = nil
                    } else {
                        string.append(byte)
                        quoted = string
                    }
                    index += 1
                    continue
                }
                switch byte {
                case 0x3B: index = bytes.count; continue  // comment
                case 0x22: flush(); quoted = []
                case 0x28: flush(); depth += 1
                case 0x29:
                    flush()
                    guard depth > 0 else { throw DNSZoneError(line: lineNumber, message: "')' without '('") }
                    depth -= 1
                case 0x20, 0x09: flush()
                default: word.append(Character(UnicodeScalar(byte)))
                }
                index += 1
            }
            guard quoted == nil else { throw DNSZoneError(line: lineNumber, message: "a quoted string does not end on its line") }
            flush()
            if depth == 0, !current.words.isEmpty || !current.strings.isEmpty {
                result.append((startLine, current))
            }
        }
        guard depth == 0 else { throw DNSZoneError(line: startLine, message: "'(' is never closed") }
        return result
    }
}
