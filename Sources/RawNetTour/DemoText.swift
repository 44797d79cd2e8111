import RawNetCore

/// The tour's languages.
public enum DemoLanguage: String, Sendable, CaseIterable {
    case en, ko

    /// The language `--lang` names; anything else is a usage error that names the allowed
    /// values and, when the text looks like one of them, suggests it (`kr` → ko).
    public static func parse(_ text: String) throws(DemoUsageError) -> DemoLanguage {
        if let language = DemoLanguage(rawValue: text) { return language }
        let suggestion = suggested(for: text).map { "; did you mean \($0.rawValue) (\($0.name))?" } ?? ""
        throw DemoUsageError("--lang must be en or ko (English or Korean), not '\(text)'" + suggestion)
    }

    /// The language a mistyped `--lang` most likely meant: a country's or a language's other
    /// name (`kr`, `korean`, `eng`), or a code one edit away (`kp`, `KO`); nil when none is near.
    public static func suggested(for text: String) -> DemoLanguage? {
        let lower = text.lowercased()
        if let alias = aliases[lower] { return alias }
        let codes = allCases.map(\.rawValue)
        guard let nearest = NameSuggestion.nearest(to: lower, among: codes),
              NameSuggestion.distance(lower, nearest) <= 1 else { return nil }
        return DemoLanguage(rawValue: nearest)
    }

    /// Other names learners type for the two languages.
    static let aliases: [String: DemoLanguage] = [
        "kr": .ko, "kor": .ko, "korean": .ko, "ko-kr": .ko, "ko_kr": .ko, "한국어": .ko, "한글": .ko,
        "eng": .en, "english": .en, "en-us": .en, "en_us": .en, "en-gb": .en, "en_gb": .en, "us": .en, "uk": .en, "gb": .en,
    ]

    /// The language's name in English, for the usage message.
    var name: String { self == .ko ? "Korean" : "English" }
}

/// A mistake in how the tour was asked for (`--lang`, `--scenes`): the message says what
/// is allowed.
public struct DemoUsageError: Error, CustomStringConvertible, Sendable {
    public var description: String
    init(_ description: String) { self.description = description }
}

/// A text in every language of the tour.
struct Said: Sendable {
    var en: String
    var ko: String
    func text(_ language: DemoLanguage) -> String { language == .ko ? ko : en }
}

/// The scenes of the tour, in order: each makes one idea visible.
public enum DemoScene: String, Sendable, CaseIterable {
    case encapsulation, connectionless, unreliable, ports, lan, waiting, handshake, delivery, ordering, dropOne, corruption, close
    case timeToLive, wayBack, reroute, names, web

    /// The number the whole tour shows this scene under (ports is 4 of 4/17), also when
    /// only some scenes are played.
    public var number: Int { Self.allCases.firstIndex(of: self)! + 1 }

    /// The name `--scenes` lists and the tour prints: lower case, words joined by hyphens
    /// (`drop-one`, `time-to-live`).
    public var name: String {
        rawValue.reduce(into: "") { text, character in
            if character.isUppercase { text += "-" + character.lowercased() } else { text.append(character) }
        }
    }

    /// A scene by the number the tour shows it under ("4" of "4/17") or by its name, in any case,
    /// with or without its hyphens (`drop-one`, `dropOne`, `drop_one`).
    public static func named(_ name: String) -> DemoScene? {
        if let number = Int(name) { return allCases.first { $0.number == number } }
        let plain = Self.plain(name)
        return allCases.first { Self.plain($0.rawValue) == plain }
    }

    static func plain(_ name: String) -> String { name.lowercased().filter { $0 != "-" && $0 != "_" } }

    /// "9-17" as the numbers from 9 to 17; anything else (a name, a number, a reversed or
    /// open range) as it is, for `parse` to judge.
    public static func expandingRange(_ text: String) -> [String] {
        let ends = text.split(separator: "-", omittingEmptySubsequences: false)
        guard ends.count == 2, let low = Int(ends[0]), let high = Int(ends[1]), low <= high,
              high - low < allCases.count else { return [text] }
        return (low...high).map(String.init)
    }

