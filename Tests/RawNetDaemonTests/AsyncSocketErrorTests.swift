import RawNetContracts
import RawNetDaemon
import RawNetLab
import RawNetLabModel
import RawNetPlatform
import RawNetSocket
import RawNetWire
import Testing

/// Cancellation and typed errors of the async socket library, on real daemons.
@Suite(.serialized)
struct AsyncSocketErrorTests {
    private typealias Support = AsyncSocketSupport

    @Test func cancelledRead_throwsCancellation_andTheStreamStillReads() async throws {
        let lab = try DaemonTestLab(yaml: TopologyLoader.defaultLabYAML)
        defer { lab.stop() }
        let runDirectory = lab.runDirectory
        try await Support.withDeadline {
            let bobHost = try await AsyncHostConnection(runDirectory: runDirectory, host: "bob", appName: "server")
            let listener = try await AsyncTCPListener(bobHost, port: 7000)
            let aliceHost = try await AsyncHostConnection(runDirectory: runDirectory, host: "alice", appName: "client")
            let client = try await AsyncTCPStream.connect(aliceHost, to: Support.bob, port: 7000)
            let server = try await listener.accept()

            let reader = Task { try await client.read() }
            try await Task.sleep(for: .milliseconds(100))
            reader.cancel()
            await #expect(throws: CancellationError.self) { _ = try await reader.value }
            let lineReader = Task { try await client.readLine() }
            try await Task.sleep(for: .milliseconds(50))
            try await server.write("half a ")  // no newline yet: the line reader keeps waiting
            try await Task.sleep(for: .milliseconds(50))
            lineReader.cancel()
            await #expect(throws: CancellationError.self) { _ = try await lineReader.value }

            // Nothing was lost: the bytes that came while waiting are still there.
            try await server.write("line\n")
            #expect(try await client.readLine() == "half a line")

            // A cancelled accept leaves the listener listening.
            let acceptor = Task { try await listener.accept() }
            try await Task.sleep(for: .milliseconds(50))
            acceptor.cancel()
            await #expect(throws: CancellationError.self) { _ = try await acceptor.value }
            let second = try await AsyncTCPStream.connect(aliceHost, to: Support.bob, port: 7000)
            let accepted = try await listener.accept()
            #expect(accepted.remotePort == second.localPort)
        }
    }

    @Test func connectToAClosedPort_isRefused() async throws {
        let lab = try DaemonTestLab(yaml: TopologyLoader.defaultLabYAML)
        defer { lab.stop() }
        let runDirectory = lab.runDirectory
        try await Support.withDeadline {
            let aliceHost = try await AsyncHostConnection(runDirectory: runDirectory, host: "alice", appName: "client")
            await #expect(throws: NetworkError.connectionRefused) {
                _ = try await AsyncTCPStream.connect(aliceHost, to: Support.bob, port: 9999)
            }
            #expect(NetworkError.connectionRefused.description == "connection refused")

            let udp = try await AsyncUDPSocket(aliceHost)
            try await udp.connect(to: Support.bob, port: 9999)
            try await udp.send([1, 2, 3])
            await #expect(throws: NetworkError.connectionRefused) { _ = try await udp.receive() }

            // A router has no sockets: it refuses at once too (RST; ICMP port unreachable), on either address.
            let r1 = IPv4Address(10, 0, 2, 1)
            let started = MonotonicClock.now()
            await #expect(throws: NetworkError.connectionRefused) {
                _ = try await AsyncTCPStream.connect(aliceHost, to: r1, port: 7000)
            }
            #expect(MonotonicClock.now() - started < 2_000_000_000, "the router answered at once")
            let toRouter = try await AsyncUDPSocket(aliceHost)
            try await toRouter.connect(to: r1, port: 9999)
            try await toRouter.send([1, 2, 3])
            await #expect(throws: NetworkError.connectionRefused) { _ = try await toRouter.receive() }
        }
    }

    @Test func peerClosingWithUnreadData_resetsTheWriter() async throws {
        let lab = try DaemonTestLab(yaml: TopologyLoader.defaultLabYAML)
        defer { lab.stop() }
        // bob's app buffers at most 64 KiB and never reads: the rest stays in bob's TCP buffer.
        let bobHost = try await AsyncHostConnection(runDirectory: lab.runDirectory, host: "bob", appName: "stuck",
                                                    bufferLimit: 65_536)
        let listener = try await AsyncTCPListener(bobHost, port: 9000)
        let aliceHost = try await AsyncHostConnection(runDirectory: lab.runDirectory, host: "alice", appName: "source")
        let client = try await AsyncTCPStream.connect(aliceHost, to: Support.bob, port: 9000)
        let server = try await listener.accept()
        let writer = Task {
            var random = SeededRandomBytes(seed: 3)
            try await client.write(random.bytes(3_000_000))
        }
        // Watched through bob's control socket: asking the app API would let bob's app read.
        var unread = 0
        for _ in 0..<250 where unread == 0 {
            try await Task.sleep(for: .milliseconds(20))
            unread = try lab.sockets("bob").compactMap(\.receiveQueue).max() ?? 0
        }
        #expect(unread > 0, "data waits unread in bob's host")
        try await Support.withDeadline {
            await server.close()  // with unread data: RST, as on Linux
            await #expect(throws: NetworkError.connectionReset) { try await writer.value }
            await #expect(throws: NetworkError.connectionReset) { _ = try await client.read() }
        }
        #expect(NetworkError.connectionReset.description == "connection reset by peer")
    }

    @Test func closedHostConnection_failsCallsWithAReadableError() async throws {
        let lab = try DaemonTestLab(yaml: TopologyLoader.defaultLabYAML)
        defer { lab.stop() }
        let runDirectory = lab.runDirectory
        await #expect(throws: NetworkError.self) {
            _ = try await AsyncHostConnection(runDirectory: runDirectory, host: "nobody", appName: "x")
        }
        try await Support.withDeadline {
            let host = try await AsyncHostConnection(runDirectory: runDirectory, host: "alice", appName: "x")
            let socket = try await AsyncUDPSocket(host)
            let receiver = Task { try await socket.receive() }
            try await Task.sleep(for: .milliseconds(50))
            await host.close()
            await #expect(throws: NetworkError.hostClosedConnection) { _ = try await receiver.value }
            await #expect(throws: NetworkError.hostClosedConnection) { try await socket.send([1], to: Support.bob, port: 7) }
        }
        // What an app prints then says why that may be, and where to look.
        let said = "\(NetworkError.hostClosedConnection)"
        #expect(said.contains("the lab stopped") && said.contains("rawnet status"), "\(said)")
    }
}
