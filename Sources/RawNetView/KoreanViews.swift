/// Views in Korean (the tour's and `rawnet web`'s): the ladder's and the trace's own words
/// (titles, notes, retransmission reasons, drop reasons) turned into the glossary's terms
/// (docs/glossary.ko.md). Protocol notation (SYN, ACK, seq=, TTL, addresses) stays.
public enum KoreanViews {
    /// Longest phrases first, so a longer phrase wins over its parts.
    /// The TCP events' glosses come first: a shorter phrase below may be part of one.
    public static let phrases: [(String, String)] = TCPEventGloss.korean + [
        ("no TCP connection in these events", "이 이벤트들에는 TCP 연결이 없습니다"),
        ("(SYN not seen: seq and ack count from the first segment seen)", "(SYN을 보지 못함: seq와 ack는 처음 본 세그먼트부터 셈)"),
        ("time (ms)", "시각 (ms)"),
        ("⧉ D-SACK of the network's copy: the original was lost, yet the sender counts its resend as spurious (as Linux would)",
         "⧉ 네트워크가 만든 복제의 D-SACK: 원본은 손실되었지만 보낸 쪽은 재전송을 불필요했다고 셈 (리눅스도 같음)"),
        ("⧉ duplicate made by the network", "⧉ 네트워크가 만든 복제"),
        // Drop reasons whose words contain a shorter reason's ("queue overflow", "queue full") come first.
        ("ARP queue overflow", "ARP 대기 큐 넘침"),
        ("socket receive queue full", "소켓 수신 큐 가득 참"),
        ("listen queue full", "연결 대기 큐 가득 참"),
        ("TCP memory pressure", "TCP 메모리 부족"),
        ("bad TCP flags", "잘못된 TCP 플래그"),
        ("challenge ACK limit", "챌린지 ACK 한도 넘음"),
        ("unsupported protocol", "지원하지 않는 프로토콜"),
        ("duplicate fragment", "중복 조각"),
        ("fragment overlap", "조각 겹침"),
        ("reassembly limit", "재조립 한도 넘음"),
        ("reassembly timeout", "재조립 시간 초과"),
        ("bad source address", "잘못된 출발지 주소"),
        ("reverse path", "역경로 검사 실패"),
        ("fragmentation needed", "조각화 필요"),
        ("send failed", "보내기 실패"),
        ("not from the link's peer", "링크 상대가 보낸 것이 아님"),
        ("routing message rejected", "라우팅 메시지 거부"),
        ("VLAN not on port", "포트에 없는 VLAN"),
        ("destination on the arriving port", "목적지가 들어온 포트에 있음"),
        ("port blocked by spanning tree", "스패닝 트리가 막은 포트"),
        ("BPDU not taken", "받지 않은 BPDU"),
        ("wrong VNI", "잘못된 VNI"),
        ("bad VXLAN header", "잘못된 VXLAN 헤더"),
        ("not for us", "이 노드 앞이 아님"),
        ("malformed", "형식 오류"),
        (" enters TIME-WAIT", ": TIME-WAIT 상태로 들어감"),
        ("(seen in the IP layer: no Ethernet header)", "(IP 계층에서 본 패킷: 이더넷 헤더 없음)"),
        ("time exceeded in transit", "전송 중 시간 초과"),
        ("network unreachable", "네트워크 도달 불가"),
        ("host unreachable", "호스트 도달 불가"),
        ("port unreachable", "포트 도달 불가"),
        ("(for ", "(원래 패킷 "),
        ("three duplicate ACKs", "중복 ACK 세 개"),
        ("tail-loss probe", "꼬리 손실 프로브"),
        ("duplicate ACKs", "중복 ACK"),
        ("duplicate ACK", "중복 ACK"),
        ("partial ACK", "부분 ACK"),
        ("↻ retransmission", "↻ 재전송"),
        ("(timeout)", "(타임아웃)"),
        ("✗ DROPPED", "✗ 버려짐"),
        ("injected loss", "인위적 손실"),
        ("no ARP answer", "ARP 응답 없음"),
        ("no socket on port", "포트에 소켓 없음"),
        ("queue overflow", "큐 넘침"),
        ("TTL expired", "TTL 만료"),
        ("no route", "경로 없음"),
        ("link down", "링크 끊김"),
        ("no peer on the cable", "케이블 건너편 노드 없음"),
        ("no carrier", "캐리어 없음"),
        ("bad checksum", "잘못된 체크섬"),
        ("dropped on request", "요청대로 버림"),
        ("no reason given", "이유 없음"),
        ("impairment: ", "인위적 장애: "),
        ("random loss", "무작위 손실"),
        ("burst loss", "버스트 손실"),
        ("queue full", "큐 가득 참"),
        ("(then Ctrl-D)", "(그다음 Ctrl-D)"),
        // A DNS message's line: what kind of message it is; names, types and addresses stay.
        ("DNS query ", "DNS 질의 "),
        ("DNS answer ", "DNS 응답 "),
        ("(no records)", "(레코드 없음)"),
        ("(no question)", "(질문 없음)"),
        ("(truncated)", "(잘림)"),
        // A router's notes (`# …` in a trace line); a switch's are `switchNote`'s, whole.
        ("# forwarded ", "# 전달: "),
        // A host's note that it answered a ping, and the echo messages in a frame's line.
        ("# echo reply to ", "# 에코 응답 보냄: "),
        ("ICMP echo request", "ICMP 에코 요청"),
        ("ICMP echo reply", "ICMP 에코 응답"),
        (", TTL now ", ", 이제 TTL "),
    ]