    /// `named`, or a usage error that suggests the nearest name and lists every scene.
    public static func parse(_ name: String) throws(DemoUsageError) -> DemoScene {
        if let scene = named(name) { return scene }
        let suggestion = suggested(for: name).map { " (did you mean \($0.name)?)" } ?? ""
        let list = allCases.map { "  \($0.number) \($0.name)" }.joined(separator: "\n")
        throw DemoUsageError("unknown scene '\(name)'\(suggestion); give the number the tour shows "
                             + "(1-\(allCases.count)) or the name:\n\(list)")
    }

    /// The scene a mistyped name most likely meant (`handshke` → handshake), nil for none
    /// near enough or for a number.
    public static func suggested(for name: String) -> DemoScene? {
        guard Int(name) == nil else { return nil }
        let names = allCases.map(\.name)
        guard let nearest = NameSuggestion.nearest(to: name.lowercased(), among: names) else { return nil }
        return allCases.first { $0.name == nearest }
    }
}

/// What the tour says in one scene: a title, the story, the commands a user
/// would type to do the same by hand, and what to look at.
struct SceneText: Sendable {
    var title: Said
    var story: Said
    var commands: [String]
    var notice: Said
}

/// Every word the tour prints, English and Korean side by side.
enum DemoText {
    static let intro = Said(
        en: """
            Welcome to RawNet. Thirteen daemons are running on this machine: eight hosts (alice, bob, \
            carol, dave, and rec, root, tld, ns1, which serve names), three routers (r1, r2, r3) and two \
            switches (sw1, sw2), joined by Unix sockets that act as cables. Every frame \
            below is a real Ethernet frame with a real IPv4 packet inside, built and checksummed by \
            RawNet and shown as it crossed a cable. Each scene shows one idea, the commands to do the \
            same by hand, and the evidence.
            """,
        ko: """
            RawNet에 오신 것을 환영합니다. 지금 이 컴퓨터에서 데몬 열세 개가 돌고 있습니다. 호스트 여덟\
            (alice, bob, carol, dave, 그리고 이름을 맡는 rec, root, tld, ns1), 라우터 셋(r1, r2, r3), 스위치 \
            둘(sw1, sw2)이고, 유닉스 소켓이 그 사이의 케이블 역할을 합니다. \
            아래에 보이는 프레임은 모두 RawNet이 직접 만들고 체크섬까지 계산한 진짜 이더넷 프레임이며, \
            그 안에는 진짜 IPv4 패킷이 들어 있습니다. 장면마다 개념 하나, 직접 해 볼 명령, 그리고 증거를 보여 줍니다.
            """)
    /// Said when the tour runs straight through: how to take it a scene at a time.
    static let pace = Said(
        en: "Too fast? `rawnet demo --step` waits for Enter after each scene; --keep leaves the lab running at the end, to try the commands by hand.",
        ko: "너무 빠르면 `rawnet demo --lang ko --step`으로 장면마다 Enter를 기다리게 하세요. --keep을 붙이면 끝난 뒤에도 실습 네트워크가 남아 명령을 직접 해 볼 수 있습니다.")
    static let labLine = Said(en: "The lab", ko: "실습 네트워크")
    static let byHand = Said(en: "do it by hand", ko: "직접 해 보기")
    static let notice = Said(en: "notice", ko: "눈여겨볼 점")
    static let evidence = Said(en: "evidence", ko: "증거")
    static let pressEnter = Said(en: "press Enter for the next scene", ko: "다음 장면으로 가려면 Enter를 누르세요")
    static let labHint = Said(
        en: "The commands act on the only lab running; with other labs up, add --lab tour (or export RAWNET_LAB=tour).",
        ko: "명령은 실행 중인 유일한 실습 네트워크에 적용됩니다. 다른 실습 네트워크도 떠 있다면 --lab tour를 붙이세요(또는 export RAWNET_LAB=tour).")
    /// The hint instead of `labHint` when other labs run too: bare commands would not know which lab.
    static func otherLabs(_ names: [String], _ language: DemoLanguage) -> String {
        let list = names.sorted().joined(separator: ", ")
        return language == .ko
            ? "다른 실습 네트워크도 실행 중입니다(\(list)). 명령을 직접 해 볼 터미널에서 먼저 "
                + "export RAWNET_LAB=tour를 실행하세요(또는 명령마다 --lab tour를 붙이세요)."
            : "Other labs are running too (\(list)): in the terminal where you try the commands, first run "
                + "export RAWNET_LAB=tour (or add --lab tour to each)."
    }
    /// The closing words before the commands to try, which need the tour's own lab (`rawnet up`'s
    /// default lab has no r2, no DNS and no web server).
    static let outro = Said(
        en: "That was the tour. The commands below need the tour's lab (its routers, switches and DNS servers): run `rawnet demo --keep` to keep it, then try:",
        ko: "둘러보기는 여기까지입니다. 아래 명령들은 둘러보기의 실습 네트워크(라우터, 스위치, DNS 서버)가 있어야 합니다. `rawnet demo --lang ko --keep`으로 남겨 둔 뒤 해 보세요:")
    static let outroKept = Said(
        en: "That was the tour. Its lab 'tour' keeps running; try (with other labs up, add --lab tour):",
        ko: "둘러보기는 여기까지입니다. 실습 네트워크 'tour'는 계속 실행 중입니다. 이런 것들을 해 보세요(다른 실습 네트워크도 떠 있다면 --lab tour를 붙이세요):")
    static let allPassed = Said(en: "every scene showed its evidence", ko: "모든 장면이 증거를 보여 주었습니다")
    static let missing = Said(en: "missing", ko: "빠짐")
    static let someFailed = Said(en: "evidence missing in", ko: "증거가 빠진 장면")
    static let labKept = Said(en: "the lab keeps running; stop it with `rawnet down --lab tour`",
                              ko: "실습 네트워크는 계속 실행 중입니다. `rawnet down --lab tour`로 멈추세요")
    static let labStopped = Said(en: "lab stopped", ko: "실습 네트워크를 멈췄습니다")
    static let reusingLab = Said(en: "(reusing the running lab '\(DemoLab.name)')",
                                 ko: "(실행 중인 실습 네트워크 '\(DemoLab.name)'를 다시 씁니다)")
    static func more(_ count: Int) -> Said { Said(en: "… \(count) more", ko: "… \(count)줄 더") }
    static func captured(_ count: Int, _ files: [String]) -> Said {
        Said(en: "capture: \(count) packets in \(files.count) files, one per link (one tap on one cable "
                 + "each, so Wireshark flags only what really happened on it): \(files.joined(separator: ", "))",
             ko: "캡처: 패킷 \(count)개를 링크마다 파일 하나씩, \(files.count)개 파일에 썼습니다(파일 하나가 "
                 + "케이블 하나를 엿본 것이라 Wireshark는 그 케이블에서 실제로 일어난 일만 표시합니다): "
                 + files.joined(separator: ", "))
    }
    static func captureFailed(_ path: String, _ error: String) -> Said {
        Said(en: "cannot write the capture \(path): \(error)", ko: "캡처 파일 \(path)을 쓸 수 없습니다: \(error)")
    }
    static let none = Said(en: "none", ko: "없음")
    static func rowsHidden(_ count: Int) -> Said {
        Said(en: "(\(count) rows not shown)", ko: "(\(count)줄은 보이지 않음)")
    }
    static func rowsBesideTheLoss(_ count: Int) -> Said {
        Said(en: "(\(count) rows not shown: the handshake and ACKs other than ack=27)",
             ko: "(\(count)줄은 보이지 않음: 3-way handshake와 ack=27이 아닌 ACK)")
    }
    static func rowsBeforeClose(_ count: Int) -> Said {
        Said(en: "(\(count) earlier rows not shown: the handshake and the line \"bye\")",
             ko: "(앞의 \(count)줄은 보이지 않음: 3-way handshake와 \"bye\" 줄)")
    }

