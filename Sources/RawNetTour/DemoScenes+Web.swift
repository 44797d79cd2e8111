import RawNetApps
import RawNetContracts
import RawNetCore
import RawNetPlatform
import RawNetSocket
import RawNetView
import RawNetWire

/// The application layer: a name walked down the DNS tree and then taken from
/// the resolver's cache, and a hello,world page fetched over HTTP, followed
/// through every layer on every cable, there and back.
extension Demo {
    /// rec, the resolver every host of the tour lab asks (the topology's recursive dns service).
    static let resolverAddress = IPv4Address("10.0.4.53")!
    /// root, tld and ns1: the servers of `.`, `lab.` and `example.lab.`, in the order a walk asks them.
    static let treeServers = [IPv4Address("10.0.4.11")!, IPv4Address("10.0.4.12")!, IPv4Address("10.0.4.13")!]
    static let webName = "www.example.lab"
    static let webPort: UInt16 = 80
    static let helloWorld = "hello,world\n"

    // MARK: Names become addresses

    func namesScene() throws {
        let alice = try host("alice", app: "dig")
        defer { alice.close() }
        let resolver = DNSResolver(connection: alice, server: Self.resolverAddress)
        let name: DNSName
        do { name = try DNSName(Self.webName) } catch { throw DemoFailure("\(error)") }

        // The same name asked of rec twice: the first time rec walks, the second it answers from its cache.
        _ = collect()
        let first = ask(resolver, name)
        let firstEvents = collect()
        showResolverSteps(firstEvents)
        let second = ask(resolver, name)
        let secondEvents = collect()
        showResolverSteps(secondEvents)
        let firstAsked = Self.queriesSent(by: "rec", in: firstEvents)
        let secondAsked = Self.queriesSent(by: "rec", in: secondEvents)
        check(first?.address == Self.bobAddress && Self.treeServers.reversed().starts(with: firstAsked.reversed()),
              Self.firstWalkSaid(asked: firstAsked))
        let ttls = "\(first?.ttl ?? 0) → \(second?.ttl ?? 0)"
        check(second?.address == Self.bobAddress && secondAsked.isEmpty && (second?.ttl ?? .max) <= (first?.ttl ?? 0),
              Said(en: "asked again, rec answered from its cache: it asked no server, and the TTL counts down (\(ttls) s)",
                   ko: "다시 묻자 rec는 캐시에서 답했습니다. 어느 서버에도 묻지 않았고, TTL은 줄어듭니다(\(ttls)초)"))

        // The walk, one referral at a time, as `dig +trace` shows it.
        say("  $ rawnet dig alice \(Self.webName) +trace")
        var walk = Dig(name: name, type: .a, server: Self.resolverAddress)
        walk.startsAtRoot = true
        var printed: [String] = []
        do {
            try walk.trace(resolver: resolver) { printed.append($0) }
        } catch {
            printed.append(";; \(error)")
        }
        for line in printed where !line.isEmpty && !line.hasPrefix("; <<>>") {
            say(fit(viewDNS(Self.untabbed(line)), indent: "    ", continuation: "      "))
        }
        let senders = printed.compactMap(Self.receivedFrom)
        let answered = printed.contains { $0.hasPrefix(Self.webName + ".") && $0.hasSuffix("\tA\t10.0.2.20") }
        check(senders == [Self.resolverAddress] + Self.treeServers && answered
              && printed.last { $0.hasPrefix(";; Received") }?.hasSuffix("(authoritative)") == true,
              Said(en: "the walk: root (10.0.4.11) referred to lab.'s server, tld (10.0.4.12) to example.lab.'s, "
                       + "and ns1 (10.0.4.13) answered with authority: \(Self.webName) is 10.0.2.20",
                   ko: "단계별 조회: 루트(10.0.4.11)가 lab. 서버로, tld(10.0.4.12)가 example.lab. 서버로 넘겼고, "
                       + "ns1(10.0.4.13)이 권한 있는 응답을 주었습니다: \(Self.webName)은 10.0.2.20"))
    }

