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
        // Given -W, the wait is what was asked, even with nothing back (attached too, as -W1).
        for wait in [["-W", "1"], ["-W1"]] {
            let started = ContinuousClock.now
            let short = try runner.run(["ping", "alice", "10.0.1.98", "-c", "1"] + wait)
            let took = ContinuousClock.now - started
            #expect(short.status == 1 && !short.output.contains("Unreachable"), "\(short.output)")
            #expect(short.output.contains("1 packets transmitted, 0 received, 100% packet loss"), "\(short.output)")
            #expect(took >= .seconds(1) && took < .milliseconds(2500), "\(wait): \(took)")
        }
    }

    /// As iputils ping: the statistics' `time` runs from the start to the last request sent
    /// (`-c1`: 0 ms; `-c 3 -i 0.3`: about 600 ms), not to the end of the wait for its reply;
    /// each reply's `time=` has the precision of its size.
    @Test func summaryTime_endsAtTheLastRequest() throws {
        let runner = try RawNetRunner()
        try #require(try runner.run(["up"]).status == 0)
        defer { _ = try? runner.run(["down", "--lab", "basic"]) }
        let once = try runner.run(["ping", "alice", "bob", "-c1"])
        #expect(once.status == 0 && once.output.contains("1 packets transmitted, 1 received, 0% packet loss, time 0ms"),
                "\(once.output)")
        // Nobody answers: the wait for the reply (-W 1) is not in the time either.
        let silent = try runner.run(["ping", "alice", "10.0.1.98", "-c1", "-W", "1"])
        #expect(silent.output.contains("1 packets transmitted, 0 received, 100% packet loss, time 0ms"), "\(silent.output)")
        let three = try runner.run(["ping", "alice", "bob", "-c", "3", "-i", "0.3"])
        let time = try #require(three.output.firstMatch(of: /, time (\d+)ms\n/).map { Int($0.output.1)! }, "\(three.output)")
        #expect((600...700).contains(time), "\(three.output)")
        let replies = three.output.matches(of: /icmp_seq=\d ttl=63 time=(\d+(?:\.\d+)?) ms/).map { String($0.output.1) }
        #expect(replies.count == 3, "\(three.output)")
        for reply in replies {
            let milliseconds = try #require(Double(reply))
            let decimals = reply.split(separator: ".").dropFirst().first?.count ?? 0
            let expected = milliseconds < 1 ? 3 : milliseconds < 10 ? 2 : milliseconds < 100 ? 1 : 0
            #expect(decimals == expected, "time=\(reply) ms")
        }
    }

    static func counts(_ output: String) -> (transmitted: Int, received: Int)? {
        guard let match = output.firstMatch(of: /(\d+) packets transmitted, (\d+) received/) else { return nil }
        return (Int(match.output.1)!, Int(match.output.2)!)
    }

    /// -w is a deadline, as Linux's: ping ends that long after it started whatever the
    /// count; given -c it ends earlier at the count's replies, sending more requests while
    /// some go unanswered, or at the first ICMP error; exit 1 when fewer replies than the
    /// count came by the deadline.
    @Test func minusW_isADeadline() throws {
        let runner = try RawNetRunner()
        try #require(try runner.run(["up"]).status == 0)
        defer { _ = try? runner.run(["down", "--lab", "basic"]) }
        #expect(try runner.run(["ping", "alice", "bob", "-c1"]).status == 0, "ARP is resolved on the way")

        // No -c: requests every 0.2 s until the deadline, more than the default 4.
        var started = ContinuousClock.now
        let timed = try runner.run(["ping", "alice", "bob", "-w1.5", "-i0.2"])
        var took = ContinuousClock.now - started
        let all = try #require(Self.counts(timed.output), "\(timed.output)")
        #expect(timed.status == 0, "\(timed.output)")
        #expect(all.transmitted >= 6 && all.transmitted <= 8 && all.received == all.transmitted, "\(timed.output)")
        #expect(took >= .milliseconds(1500) && took < .seconds(3), "\(took)")

        // With -c: the count's replies end it long before the deadline.
        started = ContinuousClock.now
        let counted = try runner.run(["ping", "alice", "bob", "-c", "2", "-i", "0.2", "-w", "10"])
        took = ContinuousClock.now - started
        #expect(counted.status == 0 && counted.output.contains("2 packets transmitted, 2 received, 0% packet loss"),
                "\(counted.output)")
        #expect(took < .seconds(3), "\(took)")

        // Nobody answers: the deadline ends it, whatever the count (-c 1 sends five).
        started = ContinuousClock.now
        let silent = try runner.run(["ping", "alice", "10.0.1.97", "-c", "1", "-i", "0.2", "-w", "1"])
        took = ContinuousClock.now - started
        let unanswered = try #require(Self.counts(silent.output), "\(silent.output)")
        #expect(silent.status == 1 && unanswered.transmitted >= 4 && unanswered.received == 0, "\(silent.output)")
        #expect(took >= .seconds(1) && took < .milliseconds(2500), "\(took)")

        // The first request is lost on alice's cable: a fourth is sent for the third reply.
        let drop = ["impair", "alice-r1", "--direction", "out", "--drop-next", "icmp"]
        try #require(try runner.run(drop).status == 0)
        let lossy = try runner.run(["ping", "alice", "bob", "-c", "3", "-i", "0.2", "-w", "5"])
        #expect(lossy.status == 0, "\(lossy.output)")
        #expect(lossy.output.contains("4 packets transmitted, 3 received, 25% packet loss"), "\(lossy.output)")
        #expect(!lossy.output.contains("icmp_seq=1 "), "\(lossy.output)")

        // The deadline comes before the third reply: some replies, still exit status 1.
        try #require(try runner.run(drop).status == 0)
        let short = try runner.run(["ping", "alice", "bob", "-c", "3", "-i", "0.2", "-w", "0.5"])
        let partial = try #require(Self.counts(short.output), "\(short.output)")
        #expect(short.status == 1 && partial.received >= 1 && partial.received < 3, "\(short.output)")
        try #require(try runner.run(["impair", "alice-r1", "--clear"]).status == 0)

        // An ICMP error (r1: time to live exceeded) ends it at once.
        started = ContinuousClock.now
        let expired = try runner.run(["ping", "alice", "bob", "-c", "3", "-t", "1", "-w", "5"])
        took = ContinuousClock.now - started
        #expect(expired.status == 1, "\(expired.output)")
        #expect(expired.output.contains("From 10.0.1.1 icmp_seq=1 Time to live exceeded"), "\(expired.output)")
        #expect(expired.output.contains("1 packets transmitted, 0 received, +1 errors, 100% packet loss"), "\(expired.output)")
        #expect(took < .seconds(3), "\(took)")
        // Without -w, an error answers its request and the next is sent, as on Linux.
        let plain = try runner.run(["ping", "alice", "bob", "-c", "2", "-i", "0.2", "-t", "1"])
        #expect(plain.output.contains("2 packets transmitted, 0 received, +2 errors, 100% packet loss"), "\(plain.output)")

        // Zero or negative seconds are a mistake in the command line.
        for (option, value) in [("-W", "0"), ("-w", "0"), ("-w", "0.0")] {
            let wrong = try runner.run(["ping", "alice", "bob", option, value])
            #expect(wrong.status == 64 && wrong.output.contains("\(option) needs positive seconds"), "\(wrong.output)")
        }
    }
}