    static let notOnPath = Said(
        en: "rawnet is not on your PATH yet, so the shell will not find these commands; for this shell "
            + "(or install it as the README's \"Install the command\" says):",
        ko: "rawnet이 아직 PATH에 없어서 셸이 위 명령을 찾지 못합니다. 지금 셸에서는 이렇게 하세요"
            + "(영구히 쓰려면 README의 \"Install the command\"대로 설치하세요):")

    static func tryCommands(_ language: DemoLanguage) -> [String] {
        let ko = language == .ko
        return [
            Demo.inLanguage("rawnet status", language),
            Demo.inLanguage("rawnet trace --filter 'not arp'", language),
            Demo.inLanguage("rawnet chat bob --listen 7000", language) + "            # " + (ko ? "터미널 1: bob의 대화방" : "terminal 1: a room on bob"),
            Demo.inLanguage("rawnet chat alice --connect bob:7000", language) + "     # " + (ko ? "터미널 2: alice로 참여" : "terminal 2: join as alice"),
            Demo.inLanguage("rawnet chat bob --connect bob:7000", language) + "       # " + (ko ? "터미널 3: bob으로 참여" : "terminal 3: join as bob"),
            Demo.inLanguage("rawnet impair r1-r2 --loss 30% --reorder 20% --delay 20ms", language),
            "rawnet trace --save run.jsonl --duration 20; rawnet ladder --from run.jsonl",
            "rawnet plot --from run.jsonl -o run.svg",
            "rawnet capture -w lab.pcapng --duration 20   # " + (ko ? "링크마다 pcapng 하나" : "a pcapng per link"),
            "rawnet traceroute bob alice; rawnet routes r2",
            "rawnet dig alice www.example.lab +trace; rawnet http get alice http://bob/",
        ]
    }

