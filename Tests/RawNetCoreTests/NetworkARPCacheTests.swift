import RawNetCore
import RawNetWire
import Testing

private let neighbour = IPv4Address(10, 0, 1, 1)
private let neighbourMAC = MACAddress(0x02_00_00_00_00_01)

private func at(_ seconds: Double) -> Instant { Instant(nanoseconds: Int64(seconds * 1e9)) }

@Suite struct NetworkARPCacheTests {
    @Test func firstPacket_queuesAndAsksForARequest_laterOnesOnlyQueue() {
        var cache = ARPCache<String>()
        guard case .queued(sendRequest: true) = cache.resolve(neighbour, interface: 0, packet: "p1", now: at(0)) else {
            Issue.record("first packet must trigger a request"); return
        }
        guard case .queued(sendRequest: false) = cache.resolve(neighbour, interface: 0, packet: "p2", now: at(0.1)) else {
            Issue.record("second packet must only queue"); return
        }
        #expect(cache.nextDeadline() == at(1))
        let released = cache.learn(neighbour, macAddress: neighbourMAC, interface: 0, isTargetedAtUs: true, now: at(0.2))
        #expect(released == ["p1", "p2"])
        #expect(cache.lookup(neighbour, interface: 0, now: at(0.2)) == neighbourMAC)
        #expect(cache.nextDeadline() == nil)
        guard case .resolved(let mac) = cache.resolve(neighbour, interface: 0, packet: "p3", now: at(1)) else {
            Issue.record("resolved neighbour must not queue"); return
        }
        #expect(mac == neighbourMAC)
    }

