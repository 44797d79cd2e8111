import RawNetContracts
import RawNetDaemon
import RawNetLab
import RawNetLabModel
import RawNetSocket
import RawNetWire
import RawNetTestSupport
import Testing

/// The async socket library on real daemons: alice (10.0.1.10) — r1 — bob (10.0.2.20).
@Suite(.serialized)
struct AsyncSocketProcessTests {
    private typealias Support = AsyncSocketSupport

    @Test func echo_linesCrossTheRouterAndComeBack() async throws {
        let lab = try DaemonTestLab(yaml: TopologyLoader.defaultLabYAML)
        defer { lab.stop() }
        let runDirectory = lab.runDirectory
        try await Support.withDeadline {
            let bobHost = try await AsyncHostConnection(runDirectory: runDirectory, host: "bob", appName: "echo")
            let listener = try await AsyncTCPListener(bobHost, port: 7)
            #expect(listener.localPort == 7)
            let server = Support.startEchoServer(listener)

            let aliceHost = try await AsyncHostConnection(runDirectory: runDirectory, host: "alice", appName: "client")
            let stream = try await AsyncTCPStream.connect(aliceHost, to: Support.bob, port: 7)
            #expect(stream.remoteAddress == Support.bob && stream.remotePort == 7)
            #expect(stream.localAddress == Support.alice && appEphemeralPorts.contains(stream.localPort))

            try await stream.write("hello\n")
            #expect(try await stream.readLine() == "hello")
            try await stream.write("second line\r\nthird ")
            try await stream.write("line\nno newline at the end")
            #expect(try await stream.readLine() == "second line")
            try await stream.shutdownWrite()
            var rest: [String] = []
            for try await line in stream.lines { rest.append(line) }
            #expect(rest == ["third line", "no newline at the end"])
            #expect(try await stream.read() == [], "end of stream stays")

            await stream.close()
            await listener.close()
            await server.value
        }
    }

    @Test func twentyConcurrentConnections_eachEchoedByteExact() async throws {
        let lab = try DaemonTestLab(yaml: TopologyLoader.defaultLabYAML)
        defer { lab.stop() }
        let runDirectory = lab.runDirectory
        try await Support.withDeadline(.seconds(30)) {
            let bobHost = try await AsyncHostConnection(runDirectory: runDirectory, host: "bob", appName: "echo")
            let listener = try await AsyncTCPListener(bobHost, port: 7, backlog: 32)
            let server = Support.startEchoServer(listener)
            let aliceHost = try await AsyncHostConnection(runDirectory: runDirectory, host: "alice", appName: "clients")

            let results = try await withThrowingTaskGroup(of: (Int, Bool, UInt16).self) { group in
                for index in 0..<20 {
                    group.addTask {
                        var random = SeededRandomBytes(seed: UInt64(index + 1))
                        let payload = random.bytes(20_000 + index * 997)
                        let stream = try await AsyncTCPStream.connect(aliceHost, to: Support.bob, port: 7)
                        async let echoed = Support.readAll(stream)
                        try await stream.write(payload)
                        try await stream.shutdownWrite()
                        let matches = try await echoed == payload
                        await stream.close()
                        return (index, matches, stream.localPort)
                    }
                }
                var results: [(Int, Bool, UInt16)] = []
                for try await result in group { results.append(result) }
                return results
            }
            #expect(results.count == 20)
            let failed = results.filter { !$0.1 }.map(\.0)
            #expect(failed.isEmpty, "byte-exact echo on every connection; failed: \(failed)")
            #expect(Set(results.map(\.2)).count == 20, "twenty distinct local ports")

            await listener.close()
            await server.value
        }
    }

    @Test func oneMegabyte_withASmallSendBuffer_arrivesByteExact() async throws {
        let lab = try DaemonTestLab(yaml: TopologyLoader.defaultLabYAML)
        defer { lab.stop() }
        let runDirectory = lab.runDirectory
        try await Support.withDeadline(.seconds(30)) {
            let bobHost = try await AsyncHostConnection(runDirectory: runDirectory, host: "bob", appName: "sink")
            let listener = try await AsyncTCPListener(bobHost, port: 9000)
            let aliceHost = try await AsyncHostConnection(runDirectory: runDirectory, host: "alice", appName: "source")
            var random = SeededRandomBytes(seed: 42)
            let data = random.bytes(1 << 20)
            // A 16 KiB send buffer takes at most 16 KiB per send: the rest waits for `writable`.
            let options = TCPOptions(sendBufferSize: 16_384)
            let client = try await AsyncTCPStream.connect(aliceHost, to: Support.bob, port: 9000, options: options)
            let server = try await listener.accept()
            #expect(server.remoteAddress == Support.alice && server.remotePort == client.localPort)

            async let received = Support.readAll(server)
            try await client.write(data)
            try await client.shutdownWrite()
            let bytes = try await received
            #expect(bytes.count == data.count)
            #expect(byteDifference(bytes, data) == nil)
            let status = try await client.status()
            #expect(status.bytesSent >= data.count, "\(status)")
            await client.close()
            await server.close()
            await listener.close()
        }
    }

    @Test func udp_datagramsGoAndComeBack() async throws {
        let lab = try DaemonTestLab(yaml: TopologyLoader.defaultLabYAML)
        defer { lab.stop() }
        let runDirectory = lab.runDirectory
        try await Support.withDeadline {
            let bobHost = try await AsyncHostConnection(runDirectory: runDirectory, host: "bob", appName: "udp-echo")
            let server = try await AsyncUDPSocket(bobHost, port: 7)
            let aliceHost = try await AsyncHostConnection(runDirectory: runDirectory, host: "alice", appName: "udp")
            let client = try await AsyncUDPSocket(aliceHost)
            #expect(appEphemeralPorts.contains(client.localPort))

            try await client.send(Array("ping".utf8), to: Support.bob, port: 7)
            let request = try await server.receive()
            #expect(request.payload == Array("ping".utf8))
            #expect(request.from == Support.alice && request.port == client.localPort)
            #expect(request.timeToLive == 63)
            try await server.send(Array("PONG".utf8), to: request.from, port: request.port)
            let answer = try await client.receive()
            #expect(answer.payload == Array("PONG".utf8) && answer.from == Support.bob && answer.port == 7)

            // The port is taken while the server holds it, and free once it closed.
            let other = try await AsyncHostConnection(runDirectory: runDirectory, host: "bob", appName: "other")
            await #expect(throws: NetworkError.addressInUse) { _ = try await AsyncUDPSocket(other, port: 7) }
            await server.close()
            let again = try await AsyncUDPSocket(other, port: 7)
            #expect(again.localPort == 7)
        }
    }
}