    static func scene(_ scene: DemoScene) -> SceneText {
        switch scene {
        case .encapsulation: return encapsulation
        case .connectionless: return connectionless
        case .unreliable: return unreliable
        case .ports: return ports
        case .lan: return lan
        case .handshake: return handshake
        case .delivery: return delivery
        case .ordering: return ordering
        case .dropOne: return dropOne
        case .waiting: return waiting
        case .corruption: return corruption
        case .close: return close
        case .timeToLive: return timeToLive
        case .wayBack: return wayBack
        case .reroute: return reroute
        case .names: return names
        case .web: return web
        }
    }

    static let encapsulation = SceneText(
        title: Said(en: "Each layer wraps the one above", ko: "캡슐화: 계층마다 위 계층을 감싼다"),
        story: Said(
            en: """
                alice's app writes one line to its socket. The host's TCP puts a header with ports and \
                sequence numbers in front of it, IP puts the addresses in front of that, and Ethernet \
                adds the MAC addresses for the next cable. Here is that very frame, taken from the trace \
                as it left alice, unwrapped one layer at a time.
                """,
            ko: """
                alice의 앱이 소켓에 한 줄을 씁니다. 호스트의 TCP가 포트와 순서 번호가 담긴 헤더를 앞에 붙이고, \
                IP가 그 앞에 주소를 붙이고, 이더넷이 다음 케이블에서 쓸 MAC 주소를 붙입니다. \
                이렇게 감싸는 것을 캡슐화라고 합니다. alice를 떠나는 순간 추적에서 잡은 바로 그 프레임을, 한 겹씩 \
                벗겨 보겠습니다.
                """),
        commands: ["rawnet chat bob --listen 7000", "rawnet chat alice --connect bob:7000",
                   "rawnet trace alice:eth0 --layers --filter 'tcp and port 7000'"],
        notice: Said(
            en: "the data is the same bytes at every step; each step only adds a header (and the byte count grows).",
            ko: "데이터 바이트는 어느 단계에서나 그대로이고, 단계마다 헤더만 하나씩 늘어납니다(바이트 수가 커지는 것을 보세요)."))

    static let connectionless = SceneText(
        title: Said(en: "IP is connectionless: packets leave even when nobody is there",
                    ko: "IP는 비연결형: 받을 상대가 없어도 패킷은 떠난다"),
        story: Said(
            en: """
                We unplug carol's cable, then alice sends her three UDP datagrams. Nothing stops alice: \
                IP asks no one first, so every send succeeds and the packets travel through r1 to r3. \
                r3 asks "who has 10.0.3.30?" (ARP) and gets no answer; after three tries it gives up \
                and, much later than the sends, tells alice with an ICMP "host unreachable".
                """,
            ko: """
                carol의 케이블을 뽑은 뒤 alice가 carol에게 UDP 데이터그램 세 개를 보냅니다. alice를 막는 것은 \
                아무것도 없습니다. IP는 미리 상대에게 묻지 않으므로 보내기는 매번 성공하고, 패킷은 r1을 거쳐 \
                r3까지 갑니다. r3가 "10.0.3.30 누구야?"(ARP)라고 물어도 대답이 없고, 세 번 시도한 뒤 포기하고서야 \
                ICMP "host unreachable"로 alice에게 알립니다. 보낸 지 한참 뒤의 일입니다.
                """),
        commands: ["rawnet link carol:eth0 down", "rawnet trace --filter 'host 10.0.3.30 or icmp'",
                   "rawnet chat alice --connect carol:5000 --udp", "rawnet link carol:eth0 up"],
        notice: Said(
            en: "alice's sends all succeeded; the only news comes later, from a router, not from carol.",
            ko: "alice의 전송은 모두 성공했습니다. 소식은 나중에, carol이 아니라 라우터에게서 옵니다."))