    /// `ip neigh flush all`: learned neighbours are forgotten, so the next packet asks again;
    /// an address still being asked for keeps its entry and its waiting packets.
    @Test func forgetLearned_forgetsAnswers_keepsWhatWaits() {
        var cache = ARPCache<String>()
        let other = IPv4Address(10, 0, 1, 2)
        _ = cache.resolve(neighbour, interface: 0, packet: "p1", now: at(0))
        _ = cache.learn(neighbour, macAddress: neighbourMAC, interface: 0, isTargetedAtUs: true, now: at(0.1))
        _ = cache.resolve(other, interface: 0, packet: "waiting", now: at(0.2))
        #expect(cache.forgetLearned() == 1)
        #expect(cache.lookup(neighbour, interface: 0, now: at(0.3)) == nil)
        guard case .queued(sendRequest: true) = cache.resolve(neighbour, interface: 0, packet: "p2", now: at(0.3)) else {
            Issue.record("a forgotten neighbour is asked for again"); return
        }
        #expect(cache.learn(other, macAddress: MACAddress(0x02_00_00_00_00_02), interface: 0, isTargetedAtUs: true,
                            now: at(0.4)) == ["waiting"])
        #expect(cache.forgetLearned() == 1, "only the answered entry; the re-asked one still waits")
    }

    @Test func pendingQueue_isBounded_andOverflowCounted() {
        var cache = ARPCache<Int>(configuration: ARPCacheConfiguration(maximumPendingPerAddress: 3))
        var overflowed = 0
        for packet in 0..<5 {
            if case .overflow = cache.resolve(neighbour, interface: 0, packet: packet, now: at(0)) { overflowed += 1 }
        }
        #expect(overflowed == 2)
        #expect(cache.overflowCount == 2)
        let released = cache.learn(neighbour, macAddress: neighbourMAC, interface: 0, isTargetedAtUs: false, now: at(0.5))
        #expect(released == [0, 1, 2])
    }

    @Test func retries_thenGivesUp_returningQueuedPackets() {
        var cache = ARPCache<String>()
        _ = cache.resolve(neighbour, interface: 1, packet: "ping", now: at(0))
        #expect(cache.poll(now: at(0.999)).isEmpty)
        var requests: [Double] = []
        var failure: [String]?
        var t = 0.0
        while t < 5 {
            t = Double((cache.nextDeadline() ?? at(99)).nanoseconds) / 1e9
            if t >= 5 { break }
            for event in cache.poll(now: at(t)) {
                switch event {
                case .sendRequest(let key):
                    #expect(key == ARPCache<String>.Key(interface: 1, address: neighbour))
                    requests.append(t)
                case .failed(_, let pending):
                    failure = pending
                    #expect(t == 3)
                }
            }
        }
        // The first request went out with resolve at t=0; two retries 1 s apart, give-up 1 s later.
        #expect(requests == [1, 2])
        #expect(failure == ["ping"])
        #expect(cache.failureCount == 1)
        #expect(cache.entries.isEmpty)
        #expect(cache.nextDeadline() == nil)
    }

    @Test func entries_expire() {
        var cache = ARPCache<Int>(configuration: ARPCacheConfiguration(reachableTime: .seconds(60)))
        _ = cache.resolve(neighbour, interface: 0, packet: 1, now: at(0))
        _ = cache.learn(neighbour, macAddress: neighbourMAC, interface: 0, isTargetedAtUs: true, now: at(1))
        #expect(cache.lookup(neighbour, interface: 0, now: at(60.9)) == neighbourMAC)
        #expect(cache.lookup(neighbour, interface: 0, now: at(61)) == nil)
        // Resolving past expiry starts over with a new request.
        guard case .queued(sendRequest: true) = cache.resolve(neighbour, interface: 0, packet: 2, now: at(62)) else {
            Issue.record("expired entry must be resolved again"); return
        }
        _ = cache.learn(neighbour, macAddress: neighbourMAC, interface: 0, isTargetedAtUs: true, now: at(62))
        _ = cache.poll(now: at(122))
        #expect(cache.entries.isEmpty)
    }

    @Test func mergeRule_gratuitousARP_updatesKnownButDoesNotAddUnknown() {
        var cache = ARPCache<Int>()
        let other = IPv4Address(10, 0, 1, 99)
        _ = cache.learn(other, macAddress: MACAddress(0x02_00_00_00_00_99), interface: 0, isTargetedAtUs: false, now: at(0))
        #expect(cache.lookup(other, interface: 0, now: at(0)) == nil)

        _ = cache.learn(neighbour, macAddress: neighbourMAC, interface: 0, isTargetedAtUs: true, now: at(0))
        let moved = MACAddress(0x02_00_00_00_00_02)
        _ = cache.learn(neighbour, macAddress: moved, interface: 0, isTargetedAtUs: false, now: at(30))
        #expect(cache.lookup(neighbour, interface: 0, now: at(80)) == moved)  // refreshed at 30 s
        // Same address on another interface is another neighbour.
        #expect(cache.lookup(neighbour, interface: 1, now: at(30)) == nil)
    }

    @Test func broadcastSender_isNeverLearned() {
        var cache = ARPCache<Int>()
        _ = cache.learn(neighbour, macAddress: .broadcast, interface: 0, isTargetedAtUs: true, now: at(0))
        #expect(cache.entries.isEmpty)
    }

    @Test func flush_dropsPendingOfThatInterfaceOnly() {
        var cache = ARPCache<Int>()
        _ = cache.resolve(neighbour, interface: 0, packet: 1, now: at(0))
        _ = cache.resolve(neighbour, interface: 1, packet: 2, now: at(0))
        #expect(cache.flush(interface: 0) == [1])
        #expect(cache.entries.count == 1)
    }

    @Test func printsLikeIPNeigh() {
        var cache = ARPCache<Int>()
        _ = cache.resolve(IPv4Address(10, 0, 2, 20), interface: 1, packet: 1, now: at(0))
        _ = cache.learn(neighbour, macAddress: neighbourMAC, interface: 0, isTargetedAtUs: true, now: at(0))
        #expect(cache.formatted(now: at(0.5), interfaceNames: ["eth0", "eth1"]) == """
            10.0.1.1 dev eth0 lladdr 02:00:00:00:00:01 REACHABLE (60s left)
            10.0.2.20 dev eth1 INCOMPLETE (1 of 3 requests sent, 1 packet waiting)
            """)
    }
}
