import Testing
import RawNetCore
import RawNetWire

/// Which connections a poll visits: only touched ones and those whose timer
/// is due, no more than a budget allows, and none starved by the budget.
@Suite struct TCPStackPollTests {
    let local = IPv4Address(10, 0, 0, 1)
    let remote = IPv4Address(10, 0, 0, 2)

    func stack() -> TCPStack { TCPStack(address: local, initialSequenceNumbers: .seeded(11)) }

    @Test func connectingTwice_budgetOfOne_sendsOneSYNPerPoll_inCreationOrderThenTheOther() throws {
        var s = stack()
        let first = try s.connect(to: remote, port: 80, localPort: 50_001, now: .zero)
        let second = try s.connect(to: remote, port: 80, localPort: 50_002, now: .zero)
        let one = s.poll(now: .zero, budget: 1)
        #expect(one.map(\.header.sourcePort) == [first.localPort])
        #expect(s.hasDueConnections)
        let two = s.poll(now: .zero, budget: 1)
        #expect(two.map(\.header.sourcePort) == [second.localPort])
        #expect(!s.hasDueConnections)
        #expect(s.poll(now: .zero).isEmpty)
    }

    @Test func budgetStop_resumesWithTheConnectionLeftOver_notTheOldestAgain() throws {
        var s = stack()
        let ids = try (0..<3).map { try s.connect(to: remote, port: 80, localPort: 50_010 + UInt16($0), now: .zero) }
        #expect(s.poll(now: .zero, budget: 1).map(\.header.sourcePort) == [ids[0].localPort])
        // At the first SYN's timeout the oldest connection has a segment again, but
        // the two left over by the budget go first.
        let earliest = s.earliestDeadline()
        let timeout = try #require(earliest)
        #expect(s.poll(now: timeout, budget: 1).map(\.header.sourcePort) == [ids[1].localPort])
        #expect(s.poll(now: timeout, budget: 1).map(\.header.sourcePort) == [ids[2].localPort])
        #expect(s.poll(now: timeout, budget: 1).map(\.header.sourcePort) == [ids[0].localPort])
    }

    @Test func idleConnections_areNotVisited_untilTheirTimerIsDue() throws {
        var s = stack()
        let id = try s.connect(to: remote, port: 80, localPort: 50_020, now: .zero)
        #expect(s.poll(now: .zero).count == 1)  // the SYN
        let earliest = s.earliestDeadline()
        let deadline = try #require(earliest)
        #expect(s.nextDeadline() == deadline)
        #expect(!s.hasDueConnections)
        #expect(s.poll(now: .zero).isEmpty)
        let retransmitted = s.poll(now: deadline)
        #expect(retransmitted.map(\.flags) == [[.syn]])
        #expect(retransmitted.first?.header.sourcePort == id.localPort)
    }
}