    static let unreliable = SceneText(
        title: Said(en: "IP and UDP are unreliable: packets get lost and arrive out of order",
                    ko: "IP와 UDP는 신뢰성을 보장하지 않는다: 패킷은 사라지고 순서가 뒤바뀐다"),
        story: Said(
            en: """
                We make the r1 → r2 cable bad: 20 % loss, 30 ms delay, and a quarter of the frames \
                overtaking the ones before them. alice sends twenty numbered UDP datagrams to bob. UDP \
                adds only ports and a checksum to IP, so bob gets what the network delivers — gaps and \
                all, in whatever order.
                """,
            ko: """
                r1 → r2 케이블을 나쁘게 만듭니다. 손실 20%, 지연 30ms, 그리고 프레임 네 개 중 하나는 앞선 \
                프레임을 추월합니다. alice가 번호를 붙인 UDP 데이터그램 스무 개를 bob에게 보냅니다. UDP는 IP에 \
                포트와 체크섬만 더할 뿐이라, bob은 네트워크가 건네주는 그대로 받습니다. 빠진 것은 빠진 채로, \
                순서는 뒤섞인 채로.
                """),
        commands: ["rawnet impair r1-r2 --direction out --loss 20% --delay 30ms --reorder 25%",
                   "rawnet chat bob --listen 6000 --udp", "rawnet chat alice --connect bob:6000 --udp",
                   "rawnet impair r1-r2 --clear"],
        notice: Said(
            en: "the missing numbers never come back, and nobody tells alice; an app on UDP must cope itself.",
            ko: "빠진 번호는 다시 오지 않고, 누구도 alice에게 알려 주지 않습니다. UDP 위의 앱은 스스로 대처해야 합니다."))

    static let ports = SceneText(
        title: Said(en: "Ports: many apps share one IP address", ko: "포트: 여러 앱이 IP 주소 하나를 함께 쓴다"),
        story: Said(
            en: """
                Two apps run on bob, both at 10.0.2.20: one listens on UDP port 7000, the other on 7001. \
                alice sends one datagram to each, and one to port 7002 where nothing listens. bob's host \
                reads the destination port and hands each datagram to its own app; for 7002 it answers \
                with ICMP "port unreachable".
                """,
            ko: """
                bob에서 앱 두 개가 돌고 있습니다. 둘 다 주소는 10.0.2.20이고, 하나는 UDP 7000번, 다른 하나는 \
                7001번 포트를 엽니다. alice가 각 포트에 하나씩, 그리고 아무도 없는 7002번에 하나를 보냅니다. \
                bob의 호스트는 목적지 포트를 보고 데이터그램을 제 주인에게 건네고(역다중화), 7002번에는 ICMP \
                "port unreachable"로 답합니다.
                """),
        commands: ["rawnet chat bob --listen 7000 --udp", "rawnet chat bob --listen 7001 --udp",
                   "rawnet sockets bob", "rawnet trace bob --filter udp"],
        notice: Said(
            en: "same IP address, different ports: each app got only its own datagram.",
            ko: "IP 주소는 같고 포트만 다릅니다. 앱마다 자기 데이터그램만 받았습니다."))

