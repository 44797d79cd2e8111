import Foundation
import RawNetTestSupport
import Testing

/// `rawnet ping` across a router that was switched off (`rawnet stop r1`): alice's ARP for
/// her gateway gets no answer, and every echo request waiting for it ends in its own
/// "Destination Host Unreachable", counted in `+N errors`, as iputils ping shows them.
@Suite(.serialized) struct PingStoppedRouterTests {
    static func lostRequestsReported(_ output: String, count: Int) -> Bool {
        (1...count).allSatisfy { output.contains("From 10.0.1.10 icmp_seq=\($0) Destination Host Unreachable") }
            && output.contains("\(count) packets transmitted, 0 received, +\(count) errors, 100% packet loss")
    }

    @Test func eachRequestLostToARP_isReportedAndCounted_thenPingWorksAgain() throws {
        let runner = try RawNetRunner()
        try #require(try runner.run(["up"]).status == 0)
        defer { _ = try? runner.run(["down", "--lab", "basic"]) }
        try #require(try runner.run(["stop", "r1"]).status == 0)

        // Once alice's carrier has gone (`CableLoss.delay` after r1's cable closed): a request
        // sent while the carrier was still up and waiting for ARP is dropped with it as
        // "no carrier" and reported by nobody, as Linux's neighbour flush drops it; so the
        // requests are sent after NO-CARRIER shows.
        // Without a carrier: both requests wait for ARP, and both end in an error.
        var status = ""
        for _ in 0..<40 {
            status = try runner.run(["status", "alice"]).output
            if status.contains("NO-CARRIER") { break }
            usleep(50_000)
        }
        #expect(status.contains("NO-CARRIER"), "\(status)")
        let lost = try runner.run(["ping", "alice", "bob", "-c", "2", "-i", "0.2"])
        #expect(lost.status == 1, "\(lost.output)")
        #expect(Self.lostRequestsReported(lost.output, count: 2), "\(lost.output)")

        // Switched on again: the replies come back.
        #expect(try runner.run(["start", "r1"]).status == 0)
        let ping = try runner.run(["ping", "alice", "bob", "-c", "2", "-i", "0.2"])
        #expect(ping.status == 0 && ping.output.contains("2 packets transmitted, 2 received, 0% packet loss"),
                "\(ping.output)")
    }
}
