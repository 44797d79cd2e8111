import RawNetContracts
import RawNetCore
import RawNetLab
import Testing

/// `rawnet impair --drop-next` and `--corrupt-next` against real daemons over real sockets.
@Suite(.serialized)
struct DropNextCommandTests {
    @Test func dropNext_killsExactlyTheNextTwoEchoRequests_countedAndShown() throws {
        let lab = try DaemonTestLab(yaml: TopologyLoader.defaultLabYAML)
        defer { lab.stop() }
        let warm = try lab.ping(count: 1)
        try #require(warm.received == 1, "warm-up ping: \(warm.output)")

        let said = try lab.impair(["alice-r1", "--direction", "out", "--drop-next", "icmp", "--count", "2"])
        #expect(said.contains("alice:eth0 → r1:eth0: drop-next 'icmp': dropped 0, 2 to go"), "\(said)")
        #expect(!said.contains("note: seq N"), "no sequence number, no note: \(said)")
        let run = try lab.ping(count: 6, interval: "0.05")
        #expect(run.transmitted == 6 && run.lost == 2, "\(run.output)")
        #expect(run.lostSequences == [1, 2], "the first two requests, nothing after: \(run.output)")

        let answer = try lab.impairment("alice", "eth0")
        #expect(answer.rules == [ImpairRuleAnswer(action: "drop-next", filter: "icmp", remaining: 0, applied: 2)])
        #expect(answer.counters?.droppedOnRequest == 2)
        #expect(try lab.status("alice").interfaces[0].counters.drops[.onRequest] == 2)
        #expect(try lab.impairment("r1", "eth0").rules?.isEmpty != false, "out: alice's egress only")

        let table = try lab.impair(["--show"])
        let row = try #require(table.split(separator: "\n").first { $0.hasPrefix("alice:eth0 → r1:eth0") })
        #expect(row.hasSuffix("perfect wire; drop-next 'icmp': dropped 2, 0 to go"), "\(row)")

        try lab.impair(["alice-r1", "--clear"])
        #expect(try lab.impairment("alice", "eth0").rules?.isEmpty == true)

        // A rule naming a sequence number says it counts from SYNs the rule sees from now on.
        let seq = try lab.impair(["alice-r1", "--direction", "out", "--drop-next", "tcp and (seq 5)"])
        #expect(seq.contains("note: seq N counts from a connection's SYN, and the rule sees the SYN only of connections that open"
                             + " from now on"), "\(seq)")
        try lab.impair(["alice-r1", "--clear"])
    }

    @Test func corruptNext_isForwardedByTheRouter_andCaughtAsABadChecksumAtBob() throws {
        let lab = try DaemonTestLab(yaml: TopologyLoader.defaultLabYAML)
        defer { lab.stop() }
        try #require(try lab.ping(count: 1).received == 1)
        try lab.impair(["alice-r1", "--direction", "out", "--corrupt-next", "icmp"])
        let run = try lab.ping(count: 4, interval: "0.05")
        #expect(run.lostSequences == [1], "\(run.output)")
        // The flipped bit is in the ICMP message: r1 forwards it (IP header intact), bob's check fails.
        let drops = try lab.status("bob").interfaces[0].counters.drops
        #expect(drops[.badChecksum] == 1, "bob's drops: \(drops)")
        #expect(try lab.impairment("alice", "eth0").counters?.corrupted == 1)
    }

    @Test func badRules_giveAClearError_andChangeNothing() throws {
        let lab = try DaemonTestLab(yaml: TopologyLoader.defaultLabYAML)
        defer { lab.stop() }
        let cases: [(arguments: [String], message: String)] = [
            (["alice-r1", "--drop-next", "tcp and seq x"], "seq needs a number"),
            (["alice-r1", "--drop-next", "tcp", "--count", "0"], "--count must be from 1 to 1000"),
            (["alice-r1", "--count", "2"], "--count goes with --drop-next"),
            (["--show", "--drop-next", "icmp"], "--show changes nothing"),
        ]
        for (arguments, message) in cases {
            let run = try lab.rawnet(["impair"] + arguments)
            #expect(run.status != 0, "\(arguments) succeeded")
            #expect(run.output.contains(message), "\(arguments): \(run.output)")
        }
        let response = try lab.control("alice", "impair", ["interface": "eth0", "action": "drop-next"])
        #expect(!response.ok && "\(response)".contains("needs filter=TEXT"), "\(response)")
        #expect(try lab.impairment("alice", "eth0").rules?.isEmpty == true)
    }
}
