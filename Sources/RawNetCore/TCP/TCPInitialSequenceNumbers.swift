/// Where initial sequence numbers come from.
///
/// Daemons use ``keyed(key0:key1:)``, RFC 6528: ISN = M + F(4-tuple, secret),
/// where M is a 4-microsecond clock and F is SipHash-2-4 keyed with a secret.
/// Simulations use ``seeded(_:)`` so that runs replay exactly.
public struct TCPInitialSequenceNumbers: Sendable {
    enum Source: Sendable {
        case keyed(UInt64, UInt64)
        case seeded(SeededRandom)
    }
    private var source: Source

    /// RFC 6528 style numbers with a secret 128-bit key (pick it randomly at start).
    public static func keyed(key0: UInt64, key1: UInt64) -> TCPInitialSequenceNumbers {
        TCPInitialSequenceNumbers(source: .keyed(key0, key1))
    }

    /// Numbers drawn from a seeded generator, for deterministic simulations.
    public static func seeded(_ seed: UInt64) -> TCPInitialSequenceNumbers {
        TCPInitialSequenceNumbers(source: .seeded(SeededRandom(seed: seed)))
    }

    /// The secret of SYN cookies: the ISN key (altered), or one drawn from the seed.
    var cookieKeys: (UInt64, UInt64) {
        switch source {
        case .keyed(let k0, let k1): return (k1 ^ 0x5379_4E43_6F6F_6B69, k0 &+ 0x6573_5246_4334_3938)
        case .seeded(let random):
            var derived = SeededRandom(seed: random.seed ^ 0xC00C_1E5E_C0DE_0001)
            return (derived.next(), derived.next())
        }
    }

    /// The ISN for a new connection.
    public mutating func next(for id: TCPConnectionID, now: Instant) -> SequenceNumber {
        switch source {
        case .keyed(let k0, let k1):
            let m = UInt32(truncatingIfNeeded: now.nanoseconds / 4_000)
            let f = SipHash24.hash(key0: k0, key1: k1, id: id)
            return SequenceNumber(m &+ UInt32(truncatingIfNeeded: f))
        case .seeded(var random):
            let value = UInt32(truncatingIfNeeded: random.next())
            source = .seeded(random)
            return SequenceNumber(value)
        }
    }
}

/// SipHash-2-4 (Aumasson and Bernstein) over the 12 bytes of a connection's four numbers.
enum SipHash24 {
    static func hash(key0: UInt64, key1: UInt64, id: TCPConnectionID) -> UInt64 {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(12)
        for word in [id.localAddress.value, id.remoteAddress.value] {
            for shift in stride(from: 0, to: 32, by: 8) { bytes.append(UInt8(truncatingIfNeeded: word >> shift)) }
        }
        for port in [id.localPort, id.remotePort] {
            bytes.append(UInt8(truncatingIfNeeded: port)); bytes.append(UInt8(port >> 8))
        }
        return hash(key0: key0, key1: key1, bytes: bytes)
    }

    static func hash(key0: UInt64, key1: UInt64, bytes: [UInt8]) -> UInt64 {
        var v0: UInt64 = 0x736f_6d65_7073_6575 ^ key0
        var v1: UInt64 = 0x646f_7261_6e64_6f6d ^ key1
        var v2: UInt64 = 0x6c79_6765_6e65_7261 ^ key0
        var v3: UInt64 = 0x7465_6462_7974_6573 ^ key1
        func rotl(_ x: UInt64, _ b: UInt64) -> UInt64 { (x << b) | (x >> (64 - b)) }
        func round() {
            v0 &+= v1; v1 = rotl(v1, 13); v1 ^= v0; v0 = rotl(v0, 32)
            v2 &+= v3; v3 = rotl(v3, 16); v3 ^= v2
            v0 &+= v3; v3 = rotl(v3, 21); v3 ^= v0
            v2 &+= v1; v1 = rotl(v1, 17); v1 ^= v2; v2 = rotl(v2, 32)
        }
        let fullWords = bytes.count / 8
        for w in 0..<fullWords {
            var m: UInt64 = 0
            for i in 0..<8 { m |= UInt64(bytes[w * 8 + i]) << (8 * UInt64(i)) }
            v3 ^= m; round(); round(); v0 ^= m
        }
        var last = UInt64(truncatingIfNeeded: bytes.count) << 56
        for i in (fullWords * 8)..<bytes.count { last |= UInt64(bytes[i]) << (8 * UInt64(i - fullWords * 8)) }
        v3 ^= last; round(); round(); v0 ^= last
        v2 ^= 0xff
        round(); round(); round(); round()
        return v0 ^ v1 ^ v2 ^ v3
    }
}