    static let lan = SceneText(
        title: Said(en: "A LAN: one ARP request, every host hears it, one answers",
                   ko: "LAN: ARP 요청 하나를 모든 호스트가 듣고, 하나만 답한다"),
        story: Said(
            en: """
                carol, dave and r3 hang off one switch, sw1, in one subnet (10.0.3.0/24). carol sends \
                a datagram to dave but knows only his IP address, so she broadcasts one ARP request \
                "who has 10.0.3.40?". The switch does not know where a broadcast goes: it floods it \
                out of every other port, so every node on the LAN hears it. Only dave owns the \
                address and answers. By then sw1 has learned carol's MAC address on port p1, so it \
                sends the answer out of p1 alone.
                """,
            ko: """
                carol, dave, r3는 스위치 sw1 하나에 연결되어 같은 서브넷(10.0.3.0/24)에 있습니다. carol이 \
                dave에게 데이터그램을 보내려는데 IP 주소만 알기 때문에 "10.0.3.40 누구야?"라는 ARP \
                요청 하나를 브로드캐스트합니다. 스위치는 브로드캐스트를 보낼 곳을 따로 모르므로 다른 모든 \
                포트로 플러딩하고, 그래서 LAN의 모든 노드가 이 요청을 듣습니다. 그 주소의 주인인 dave만 \
                답합니다. 그사이 sw1은 carol의 MAC 주소가 포트 p1 쪽에 있다고 학습했으므로, 응답은 p1로만 \
                내보냅니다.
                """),
        commands: ["rawnet trace sw1", "rawnet arp carol --flush", "rawnet ping carol 10.0.3.40 -c 1", "rawnet macs sw1",
                   "rawnet trace --filter arp"],
        notice: Said(
            en: "the request appears at dave and r3; the reply only at carol. The switch learns, then stops flooding.",
            ko: "요청은 dave와 r3에 나타나고, 응답은 carol에게만 갑니다. 스위치는 학습한 뒤로는 플러딩하지 않습니다."))

    static let handshake = SceneText(
        title: Said(en: "TCP connects first: the 3-way handshake", ko: "TCP는 먼저 연결한다: 3-way handshake"),
        story: Said(
            en: """
                bob listens on TCP port 7000 and alice connects. Before any data, three segments: \
                alice's SYN ("let's talk, my numbers start here"), bob's SYN-ACK ("yes, and mine start \
                here"), alice's ACK. Only the two hosts know about this connection; the routers just \
                forward packets.
                """,
            ko: """
                bob이 TCP 7000번 포트에서 기다리고 alice가 연결합니다. 데이터보다 먼저 세그먼트 세 개가 오갑니다. \
                alice의 SYN("이야기하자, 내 번호는 여기서 시작해"), bob의 SYN-ACK("좋아, 내 번호는 여기서 \
                시작해"), alice의 ACK. 이 연결은 두 호스트만 알고 있는 논리적인 연결이고, 라우터는 그저 패킷을 \
                전달할 뿐입니다.
                """),
        commands: ["rawnet chat bob --listen 7000", "rawnet chat alice --connect bob:7000",
                   "rawnet ladder --duration 10"],
        notice: Said(en: "SYN, SYN-ACK, ACK — then data may flow both ways.",
                     ko: "SYN, SYN-ACK, ACK. 그다음에야 양쪽으로 데이터가 흐를 수 있습니다."))

