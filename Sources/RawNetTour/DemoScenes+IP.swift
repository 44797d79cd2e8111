import RawNetContracts
import RawNetCore
import RawNetLabModel
import RawNetPlatform
import RawNetSocket
import RawNetView
import RawNetWire

/// Scenes about IP itself and UDP: connectionless, unreliable, ports.
extension Demo {
    static let aliceAddress = IPv4Address("10.0.1.10")!
    static let bobAddress = IPv4Address("10.0.2.20")!
    static let carolAddress = IPv4Address("10.0.3.30")!

    /// carol's cable is out; alice's datagrams still leave, r3's ARP goes unanswered,
    /// and the only news is an ICMP host unreachable from r3, seconds later.
    func connectionlessScene() throws {
        try control("carol", "link", ["interface": "eth0", "state": "down"])
        say("  $ rawnet link carol:eth0 down")
        defer { _ = try? control("carol", "link", ["interface": "eth0", "state": "up"]) }
        let alice = try host("alice", app: "udp-sender")
        let socket = try UDPSocket(alice)
        try socket.bind(port: 0)
        try socket.setReceivesErrors(true)
        var sent = 0
        for number in 1...3 {
            do {
                try socket.send(Array("hello carol #\(number)".utf8), to: Self.carolAddress, port: 5000)
                sent += 1
                say("    alice: sendto(10.0.3.30:5000, \"hello carol #\(number)\") → " + Said(en: "ok", ko: "성공").text(options.language))
            } catch {
                say("    alice: sendto " + Said(en: "failed", ko: "실패").text(options.language) + ": \(error)")
            }
            MonotonicClock.sleep(for: .milliseconds(100))
        }
        // r3 retries ARP once a second, three times, then gives up.
        var report: ICMPErrorReport?
        let deadline = MonotonicClock.now() + 5_000_000_000
        while report == nil && MonotonicClock.now() < deadline {
            if case .icmpError(let error)? = try socket.receiveEvent(timeout: .milliseconds(200)) { report = error }
        }
        if let report {
            let seconds = String(format1: Double(WallClock.now() - sceneStart) / 1e9)
            let icmp = "ICMP type \(report.type) code \(report.code)"
            say(wrap(Said(en: "alice's socket, \(seconds) s later: \(icmp) from \(report.from) about \(report.originalDestination):\(report.originalPort)",
                          ko: "\(seconds)초 뒤 alice의 소켓: \(report.from)이 보낸 \(icmp) (\(report.originalDestination):\(report.originalPort)에 관한 것)")
                .text(options.language), indent: "    ", continuation: "      "))
        }
        try? socket.close()
        let events = collect()
        show(events, filter: "host 10.0.3.30 or icmp or dropped", limit: 16)
        let leftAlice = events.filter { $0.node == "alice" && $0.kind == .sent && isUDP($0, to: 5000) }.count
        check(sent == 3 && leftAlice == 3, Said(en: "alice's 3 sends succeeded and 3 datagrams left alice:eth0 (saw \(leftAlice))",
              ko: "alice의 sendto 호출 3번이 모두 성공했고 데이터그램 3개가 alice:eth0을 떠났습니다 (본 것: \(leftAlice)개)"))
        let arpRequests = events.filter { $0.node == "r3" && $0.interface == "eth0" && $0.kind == .sent && isARPRequest($0) }.count
        check(arpRequests >= 2, Said(en: "r3 asked for 10.0.3.30 by ARP again and again (\(arpRequests) requests), nobody answered",
              ko: "r3가 ARP로 10.0.3.30을 계속 찾았지만 (요청 \(arpRequests)번) 아무도 답하지 않았습니다"))
        let gaveUp = events.contains { $0.node == "r3" && $0.kind == .dropped && $0.reason == DropReason.noARPAnswer.rawValue }
        check(gaveUp, Said(en: "r3 dropped the datagrams: no ARP answer",
              ko: "r3가 데이터그램을 버렸습니다: ARP 응답 없음"))
        check(report.map { $0.type == 3 && $0.code == 1 } ?? false, Said(en: "alice heard back only from a router: ICMP host unreachable",
              ko: "alice에게 돌아온 것은 라우터가 보낸 ICMP '호스트 도달 불가'(host unreachable)뿐입니다"))
    }

