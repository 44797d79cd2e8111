import RawNetPlatform
import RawNetSocket
import RawNetWire
import Synchronization

/// `rawnet bench dns`: queries per second one name server (the `dns` service
/// `rawnet up` starts on bob) answers for a client on alice, one router
/// between them, with `window` queries in flight; the reference, measured in
/// alternating runs of the same lab, is a UDP echo on bob answering the same
/// datagrams (what the name server costs over bare UDP through the same path).
public enum DNSBench {
    public struct Result: Sendable {
        public var dns: [Double]
        public var echo: [Double]
    }

    static let yaml = """
        name: benchdns
        nodes:
          alice:  { kind: host,   ip: 10.0.1.10/24, gateway: 10.0.1.1 }
          bob:    { kind: host,   ip: 10.0.2.20/24, gateway: 10.0.2.1, services: [dns] }
          r1:     { kind: router, interfaces: { eth0: 10.0.1.1/24, eth1: 10.0.2.1/24 } }
        links:
          - endpoints: [alice:eth0, r1:eth0]
          - endpoints: [r1:eth1, bob:eth0]
        """
    static let bob = IPv4Address(10, 0, 2, 20)
    static let echoPort: UInt16 = 7

    public static func run(seconds: Double, window: Int, runs: Int, executable: String? = nil,
                           progress: (String) -> Void) throws -> Result {
        let lab = try BenchLab(yaml: yaml, executable: try LabSides.locateRawnet(explicit: executable))
        defer { lab.stop() }
        let stop = Atomic<Bool>(false)
        let runDirectory = lab.runDirectory
        let echoReady = Atomic<Bool>(false)
        let echo = try PlatformThread.start {
            guard let host = try? HostConnection(runDirectory: runDirectory, host: "bob", appName: "echo"),
                  let socket = try? UDPSocket(host), (try? socket.bind(port: echoPort)) != nil else { return }
            echoReady.store(true, ordering: .releasing)
            while !stop.load(ordering: .acquiring) {
                guard let datagram = try? socket.receive(timeout: .milliseconds(100)) else { continue }
                try? socket.send(datagram.payload, to: datagram.from, port: datagram.port)
            }
        }
        defer {
            stop.store(true, ordering: .releasing)
            echo.join()
        }
        while !echoReady.load(ordering: .acquiring) { MonotonicClock.sleep(for: .milliseconds(10)) }
        let client = try HostConnection(runDirectory: runDirectory, host: "alice", appName: "bench")
        var result = Result(dns: [], echo: [])
        for run in 1...runs {
            let dns = try rate(client, port: 53, seconds: seconds, window: window)
            let reference = try rate(client, port: echoPort, seconds: seconds, window: window)
            result.dns.append(dns)
            result.echo.append(reference)
            progress("run \(run): dns \(Int(dns)) queries/s, udp echo \(Int(reference)) datagrams/s")
        }
        return result
    }

    /// Answers per second from `bob:port` with `window` questions outstanding
    /// (a question unanswered after 200 ms is sent again).
    static func rate(_ host: HostConnection, port: UInt16, seconds: Double, window: Int) throws -> Double {
        let socket = try UDPSocket(host)
        defer { try? socket.close() }
        try socket.connect(to: bob, port: port)
        let name = (try? DNSName("bob.lab")) ?? .root
        var id: UInt16 = 0
        func send() throws {
            id &+= 1
            try socket.send(DNSMessage.query(id: id, name: name, type: .a).serialize())
        }
        for _ in 0..<window { try send() }
        let start = MonotonicClock.now()
        let end = start + Int64(seconds * 1e9)
        var answered = 0
        while MonotonicClock.now() < end {
            if try socket.receive(timeout: .milliseconds(200)) != nil {
                answered += 1
            }
            try send()
        }
        let elapsed = Double(MonotonicClock.now() - start) / 1e9
        // Drain what is still in flight so the next run starts clean.
        while try socket.receive(timeout: .milliseconds(100)) != nil {}
        return Double(answered) / elapsed
    }
}