    static let delivery = SceneText(
        title: Said(en: "TCP guarantees delivery: lost segments are sent again",
                    ko: "TCP는 전달을 보장한다: 잃어버린 세그먼트는 다시 보낸다"),
        story: Said(
            en: """
                alice sends ten chat lines, and the alice → r1 cable loses two of them on purpose: \
                line 4 in the middle and line 10, the last. bob's ACK says "every byte before N \
                arrived" (a cumulative ACK). Lines 5 to 9 arrive after the gap, so bob's ACKs stop \
                at the start of line 4 (repeated, they are duplicate ACKs), and their SACK blocks \
                list what did arrive. alice resends line 4 a few milliseconds after the first such \
                ACK, without waiting for a timer: a fast retransmission. Like Linux, alice decides \
                by RACK (a line sent after it was acknowledged) rather than by waiting for three \
                duplicate ACKs. After line 10 nothing follows to draw a duplicate ACK: alice first \
                sends a tail-loss probe (lost too here), then her retransmission timer runs out \
                (timeout, at least 200 ms) and she sends line 10 again.
                """,
            ko: """
                alice가 채팅 열 줄을 보내고, alice → r1 케이블이 그중 두 줄을 일부러 잃어버립니다. 가운데의 \
                4번 줄과 마지막 10번 줄입니다. bob의 ACK는 "N 앞의 바이트는 모두 받았다"는 뜻입니다(누적 \
                확인응답). 5~9번 줄은 빈자리 뒤에 도착하므로 bob의 ACK는 4번 줄의 시작에 멈추고(되풀이되면 \
                중복 ACK), SACK 블록으로 실제로 받은 범위를 알려 줍니다. alice는 타이머를 기다리지 않고 그런 \
                첫 ACK 뒤 몇 ms 만에 4번 줄을 다시 보냅니다. 이것이 빠른 재전송입니다. alice는 리눅스와 \
                마찬가지로 중복 ACK 세 개를 기다리지 않고 RACK(그 뒤에 보낸 줄이 확인응답을 받았다)으로 \
                판단합니다. 10번 줄 뒤에는 중복 ACK를 끌어낼 줄이 없습니다. alice는 먼저 \
                꼬리 손실 프로브를 보내고(여기서는 이것도 사라집니다), 재전송 타이머가 끝나면(타임아웃, 최소 \
                200ms) 10번 줄을 다시 보냅니다.
                """),
        commands: ["rawnet chat bob --listen 7000   # a room, unless one is open", "rawnet chat alice --connect bob:7000", "rawnet impair alice:eth0 --loss 100%",
                   "rawnet impair alice:eth0 --clear", "rawnet ladder --duration 10", "rawnet sockets alice -i"],
        notice: Said(en: "↻ (RACK) comes a few ms after an ACK with SACK; ↻ (timeout) after about 200 ms of silence.",
                     ko: "↻ (RACK)은 SACK이 달린 ACK 뒤 몇 ms 만에, ↻ (타임아웃)은 200ms쯤의 침묵 뒤에 나옵니다."))

    static let ordering = SceneText(
        title: Said(en: "TCP keeps order: segments are held and reassembled",
                    ko: "TCP는 순서를 지킨다: 먼저 온 세그먼트를 붙잡아 두었다가 다시 맞춘다"),
        story: Said(
            en: """
                Now the r1 → r2 cable reorders: some segments overtake the ones sent before them. \
                bob does not ask for "segment 2" by number. His ACK only says "every byte before N \
                arrived" (ack=N, cumulative), repeated while a gap remains, and SACK=A-B adds "the bytes \
                from A up to B arrived too". alice infers what is missing. bob's TCP keeps a segment that \
                arrives early and hands the app the bytes only in order. A late segment can look \
                lost: alice may send it again, and bob then gets it twice (a spurious retransmission, \
                as Wireshark calls it) and keeps one copy.
                """,
            ko: """
                이번에는 r1 → r2 케이블이 순서를 뒤섞습니다. 어떤 세그먼트는 먼저 보낸 것을 추월합니다. \
                bob은 "2번 세그먼트를 다시 보내 달라"고 번호로 요청하지 않습니다. bob의 ACK는 "N 앞의 \
                바이트는 모두 받았다"(ack=N, 누적 확인응답)는 말뿐이고, 빈자리가 남아 있는 동안 되풀이됩니다. \
                SACK=A-B는 "A부터 B 앞까지도 받았다"를 덧붙입니다. 무엇이 빠졌는지는 alice가 추론합니다. \
                bob의 TCP는 일찍 온 세그먼트를 붙잡아 두었다가 앱에는 순서대로만 건네줍니다. 늦게 온 \
                세그먼트는 사라진 것처럼 보일 수 있어서, alice가 다시 보내면 bob은 같은 것을 두 번 받고(불필요한 \
                재전송, Wireshark는 spurious라고 부릅니다) 하나만 남깁니다.
                """),
        commands: ["rawnet impair r1-r2 --direction out --delay 25ms --reorder 30%", "rawnet chat bob --listen 7000   # a room, unless one is open",
                   "rawnet chat alice --connect bob:7000", "rawnet impair r1-r2 --clear"],
        notice: Said(en: "the wire's order differs from the order bob's app reads: TCP put it back.",
                     ko: "케이블 위의 순서와 bob의 앱이 읽은 순서가 다릅니다. TCP가 제자리로 돌려놓았습니다."))

