import RawNetContracts
import RawNetDaemon
import RawNetLab
import RawNetLabModel
import RawNetSocket
import RawNetWire
import Testing

/// D-SACK between real daemons: alice's frames are reordered on their way
/// out, bob reports the duplicates RACK's early retransmissions cause, and
/// alice counts them as spurious and undoes the window cuts, visible in the
/// socket status and in `rawnet sockets -i`.
@Suite(.serialized)
struct DSACKProcessTests {
    private typealias Support = AsyncSocketSupport

    @Test func reorderedTransfer_duplicatesAreDSACKed_countedSpurious_andShown() async throws {
        let lab = try DaemonTestLab(yaml: TopologyLoader.defaultLabYAML)
        defer { lab.stop() }
        let runDirectory = lab.runDirectory
        try lab.impair("alice", "eth0", "reorder 5% delay 5ms seed 3")
        let spurious = try await Support.withDeadline(.seconds(60)) {
            let bobHost = try await AsyncHostConnection(runDirectory: runDirectory, host: "bob", appName: "sink")
            let listener = try await AsyncTCPListener(bobHost, port: 9140)
            let aliceHost = try await AsyncHostConnection(runDirectory: runDirectory, host: "alice", appName: "source")
            let client = try await AsyncTCPStream.connect(aliceHost, to: Support.bob, port: 9140)
            let server = try await listener.accept()
            let data = (0..<(2 * 1024 * 1024)).map { UInt8(truncatingIfNeeded: $0 &* 7) }
            async let received = Support.readAll(server)
            try await client.write(data)
            try await client.shutdownWrite()
            #expect(try await received == data)

            let sender = try await client.status()
            let receiver = try await server.status()
            // Nothing is lost, so every retransmission was needless and came back as a duplicate.
            #expect(sender.retransmissions > 0, "5 % reordering made RACK resend something: \(sender)")
            #expect(receiver.dsacksSent > 0, "\(receiver)")
            #expect(Int(receiver[.duplicatesReceived] ?? "") ?? 0 >= receiver.dsacksSent, "\(receiver)")
            #expect(sender.dsacksReceived > 0 && sender.spuriousRetransmissions > 0, "\(sender)")
            #expect(sender.undos > 0, "a recovery whose retransmissions were all needless is undone: \(sender)")
            #expect(sender[.reorderingWindow] != nil, "\(sender)")
            await client.close()
            await server.close()
            await listener.close()
            return sender.spuriousRetransmissions
        }
        // alice's end lingers (FIN-WAIT, TIME-WAIT) with its counters, as `ss` shows.
        let listing = try lab.rawnet(["sockets", "alice", "-i"])
        #expect(listing.status == 0, "\(listing.output)")
        #expect(listing.output.contains("spurious_retrans "), "\(listing.output)")
        #expect(!listing.output.contains("spurious_retrans 0 "), "\(spurious) before the close: \(listing.output)")
        #expect(listing.output.contains("dsack_received ") && listing.output.contains("undo "), "\(listing.output)")
        #expect(listing.output.contains("reo_wnd ") && listing.output.contains("ms"), "\(listing.output)")
    }
}
