@testable import RawNetDaemon
import RawNetContracts
import RawNetCore
import RawNetLab
import RawNetLabModel
import RawNetPlatform
import RawNetSocket
import RawNetWire
import Testing

/// The host's TCP memory budget (`TCPMemory`): many connections whose app
/// never reads fill TCP receive buffers until the budget is reached; then the
/// host refuses new connections and data, counted and traced, and stays under
/// the bound README states for a daemon (64 MB).
@Suite(.serialized)
struct TCPMemoryProcessTests {
    private let alice = IPv4Address(10, 0, 1, 10)
    private let bob = IPv4Address(10, 0, 2, 20)
    private static let memoryBound = 64 * 1024 * 1024

    /// A lab can give a host a smaller or larger budget (`tcp_mem:`), as Linux's
    /// `net.ipv4.tcp_mem`: bob with 1 MB takes about 256 idle connections (4 KB each),
    /// then refuses the next, and says so in `status`.
    @Test func tcpMem_setsTheHostsBudget_connectionsStopAtIt() throws {
        let yaml = TopologyLoader.defaultLabYAML.replacing(
            "gateway: 10.0.2.1 }", with: "gateway: 10.0.2.1, tcp_mem: 1MB }")
        try #require(yaml != TopologyLoader.defaultLabYAML, "the default lab's bob line changed")
        let lab = try DaemonTestLab(yaml: yaml)
        defer { lab.stop() }
        #expect(try lab.status("bob").budgets?.tcpBudgetBytes == 1024 * 1024)
        #expect(try lab.status("alice").budgets?.tcpBudgetBytes == TCPMemoryLimit.defaultBytes)
        let bobHost = try HostConnection(runDirectory: lab.runDirectory, host: "bob", appName: "keeper")
        let listener = try TCPListener(bobHost, port: 9600, backlog: 64)
        let aliceHost = try HostConnection(runDirectory: lab.runDirectory, host: "alice", appName: "opener")
        var clients: [TCPStream] = []
        var accepted: [TCPStream] = []
        var refusal: String?
        while refusal == nil && clients.count < 400 {
            do {
                clients.append(try TCPStream.connect(aliceHost, to: bob, port: 9600, timeout: .seconds(2)))
                if let stream = try listener.accept(timeout: .seconds(2)) { accepted.append(stream) }
            } catch {
                refusal = "\(error)"
            }
        }
        #expect(refusal == "\(NetworkError.timedOut)", "bob's budget should stop the SYN of connection \(clients.count + 1)")
        #expect((250...260).contains(clients.count), "bob took \(clients.count) connections of 4 KB in 1 MB")
        let shown = try lab.rawnet(["status"]).output
        #expect(shown.contains("of 1048576 B"), "\(shown)")
        #expect(shown.contains("TCP memory pressure"), "\(shown)")
        _ = accepted
    }

