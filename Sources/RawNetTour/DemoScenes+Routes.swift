import RawNetApps
import RawNetContracts
import RawNetCore
import RawNetLabModel
import RawNetSocket
import RawNetView
import RawNetWire

/// Scenes about the path: TTL and traceroute, and the way back.
extension Demo {
    /// Runs traceroute from `from` to `to`, printing its lines; returns the hops' first answering addresses.
    func traceroute(from: String, to destination: IPv4Address, name: String) throws -> [IPv4Address?] {
        let connection = try host(from, app: "traceroute")
        var traceroute = Traceroute(destination: destination, destinationName: name)
        traceroute.maximumHops = 8
        traceroute.probesPerHop = 2
        traceroute.probeTimeout = .milliseconds(800)
        // The command as it ran: addresses only, 8 hops, 2 probes of 0.8 s each (typed, it matches).
        say("  $ rawnet traceroute \(from) \(name) -n -m 8 -q 2 -w 0.8")
        let hops: [TracerouteHop]
        do {
            hops = try traceroute.run(on: connection) { say(fit($0, indent: "    ", continuation: "      ")) }
        } catch {
            throw DemoFailure("traceroute from \(from): \(error)")
        }
        connection.close()
        return hops.map { hop in hop.probes.lazy.compactMap(\.from).first }
    }

    /// The TTL scene's trace: the probes as they leave alice, and every ICMP answer on every
    /// cable it crosses (r2's go back through r3). `and` binds tighter than `or`; the parentheses
    /// only say so.
    static let timeToLiveFilter = "(on alice:eth0 and udp) or (icmp and not dropped)"

    func timeToLiveScene() throws {
        let hops = try traceroute(from: "alice", to: Self.bobAddress, name: "bob")
        let events = collect()
        show(events, filter: Self.timeToLiveFilter, limit: 12)
        // Who wrote each time-exceeded message: its IPv4 source (r2's travels back through r3).
        let sources = Set(events.compactMap { event -> IPv4Address? in
            guard event.kind == .sent, let frame = event.frame else { return nil }
            let decoded = DecodedFrame(parsing: frame, verifyChecksums: false)
            guard case .timeExceeded? = decoded.icmp else { return nil }
            return decoded.ipv4?.source
        })
        let routers = [IPv4Address("10.0.1.1")!, IPv4Address("10.0.12.2")!]
        check(Set(routers) == sources, Said(en: "ICMP time exceeded from r1 (10.0.1.1) and r2 (10.0.12.2), one per expired probe",
              ko: "r1 (10.0.1.1)과 r2 (10.0.12.2)가 TTL이 다한 프로브 패킷마다 ICMP '시간 초과'(time exceeded)를 보냈습니다"))
        let expected = [IPv4Address("10.0.1.1")!, IPv4Address("10.0.12.2")!, Self.bobAddress]
        check(hops == expected.map(Optional.some), Said(en: "the hops are r1 (10.0.1.1), r2 (10.0.12.2), bob",
              ko: "거쳐 간 홉: r1 (10.0.1.1), r2 (10.0.12.2), bob"))
    }

    func wayBackScene() throws {
        let out = try traceroute(from: "alice", to: Self.bobAddress, name: "bob")
        let back = try traceroute(from: "bob", to: Self.aliceAddress, name: "alice")
        let events = collect()
        show(events, filter: "icmp and node r3 and not dropped", limit: 6)
        if let routes = try? control("r2", "routes")?.decode(RoutesAnswer.self) {
            say("  $ rawnet routes r2")
            for line in routes.text.split(separator: "\n") { say(fit(String(line), indent: "    ", continuation: "      ")) }
        }
        check(out.count == 3, Said(en: "alice → bob: \(out.count) hops (r1, r2, bob)",
              ko: "alice → bob: 홉 \(out.count)개 (r1, r2, bob)"))
        let backExpected = [IPv4Address("10.0.2.1")!, IPv4Address("10.0.23.3")!, IPv4Address("10.0.13.1")!, Self.aliceAddress]
        check(back == backExpected.map(Optional.some), Said(en: "bob → alice: 4 hops (r2, r3, r1, alice) — through r3, which the way out never touched",
              ko: "bob → alice: 홉 4개 (r2, r3, r1, alice) — 가는 길에는 없던 r3를 거쳐 돌아옵니다"))
    }
}
