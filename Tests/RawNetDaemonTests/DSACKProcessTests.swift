import RawNetContracts
import RawNetDaemon
import RawNetLab
import RawNetLabModel
import RawNetSocket
import RawNetWire
import Glibc
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
            // alice's app closes; its end lingers with its counters, listed with no app, as `ss`
            // shows an orphan. Read while bob still holds his end open (alice in FIN-WAIT-2), so
            // no late segment can meet a closed socket and draw a RST that ends a TIME-WAIT first.
            await client.close()
            let listing = try Self.orphanListing(runDirectory: runDirectory, port: 9140)
            await server.close()
            await listener.close()
            return (sender.spuriousRetransmissions, listing)
        }
        let (count, listing) = spurious
        #expect(listing.contains("spurious_retrans "), "\(listing)")
        #expect(!listing.contains("spurious_retrans 0 "), "\(count) before the close: \(listing)")
        #expect(listing.contains("dsack_received ") && listing.contains("undo "), "\(listing)")
        #expect(listing.contains("reo_wnd ") && listing.contains("ms"), "\(listing)")
    }

    /// alice's sockets as `rawnet sockets alice -i` lists them, once her connection to port
    /// `port` is held by no app (socket 0): the table of what her daemon answers.
    private static func orphanListing(runDirectory: String, port: UInt16) throws -> String {
        let client = try ControlClient(path: SocketPaths(runDirectory: runDirectory).control(node: "alice"))
        var sockets: [SocketInfo] = []
        for _ in 0..<100 {
            let answer = try client.request(ControlRequest(command: "sockets"))
            sockets = try #require(answer.result).decode([SocketInfo].self)
            if sockets.contains(where: { $0.id == 0 && ($0.peer ?? "").hasSuffix(":\(port)") }) { break }
            usleep(20_000)
        }
        #expect(sockets.contains { $0.id == 0 && ($0.peer ?? "").hasSuffix(":\(port)") }, "no orphan: \(sockets)")
        return SocketInfo.table(sockets, internals: true)
    }
}