    @Test func manyConnectionsNeverRead_keepTheHostUnderTheBound_andNewOnesAreRefused() throws {
        let lab = try DaemonTestLab(yaml: TopologyLoader.defaultLabYAML)
        defer { lab.stop() }
        let bobPID = try #require(lab.pids["bob"])
        let alicePID = try #require(lab.pids["alice"])
        // 300 connections alice → bob; bob's app accepts them all, then never calls its library
        // again, so bob's host keeps the bytes: 300 receive buffers of 256 KiB would be 75 MiB.
        let count = 300
        let bobHost = try HostConnection(runDirectory: lab.runDirectory, host: "bob", appName: "hoarder")
        let listener = try TCPListener(bobHost, port: 9500, backlog: 64)
        let aliceHost = try HostConnection(runDirectory: lab.runDirectory, host: "alice", appName: "source")
        // alice's send buffers are small, so alice stays under its own budget and can still connect.
        let options = TCPOptions(sendBufferSize: 32 * 1024)
        var clients: [TCPStream] = []
        var accepted: [TCPStream] = []
        for _ in 0..<count {
            clients.append(try TCPStream.connect(aliceHost, to: bob, port: 9500, options: options, timeout: .seconds(5)))
            accepted.append(try #require(try listener.accept(timeout: .seconds(5))))
        }
        // alice writes all she can to every connection until nothing more is taken for 2 s.
        let chunk = [UInt8](repeating: 0x7E, count: 32 * 1024)
        var written = 0
        var idleSince = MonotonicClock.now()
        let started = MonotonicClock.now()
        while MonotonicClock.now() - idleSince < 2_000_000_000 && MonotonicClock.now() - started < 90_000_000_000 {
            var round = 0
            for client in clients { round += try client.writeAvailable(chunk) }
            written += round
            if round > 0 { idleSince = MonotonicClock.now() }
            try aliceHost.wait(timeout: .milliseconds(20))
        }
        let status = try lab.status("bob")
        let budgets = try #require(status.budgets)
        let bobPeak = try residentMemory(of: bobPID).peak
        let alicePeak = try residentMemory(of: alicePID).peak
        print("alice wrote \(written) bytes; bob's TCP holds \(budgets.tcpMemoryBytes ?? -1) of "
              + "\(budgets.tcpBudgetBytes ?? -1) B, refused \(budgets.tcpMemoryRefused ?? -1); "
              + "peaks: bob \(bobPeak) B, alice \(alicePeak) B")
        #expect(bobPeak < Self.memoryBound, "bob peaked at \(bobPeak) bytes")
        #expect(alicePeak < Self.memoryBound, "alice peaked at \(alicePeak) bytes")
        #expect((budgets.tcpMemoryBytes ?? 0) >= TCPMemoryLimit.defaultBytes, "the budget was never reached")
        #expect((budgets.tcpMemoryBytes ?? .max) < TCPMemoryLimit.defaultBytes + 4 * 1024 * 1024)
        #expect(written < count * 256 * 1024, "bob took everything: no bound")
        #expect((budgets.tcpMemoryRefused ?? 0) > 0)
        let pressureDrops = status.interfaces.reduce(0) { $0 + $1.counters[.tcpMemoryPressure] }
        #expect(pressureDrops > 0)

        // A new connection to bob: its SYN is a counted, traced drop (the connect times out)...
        var tracedSYN = false
        let watcher = try DropWatcher(lab, node: "bob", reason: .tcpMemoryPressure) { event in
            if event.detail?.hasPrefix("SYN") == true { tracedSYN = true }
        }
        #expect(throws: NetworkError.timedOut) {
            _ = try TCPStream.connect(aliceHost, to: bob, port: 9500, timeout: .seconds(2))
        }
        try watcher.read(timeout: .milliseconds(300))
        #expect(tracedSYN)
        // ...and an app on bob asking for one hears "no buffer space available" at once.
        let local = try HostConnection(runDirectory: lab.runDirectory, host: "bob", appName: "late")
        #expect(throws: NetworkError.noBufferSpace) {
            _ = try TCPStream.connect(local, to: alice, port: 9501, timeout: .seconds(2))
        }
        let shown = try lab.rawnet(["status"])
        #expect(shown.output.contains("TCP memory pressure"), "\(shown.output)")

        // bob's app goes: its connections are reset, the memory is given back, bob connects again.
        bobHost.close()
        var freed = false
        for _ in 0..<50 where !freed {
            MonotonicClock.sleep(for: .milliseconds(100))
            freed = (try lab.status("bob").budgets?.tcpMemoryBytes ?? .max) < TCPMemoryLimit.defaultBytes / 2
        }
        #expect(freed)
        let listener2 = try TCPListener(local, port: 9502)
        let again = try TCPStream.connect(local, to: bob, port: 9502, timeout: .seconds(5))
        #expect(try listener2.accept(timeout: .seconds(5)) != nil)
        again.close()
        _ = accepted
    }
}
