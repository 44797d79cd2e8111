import RawNetContracts
import RawNetPlatform
import RawNetWire

/// The scene where a link fails under a running chat and RIP finds another way.
extension Demo {
    /// Fast RIP timers, so the scene converges in seconds.
    static let ripTimers = ["state": "on", "update": "1s", "timeout": "6s", "garbage": "4s", "damping": "100ms"]
    static let routers = ["r1", "r2", "r3"]
    /// Both ends of the r2–r3 cable.
    static let cutEnds = [("r2", "eth2"), ("r3", "eth2")]

    func rerouteScene() throws {
        for router in Self.routers { try control(router, "rip", Self.ripTimers) }
        defer {
            for (node, interface) in Self.cutEnds { _ = try? control(node, "link", ["interface": interface, "state": "up"]) }
            for router in Self.routers { _ = try? control(router, "rip", ["state": "off"]) }
        }
        let learned = waitForRoute("r2", "10.0.1.0/24 via 10.0.12.1 dev eth1 proto rip")
        showRoutes("r2", to: "10.0.1.0/24")
        check(learned, Said(en: "r2 learned alice's network from r1 by RIP (metric 2), beside its static route via r3",
                            ko: "r2가 r3를 거치는 정적 경로 옆에, RIP로 r1에게서 alice 쪽 네트워크를 배웠습니다(메트릭 2)"))

        let pair = try openChat()
        defer { pair.close() }
        var sent: [String] = []
        for number in 1...10 {
            if number == 4 {
                _ = collect()
                say("  $ rawnet link r2-r3 down")
                for (node, interface) in Self.cutEnds { try control(node, "link", ["interface": interface, "state": "down"]) }
            }
            let line = "alice: line \(number)"
            try pair.alice.write(line + "\n")
            sent.append(line)
            MonotonicClock.sleep(for: .milliseconds(150))
        }
        // r2's triggered update right after the cut: the routes through r3, metric 16.
        show(collect(), filter: "on r2:eth1 and port 520", limit: 2)
        say(wrap(Said(en: "metric 16 is RIP's infinity: r2 tells r1 that the networks it reached through r3 "
                          + "are now unreachable, instead of waiting for r1 to forget them.",
                      ko: "metric 16은 RIP에서 무한대, 곧 도달할 수 없다는 뜻입니다. r2는 r3를 거쳐 가던 네트워크를 "
                          + "r1이 스스로 잊을 때까지 기다리지 않고 바로 알립니다.").text(options.language), indent: "  "))
        var read: [String] = []
        let deadline = ContinuousClock.now + .seconds(10)
        while read.count < sent.count, ContinuousClock.now < deadline {
            if let line = try pair.bob.readLine(timeout: .milliseconds(200)) { read.append(line) }
        }
        showRoutes("r2", to: "10.0.1.0/24")
        let out = try traceroute(from: "alice", to: Self.bobAddress, name: "bob")
        let back = try traceroute(from: "bob", to: Self.aliceAddress, name: "alice")
        check(read == sent, Said(en: "bob read all \(sent.count) lines in order across the cut (\(read.count) arrived)",
                                 ko: "끊긴 사이에도 bob이 \(sent.count)줄을 모두 순서대로 읽었습니다(\(read.count)줄 도착)"))
        let r1 = IPv4Address("10.0.1.1")!, r2 = IPv4Address("10.0.2.1")!
        check(out == [r1, IPv4Address("10.0.12.2")!, Self.bobAddress],
              Said(en: "alice → bob still crosses r1, r2", ko: "alice → bob은 여전히 r1, r2를 지납니다"))
        check(back == [r2, IPv4Address("10.0.12.1")!, Self.aliceAddress],
              Said(en: "bob → alice now crosses r2, r1: RIP's way, no longer through r3",
                   ko: "bob → alice는 이제 r2, r1을 지납니다. r3를 거치지 않는 RIP의 길입니다"))

        say("  $ rawnet link r2-r3 up")
        for (node, interface) in Self.cutEnds { try control(node, "link", ["interface": interface, "state": "up"]) }
        MonotonicClock.sleep(for: .milliseconds(300))
        let again = try traceroute(from: "bob", to: Self.aliceAddress, name: "alice")
        check(again == [r2, IPv4Address("10.0.23.3")!, IPv4Address("10.0.13.1")!, Self.aliceAddress],
              Said(en: "cable back: bob → alice crosses r2, r3, r1 again (the static route leads)",
                   ko: "케이블을 다시 잇자 bob → alice가 다시 r2, r3, r1을 지납니다(정적 경로가 앞섭니다)"))
    }

    /// Polls a router's routes until a line contains `text` (up to 8 s).
    func waitForRoute(_ router: String, _ text: String) -> Bool {
        let deadline = ContinuousClock.now + .seconds(8)
        while ContinuousClock.now < deadline {
            if let answer = try? control(router, "routes")?.decode(RoutesAnswer.self), answer.text.contains(text) {
                return true
            }
            MonotonicClock.sleep(for: .milliseconds(100))
        }
        return false
    }

    /// Prints `rawnet routes ROUTER`, only the lines for `destination`.
    func showRoutes(_ router: String, to destination: String) {
        guard let answer = try? control(router, "routes")?.decode(RoutesAnswer.self) else { return }
        say("  $ rawnet routes \(router) | grep \(destination)")
        for line in answer.text.split(separator: "\n") where line.hasPrefix(destination) {
            say(fit(String(line), indent: "    ", continuation: "      "))
        }
    }
}