    /// `text` with the glossary's terms; a term of several words keeps them
    /// together with no-break spaces, so wrapping never splits it.
    public static func translate(_ text: String) -> String {
        var out = StreamNotes.korean(dnsReferral(gapWords(fragmentWords(impairmentWords(placesFirst(text))))))
        if out.hasPrefix("client ") { out = "클라이언트 " + out.dropFirst(7) }
        if out.hasPrefix("server ") { out = "서버 " + out.dropFirst(7) }
        out = switchNote(out)
        // A line in colour has the painter's codes between a note's mark and its words.
        if containsBytes(out, colourMarker) { out = notesAfterPaintedMark(out) }
        for (index, (en, ko)) in phrases.enumerated() where containsBytes(out, phraseBytes[index]) {
            out = out.replacing(en, with: korean(ko))
        }
        return out
    }

    /// `ko` as it replaces its phrase: a term of several words joined by no-break spaces.
    /// A note's mark ("# ") keeps its plain space: wrapping indents a note's continuation
    /// under the words after the mark, in Korean as in English.
    private static func korean(_ ko: String) -> String {
        let mark = ko.hasPrefix("# ") ? "# " : ""
        return mark + String(ko.dropFirst(mark.count)).trimmingCharacters(" ")
            .replacing(" ", with: "\u{A0}").surrounded(like: ko)
    }

    /// The words of a note's phrases ("# forwarded " without its mark) where they follow a
    /// mark painted in colour ("#", colour codes, a space, colour codes), in Korean; the same
    /// words anywhere else stay.
    static func notesAfterPaintedMark(_ text: String) -> String {
        var out = text
        for (index, (en, ko)) in phrases.enumerated() where en.hasPrefix("# ") && containsBytes(out, noteWordBytes[index]) {
            let words = en.dropFirst(2), replacement = korean(ko).dropFirst(2)
            var result = "", copied = out.startIndex, searched = out.startIndex
            while let range = out[searched...].firstRange(of: words) {
                if endsInMark(out[..<range.lowerBound]) {
                    result += out[copied..<range.lowerBound] + replacement
                    copied = range.upperBound
                }
                searched = range.upperBound
            }
            out = result + out[copied...]
        }
        return out
    }

    /// A switch's note after its mark (`# learned 02:… on port p1 (vlan 1)`, `# flooded to
    /// 2 ports (vlan 1, broadcast)`, `# forwarded to port p2 (vlan 1)`), whole, in Korean:
    /// `# 학습: 02:… → 포트 p1 (vlan 1)`, `# 플러딩: 2개 포트 (vlan 1, 브로드캐스트)`,
    /// `# 전달: 포트 p2 (vlan 1)`. The same words elsewhere (an app's data) stay.
    static func switchNote(_ text: String) -> String {
        for head in ["learned ", "flooded to ", "forwarded to port "] {
            guard let range = text.firstRange(of: head), endsInMark(text[..<range.lowerBound]),
                  let korean = koreanSwitchNote(text[range.lowerBound...]) else { continue }
            return String(text[..<range.lowerBound]) + korean
        }
        return text
    }