    /// What rec's first walk did. A question asked by hand before the scene (a `rawnet nc alice bob`
    /// looks up bob.lab) leaves referrals in rec's cache, and then rec starts lower in the tree:
    /// the cache at work, said as such rather than failed.
    static func firstWalkSaid(asked: [IPv4Address]) -> Said {
        let names = ["root", "tld", "ns1"], skipped = treeServers.count - min(asked.count, treeServers.count)
        if skipped == 0 {
            return Said(en: "asked by alice, rec walked the same tree itself: root, tld, ns1, then answered 10.0.2.20",
                        ko: "alice가 묻자 rec가 같은 트리를 직접 따라 내려갔고(root, tld, ns1), 10.0.2.20이라고 답했습니다")
        }
        let known = [(en: "", ko: ""), (en: "who serves lab. (tld)", ko: "lab.을 맡은 서버(tld)"),
                     (en: "who serves example.lab. (ns1)", ko: "example.lab.을 맡은 서버(ns1)"),
                     (en: "the answer itself", ko: "답 자체")][skipped]
        let askedNames = names.suffix(asked.count).joined(separator: ", ")
        let only = asked.isEmpty ? Said(en: "asked no server", ko: "어느 서버에도 묻지 않았습니다")
            : Said(en: "asked only \(askedNames)", ko: "\(askedNames)에만 물었습니다")
        return Said(en: "asked by alice, rec started lower in the tree: it still had \(known.en) cached from an earlier "
                        + "question (commands typed by hand ask rec too), so it \(only.en) and answered 10.0.2.20. "
                        + "To see the whole walk: rawnet stop rec; rawnet start rec (an empty cache), then this scene again",
                    ko: "alice가 묻자 rec는 트리 중간부터 시작했습니다. 앞선 질문(직접 입력한 명령도 rec에게 묻습니다) 덕분에 \(known.ko)가 "
                        + "캐시에 남아 있어서 \(only.ko). 답은 10.0.2.20. 처음부터 따라가는 모습을 보려면 "
                        + "rawnet stop rec; rawnet start rec (캐시가 비워짐) 뒤에 이 장면을 다시 보세요")
    }

    /// One recursive question to rec, printed as dig's answer section and query time.
    private func ask(_ resolver: DNSResolver, _ name: DNSName) -> (address: IPv4Address, ttl: UInt32)? {
        say("  $ rawnet dig alice \(name.description.dropLast())")
        guard let exchange = try? resolver.query(name, type: .a) else {
            say("    ;; " + Said(en: "no answer", ko: "답 없음").text(options.language))
            return nil
        }
        var found: (IPv4Address, UInt32)?
        for record in exchange.response.answers {
            guard case .a(let address) = record.data else { continue }
            found = (address, record.ttl)
            say("    \(Self.untabbed(record.description))")
        }
        say("    " + viewDNS(";; Query time: \(Dig.milliseconds(exchange.seconds)) msec"))
        return found
    }

    /// rec's side of the last question: every DNS message it sent or received.
    private func showResolverSteps(_ events: [TraceEvent]) {
        var formatter = TraceFormatter(startTime: sceneStart, usesColour: options.usesColour)
        say(painter.paint(Self.shellLines(Self.inLanguage("rawnet trace rec --filter 'port 53'", options.language)), .time))
        for event in events where event.node == "rec" && (event.kind == .sent || event.kind == .received)
            && Self.dnsMessage(event) != nil {
            say(fit(view(formatter.format(event)), indent: "    ", continuation: String(repeating: " ", count: 16)))
        }
    }

    /// The DNS message a frame carries on port 53, if any.
    static func dnsMessage(_ event: TraceEvent) -> DNSMessage? {
        guard let frame = event.frame, case .udp(let udp, let payload)? = DecodedFrame(parsing: frame, verifyChecksums: false).transport,
              udp.sourcePort == 53 || udp.destinationPort == 53 else { return nil }
        return try? DNSMessage(parsing: payload)
    }

