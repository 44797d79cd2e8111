import RawNetContracts
import RawNetDaemon
import RawNetLab
import RawNetLabModel
import RawNetSocket
import RawNetWire
import Testing

/// The congestion-control option by name, through the app API to real daemons.
@Suite(.serialized)
struct CongestionOptionProcessTests {
    private typealias Support = AsyncSocketSupport

    @Test func bbrOption_reachesBothEnds_andShowsInStatus() async throws {
        let lab = try DaemonTestLab(yaml: TopologyLoader.defaultLabYAML)
        defer { lab.stop() }
        let runDirectory = lab.runDirectory
        try await Support.withDeadline(.seconds(30)) {
            let options = TCPOptions(congestionControl: .bbr)
            let bobHost = try await AsyncHostConnection(runDirectory: runDirectory, host: "bob", appName: "sink")
            let listener = try await AsyncTCPListener(bobHost, port: 9100, options: options)
            let aliceHost = try await AsyncHostConnection(runDirectory: runDirectory, host: "alice", appName: "source")
            let client = try await AsyncTCPStream.connect(aliceHost, to: Support.bob, port: 9100, options: options)
            let server = try await listener.accept()
            let data = [UInt8](repeating: 0x5A, count: 256 * 1024)
            async let received = Support.readAll(server)
            try await client.write(data)
            try await client.shutdownWrite()
            #expect(try await received == data)

            let sender = try await client.status()
            #expect(sender[.congestion] == "bbr", "\(sender)")
            #expect(sender[.bbrMode] != nil, "\(sender)")
            #expect(Int(sender[.bbrBandwidth] ?? "") ?? 0 > 0, "a quarter MiB gives BBR a bandwidth: \(sender)")
            #expect(sender[.tlp] != nil, "\(sender)")
            let receiver = try await server.status()
            #expect(receiver[.congestion] == "bbr", "\(receiver)")
            await client.close()
            await server.close()
            await listener.close()
        }
    }

    @Test func optionsOnAnOpenConnection_takeEffectAtOnce() async throws {
        let lab = try DaemonTestLab(yaml: TopologyLoader.defaultLabYAML)
        defer { lab.stop() }
        let runDirectory = lab.runDirectory
        try await Support.withDeadline(.seconds(30)) {
            let bobHost = try await AsyncHostConnection(runDirectory: runDirectory, host: "bob", appName: "sink")
            let listener = try await AsyncTCPListener(bobHost, port: 9101)
            let aliceHost = try await AsyncHostConnection(runDirectory: runDirectory, host: "alice", appName: "source")
            let client = try await AsyncTCPStream.connect(aliceHost, to: Support.bob, port: 9101)
            let server = try await listener.accept()
            #expect(try await client.status()[.congestion] == "newreno")

            try await client.setOptions(TCPOptions(isNagleEnabled: false, congestionControl: .bbr, sendBufferSize: 256 * 1024))
            let changed = try await client.status()
            #expect(changed[.congestion] == "bbr", "\(changed)")
            #expect(changed[.bbrMode] != nil, "BBR's model runs on the live connection: \(changed)")
            // The connection carries on under its new controller.
            let data = [UInt8](repeating: 0xA5, count: 128 * 1024)
            async let received = Support.readAll(server)
            try await client.write(data)
            try await client.shutdownWrite()
            #expect(try await received == data)
            #expect(Int(try await client.status()[.bbrBandwidth] ?? "") ?? 0 > 0)
            #expect(try await server.status()[.congestion] == "newreno", "the peer keeps its own")
            await client.close()
            await server.close()
            await listener.close()
        }
    }

    @Test func optionValues_nameEachController() {
        #expect(TCPCongestion.allCases.map(\.rawValue) == ["newreno", "cubic", "bbr"])
        let settings = TCPCongestion.allCases.map { TCPOptions(congestionControl: $0) }
        #expect(settings.map { $0 == TCPOptions(congestionControl: .bbr) } == [false, false, true])
    }
}