    /// One switch note (from its first word to the end of the line) in Korean, nil when it is not one.
    public static func koreanSwitchNote(_ note: Substring) -> String? {
        guard let vlan = note.firstRange(of: " (vlan ") else { return nil }
        // " (vlan 1)" or " (vlan 1, broadcast)", with any colour codes after it.
        let tail = String(note[vlan.lowerBound...])
        if note.hasPrefix("learned "), let on = note.firstRange(of: " on port ") {
            let mac = String(note[note.index(note.startIndex, offsetBy: 8)..<on.lowerBound])
            let port = String(note[on.upperBound..<vlan.lowerBound])
            return "학습: " + mac + " → 포트 " + port + tail
        }
        if note.hasPrefix("forwarded to port ") {
            let port = String(note[note.index(note.startIndex, offsetBy: 18)..<vlan.lowerBound])
            return "전달: 포트 " + port + tail
        }
        guard note.hasPrefix("flooded to "), let port = note.firstRange(of: " port"),
              port.upperBound <= vlan.lowerBound else { return nil }
        let count = String(note[note.index(note.startIndex, offsetBy: 11)..<port.lowerBound])
        var why = tail.replacing(", broadcast)", with: ", 브로드캐스트)")
        why = why.replacing(", multicast)", with: ", 멀티캐스트)")
        why = why.replacing(", unknown ", with: ", 모르는 주소 ")
        return "플러딩: " + count + "개 포트" + why
    }

    /// Whether `text` ends in a note's mark and its space, colour codes around them or not.
    private static func endsInMark(_ text: Substring) -> Bool {
        var rest = droppingColourCodes(text)
        guard rest.last == " " else { return false }
        rest.removeLast()
        return droppingColourCodes(rest).last == "#"
    }

    /// `text` without the colour codes it ends in ("\u{1B}[36m", "\u{1B}[0m").
    private static func droppingColourCodes(_ text: Substring) -> Substring {
        var rest = text
        while rest.last == "m", let escape = rest.lastIndex(of: "\u{1B}") {
            let code = rest[rest.index(after: escape)...].dropLast()
            guard code.first == "[", code.dropFirst().allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ";") }) else { break }
            rest = rest[..<escape]
        }
        return rest
    }

    private static let phraseBytes: [[UInt8]] = phrases.map { Array($0.0.utf8) }
    /// A note's phrase without its mark ("forwarded " of "# forwarded ").
    private static let noteWordBytes: [[UInt8]] = phrases.map { Array($0.0.utf8.dropFirst($0.0.hasPrefix("# ") ? 2 : 0)) }
    private static let colourMarker = Array("\u{1B}[".utf8)
    private static let placeMarker = Array(" at ".utf8)
}