    /// Where `node` sent questions of its own (not answers), in order.
    static func queriesSent(by node: String, in events: [TraceEvent]) -> [IPv4Address] {
        events.compactMap { event in
            guard event.node == node, event.kind == .sent, let message = dnsMessage(event), !message.header.isResponse,
                  let frame = event.frame else { return nil }
            return DecodedFrame(parsing: frame, verifyChecksums: false).ipv4?.destination
        }
    }

    /// The server of a dig `;; Received N bytes from A.B.C.D#53 in T ms` line.
    static func receivedFrom(_ line: String) -> IPv4Address? {
        guard line.hasPrefix(";; Received"), let from = line.split(separator: " ").firstIndex(of: "from") else { return nil }
        let words = line.split(separator: " ")
        guard from + 1 < words.count else { return nil }
        return IPv4Address(String(words[from + 1].prefix { $0 != "#" }))
    }

    /// dig's tab-separated record lines with two spaces for each tab (the tour's width counts columns).
    static func untabbed(_ line: String) -> String { line.replacing("\t", with: "  ") }

    /// dig's own words in the tour's language.
    private func viewDNS(_ line: String) -> String {
        guard options.language == .ko else { return line }
        if line.hasPrefix(";; Query time:") { return line.replacing(";; Query time:", with: ";; 걸린 시간:") }
        guard line.hasPrefix(";; Received") else { return line }
        return line.replacing(";; Received", with: ";; 받음:").replacing(" bytes from ", with: "바이트, 보낸 곳 ")
            .replacing(" in ", with: ", 걸린 시간 ").replacing("(authoritative)", with: "(권한 있는 응답)")
    }

    // MARK: hello,world down the layers and back

