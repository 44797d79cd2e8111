/// The Internet checksum (RFC 1071) and its incremental update (RFC 1624).
///
///     let c = InternetChecksum.checksum(headerBytes)          // value for the checksum field
///     InternetChecksum.sum(headerWithChecksum) == 0xFFFF       // a valid header sums to all ones
///     let c2 = InternetChecksum.update(c, old: oldWord, new: newWord) // after changing one 16-bit word
///
/// Sums are ones'-complement sums of big-endian 16-bit words, folded to 16 bits.
/// A partial sum (`initial`, e.g. a pseudo-header from `pseudoHeaderSum`) can be
/// carried into the next call.
public enum InternetChecksum {
    /// The folded ones'-complement sum of `bytes` taken as big-endian 16-bit words
    /// (an odd last byte is padded with a zero byte), added to `initial`.
    public static func sum(_ bytes: UnsafeRawBufferPointer, initial: UInt32 = 0) -> UInt16 {
        let native = nativeSum(bytes)
        // RFC 1071 §2(B): the sum is byte-order independent, so summing native words
        // and swapping once at the end equals summing big-endian words.
        let network = UInt64(UInt16(bigEndian: fold(native)))
        return fold(network + UInt64(initial))
    }

    /// The folded ones'-complement sum of `bytes`, added to `initial`.
    public static func sum(_ bytes: [UInt8], initial: UInt32 = 0) -> UInt16 {
        bytes.withUnsafeBytes { sum($0, initial: initial) }
    }

    /// The folded ones'-complement sum of `bytes`, added to `initial`.
    public static func sum(_ bytes: ArraySlice<UInt8>, initial: UInt32 = 0) -> UInt16 {
        bytes.withUnsafeBytes { sum($0, initial: initial) }
    }

    /// The value to store in a checksum field: the complement of `sum`.
    /// Compute it with the checksum field set to zero.
    public static func checksum(_ bytes: UnsafeRawBufferPointer, initial: UInt32 = 0) -> UInt16 {
        ~sum(bytes, initial: initial)
    }

    /// The value to store in a checksum field: the complement of `sum`.
    public static func checksum(_ bytes: [UInt8], initial: UInt32 = 0) -> UInt16 {
        ~sum(bytes, initial: initial)
    }

    /// The value to store in a checksum field: the complement of `sum`.
    public static func checksum(_ bytes: ArraySlice<UInt8>, initial: UInt32 = 0) -> UInt16 {
        ~sum(bytes, initial: initial)
    }

    /// The partial sum of the IPv4 pseudo-header used by UDP and TCP (RFC 768, RFC 9293 §3.1):
    /// source, destination, zero, protocol, and the transport length.
    public static func pseudoHeaderSum(source: IPv4Address, destination: IPv4Address,
                                       protocol proto: IPProtocol, length: Int) -> UInt32 {
        var s = UInt64(source.value >> 16) + UInt64(source.value & 0xFFFF)
        s += UInt64(destination.value >> 16) + UInt64(destination.value & 0xFFFF)
        s += UInt64(proto.rawValue) + UInt64(UInt16(truncatingIfNeeded: length))
        return UInt32(fold(s))
    }

    /// RFC 1624 eqn. 3: the new checksum field after one 16-bit word of the covered
    /// data changes from `old` to `new`: `HC' = ~(~HC + ~m + m')`.
    public static func update(_ checksum: UInt16, old: UInt16, new: UInt16) -> UInt16 {
        ~fold(UInt64(~checksum) + UInt64(~old) + UInt64(new))
    }

    /// RFC 1624 for a 32-bit field (an address): both halves are updated at once.
    public static func update(_ checksum: UInt16, old: UInt32, new: UInt32) -> UInt16 {
        var s = UInt64(~checksum)
        s += UInt64(~UInt16(truncatingIfNeeded: old >> 16)) + UInt64(~UInt16(truncatingIfNeeded: old))
        s += UInt64(UInt16(truncatingIfNeeded: new >> 16)) + UInt64(UInt16(truncatingIfNeeded: new))
        return ~fold(s)
    }

    /// Folds a wide ones'-complement accumulator into 16 bits (end-around carry).
    @inline(__always)
    static func fold(_ value: UInt64) -> UInt16 {
        var s = value
        s = (s & 0xFFFF_FFFF) + (s >> 32)
        s = (s & 0xFFFF) + (s >> 16)
        s = (s & 0xFFFF) + (s >> 16)
        s = (s & 0xFFFF) + (s >> 16)
        return UInt16(truncatingIfNeeded: s)
    }

    /// Sum of 32-bit native-order words into a 64-bit accumulator; no carries are lost
    /// for inputs below 2^34 bytes.
    @inline(__always)
    static func nativeSum(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        guard let base = bytes.baseAddress else { return 0 }
        let n = bytes.count
        var a0: UInt64 = 0, a1: UInt64 = 0, a2: UInt64 = 0, a3: UInt64 = 0
        var i = 0
        while i &+ 32 <= n {
            let w0 = base.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            let w1 = base.loadUnaligned(fromByteOffset: i &+ 8, as: UInt64.self)
            let w2 = base.loadUnaligned(fromByteOffset: i &+ 16, as: UInt64.self)
            let w3 = base.loadUnaligned(fromByteOffset: i &+ 24, as: UInt64.self)
            a0 &+= (w0 & 0xFFFF_FFFF) &+ (w0 >> 32)
            a1 &+= (w1 & 0xFFFF_FFFF) &+ (w1 >> 32)
            a2 &+= (w2 & 0xFFFF_FFFF) &+ (w2 >> 32)
            a3 &+= (w3 & 0xFFFF_FFFF) &+ (w3 >> 32)
            i &+= 32
        }
        while i &+ 4 <= n {
            a0 &+= UInt64(base.loadUnaligned(fromByteOffset: i, as: UInt32.self))
            i &+= 4
        }
        if i &+ 2 <= n {
            a1 &+= UInt64(base.loadUnaligned(fromByteOffset: i, as: UInt16.self))
            i &+= 2
        }
        if i < n {
            // The odd byte is the high half of a big-endian word whose low half is zero.
            let last = UInt16(base.load(fromByteOffset: i, as: UInt8.self)) << 8
            a2 &+= UInt64(UInt16(bigEndian: last))
        }
        return a0 &+ a1 &+ a2 &+ a3
    }
}
