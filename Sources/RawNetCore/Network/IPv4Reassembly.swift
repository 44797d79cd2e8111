import RawNetWire

/// Limits of fragment reassembly. The defaults follow Linux where it has a knob
/// (`ipfrag_time` 30 s) and stay small elsewhere: a lab node holds a few datagrams at once.
public struct IPv4ReassemblyConfiguration: Sendable, Equatable {
    /// How long the fragments of one datagram may take to arrive (RFC 1122 3.3.2 suggests 60–120 s; Linux uses 30 s).
    public var timeout: Duration
    /// Datagrams in progress at once; a fragment of one more is dropped ("reassembly limit").
    public var maximumDatagrams: Int
    /// Data bytes held over all datagrams in progress; a fragment beyond it is dropped ("reassembly limit").
    public var maximumBytes: Int

    public init(timeout: Duration = .seconds(30), maximumDatagrams: Int = 64, maximumBytes: Int = 1 << 20) {
        self.timeout = timeout
        self.maximumDatagrams = max(1, maximumDatagrams)
        self.maximumBytes = max(IPv4Fragmentation.maximumDatagram, maximumBytes)
    }
}

/// Puts IPv4 fragments back together (RFC 791 §3.2, RFC 815), without I/O.
///
/// Fragments are grouped by source, destination, protocol and identification.
/// A fragment lying wholly inside one already held is a duplicate and dropped
/// alone; one that overlaps otherwise ends the whole datagram, as Linux does
/// since 4.19 for IPv4 (RFC 5722's rule for IPv6). Memory is bounded by
/// `IPv4ReassemblyConfiguration`; a datagram not complete within the timeout is
/// given up, and if its first fragment came its sender may be told (ICMP time
/// exceeded, code 1).
public struct IPv4Reassembly: Sendable {
    public struct Key: Hashable, Sendable {
        public var source: IPv4Address
        public var destination: IPv4Address
        public var protocolNumber: IPProtocol
        public var identification: UInt16
    }

    /// What one fragment did.
    public enum Outcome: Sendable, Equatable {
        /// Held; more are needed.
        case held
        /// The datagram is whole: the packet, header included, with MF clear and offset 0,
        /// and how many fragments it came in.
        case complete([UInt8], fragments: Int)
        /// This fragment alone was dropped.
        case dropped(DropReason, detail: String)
        /// This fragment ended its datagram: every fragment held for it is gone too.
        case discarded(DropReason, detail: String)
    }

    /// A datagram given up at its deadline: where its first fragment came in, and
    /// the fragment at offset 0 if it came (to quote in ICMP time exceeded).
    public struct Expired: Sendable, Equatable {
        public var key: Key
        public var interface: Int?
        public var firstFragment: [UInt8]?
    }

    struct Piece: Sendable {
        var start: Int
        var data: [UInt8]
        var end: Int { start + data.count }
    }

    struct Datagram: Sendable {
        var deadline: Instant
        var interface: Int?
        var pieces: [Piece] = []
        /// The header (options included) of the fragment at offset 0, once it came.
        var firstHeader: [UInt8]?
        /// The whole fragment at offset 0, for an ICMP quote.
        var firstFragment: [UInt8]?
        /// Data length, known once the fragment without MF came.
        var totalDataLength: Int?
        var heldBytes: Int { pieces.reduce(0) { $0 + $1.data.count } }
    }

    public let configuration: IPv4ReassemblyConfiguration
    var datagrams: [Key: Datagram] = [:]
    /// Data bytes held now, over all datagrams.
    public private(set) var heldBytes = 0

    public init(configuration: IPv4ReassemblyConfiguration = IPv4ReassemblyConfiguration()) {
        self.configuration = configuration
    }

    /// Datagrams in progress.
    public var count: Int { datagrams.count }