    /// Numbered datagrams over a lossy, reordering cable: gaps and disorder at bob.
    func unreliableScene() throws {
        let settings = "loss 20% delay 30ms reorder 25% seed 5"
        try control("r1", "impair", ["interface": "eth1", "settings": settings])
        say("  $ rawnet impair r1:eth1 --loss 20% --delay 30ms --reorder 25% --seed 5")
        defer { _ = try? control("r1", "impair", ["interface": "eth1", "action": "clear"]) }
        let bob = try host("bob", app: "udp-receiver")
        let receiver = try UDPSocket(bob)
        try receiver.bind(port: 6000)
        let alice = try host("alice", app: "udp-sender")
        let sender = try UDPSocket(alice)
        try sender.bind(port: 0)
        let count = 20
        for number in 1...count {
            try sender.send(Array("datagram \(number)".utf8), to: Self.bobAddress, port: 6000)
            MonotonicClock.sleep(for: .milliseconds(8))
        }
        var arrived: [Int] = []
        while let datagram = try receiver.receive(timeout: .milliseconds(400)) {
            let text = String(decoding: datagram.payload, as: UTF8.self)
            if let number = Int(text.split(separator: " ").last ?? "") { arrived.append(number) }
        }
        try? sender.close()
        try? receiver.close()
        let events = collect()
        show(events, filter: "udp and port 6000 and (on r1:eth1 or dropped)", limit: 10)
        let lost = (1...count).filter { !arrived.contains($0) }
        var overtaken: [Int] = []
        for (index, number) in arrived.enumerated() where arrived[..<index].contains(where: { $0 > number }) {
            overtaken.append(number)
        }
        let none = DemoText.none.text(options.language)
        labelled([(Said(en: "alice sent:", ko: "alice가 보낸 것:"), (1...count).map(String.init).joined(separator: " ")),
                  (Said(en: "bob received:", ko: "bob이 받은 것:"),
                   arrived.map { overtaken.contains($0) ? painter.paint(String($0), .impaired) : String($0) }.joined(separator: " ")),
                  (Said(en: "lost:", ko: "손실:"), lost.isEmpty ? none : lost.map(String.init).joined(separator: " ")),
                  (Said(en: "arrived after a later one:", ko: "뒤의 것보다 늦게 도착:"),
                   overtaken.isEmpty ? none : overtaken.map(String.init).joined(separator: " "))])
        let drops = events.filter { $0.kind == .dropped && $0.node == "r1" && isUDP($0, to: 6000) }.count
        check(!lost.isEmpty && drops == lost.count, Said(en: "\(lost.count) datagrams lost, each one a trace line ✗ DROPPED at r1:eth1",
              ko: "데이터그램 \(lost.count)개가 사라졌고, 하나하나가 r1:eth1의 ✗ 버려짐 추적 줄로 남았습니다"))
        check(!overtaken.isEmpty, Said(en: "\(overtaken.count) datagrams arrived out of order",
              ko: "데이터그램 \(overtaken.count)개가 순서가 바뀐 채 도착했습니다"))
    }

