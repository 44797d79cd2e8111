import RawNetCore
@testable import RawNetView
import RawNetWire
import Testing

/// `trace --layers --lang ko`: the ICMP box says what the message means in Korean
/// (the words of the Korean trace lines), and its lines keep the box's width, Hangul
/// taking two columns each.
struct LayerICMPKoreanTests {
    static let alice = FixtureFrames.alice
    static let bob = FixtureFrames.bob

    /// An ICMP message from bob to alice, quoting a UDP datagram of alice's when it is an error.
    static func frame(_ message: (_ quoted: [UInt8]) -> ICMPMessage) -> [UInt8] {
        let original = Packet.ipv4(ip: IPv4Header(identification: 9, timeToLive: 63, protocolNumber: .udp,
                                                  source: alice.ip, destination: bob.ip),
                                   .udp(UDPHeader(sourcePort: 5000, destinationPort: 7001), payload: [1, 2, 3]))
        return Frame.ipv4(ethernet: EthernetHeader(destination: bob.routerMAC, source: bob.mac, etherType: .ipv4),
                          ip: IPv4Header(identification: 6, protocolNumber: .icmp, source: bob.ip, destination: alice.ip),
                          icmp: message(ICMPMessage.quote(original)))
    }

    /// Every meaning `FrameText.icmpName` gives, with its Korean.
    static let meanings: [(frame: [UInt8], english: String, korean: String)] = [
        (FixtureFrames.echoRequest, "echo request", "에코 요청"),
        (frame { _ in .echoReply(identifier: 77, sequence: 3, payload: [0x61, 0x62]) }, "echo reply", "에코 응답"),
        (frame { .destinationUnreachable(.network, quoted: $0) }, "network unreachable", "네트워크 도달 불가"),
        (frame { .destinationUnreachable(.host, quoted: $0) }, "host unreachable", "호스트 도달 불가"),
        (frame { .destinationUnreachable(.protocol, quoted: $0) }, "protocol unreachable", "프로토콜 도달 불가"),
        (FixtureFrames.portUnreachable, "port unreachable", "포트 도달 불가"),
        (frame { .destinationUnreachable(.fragmentationNeeded(nextHopMTU: 1400), quoted: $0) },
         "fragmentation needed (mtu 1400)", "조각화 필요 (mtu 1400)"),
        (frame { .destinationUnreachable(.administrativelyProhibited, quoted: $0) },
         "administratively prohibited", "관리상 금지"),
        (frame { .destinationUnreachable(ICMPUnreachableCode(code: 9), quoted: $0) },
         "destination unreachable code 9", "목적지 도달 불가 (코드 9)"),
        (FixtureFrames.timeExceeded, "time exceeded in transit (TTL 0)", "전송 중 시간 초과 (TTL 0)"),
        (frame { .timeExceeded(.fragmentReassembly, quoted: $0) },
         "time exceeded (fragment reassembly)", "시간 초과 (조각 재조립)"),
        (frame { .timeExceeded(ICMPTimeExceededCode(code: 5), quoted: $0) }, "time exceeded code 5", "시간 초과 (코드 5)"),
        (frame { _ in .other(type: 13, code: 0, restOfHeader: 0, body: []) }, "type 13 code 0", "타입 13 코드 0"),
    ]

    @Test func theMeaning_isInKorean_andInEnglishOnlyInEnglish() {
        for (frame, english, korean) in Self.meanings {
            let en = LayerView.render(frame: frame)
            let ko = LayerView.render(frame: frame, language: .ko)
            #expect(en.contains("│ Meaning           \(english) "), "\(en)")
            // 의미 is four columns wide: fourteen spaces bring the value to column 18, as in English.
            #expect(ko.contains("│ 의미              \(korean) "), "\(ko)")
            #expect(!ko.contains(english), "no English meaning is left in the Korean box:\n\(ko)")
        }
    }

    @Test(arguments: [78, 60, 50, 44])
    func koreanICMPBoxes_keepTheirWidth(width: Int) {
        for (frame, _, korean) in Self.meanings {
            let text = LayerView.render(frame: frame, language: .ko, width: width)
            let boxLines = text.split(separator: "\n").filter { "┌│└".contains($0.first!) }
            #expect(!boxLines.isEmpty)
            #expect(boxLines.allSatisfy { DisplayWidth.of(String($0)) == width },
                    "\(korean) at \(width): \(boxLines.filter { DisplayWidth.of(String($0)) != width })")
            #expect(!text.contains("…│") && !text.contains("… │"), "nothing is cut off:\n\(text)")
            // A meaning wider than the value's column wraps at a space, never inside a syllable.
            let words = boxLines.flatMap { $0.dropFirst(2).dropLast(2).split(separator: " ").map(String.init) }
            for word in korean.split(separator: " ") where !word.hasPrefix("(") && !word.hasSuffix(")") {
                #expect(words.contains(String(word)), "'\(word)' of \(korean) stays whole at \(width):\n\(text)")
            }
        }
    }

    /// Only a whole value that is a meaning is translated: the words inside other values
    /// (an HTTP line, a DNS name) stay as they are.
    @Test func onlyAWholeMeaning_isTranslated() {
        #expect(KoreanViews.layerValue("echo reply") == "에코 응답")
        #expect(KoreanViews.layerValue("fragmentation needed (mtu 576)") == "조각화 필요 (mtu 576)")
        #expect(KoreanViews.layerValue("an echo request") == "an echo request")
        #expect(KoreanViews.layerValue("echo request!") == "echo request!")
        #expect(KoreanViews.layerValue("type 13 code x") == "type 13 code x")
        #expect(KoreanViews.layerValue("time exceeded code 5 bytes") == "time exceeded code 5바이트")
        #expect(KoreanViews.icmpMeaning("10.0.1.10") == nil)
        #expect(KoreanViews.icmpMeaning("") == nil)
    }

    /// The TCP box's window in the glossary's words: 3-way handshake, as the tour says it.
    @Test func theWindowsScale_namesThe3WayHandshake() {
        #expect(KoreanViews.layerValue("2048 × 128 = 262144 bytes (scale 7 from the handshake)")
                == "2048 × 128 = 262144바이트 (배율 7, 3-way handshake에서 정함)")
        #expect(KoreanViews.layerValue("2048, scale unknown (handshake not seen)") == "2048, 배율 모름 (3-way handshake를 보지 못함)")
    }
}