    /// Takes one fragment: a whole IPv4 packet (header checksum already verified)
    /// with MF set or a non-zero offset, arriving on `interface` at `now`.
    public mutating func add(_ packet: [UInt8], interface: Int?, now: Instant) -> Outcome {
        guard let header = try? IPv4Header(parsing: packet, verifyChecksum: false) else {
            return .dropped(.malformed, detail: "fragment with a bad IPv4 header")
        }
        let headerLength = header.headerLength
        let data = Array(packet[headerLength..<Int(header.totalLength)])
        let start = Int(header.fragmentOffset) * 8
        let isLast = !header.flags.contains(.moreFragments)
        let key = Key(source: header.source, destination: header.destination, protocolNumber: header.protocolNumber,
                      identification: header.identification)
        if !isLast && (data.isEmpty || data.count % 8 != 0) {
            return .dropped(.malformed, detail: "fragment with MF carries \(data.count) bytes, not a positive multiple of 8")
        }
        if start + data.count + headerLength > IPv4Fragmentation.maximumDatagram {
            return discard(key, .malformed, detail: "fragment ends at \(start + data.count), past the largest datagram")
        }
        var datagram: Datagram
        if let existing = datagrams[key] {
            datagram = existing
        } else {
            guard datagrams.count < configuration.maximumDatagrams else {
                return .dropped(.reassemblyLimit,
                                detail: "already \(datagrams.count) datagrams in reassembly")
            }
            datagram = Datagram(deadline: now + configuration.timeout, interface: interface)
        }
        let end = start + data.count
        if let total = datagram.totalDataLength, end > total || (isLast && end != total) {
            return discard(key, .fragmentOverlap, detail: "fragment \(start)..<\(end) disagrees with the datagram's end \(total)")
        }
        if isLast, let reach = datagram.pieces.map(\.end).max(), reach > end {
            return discard(key, .fragmentOverlap, detail: "last fragment ends at \(end), data already held to \(reach)")
        }
        for piece in datagram.pieces where start < piece.end && piece.start < end {
            if start >= piece.start && end <= piece.end {
                return .dropped(.duplicateFragment, detail: "fragment \(start)..<\(end) already held")
            }
            return discard(key, .fragmentOverlap,
                           detail: "fragment \(start)..<\(end) overlaps \(piece.start)..<\(piece.end)")
        }
        guard heldBytes + data.count <= configuration.maximumBytes else {
            if datagrams[key] == nil { return .dropped(.reassemblyLimit, detail: "reassembly holds \(heldBytes) bytes") }
            return discard(key, .reassemblyLimit, detail: "reassembly holds \(heldBytes) bytes")
        }
        heldBytes += data.count
        let index = datagram.pieces.firstIndex { $0.start > start } ?? datagram.pieces.count
        datagram.pieces.insert(Piece(start: start, data: data), at: index)
        if isLast { datagram.totalDataLength = end }
        if start == 0 {
            datagram.firstHeader = Array(packet[0..<headerLength])
            datagram.firstFragment = packet
        }
        if let header = datagram.firstHeader, let total = datagram.totalDataLength,
           header.count + total > IPv4Fragmentation.maximumDatagram {
            heldBytes -= data.count  // counted above, not yet stored with the datagram
            return discard(key, .malformed, detail: "\(header.count)-byte header and \(total) data bytes exceed the largest datagram")
        }
        if let whole = Self.assembled(datagram) {
            heldBytes -= datagram.heldBytes
            datagrams[key] = nil
            return .complete(whole, fragments: datagram.pieces.count)
        }
        datagrams[key] = datagram
        return .held
    }

    /// Gives up the datagrams whose deadline has come.
    public mutating func expire(now: Instant) -> [Expired] {
        var expired: [Expired] = []
        for (key, datagram) in datagrams where datagram.deadline <= now {
            heldBytes -= datagram.heldBytes
            datagrams[key] = nil
            expired.append(Expired(key: key, interface: datagram.interface, firstFragment: datagram.firstFragment))
        }
        return expired.sorted { $0.key.identification < $1.key.identification }
    }

    /// The earliest deadline of a datagram in progress.
    public func nextDeadline() -> Instant? {
        datagrams.values.lazy.map(\.deadline).min()
    }

    private mutating func discard(_ key: Key, _ reason: DropReason, detail: String) -> Outcome {
        if let datagram = datagrams.removeValue(forKey: key) {
            heldBytes -= datagram.heldBytes
        }
        return .discarded(reason, detail: detail)
    }

    /// The whole packet when the first and last fragments came and nothing is missing between.
    static func assembled(_ datagram: Datagram) -> [UInt8]? {
        guard let header = datagram.firstHeader, let total = datagram.totalDataLength else { return nil }
        var reach = 0
        for piece in datagram.pieces {
            guard piece.start == reach else { return nil }
            reach = piece.end
        }
        guard reach == total else { return nil }
        var packet = header
        packet.reserveCapacity(header.count + total)
        for piece in datagram.pieces { packet += piece.data }
        let flags = IPv4Flags(rawValue: packet[6] >> 5)
        IPv4Fragmentation.writeHeaderFields(into: &packet, headerLength: header.count, totalLength: packet.count,
                                            offsetUnits: 0, flags: flags, moreFragments: false)
        return packet
    }
}
