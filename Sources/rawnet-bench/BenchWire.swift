import ArgumentParser
import RawNetWire

/// `rawnet bench wire`: Internet checksum over 1500 bytes, parse and serialize of an
/// Ethernet/IPv4/TCP frame with options, each against a reference measured in the same run.
struct BenchWire: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "wire",
        abstract: "Checksum, parse and serialize speed of RawNetWire."
    )

    @Option(help: "Runs per measurement (min/median/max are over runs).")
    var runs = 7

    @Option(help: "Operations per run.")
    var iterations = 1_000_000

    mutating func validate() throws {
        guard runs >= 1, iterations >= 1 else { throw ValidationError("runs and iterations must be at least 1") }
    }

    func run() throws {
        var sink: UInt64 = 0
        let clock = ContinuousClock()

        /// Nanoseconds per operation for each run.
        func measure(_ body: (Int) -> UInt64) -> [Double] {
            _ = body(min(iterations, 1000))   // warm up
            return (0..<runs).map { _ in
                var result: UInt64 = 0
                let elapsed = clock.measure { result = body(iterations) }
                sink &+= result
                let c = elapsed.components
                return (Double(c.seconds) * 1e9 + Double(c.attoseconds) / 1e9) / Double(iterations)
            }
        }

        func report(_ name: String, _ times: [Double], reference: String, _ referenceTimes: [Double],
                    bytes: Int? = nil, target: String) {
            let sorted = times.sorted(), ref = referenceTimes.sorted()
            let median = sorted[sorted.count / 2], refMedian = ref[ref.count / 2]
            func ns(_ v: Double) -> String {
                let tenths = Int((v * 10).rounded())
                return "\(tenths / 10).\(tenths % 10)"
            }
            var line = "\(name): min \(ns(sorted.first!)) ns, median \(ns(median)) ns, max \(ns(sorted.last!)) ns"
            if let bytes { line += " (\(ns(Double(bytes) / median)) GB/s at the median)" }
            print(line + "  [target \(target)]")
            var refLine = "  reference \(reference): min \(ns(ref.first!)) ns, median \(ns(refMedian)) ns, max \(ns(ref.last!)) ns"
            if let bytes { refLine += " (\(ns(Double(bytes) / refMedian)) GB/s)" }
            print(refLine + "; ratio \(ns(median / refMedian))x")
        }

        // Checksum over 1500 bytes.
        var generator = SplitMix(state: 0x5EED)
        let block = (0..<1500).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
        let checksum = block.withUnsafeBytes { raw in
            measure { n in
                var acc: UInt64 = 0
                for i in 0..<n { acc &+= UInt64(InternetChecksum.sum(raw, initial: UInt32(i & 1))) }
                return acc
            }
        }
        let checksumReference = block.withUnsafeBytes { raw in
            measure { n in
                var acc: UInt64 = 0
                for i in 0..<n { acc &+= UInt64(bytewiseSum(raw, initial: UInt32(i & 1))) }
                return acc
            }
        }
        report("checksum 1500 B", checksum, reference: "byte-by-byte 16-bit sum", checksumReference,
               bytes: 1500, target: ">= 2 GB/s")

        // A TCP frame with options and a small payload.
        let eth = EthernetHeader(destination: MACAddress(0x02_00_00_00_00_01), source: MACAddress(0x02_00_00_00_00_0a),
                                 etherType: .ipv4)
        let ip = IPv4Header(identification: 7, protocolNumber: .tcp,
                            source: IPv4Address(10, 0, 1, 10), destination: IPv4Address(10, 0, 2, 20))
        let tcp = TCPHeader(sourcePort: 43210, destinationPort: 80, sequenceNumber: 1001, acknowledgmentNumber: 5001,
                            flags: [.ack, .psh], window: 502,
                            options: [.noOperation, .noOperation, .timestamps(value: 112, echoReply: 222),
                                      .noOperation, .noOperation, .sack([SACKBlock(left: 6001, right: 7001)])])
        let payload = Array("GET / HTTP/1.0\r\n\r\n".utf8)
        let frame = Frame.ipv4(ethernet: eth, ip: ip, tcp: tcp, payload: payload)
        let decoded = DecodedFrame(parsing: frame)
        guard decoded.error == nil, decoded.tcp?.options == tcp.options else {
            throw ValidationError("benchmark frame does not decode: \(decoded)")
        }

        var copyBuffer = [UInt8](repeating: 0, count: 2048)
        let copyReference = frame.withUnsafeBytes { source in
            copyBuffer.withUnsafeMutableBytes { destination in
                measure { n in
                    var acc: UInt64 = 0
                    for i in 0..<n {
                        destination.baseAddress!.copyMemory(from: source.baseAddress!, byteCount: source.count)
                        acc &+= UInt64(destination[i & 63])
                    }
                    return acc
                }
            }
        }

        let parse = frame.withUnsafeBytes { raw in
            measure { n in
                var acc: UInt64 = 0
                for _ in 0..<n {
                    do {
                        let ethernet = try EthernetView(raw)
                        let packet = ethernet.payload
                        let ipv4 = try IPv4Header(parsing: packet)
                        let segment = UnsafeRawBufferPointer(rebasing: packet[ipv4.headerLength..<Int(ipv4.totalLength)])
                        let header = try TCPHeader(parsing: segment, pseudoHeader: IPv4PseudoHeader(ipv4))
                        acc &+= UInt64(header.sequenceNumber) &+ UInt64(header.options.count) &+ ethernet.source.value
                        // Read every option as a `TCPOption` value (the list decodes on read).
                        for option in header.options {
                            switch option {
                            case .timestamps(let value, let echo): acc &+= UInt64(value ^ echo)
                            case .sack(let blocks): for block in blocks { acc &+= UInt64(block.right &- block.left) }
                            default: acc &+= 1
                            }
                        }
                    } catch {
                        acc &+= 1
                    }
                }
                return acc
            }
        }
        report("parse Ethernet/IPv4/TCP+options (\(frame.count) B, checksums verified)", parse,
               reference: "memcpy of the frame", copyReference, target: "<= 100 ns")

        var out: [UInt8] = []
        out.reserveCapacity(2048)
        let serialize = measure { n in
            var acc: UInt64 = 0
            for _ in 0..<n {
                out.removeAll(keepingCapacity: true)
                Frame.serializeIPv4(ethernet: eth, ip: ip, .tcp(tcp, payload: payload), into: &out)
                acc &+= UInt64(out[50])
            }
            return acc
        }
        report("serialize Ethernet/IPv4/TCP+options (\(frame.count) B, checksums computed)", serialize,
               reference: "memcpy of the frame", copyReference, target: "<= 150 ns")
        print("(\(runs) runs of \(iterations) operations; sink \(sink & 0xFF))")
    }
}

/// The plain RFC 1071 loop: one big-endian 16-bit word at a time.
private func bytewiseSum(_ bytes: UnsafeRawBufferPointer, initial: UInt32) -> UInt16 {
    var sum = UInt32(initial)
    var i = 0
    while i + 1 < bytes.count {
        sum &+= UInt32(bytes[i]) << 8 | UInt32(bytes[i + 1])
        i += 2
    }
    if i < bytes.count { sum &+= UInt32(bytes[i]) << 8 }
    while sum > 0xFFFF { sum = (sum & 0xFFFF) + (sum >> 16) }
    return UInt16(sum)
}

private struct SplitMix {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