    func webScene() throws {
        let alice = try host("alice", app: "http-get")
        defer { alice.close() }
        // The name first, from rec (the names scene left it in rec's cache).
        let resolver = DNSResolver(connection: alice, server: Self.resolverAddress)
        let address = (try? resolver.addresses(of: Self.webName))?.first ?? Self.bobAddress
        say("  $ rawnet http get alice http://\(Self.webName)/ -v")
        let url = HTTPURL(host: Self.webName, port: Self.webPort, target: "/")
        let request = HTTPClientConnection.request("GET", url, closes: true)
        var response: HTTPResponse?
        do {
            let client = try HTTPClientConnection(host: alice, address: address, port: Self.webPort, timeout: .seconds(5))
            try client.send(request)
            response = try client.readResponse(method: "GET", timeout: .seconds(5))
            client.stream.close()
        } catch {
            say("    http: \(error)")
        }
        for line in String(decoding: request.encoded, as: UTF8.self).split(separator: "\r\n") { say("    > " + line) }
        if let response {
            for line in String(decoding: response.head.encoded, as: UTF8.self).split(separator: "\r\n") { say("    < " + line) }
            say("    " + String(decoding: response.body, as: UTF8.self).replacing("\n", with: "⏎"))
        }
        let events = collect(quiet: .milliseconds(250))

        // Down: the request as it left alice, one layer wrapped in the next.
        let requestHops = Self.hops(of: events) { $0.starts(with: Array("GET ".utf8)) }
        if let frame = requestHops.first?.frame {
            say(painter.paint("  " + Said(en: "down the layers, as the GET left alice:eth0:",
                                          ko: "계층을 따라 아래로: alice:eth0을 떠나는 GET").text(options.language), .place))
            for line in Encapsulation.render(frame: frame, usesColour: options.usesColour,
                                             language: options.language == .ko ? .ko : .en,
                                             windowScales: Self.windowScales(of: events))
                .split(separator: "\n", omittingEmptySubsequences: false) { say("  " + line) }
            say(fit(Said(en: "␍ is CR (0d) and ⏎ is LF (0a): every line of an HTTP head ends in both",
                         ko: "␍는 CR(0d), ⏎는 LF(0a)입니다. HTTP 헤더의 줄은 모두 이 둘로 끝납니다.").text(options.language),
                    indent: "  ", continuation: "  "))
        }
        // Across: the same packet on every cable, a new Ethernet header each time, TTL one less.
        showHops(requestHops, title: Said(en: "the GET on each cable (IP 10.0.1.10 → 10.0.2.20 on all):",
                                          ko: "케이블마다 본 GET(IP는 모두 10.0.1.10 → 10.0.2.20):"))
        let responseHops = Self.hops(of: events) { $0.starts(with: Array("HTTP/1.1 200".utf8)) }
        showHops(responseHops, title: Said(en: "the 200 OK on each cable, back another way (IP 10.0.2.20 → 10.0.1.10):",
                                           ko: "케이블마다 본 200 OK, 다른 길로 돌아옴(IP 10.0.2.20 → 10.0.1.10):"))
        // Up: the response as alice received it, unwrapped a header at a time, with its real bytes.
        let arrived = events.first { event in
            event.node == "alice" && event.kind == .received
                && Self.httpPayload(event).map { $0.starts(with: Array("HTTP/1.1 200".utf8)) } == true
        }
        if let frame = arrived?.frame { showUnwrapped(frame) }

        let requestPath = requestHops.map(\.place)
        let ttls = requestHops.compactMap(\.ttl)
        let addresses = Set(requestHops.compactMap { hop in
            DecodedFrame(parsing: hop.frame, verifyChecksums: false).ipv4.map { "\($0.source) → \($0.destination)" }
        })
        check(requestPath == ["alice:eth0", "r1:eth1", "r2:eth0"] && ttls == [64, 63, 62]
              && addresses == ["10.0.1.10 → 10.0.2.20"],
              Said(en: "the GET crossed three cables in one IP packet, 10.0.1.10 → 10.0.2.20 throughout, "
                       + "with new MAC addresses on each cable and the TTL one less after each router (64, 63, 62)",
                   ko: "GET은 IP 패킷 하나로 케이블 셋을 건넜습니다. 주소는 내내 10.0.1.10 → 10.0.2.20이고, "
                       + "케이블마다 MAC 주소가 새로 붙고, 라우터를 지날 때마다 TTL이 하나씩 줄었습니다(64, 63, 62)"))
        check(responseHops.map(\.place) == ["bob:eth0", "r2:eth2", "r3:eth1", "r1:eth0"],
              Said(en: "the response came back through r2, r3, r1: the way back differs from the way out",
                   ko: "응답은 r2, r3, r1을 거쳐 돌아왔습니다. 돌아오는 길이 가는 길과 다릅니다"))
        check(response?.head.status == 200 && response?.body == Array(Self.helloWorld.utf8) && arrived != nil,
              Said(en: "bob answered 200 OK and alice's app read the body hello,world, byte for byte",
                   ko: "bob이 200 OK로 답했고, alice의 앱은 본문 hello,world를 바이트 하나 틀림없이 읽었습니다"))
    }

    /// One frame's crossing of one cable: where it was sent, its bytes, its TTL.
    struct Hop {
        var place: String
        var frame: [UInt8]
        var ttl: UInt8?
    }

    /// Each cable the first segment whose payload `matches` crossed, in time order (the sender's copy).
    static func hops(of events: [TraceEvent], matching matches: ([UInt8]) -> Bool) -> [Hop] {
        var seen: Set<String> = []
        var hops: [Hop] = []
        for event in events where event.kind == .sent {
            guard let frame = event.frame, let payload = httpPayload(event), matches(payload),
                  let interface = event.interface else { continue }
            let place = "\(event.node):\(interface)"
            guard seen.insert(place).inserted else { continue }  // a retransmission is not another cable
            hops.append(Hop(place: place, frame: frame, ttl: DecodedFrame(parsing: frame, verifyChecksums: false).ipv4?.timeToLive))
        }
        return hops
    }

