import RawNetWire

/// Bytes from a hex string (whitespace ignored). Test-only: traps on bad hex.
func bytes(_ hex: String) -> [UInt8] {
    let digits = Array(hex.filter { !$0.isWhitespace })
    precondition(digits.count % 2 == 0)
    return stride(from: 0, to: digits.count, by: 2).map { UInt8(String(digits[$0...$0 + 1]), radix: 16)! }
}

func hexString(_ data: [UInt8]) -> String {
    data.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
}

/// A small seeded generator (SplitMix64) so property tests replay exactly.
struct TestRandom: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func bytes(_ count: Int) -> [UInt8] { (0..<count).map { _ in UInt8.random(in: 0...255, using: &self) } }
}

/// Addresses used by the golden frames.
enum Lab {
    static let aliceMAC = MACAddress("02:00:00:00:00:0a")!
    static let routerMAC = MACAddress("02:00:00:00:00:01")!
    static let alice = IPv4Address("10.0.1.10")!
    static let router = IPv4Address("10.0.1.1")!
    static let bob = IPv4Address("10.0.2.20")!
}

/// Golden frames, each checked with tshark 4.0 (checksums on): no malformed packet, checksums good.
/// They were built independently of RawNetWire, byte by byte from the RFC layouts.
enum Golden {
    static let arpRequest = bytes("ffffffffffff02000000000a0806000108000604000102000000000a0a00010a0000000000000a000101000000000000000000000000000000000000")
    static let arpReply = bytes("02000000000a020000000001080600010800060400020200000000010a00010102000000000a0a00010a000000000000000000000000000000000000")
    static let echoRequest = bytes("02000000000102000000000a08004500002800014000400123b70a00010a0a0002140800a586123400017261776e65742070696e6721000000000000")
    static let echoReply = bytes("02000000000a020000000001080045000028000240003f0124b60a0002140a00010a0000ad86123400017261776e65742070696e6721000000000000")
    static let portUnreachable = bytes("02000000000a02000000000108004500003800040000400163a40a0002140a00010a0303580b000000004500002100034000401123ac0a00010a0a0002149c400009000d089b")
    static let timeExceeded = bytes("02000000000a02000000000108004500003800060000400164b50a0001010a00010a0b005111000000004500002100054000011162aa0a00010a0a0002149c41829a000d8505")
    static let udp = bytes("02000000000102000000000a08004500002600074000401123a30a00010a0a000214c000c001001294e768656c6c6f2c20626f620000000000000000")
    static let tcpSyn = bytes("02000000000102000000000a08004500003c00084000400623970a00010a0a000214a8ca00500102030400000000a002faf084e90000020405b40402080a000003e80000000001030307")
    static let tcpSack = bytes("02000000000102000000000a08004500005a00094000400623780a00010a0a000214a8ca005001020305a0b0c0d1d01801f6e07000000101080a000007d0000005dc01010512010204000102080001020c0001021000474554202f20485454502f312e300d0a0d0a")
    static let ipOptions = bytes("02000000000102000000000a080046000021000a400040118ea00a00010a0a00021494040000c002c0030009f0b77800000000000000000000000000")

    static let all: [(String, [UInt8])] = [
        ("arpRequest", arpRequest), ("arpReply", arpReply), ("echoRequest", echoRequest), ("echoReply", echoReply),
        ("portUnreachable", portUnreachable), ("timeExceeded", timeExceeded), ("udp", udp),
        ("tcpSyn", tcpSyn), ("tcpSack", tcpSack), ("ipOptions", ipOptions),
    ]

    /// The IPv4 packet of an Ethernet frame, without padding.
    static func packet(_ frame: [UInt8]) -> [UInt8] {
        let total = Int(frame[16]) << 8 | Int(frame[17])
        return Array(frame[14..<14 + total])
    }

    /// The IPv4 payload of an Ethernet frame, without padding.
    static func ipPayload(_ frame: [UInt8]) -> [UInt8] {
        let whole = packet(frame)
        let headerLength = Int(whole[0] & 0xF) * 4
        return Array(whole[headerLength...])
    }
}