extension KoreanViews {
    /// Where something happened goes first in Korean, with 에서: "✗ lost at r1:eth1 (reason)"
    /// becomes "✗ r1:eth1에서 손실 (reason)", "~ delayed 25ms at r1:eth1" "~ r1:eth1에서 25ms 지연".
    public static func placesFirst(_ text: String) -> String {
        // Every pattern below names a place after " at ": most lines have none, and skip the regexes.
        guard containsBytes(text, placeMarker) else { return text }
        var out = text.replacing(/✗ lost at (\S+)/) { "✗ \($0.output.1)에서 손실" }
        out = out.replacing(/~ delayed (\S+) at (\S+)/) { "~ \($0.output.2)에서 \($0.output.1) 지연" }
        out = out.replacing(/~ reordered at (\S+)/) { "~ \($0.output.1)에서 순서 바뀜" }
        out = out.replacing(/~ duplicated at (\S+)/) { "~ \($0.output.1)에서 복제" }
        out = out.replacing(/~ corrupted byte (\d+) bit (\d+) at (\S+)/) {
            "~ \($0.output.3)에서 손상 (바이트 \($0.output.1), 비트 \($0.output.2))"
        }
        out = out.replacing(/~ queued behind (\d+) for (\S+) at (\S+)/) {
            "~ \($0.output.3)에서 앞의 \($0.output.1)개 뒤에 \($0.output.2) 대기"
        }
        out = out.replacing(/~ held back (\d+) frames? at (\S+)/) { "~ \($0.output.2)에서 프레임 \($0.output.1)개 보류" }
        out = out.replacing(/~ held back until (\d+) later frames? ha(?:s|ve) left \(reorder\) at (\S+) for (\S+) ms/) {
            "~ \($0.output.2)에서 순서 바꾸기: 뒤의 프레임 \($0.output.1)개가 먼저 나갈 때까지 \($0.output.3)ms 보류"
        }
        out = out.replacing(/~ held back until (\d+) later frames? ha(?:s|ve) left \(reorder\) at (\S+)/) {
            "~ \($0.output.2)에서 순서 바꾸기: 뒤의 프레임 \($0.output.1)개가 먼저 나갈 때까지 보류"
        }
        // A ladder row of a frame its sender's egress held says how long it waited there.
        out = out.replacing(/(~ \S+에서 [^;~]*?) for (\S+) ms/) { "\($0.output.1) (\($0.output.2) ms 기다림)" }
        return out
    }

    /// What an impairment did, as a trace line lists it after "~ " (no place: the line's
    /// interface is the place): "~ delayed 30ms; reordered" becomes "~ 30ms 지연; 순서 바뀜".
    public static func impairmentWords(_ text: String) -> String {
        guard containsBytes(text, impairedMarker) else { return text }
        var out = text.replacing(/(~ |; )delayed (\S+?)(?=;|\s|$)/) { "\($0.output.1)\($0.output.2) 지연" }
        out = out.replacing(/(~ |; )reordered/) { "\($0.output.1)순서 바뀜" }
        out = out.replacing(/(~ |; )duplicated/) { "\($0.output.1)복제" }
        out = out.replacing(/(~ |; )corrupted byte (\d+) bit (\d+)/) {
            "\($0.output.1)손상 (바이트 \($0.output.2), 비트 \($0.output.3))"
        }
        out = out.replacing(/(~ |; )queued behind (\d+) for (\S+?)(?=;|\s|$)/) {
            "\($0.output.1)앞의 \($0.output.2)개 뒤에 \($0.output.3) 대기"
        }
        out = out.replacing(/(~ |; )held back until (\d+) later frames? ha(?:s|ve) left \(reorder\)/) {
            "\($0.output.1)순서 바꾸기: 뒤의 프레임 \($0.output.2)개가 먼저 나갈 때까지 보류"
        }
        out = out.replacing(/(~ |; )held back (\d+) frames?/) { "\($0.output.1)프레임 \($0.output.2)개 보류" }
        return out
    }

    private static let impairedMarker = Array("~ ".utf8)

    /// IP fragments in a trace line: a router's note "# fragmented id 53 into 2 for mtu 1500"
    /// becomes "# 조각화: id 53 → 조각 2개 (mtu 1500)", a host's "reassembled id 53 from
    /// 10.0.1.10: 2 fragments, 2008 bytes" "재조립: id 53, 10.0.1.10에서 온 조각 2개, 2008바이트",
    /// and a fragment's layer "| fragment 1480 bytes" "| 조각 1480바이트".
    public static func fragmentWords(_ text: String) -> String {
        guard containsBytes(text, fragmentMarker) else { return text }
        var out = text.replacing(/fragmented id (\d+) into (\d+) for mtu (\d+)/) {
            "조각화: id \($0.output.1) → 조각\u{A0}\($0.output.2)개 (mtu \($0.output.3))"
        }
        out = out.replacing(/reassembled id (\d+) from (\S+): (\d+) fragments, (\d+) bytes/) {
            "재조립: id \($0.output.1), \($0.output.2)에서 온 조각\u{A0}\($0.output.3)개, \($0.output.4)바이트"
        }
        out = out.replacing(/\| fragment (\d+) bytes/) { "| 조각 \($0.output.1)바이트" }
        return out
    }

