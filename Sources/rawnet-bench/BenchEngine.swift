import ArgumentParser
import RawNetCore
import RawNetWire

/// `rawnet bench engine`: how long the router engine (`IPNode`) takes to forward
/// one frame (validate, route, decrement TTL, readdress), against the least a
/// forwarder must do (copy the frame and decrement its TTL) measured in the same run.
struct BenchEngine: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "engine",
        abstract: "Forwarding speed of the IPv4 engine of a router."
    )

    @Option(help: "Runs per measurement (min/median/max are over runs).")
    var runs = 7

    @Option(help: "Frames per run.")
    var iterations = 1_000_000

    mutating func validate() throws {
        guard runs >= 1, iterations >= 1 else { throw ValidationError("runs and iterations must be at least 1") }
    }

    func run() throws {
        let clock = ContinuousClock()
        var sink: UInt64 = 0

        func measure(_ body: (Int) -> UInt64) -> [Double] {
            _ = body(min(iterations, 1000))
            return (0..<runs).map { _ in
                var result: UInt64 = 0
                let elapsed = clock.measure { result = body(iterations) }
                sink &+= result
                let c = elapsed.components
                return (Double(c.seconds) * 1e9 + Double(c.attoseconds) / 1e9) / Double(iterations)
            }
        }

        func ns(_ v: Double) -> String {
            let tenths = Int((v * 10).rounded())
            return "\(tenths / 10).\(tenths % 10)"
        }

        let westMAC = MACAddress(0x02_00_00_00_01_01), eastMAC = MACAddress(0x02_00_00_00_02_01)
        let aliceMAC = MACAddress(0x02_00_00_00_01_0a), bobMAC = MACAddress(0x02_00_00_00_02_14)
        let alice = IPv4Address(10, 0, 1, 10), bob = IPv4Address(10, 0, 2, 20)
        var router = IPNode(
            interfaces: [IPInterface(name: "eth0", macAddress: westMAC, address: IPv4InterfaceAddress("10.0.1.1/24")!),
                         IPInterface(name: "eth1", macAddress: eastMAC, address: IPv4InterfaceAddress("10.0.2.1/24")!)],
            configuration: IPNodeConfiguration(isForwarding: true))
        // bob introduces himself, so the router knows his MAC address.
        _ = router.receive(frame: Frame.arp(ethernet: EthernetHeader(destination: .broadcast, source: bobMAC, etherType: .arp),
                                            arp: .request(senderMAC: bobMAC, senderIP: bob, targetIP: IPv4Address(10, 0, 2, 1))),
                           on: 1, now: .zero)

        for size in [60, 1514] {
            let data = [UInt8](repeating: 0x61, count: max(0, size - 42))
            let frame = Frame.ipv4(ethernet: EthernetHeader(destination: westMAC, source: aliceMAC, etherType: .ipv4),
                                   ip: IPv4Header(timeToLive: 64, protocolNumber: .udp, source: alice, destination: bob),
                                   udp: UDPHeader(sourcePort: 40000, destinationPort: 7), payload: data)
            // Every frame forwarded must be exactly one transmit out of eth1.
            let check = router.receive(frame: frame, on: 0, now: .zero)
            guard check.contains(where: { if case .transmit(1, _) = $0 { return true } else { return false } }) else {
                throw ValidationError("benchmark frame was not forwarded: \(check)")
            }
            let engine = measure { n in
                var acc: UInt64 = 0
                for _ in 0..<n {
                    for output in router.receive(frame: frame, on: 0, now: .zero) {
                        if case .transmit(_, let out) = output { acc &+= UInt64(out[22]) }
                    }
                }
                return acc
            }
            let reference = measure { n in
                var acc: UInt64 = 0
                for _ in 0..<n {
                    var copy = frame
                    acc &+= UInt64((try? IPv4Header.decrementTTL(inPacket: &copy, at: 14)) ?? 0)
                }
                return acc
            }
            let e = engine.sorted(), r = reference.sorted()
            let median = e[e.count / 2], refMedian = r[r.count / 2]
            print("forward \(frame.count) B UDP frame: min \(ns(e.first!)) ns, median \(ns(median)) ns, max \(ns(e.last!)) ns"
                  + " (\(ns(1e3 / median)) M frames/s)  [target <= 1000 ns]")
            print("  reference copy + TTL decrement: min \(ns(r.first!)) ns, median \(ns(refMedian)) ns, max \(ns(r.last!)) ns;"
                  + " ratio \(ns(median / refMedian))x")
        }
        print("(\(runs) runs of \(iterations) frames; sink \(sink & 0xFF))")
    }
}