    /// Two apps on bob's one address, told apart by port; a third port has nobody.
    func portsScene() throws {
        let chat = try host("bob", app: "app-7000")
        let first = try UDPSocket(chat)
        try first.bind(port: 7000)
        let other = try host("bob", app: "app-7001")
        let second = try UDPSocket(other)
        try second.bind(port: 7001)
        if let sockets = try? control("bob", "sockets")?.decode([SocketInfo].self) {
            // Exactly what `rawnet sockets bob` prints.
            say("  $ rawnet sockets bob")
            // Rows wider than the tour continue on the next line, indented.
            for line in SocketInfo.table(sockets, internals: false).split(separator: "\n") {
                say(fit(String(line), indent: "  ", continuation: "      "))
            }
            let tcpSockets = sockets.filter { $0.protocolName == "tcp" }
            let tcpRows = tcpSockets.count
            if tcpRows == 1, tcpSockets[0].local.hasSuffix(":80"), tcpSockets[0].state == "LISTEN" {
                say(wrap(Said(en: "the udp rows are this scene's two apps; the tcp row is bob's web server.",
                              ko: "udp 줄이 이 장면의 두 앱입니다. tcp 줄은 bob의 웹 서버입니다.").text(options.language),
                         indent: "  "))
            } else if tcpRows > 0 {
                say(wrap(Said(en: "the udp rows are this scene's two apps; the tcp rows are bob's other sockets "
                                  + "(his web server, and connections of earlier scenes his TCP still holds).",
                              ko: "udp 줄이 이 장면의 두 앱입니다. tcp 줄은 bob의 다른 소켓입니다(웹 서버, 그리고 "
                                  + "앞 장면의 연결 가운데 bob의 TCP가 아직 쥐고 있는 것).").text(options.language),
                         indent: "  "))
            }
        }
        let alice = try host("alice", app: "udp-sender")
        let sender = try UDPSocket(alice)
        try sender.bind(port: 0)
        try sender.setReceivesErrors(true)
        for (port, text) in [(UInt16(7000), "for the app on 7000"), (7001, "for the app on 7001"), (7002, "for port 7002")] {
            try sender.send(Array(text.utf8), to: Self.bobAddress, port: port)
        }
        func drain(_ socket: UDPSocket) throws -> [String] {
            var texts: [String] = []
            while let d = try socket.receive(timeout: .milliseconds(300)) { texts.append(String(decoding: d.payload, as: UTF8.self)) }
            return texts
        }
        let atFirst = try drain(first), atSecond = try drain(second)
        var refused: ICMPErrorReport?
        if case .icmpError(let report)? = try sender.receiveEvent(timeout: .milliseconds(500)) { refused = report }
        let events = collect()
        // Traced at bob, so the datagrams bob took in show as bob's own lines (watching every
        // node, each would show once, as r2 sent it, and `node bob` would keep only the refused one).
        show(events, targets: ["bob"], filter: "host 10.0.2.20 and (udp or icmp)", limit: 8)
        labelled([7000, 7001].map { port in
            (Said(en: "app on port \(port) read:", ko: "포트 \(port)의 앱이 읽은 것:"),
             (port == 7000 ? atFirst : atSecond).map { "\"\($0)\"" }.joined(separator: ", "))
        })
        let arrived = Set(events.compactMap { event -> UInt16? in
            guard event.node == "bob", event.kind == .received, let frame = event.frame,
                  let udp = DecodedFrame(parsing: frame, verifyChecksums: false).udp else { return nil }
            return udp.destinationPort
        })
        check(arrived.isSuperset(of: [7000, 7001, 7002]),
              Said(en: "all three datagrams reached bob:eth0; his host then read each one's destination port",
                   ko: "데이터그램 세 개가 모두 bob:eth0에 도착했고, bob의 호스트가 저마다 목적지 포트를 읽었습니다"))
        check(atFirst == ["for the app on 7000"] && atSecond == ["for the app on 7001"],
              Said(en: "each app on 10.0.2.20 got only the datagram for its port",
              ko: "10.0.2.20의 각 앱은 자기 포트로 온 데이터그램만 받았습니다"))
        let noSocket = events.contains { $0.node == "bob" && $0.kind == .dropped && $0.reason == DropReason.noSocketOnPort.rawValue }
        check(noSocket && (refused?.isPortUnreachable ?? false), Said(en: "port 7002: 'no socket on port' at bob, ICMP port unreachable back to alice",
              ko: "포트 7002: bob에서 '포트에 소켓 없음'으로 버려졌고, alice에게는 ICMP '포트 도달 불가'(port unreachable)"))
        try? first.close(); try? second.close(); try? sender.close()
    }

    func isUDP(_ event: TraceEvent, to port: UInt16) -> Bool {
        guard let frame = event.frame, let udp = DecodedFrame(parsing: frame, verifyChecksums: false).udp else { return false }
        return udp.destinationPort == port
    }

    func isARPRequest(_ event: TraceEvent) -> Bool {
        guard let frame = event.frame, let arp = DecodedFrame(parsing: frame, verifyChecksums: false).arp else { return false }
        return arp.operation == .request
    }
}

extension Demo {
    /// Lines of `label value`, the values lined up after the widest label
    /// (in display columns), wrapped under their value at the tour's width.
    func labelled(_ rows: [(Said, String)]) {
        let labels = rows.map { $0.0.text(options.language) }
        let column = (labels.map { DisplayWidth.of($0) }.max() ?? 0) + 1
        for (label, (_, value)) in zip(labels, rows) {
            say(fit(DisplayWidth.rightPad(label, column) + value, indent: "    ",
                    continuation: String(repeating: " ", count: 4 + column)))
        }
    }
}

extension String {
    /// One decimal, without Foundation.
    init(format1 value: Double) {
        let tenths = Int((value * 10).rounded())
        self = "\(tenths / 10).\(abs(tenths % 10))"
    }
}