    static let close = SceneText(
        title: Said(en: "TCP says goodbye: the 4-way close", ko: "연결 종료: 4-way handshake"),
        story: Said(
            en: """
                alice is done and closes: FIN ("I have nothing more to send"), bob's ACK, then bob's own \
                FIN when his side is done too, and alice's last ACK. Each direction is closed on its own.
                """,
            ko: """
                alice가 할 말을 마치고 연결을 닫습니다. FIN("더 보낼 것이 없어"), bob의 ACK, bob도 끝나면 \
                bob의 FIN, 그리고 alice의 마지막 ACK. 두 방향이 각각 따로 닫힙니다.
                """),
        commands: ["rawnet chat bob --listen 7000   # a room, unless one is open", "rawnet chat alice --connect bob:7000   # then Ctrl-D",
                   "rawnet ladder --duration 10"],
        notice: Said(en: "two FINs, two ACKs; alice then waits in TIME-WAIT before forgetting the connection.",
                     ko: "FIN 두 번, ACK 두 번. 그 뒤 alice는 연결을 잊기 전에 TIME-WAIT 상태로 잠시 기다립니다."))

    static let timeToLive = SceneText(
        title: Said(en: "TTL: every router takes one; at zero the packet dies and the router says so",
                    ko: "TTL: 라우터마다 하나씩 줄고, 0이 되면 패킷은 버려지고 라우터가 알린다"),
        story: Said(
            en: """
                Every IP packet carries a TTL that each router lowers by one. traceroute sends probes \
                with TTL 1, 2, 3…: the router where the TTL runs out drops the probe and answers with \
                ICMP "time exceeded", naming itself. So the path from alice to bob appears hop by hop. \
                r2's answers come back another way, through r3, not the way the probes went; the next \
                scene shows why.
                """,
            ko: """
                IP 패킷마다 TTL이 있고, 라우터를 지날 때마다 1씩 줄어듭니다. traceroute는 TTL을 1, 2, 3…으로 \
                늘려 가며 프로브 패킷을 보냅니다. TTL이 다 떨어진 라우터는 프로브 패킷을 버리고 ICMP "time exceeded"로 \
                자기 주소를 알려 줍니다. 그렇게 alice에서 bob까지의 경로가 한 홉씩 드러납니다. r2의 답은 \
                프로브 패킷이 간 길이 아니라 r3를 거치는 다른 길로 돌아옵니다. 그 까닭은 다음 장면에서 봅니다.
                """),
        commands: ["rawnet traceroute alice bob -n -m 8 -q 2 -w 0.8", "rawnet trace --filter icmp"],
        notice: Said(en: "each hop's answer comes from the router whose TTL hit zero; bob answers last (port unreachable).",
                     ko: "홉마다 TTL이 0이 된 라우터가 답하고, 마지막에는 bob이 '포트 도달 불가'(port unreachable)로 답합니다."))

    static let wayBack = SceneText(
        title: Said(en: "The way back may differ from the way out", ko: "돌아오는 길은 가는 길과 다를 수 있다"),
        story: Said(
            en: """
                IP routes each packet on its own, hop by hop, by its destination only. In this lab r2 \
                sends traffic for alice's network the long way, through r3. traceroute from both ends \
                shows it: alice → bob crosses r1, r2; bob → alice crosses r2, r3, r1.
                """,
            ko: """
                IP는 패킷마다 따로, 홉마다, 목적지만 보고 길을 정합니다. 이 실습 네트워크에서 r2는 alice 쪽 네트워크로 가는 \
                트래픽을 r3를 거치는 먼 길로 보냅니다. 양쪽에서 traceroute를 해 보면 드러납니다. \
                alice → bob은 r1, r2를 지나고, bob → alice는 r2, r3, r1을 지납니다.
                """),
        commands: ["rawnet traceroute alice bob -n -m 8 -q 2 -w 0.8", "rawnet traceroute bob alice -n -m 8 -q 2 -w 0.8",
                   "rawnet routes r2"],
        notice: Said(en: "nothing ties a reply to the path of its request.",
                     ko: "응답이 요청과 같은 길로 돌아와야 한다는 규칙은 없습니다."))
}
