/// IPv4 fragmentation (RFC 791 §2.3, §3.2): cutting a packet into pieces that
/// fit a link's MTU, and putting the header of a reassembled datagram back together.
///
///     let pieces = try IPv4Fragmentation.fragments(of: packet, mtu: 1500)
///
/// Every piece but the last carries a multiple of 8 data bytes and MF; offsets
/// count 8-byte units from the start of the original datagram (so a fragment
/// can be fragmented again); the last piece keeps the original MF bit. Options
/// whose copied flag is set go into every piece, the rest only into the first.
public enum IPv4Fragmentation {
    /// The smallest MTU every IPv4 link must carry (RFC 791: a 60-byte header and 8 data bytes).
    public static let minimumMTU = 68
    /// The largest IPv4 datagram.
    public static let maximumDatagram = 65_535

    /// The pieces of `packet` (a whole IPv4 packet, itself possibly a fragment),
    /// each at most `mtu` bytes, checksums recomputed. A packet that already fits
    /// comes back alone and unchanged. DF is not looked at: deciding whether a
    /// packet may be cut is the caller's business.
    public static func fragments(of packet: [UInt8], mtu: Int) throws(WireError) -> [[UInt8]] {
        let view = try packet.withWireBytes { raw throws(WireError) in
            try FragmentSource(IPv4View(raw))
        }
        guard view.totalLength > mtu else { return [Array(packet[0..<view.totalLength])] }
        let laterOptions = copiedOptions(Array(packet[IPv4View.minimumHeaderLength..<view.headerLength]))
        let laterHeaderLength = IPv4View.minimumHeaderLength + laterOptions.count
        guard mtu - Swift.max(view.headerLength, laterHeaderLength) >= 8 else {
            throw WireError.badValue(layer: "IPv4", field: "mtu", value: UInt64(max(0, mtu)),
                                     expected: "room for the header and 8 data bytes")
        }
        var pieces: [[UInt8]] = []
        var start = view.headerLength
        let end = view.totalLength
        while start < end {
            let isFirst = pieces.isEmpty
            let headerLength = isFirst ? view.headerLength : laterHeaderLength
            var length = end - start
            let isLast = headerLength + length <= mtu
            if !isLast { length = (mtu - headerLength) & ~7 }
            var piece = [UInt8]()
            piece.reserveCapacity(headerLength + length)
            piece.append(contentsOf: packet[0..<IPv4View.minimumHeaderLength])
            piece.append(contentsOf: isFirst ? packet[IPv4View.minimumHeaderLength..<view.headerLength]
                                             : laterOptions[...])
            piece.append(contentsOf: packet[start..<start + length])
            let offsetUnits = Int(view.fragmentOffset) + (start - view.headerLength) / 8
            let moreFragments = isLast ? view.moreFragments : true
            writeHeaderFields(into: &piece, headerLength: headerLength, totalLength: headerLength + length,
                              offsetUnits: offsetUnits, flags: view.flags, moreFragments: moreFragments)
            pieces.append(piece)
            start += length
        }
        return pieces
    }

    /// Sets IHL, total length, fragment offset and MF of the header at the start
    /// of `packet` (the other flags as `flags` says) and recomputes its checksum.
    public static func writeHeaderFields(into packet: inout [UInt8], headerLength: Int, totalLength: Int,
                                         offsetUnits: Int, flags: IPv4Flags, moreFragments: Bool) {
        var flags = flags
        if moreFragments { flags.insert(.moreFragments) } else { flags.remove(.moreFragments) }
        packet[0] = 0x40 | UInt8(headerLength / 4)
        packet.storeUInt16(UInt16(totalLength), at: 2)
        packet.storeUInt16(UInt16(flags.rawValue) << 13 | UInt16(offsetUnits) & 0x1FFF, at: 6)
        packet.storeUInt16(0, at: 10)
        let checksum = packet.withUnsafeBytes { raw in
            InternetChecksum.checksum(UnsafeRawBufferPointer(rebasing: raw[0..<headerLength]))
        }
        packet.storeUInt16(checksum, at: 10)
    }

    /// The options of a first fragment that later fragments repeat (those with
    /// the copied flag, RFC 791 §3.1), padded with zeros to a multiple of 4.
    static func copiedOptions(_ options: [UInt8]) -> [UInt8] {
        var kept: [UInt8] = []
        var index = 0
        while index < options.count {
            let type = options[index]
            if type == 0 { break }  // end of option list
            if type == 1 { index += 1; continue }  // no-operation
            guard index + 1 < options.count else { break }
            let length = Int(options[index + 1])
            guard length >= 2, index + length <= options.count else { break }
            if type & 0x80 != 0 { kept += options[index..<index + length] }
            index += length
        }
        while kept.count % 4 != 0 { kept.append(0) }
        return kept
    }
}

/// The fields of a packet to fragment, read once.
private struct FragmentSource {
    var headerLength: Int
    var totalLength: Int
    var fragmentOffset: UInt16
    var flags: IPv4Flags
    var moreFragments: Bool

    init(_ view: IPv4View) {
        headerLength = view.headerLength
        totalLength = view.totalLength
        fragmentOffset = view.fragmentOffset
        flags = view.flags
        moreFragments = view.flags.contains(.moreFragments)
    }
}