    private static let fragmentMarker = Array("fragment".utf8)

    /// Events a watcher did not get, in Korean: a trace's gap line "412 events from r1 lost
    /// (subscriber too slow), 300 of them frames (eth0 150, eth1 150)" becomes "r1의 이벤트
    /// 412개 놓침 (구독자가 너무 느림), 그중 프레임 300개 (eth0 150, eth1 150)", and the
    /// ladder's "⋯ events missing here, until 309.832 ms" "⋯ 여기서 이벤트 빠짐, 309.832 ms까지".
    public static func gapWords(_ text: String) -> String {
        guard containsBytes(text, gapMarker) else { return text }
        var out = text.replacing(/(\d+) events from (\S+) lost \(subscriber too slow\)/) {
            "\($0.output.2)의 이벤트 \($0.output.1)개 놓침 (구독자가\u{A0}너무\u{A0}느림)"
        }
        out = out.replacing(/, (\d+) of them frames \(/) { ", 그중 프레임 \($0.output.1)개 (" }
        out = out.replacing(/⋯ events missing here, until (\S+) ms/) { "⋯ 여기서 이벤트 빠짐, \($0.output.1) ms까지" }
        return out
    }

    private static let gapMarker = Array("events ".utf8)

    /// A DNS referral's line, "DNS referral A www.example.lab to tld.lab" in the glossary's
    /// term: "DNS 위임 A www.example.lab → tld.lab" (the servers that know more).
    public static func dnsReferral(_ text: String) -> String {
        guard containsBytes(text, referralMarker) else { return text }
        return text.replacing(#/DNS referral (\S+ \S+) to /#) { "DNS 위임 \($0.output.1) → " }
    }

    private static let referralMarker = Array("DNS referral ".utf8)

    /// A perfect wire's settings in Korean, the English kept as `rawnet impair` takes it.
    public static let perfectWire = "장애 없음 (perfect wire)"

    /// The words of `ImpairmentSettings.description` in Korean. A term of two words keeps them
    /// together with a no-break space, as in the Korean trace lines.
    static let settingWords: [String: String] = [
        "loss": "손실", "gemodel": "버스트 손실", "reorder": "순서 바뀜", "gap": "간격", "hold-back": "보류",
        "hold-back-timeout": "보류 타임아웃", "delay": "지연", "(normal)": "(정규분포)", "(uniform)": "(균등분포)",
        "duplicate": "복제", "corrupt": "손상", "rate": "속도 제한", "queue": "큐", "seed": "시드",
    ]

    /// Settings as `rawnet impair --show` prints them, in Korean: "loss 15% · delay 10ms ±8ms (normal)"
    /// becomes "손실 15% · 지연 10ms ±8ms (정규분포)"; a perfect wire is `perfectWire`.
    public static func impairmentSettings(_ settings: String) -> String {
        if settings == "perfect wire" { return perfectWire }
        return settings.split(separator: " ", omittingEmptySubsequences: false).map { word in
            settingWords[String(word)].map { $0.replacing(" ", with: "\u{A0}") } ?? String(word)
        }.joined(separator: " ")
    }
}

private extension String {
    func trimmingCharacters(_ character: Character) -> String {
        String(drop { $0 == character }.reversed().drop { $0 == character }.reversed())
    }

    /// `self` with the leading and trailing spaces `model` has.
    func surrounded(like model: String) -> String {
        String(repeating: " ", count: model.prefix { $0 == " " }.count) + self
            + String(repeating: " ", count: model.reversed().prefix { $0 == " " }.count)
    }
}

extension KoreanViews {
    /// The layer boxes' own words (`trace --layers`, the page's Layers): box titles and
    /// field names, and the few words of the values that are not protocol notation.
    static let layerWords: [String: String] = [
        "Ethernet II": "이더넷 II", "Application data": "애플리케이션 데이터", "Payload": "페이로드",
        "Fragment": "조각", "Undecoded": "해석 못 함", "Undecoded transport": "해석 못 한 전송 계층",
        "Undecodable frame": "해석할 수 없는 프레임",
        "Destination": "목적지", "Source": "출발지", "Type": "타입", "Hardware type": "하드웨어 타입",
        "Protocol type": "프로토콜 타입", "Operation": "동작", "Sender MAC": "보낸 쪽 MAC", "Sender IP": "보낸 쪽 IP",
        "Target MAC": "대상 MAC", "Target IP": "대상 IP", "Version": "버전", "Header length": "헤더 길이",
        "Total length": "전체 길이", "Identification": "식별자", "Flags": "플래그", "Fragment offset": "조각 오프셋",
        "Time to live": "TTL", "Protocol": "프로토콜", "Header checksum": "헤더 체크섬", "Options": "옵션",
        "Source port": "출발지 포트", "Destination port": "목적지 포트", "Sequence number": "순서 번호",
        "Acknowledgment": "확인응답 번호", "Window": "윈도우", "Checksum": "체크섬", "Urgent pointer": "긴급 포인터",
        "Length": "길이", "Code": "코드", "Meaning": "의미", "Identifier": "식별자", "Sequence": "순서 번호",
        "Quoted packet": "인용된 패킷", "Message": "메시지", "Body": "본문", "Head": "헤더",
        "Line ends": "줄 끝",
    ]

    /// Whole lines of a box that are not fields (a fragment's "not reassembled").
    static let layerLines: [String: String] = [
        "not reassembled": "재조립되지 않음",
        "shorter than an Ethernet header (14 bytes)": "이더넷 헤더(14바이트)보다 짧음",
    ]

    /// A box's line that is not a field in Korean: `layerLines`, and the counts of what a box
    /// leaves out ("… 272 more bytes" of a hex dump, "… 3 more lines" of a message).
    static func layerLine(_ line: String) -> String {
        if let korean = layerLines[line] { return korean }
        // The application data as text: the label is the view's, the quoted bytes are the data's.
        if line.hasPrefix("Text: \"") { return "텍스트: " + line.dropFirst("Text: ".count) }
        guard line.hasPrefix("… ") else { return line }
        if let match = line.wholeMatch(of: /… (\d+) more bytes/) { return "… 나머지 \(match.output.1)바이트" }
        if let match = line.wholeMatch(of: /… (\d+) more lines/) { return "… 나머지 \(match.output.1)줄" }
        return line
    }

    /// Phrases inside field values and sizes, longest first. A unit is written against
    /// its number in Korean ("20바이트"), as the trace lines and the tour write it.
    static let layerPhrases: [(String, String)] = [
        ("✗ BAD (should be", "✗ 잘못됨 (맞는 값"), ("✓ verifies", "✓ 맞음"), ("(not checked)", "(확인 안 함)"),
        ("(not used: no ACK flag)", "(쓰이지 않음: ACK 플래그 없음)"), ("(none sent)", "(보내지 않음)"),
        ("(broadcast)", "(브로드캐스트)"), (" bytes in this segment", "바이트가 이 세그먼트에"),
        ("continues in the next segment", "다음 세그먼트에 이어짐"), (" bytes header", "바이트 헤더"),
        ("scale unknown (handshake not seen)", "배율 모름 (3-way handshake를 보지 못함)"),
        ("(a SYN's window is never scaled)", "(SYN의 윈도우는 배율을 쓰지 않음)"),
        (" from the handshake)", ", 3-way handshake에서 정함)"), ("(scale ", "(배율 "),
        ("(no window scaling on this connection)", "(이 연결은 윈도우 배율을 쓰지 않음)"),
        ("DF don't fragment", "DF 조각화 금지"), ("MF more fragments", "MF 조각 더 있음"),
        ("LF only", "LF만"), (" bytes", "바이트"), (" hops", "홉"),
    ]

    /// Whole values of a box that are the view's words, not protocol notation: the ARP
    /// box's address sizes and operations. Matched only as the whole value.
    static let layerValues: [String: String] = [
        // A value that is only "none" (no IPv4 flags, no TCP options), not the word inside others.
        "none": "없음",
        "1 (Ethernet), 6-byte addresses": "1 (이더넷), 6바이트 주소",
        "0x0800 (IPv4), 4-byte addresses": "0x0800 (IPv4), 4바이트 주소",
        "1 (request)": "1 (요청)", "2 (reply)": "2 (응답)",
    ]

    /// A field value or a box size with `layerPhrases` in Korean.
    static func layerValue(_ text: String) -> String {
        if let korean = layerValues[text] { return korean }
        if let meaning = icmpMeaning(text) { return meaning }
        // The IPv4 box's time to live, "64 hops": the hops a packet has left.
        if let match = text.wholeMatch(of: /(\d+) hops/) { return "\(match.output.1)홉 남음" }
        // An ARP operation with no name ("3 (op 3)", as `ARPOperation` words it).
        if containsBytes(text, unnamedOperationMarker), let match = text.wholeMatch(of: /(\d+) \(op (\d+)\)/), match.output.1 == match.output.2 {
            return "\(match.output.1) (알 수 없는 동작)"
        }
        var out = text
        // Looked for byte by byte: a value is mostly digits, and the web view renders the
        // layers of every frame it shows in both languages.
        for (index, (en, ko)) in layerPhrases.enumerated() where containsBytes(out, layerPhraseBytes[index]) {
            out = out.replacing(en, with: ko)
        }
        return out
    }

    private static let layerPhraseBytes: [[UInt8]] = layerPhrases.map { Array($0.0.utf8) }
    private static let unnamedOperationMarker = Array(" (op ".utf8)

    /// What an ICMP message means (the ICMP box's "Meaning", as `FrameText.icmpName` words
    /// it), in the words of the Korean trace lines: "echo request" is "에코 요청", "port
    /// unreachable" "포트 도달 불가". Numbers (an MTU, a code, a type) stay.
    static let icmpMeanings: [String: String] = [
        "echo request": "에코 요청", "echo reply": "에코 응답",
        "network unreachable": "네트워크 도달 불가", "host unreachable": "호스트 도달 불가",
        "protocol unreachable": "프로토콜 도달 불가", "port unreachable": "포트 도달 불가",
        "administratively prohibited": "관리상 금지",
        "time exceeded in transit (TTL 0)": "전송 중 시간 초과 (TTL 0)",
        "time exceeded (fragment reassembly)": "시간 초과 (조각 재조립)",
    ]

    /// `text` in Korean when the whole of it is an ICMP meaning (`icmpMeanings`, or one that
    /// carries a number); nil for any other value.
    static func icmpMeaning(_ text: String) -> String? {
        // Every meaning starts with a lowercase letter; most values (numbers, addresses) do not.
        guard let first = text.utf8.first, (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(first) else { return nil }
        if let korean = icmpMeanings[text] { return korean }
        if text.hasPrefix("fragmentation needed"), let match = text.wholeMatch(of: /fragmentation needed \(mtu (\d+)\)/) {
            return "조각화 필요 (mtu \(match.output.1))"
        }
        if text.hasPrefix("destination unreachable"), let match = text.wholeMatch(of: /destination unreachable code (\d+)/) {
            return "목적지 도달 불가 (코드 \(match.output.1))"
        }
        if text.hasPrefix("time exceeded"), let match = text.wholeMatch(of: /time exceeded code (\d+)/) {
            return "시간 초과 (코드 \(match.output.1))"
        }
        if text.hasPrefix("type "), let match = text.wholeMatch(of: /type (\d+) code (\d+)/) {
            return "타입 \(match.output.1) 코드 \(match.output.2)"
        }
        return nil
    }

    /// Whether `text`'s UTF-8 holds `pattern` (not empty) as a run of bytes.
    static func containsBytes(_ text: String, _ pattern: [UInt8]) -> Bool {
        var text = text
        return text.withUTF8 { bytes in
            guard let first = pattern.first, bytes.count >= pattern.count else { return false }
            var start = 0
            while start <= bytes.count - pattern.count {
                if bytes[start] == first {
                    var matched = 1
                    while matched < pattern.count && bytes[start + matched] == pattern[matched] { matched += 1 }
                    if matched == pattern.count { return true }
                }
                start += 1
            }
            return false
        }
    }
}
