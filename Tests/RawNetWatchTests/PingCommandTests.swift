import RawNetTestSupport
import Testing

/// `rawnet ping` as Linux's ping behaves, on a real lab.
@Suite(.serialized) struct PingCommandTests {
    /// One request to an address nobody on the subnet answers: the ARP that gets no
    /// answer ends in "Destination Host Unreachable" (after its 3 s), which ping waits
    /// for when nothing else has answered, as Linux's does; from alice for its own
    /// subnet, from r1 for bob's.
    @Test func anAbsentNeighbour_endsInDestinationHostUnreachable() throws {
        let runner = try RawNetRunner()
        try #require(try runner.run(["up"]).status == 0)
        defer { _ = try? runner.run(["down", "--lab", "basic"]) }
        for (target, reporter) in [("10.0.1.99", "10.0.1.10"), ("10.0.2.99", "10.0.1.1")] {
            let ping = try runner.run(["ping", "alice", target, "-c1"])
            #expect(ping.status == 1, "\(ping.output)")
            #expect(ping.output.contains("From \(reporter) icmp_seq=1 Destination Host Unreachable"), "\(ping.output)")
            #expect(ping.output.contains("1 packets transmitted, 0 received, +1 errors, 100% packet loss"), "\(ping.output)")
        }
        // Given -w, the wait is what was asked, even with nothing back.
        let short = try runner.run(["ping", "alice", "10.0.1.98", "-c", "1", "-w", "1"])
        #expect(short.status == 1 && !short.output.contains("Unreachable"), "\(short.output)")
    }
}