    /// The TCP payload of a frame to or from port 80.
    static func httpPayload(_ event: TraceEvent) -> [UInt8]? {
        guard let frame = event.frame, case .tcp(let tcp, let payload)? = DecodedFrame(parsing: frame, verifyChecksums: false).transport,
              tcp.sourcePort == webPort || tcp.destinationPort == webPort, !payload.isEmpty else { return nil }
        return payload
    }

    private func showHops(_ hops: [Hop], title: Said) {
        say(painter.paint("  " + title.text(options.language), .place))
        for hop in hops {
            let decoded = DecodedFrame(parsing: hop.frame, verifyChecksums: false)
            guard let ethernet = decoded.ethernet, let ip = decoded.ipv4 else { continue }
            say("    " + Self.padded(hop.place, 11) + "MAC \(ethernet.source) → \(ethernet.destination)  TTL \(ip.timeToLive)")
        }
    }

    /// The frame alice received, a layer at a time from the outside in, each header's bytes in hex.
    private func showUnwrapped(_ frame: [UInt8]) {
        let decoded = DecodedFrame(parsing: frame, verifyChecksums: false)
        guard let ethernet = decoded.ethernet, let ip = decoded.ipv4,
              case .tcp(let tcp, let payload)? = decoded.transport else { return }
        let ko = options.language == .ko
        say(painter.paint("  " + (ko ? "계층을 따라 위로: alice:eth0에 도착한 \(frame.count)바이트를 한 겹씩 벗기면"
                                      : "up the layers: the \(frame.count) bytes that reached alice:eth0, unwrapped"), .place))
        let ipStart = EthernetView.headerLength
        let tcpStart = ipStart + ip.headerLength
        let layers: [(String, ArraySlice<UInt8>, String)] = [
            (ko ? "이더넷" : "Ethernet", frame[0..<ipStart],
             (ko ? "받는 쪽 " : "to ") + "\(ethernet.destination)" + (ko ? ", 보낸 쪽 " : " from ") + "\(ethernet.source), "
                + (ko ? "타입 0x0800(IPv4)" : "type 0x0800: IPv4")),
            ("IPv4", frame[ipStart..<tcpStart],
             "\(ip.source) → \(ip.destination), TTL \(ip.timeToLive), " + (ko ? "프로토콜 6(TCP)" : "protocol 6: TCP")),
            ("TCP", frame[tcpStart..<min(tcpStart + 20, frame.count)],
             (ko ? "포트 " : "port ") + "\(tcp.sourcePort) → \(tcp.destinationPort), seq \(tcp.sequenceNumber), "
                + "\(tcp.headerLength)" + (ko ? "바이트 헤더" : " byte header")),
        ]
        for (name, bytes, meaning) in layers {
            let hex = bytes.map { byte in (byte < 16 ? "0" : "") + String(byte, radix: 16) }.joined(separator: " ")
            say("    " + Self.padded(name, 9) + hex + (bytes.count < 20 || name != "TCP" ? "" : " …"))
            say(fit(meaning, indent: "             ", continuation: "             "))
        }
        // As the layer boxes show text: CR as ␍, LF as ⏎.
        // (By scalars: a String holds CR LF as one character.)
        var text = ""
        for scalar in String(decoding: payload, as: UTF8.self).unicodeScalars {
            text.unicodeScalars.append(scalar == "\r" ? "␍" : scalar == "\n" ? "⏎" : scalar)
        }
        say(fit("HTTP     " + text, indent: "    ", continuation: "             "))
    }

    /// `text` padded with spaces to `width` columns.
    static func padded(_ text: String, _ width: Int) -> String {
        text + String(repeating: " ", count: max(1, width - DisplayWidth.of(text)))
    }
}
