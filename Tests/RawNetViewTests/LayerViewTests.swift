import Testing
import RawNetCore
import RawNetWire
@testable import RawNetView

@Suite struct LayerViewTests {
    @Test func helloSegment_matchesGoldenBoxes() {
        #expect(LayerView.render(frame: FixtureFrames.hello) == Goldens.helloLayers + "\n")
    }

    /// What an impairment did reads in Korean in a trace line as in the ladder (where the place
    /// comes first): each "~ " word after the frame, the rest of the line untouched.
    @Test func koreanTraceLines_nameWhatAnImpairmentDid() {
        let line = "63 id 11 | UDP 49154 > 6000 len 10 ~ delayed 30ms"
        // Terms of several words keep them together with no-break spaces.
        let translate = { (text: String) in KoreanViews.translate(text).replacing("\u{A0}", with: " ") }
        #expect(translate(line) == "63 id 11 | UDP 49154 > 6000 len 10 ~ 30ms 지연")
        #expect(translate("len 10 ~ reordered") == "len 10 ~ 순서 바뀜")
        #expect(KoreanViews.impairmentWords("~ duplicated; corrupted byte 40 bit 3; held back 2 frames")
                == "~ 복제; 손상 (바이트 40, 비트 3); 프레임 2개 보류")
        #expect(KoreanViews.impairmentWords("~ queued behind 4 for 12ms") == "~ 앞의 4개 뒤에 12ms 대기")
        #expect(KoreanViews.impairmentWords("~ held back until 1 later frame has left (reorder)")
                == "~ 순서 바꾸기: 뒤의 프레임 1개가 먼저 나갈 때까지 보류")
        #expect(translate("│ ~ delayed 25ms at r1:eth1 │") == "│ ~ r1:eth1에서 25ms 지연 │")
        // A ladder row of a frame its sender's egress held: how long, in Korean too.
        #expect(translate("~ delayed 20ms at alice:eth0 for 20.304 ms; ~ reordered at alice:eth0 for 0.158 ms")
                == "~ alice:eth0에서 20ms 지연 (20.304 ms 기다림); ~ alice:eth0에서 순서 바뀜 (0.158 ms 기다림)")
        #expect(KoreanViews.impairmentWords("TCP [S] seq 1 delayed ack") == "TCP [S] seq 1 delayed ack", "only after ~ ")
    }

    /// The Korean boxes find their phrases by bytes (the web view renders every frame it shows
    /// in both languages): a phrase anywhere in a value is translated, Korean or other text
    /// around it is kept, and a value without one is returned unchanged.
    @Test func koreanLayerValues_translateTheirPhrasesByBytes() {
        #expect(KoreanViews.layerValue("0x1c46 ✓ verifies") == "0x1c46 ✓ 맞음")
        #expect(KoreanViews.layerValue("20 bytes header") == "20바이트 헤더")
        #expect(KoreanViews.layerValue("TTL 64, 3 hops") == "TTL 64, 3홉")
        #expect(KoreanViews.layerValue("64 hops") == "64홉 남음")  // the IPv4 box's time to live
        #expect(KoreanViews.layerValue("65535") == "65535")
        #expect(KoreanViews.layerValue("") == "")
        #expect(KoreanViews.layerValue("가 (5 bytes)") == "가 (5바이트)")
        #expect(KoreanViews.containsBytes("abc", Array("bc".utf8)))
        #expect(!KoreanViews.containsBytes("ab", Array("abc".utf8)))
        #expect(!KoreanViews.containsBytes("abd", Array("abc".utf8)))
        #expect(KoreanViews.translate("✗ DROPPED (injected loss)") == "✗\u{A0}버려짐 (인위적\u{A0}손실)")
    }

    /// Every reason a frame can be dropped for reads in Korean: no English word left but the
    /// protocols' own names (what `status --lang ko` and a Korean trace print).
    @Test func everyDropReason_readsInKorean() {
        let names: Set<Substring> = ["ARP", "TCP", "TTL", "ACK", "VLAN", "BPDU", "VNI", "VXLAN"]
        for reason in DropReason.allCases {
            let korean = KoreanViews.translate(reason.rawValue)
            let english = korean.split { !($0.isASCII && $0.isLetter) }.filter { !names.contains($0) }
            #expect(english.isEmpty, "\(reason.rawValue) → \(korean)")
        }
    }

    /// A drop by an impairment says which impairment setting took it, in Korean with no English left.
    @Test func impairmentDropDetail_inKorean() {
        let dropped = KoreanViews.translate("impairment: random loss")
        #expect(dropped == "인위적\u{A0}장애: 무작위\u{A0}손실", "\(dropped)")
    }

    /// A router's note in a Korean trace line: what it did, in Korean; addresses stay.
    @Test func routerNotes_inKorean() {
        let line = KoreanViews.translate("   12.345 r1:eth1     # forwarded 10.0.1.10 > 10.0.2.20, TTL now 63")
            .replacing("\u{A0}", with: " ")
        #expect(line == "   12.345 r1:eth1     # 전달: 10.0.1.10 > 10.0.2.20, 이제 TTL 63", "\(line)")
        let port = KoreanViews.translate("    1.000 sw1:p2      # forwarded to port p1 (vlan 1)").replacing("\u{A0}", with: " ")
        #expect(port == "    1.000 sw1:p2      # 전달: 포트 p1 (vlan 1)", "\(port)")
    }

    /// A switch's notes whole in Korean (as the tour shows them), one port or several, every
    /// reason for flooding; the same words in an app's data stay English.
    @Test func switchNotes_inKorean_whole() {
        let cases = [
            ("# learned 02:aa:00:00:00:01 on port p1 (vlan 10)", "# 학습: 02:aa:00:00:00:01 → 포트 p1 (vlan 10)"),
            ("# flooded to 1 port (vlan 1, multicast)", "# 플러딩: 1개 포트 (vlan 1, 멀티캐스트)"),
            ("# flooded to 3 ports (vlan 1, unknown 02:aa:00:00:00:02)", "# 플러딩: 3개 포트 (vlan 1, 모르는 주소 02:aa:00:00:00:02)"),
            ("# forwarded to port p4 (vlan 20)", "# 전달: 포트 p4 (vlan 20)"),
        ]
        for (english, korean) in cases {
            let line = KoreanViews.translate("    1.000 sw1:p2      " + english).replacing("\u{A0}", with: " ")
            #expect(line == "    1.000 sw1:p2      " + korean, "\(line)")
        }
        let data = "    1.000 bob:eth0    | text: \"learned on port p1 (vlan 1)\""
        #expect(KoreanViews.switchNote(data) == data)
    }

    /// In colour (a terminal), the painter's codes sit between a note's mark and its words:
    /// the words are Korean all the same, and the codes stay where they were.
    @Test func routerAndSwitchNotes_inKorean_inColour() {
        var formatter = TraceFormatter(startTime: Fixture.t0, usesColour: true)
        formatter.language = .ko
        let details = [("r1", "forwarded 10.0.1.10 > 10.0.2.20, TTL now 63", "전달: 10.0.1.10 > 10.0.2.20, 이제 TTL 63"),
                       ("sw1", "forwarded to port p1 (vlan 1)", "전달: 포트 p1 (vlan 1)"),
                       ("sw1", "flooded to 2 ports (vlan 1, broadcast)", "플러딩: 2개 포트 (vlan 1, 브로드캐스트)"),
                       ("sw1", "learned 02:aa:00:00:00:01 on port p1 (vlan 1)", "학습: 02:aa:00:00:00:01 → 포트 p1 (vlan 1)")]
        for (node, detail, korean) in details {
            let line = formatter.format(TraceEvent(time: Fixture.t0, node: node, interface: "eth1", kind: .note, detail: detail))
                .replacing("\u{A0}", with: " ")
            let painted = TextPainter.colour
            #expect(line.hasSuffix(painted.paint("#", .note) + " " + painted.paint(korean, .note)), "\(line.debugDescription)")
        }
        // The words of a note's phrase stay English anywhere but after a mark.
        let elsewhere = "\u{1B}[36mTCP\u{1B}[0m learned forwarded "
        #expect(KoreanViews.notesAfterPaintedMark(elsewhere) == elsewhere)
        #expect(KoreanViews.notesAfterPaintedMark("\u{1B}[36m#\u{1B}[0m \u{1B}[36mforwarded 10.0.1.10")
                == "\u{1B}[36m#\u{1B}[0m \u{1B}[36m전달: 10.0.1.10")
    }

    @Test func helloSegment_matchesGoldenEncapsulation() {
        #expect(Encapsulation.render(frame: FixtureFrames.hello) == Goldens.helloEncapsulation + "\n")
    }

    @Test func everyBoxLine_hasTheSameWidth() {
        for frame in [FixtureFrames.hello, FixtureFrames.arpRequest, FixtureFrames.udp, FixtureFrames.echoRequest,
                      FixtureFrames.timeExceeded, FixtureFrames.portUnreachable, Fixture.exchange[1].frame!] {
            let lines = LayerView.render(frame: frame).split(separator: "\n").filter { "┌│└".contains($0.first!) }
            #expect(!lines.isEmpty)
            #expect(lines.allSatisfy { $0.count == Box.width }, "\(lines.filter { $0.count != Box.width })")
        }
    }

    static func dumpedBytes(_ text: String, perLine: Int) -> [UInt8] {
        text.split(separator: "\n").filter { $0.hasPrefix("│ 0") }.flatMap { line in
            line.dropFirst(8).prefix(perLine * 3).split(separator: " ").map { UInt8($0, radix: 16)! }
        }
    }

    @Test(arguments: [50, 60, 70])
    func aNarrowTerminal_getsNarrowerBoxes_thatKeepEveryFieldAndByte(width: Int) {
        let frames = [FixtureFrames.hello, FixtureFrames.udp, FixtureFrames.timeExceeded, FixtureFrames.realHandshake[0]]
        for frame in frames {
            for language in [ViewLanguage.en, .ko] {
                let text = LayerView.render(frame: frame, language: language, width: width)
                let boxLines = text.split(separator: "\n").filter { "┌│└".contains($0.first!) }
                #expect(!boxLines.isEmpty)
                #expect(boxLines.allSatisfy { DisplayWidth.of(String($0)) == width },
                        "\(boxLines.filter { DisplayWidth.of(String($0)) != width })")
                #expect(!text.contains("…│") && !text.contains("… │"), "nothing is cut off:\n\(text)")
                // The hex dumps hold the same bytes as at 78 columns, 8 to a line instead of 16.
                #expect(Self.dumpedBytes(text, perLine: 8) == Self.dumpedBytes(LayerView.render(frame: frame), perLine: 16))
            }
        }
        let wide = LayerView.render(frame: FixtureFrames.hello, width: 200)
        #expect(wide == LayerView.render(frame: FixtureFrames.hello), "a wide terminal keeps the 78-column boxes")
        let tiny = LayerView.render(frame: FixtureFrames.hello, width: 20)
        #expect(tiny.split(separator: "\n").filter { $0.hasPrefix("┌") }.allSatisfy { DisplayWidth.of(String($0)) == 44 })
    }

    /// A chat line in Korean is shown as its words, not as dots, and the boxes stay aligned
    /// (a Hangul syllable two columns); bytes that are not UTF-8, controls and emoji whose
    /// width a terminal may draw differently stay dots; the hex dump stays ASCII.
    @Test func textInKorean_isShownAsItsWords_andTheBoxesStayAligned() {
        let line = Array("레이어 보기\n".utf8)
        let frame = Frame.ipv4(ethernet: EthernetHeader(destination: Fixture.alice.routerMAC, source: Fixture.alice.mac, etherType: .ipv4),
                               ip: IPv4Header(identification: 9, protocolNumber: .udp, source: Fixture.alice.ip, destination: Fixture.bob.ip),
                               udp: UDPHeader(sourcePort: 5000, destinationPort: 7001), payload: line)
        for language in [ViewLanguage.en, .ko] {
            let text = LayerView.render(frame: frame, language: language)
            #expect(text.contains("\"레이어 보기⏎\""), "\(text)")
            let boxLines = text.split(separator: "\n").filter { "┌│└".contains($0.first!) }
            #expect(boxLines.allSatisfy { DisplayWidth.of(String($0)) == 78 }, "\(boxLines.filter { DisplayWidth.of(String($0)) != 78 })")
        }
        #expect(Text.readable(Array("가\r\n".utf8)) == "가␍⏎")
        #expect(Text.readable([0x41, 0xFF, 0x42, 0xEA, 0xB0]) == "A.B.", "a byte that is not UTF-8, and a sequence cut short")
        #expect(Text.readable(Array("a\u{1B}[1m\u{7}é🚀\u{301}".utf8)) == "a.[1m.é..", "controls, an emoji, a lone combining mark")
        #expect(Text.readable(Array("漢字 ㅎ".utf8)) == "漢字 ㅎ")
    }

    @Test func corruptedSegment_showsWhichChecksumIsBadAndTheRightValue() {
        let text = LayerView.render(frame: FixtureFrames.flipped(FixtureFrames.hello, byte: 56, bit: 2))
        #expect(text.contains("│ Header checksum   0x23aa ✓ verifies"))
        #expect(text.contains("│ Checksum          0x85c2 ✗ BAD (should be 0x89c2)"))
        #expect(text.contains("Text: \"hehlo⏎\""))
        #expect(text.hasSuffix("  ⚠ TCP.checksum: bad checksum 0x85c2, computed 0x89c2\n"))
    }

    @Test func corruptedIPv4Header_isFlagged() {
        let text = LayerView.render(frame: FixtureFrames.flipped(FixtureFrames.hello, byte: 22, bit: 0))
        #expect(text.contains("│ Time to live      65 hops"))
        #expect(text.contains("│ Header checksum   0x23aa ✗ BAD (should be 0x22aa)"))
    }

    @Test func otherProtocols_showTheirFields() {
        let arp = LayerView.render(frame: FixtureFrames.arpRequest)
        #expect(arp.contains("│ Destination       ff:ff:ff:ff:ff:ff (broadcast)"))
        #expect(arp.contains("│ Operation         1 (request)"))
        #expect(arp.hasSuffix("  + 18 bytes of Ethernet padding (frames are at least 60 bytes)\n"))
        let udp = LayerView.render(frame: FixtureFrames.udp)
        #expect(udp.contains("│ Length            15 bytes (8 header + 7 data)"))
        #expect(udp.contains("✓ verifies"))
        #expect(!udp.contains("BAD"))
        let ping = LayerView.render(frame: FixtureFrames.echoRequest)
        #expect(ping.contains("│ Meaning           echo request"))
        #expect(ping.contains("│ Identifier        77"))
        let unreachable = LayerView.render(frame: FixtureFrames.portUnreachable)
        #expect(unreachable.contains("│ Quoted packet     10.0.1.10 > 10.0.2.20 UDP port 7001, ttl 63 id 9"))
        let syn = LayerView.render(frame: Fixture.exchange[1].frame!)
        for option in ["mss 1460", "sackOK", "TS val 100 ecr 0", "wscale 7"] {
            #expect(syn.contains("│                   \(option) ") || syn.contains("│ Options           \(option) "), "\(option)")
        }
    }

    /// RFC 7323: after both SYNs offered a scale, a segment's window is the field
    /// shifted by its sender's scale; without the handshake the scale is unknown.
    @Test func tcpWindow_isScaledOnlyWhenTheHandshakeWasSeen() {
        var formatter = TraceFormatter()
        let sent = Fixture.exchange.filter { $0.kind == .sent && $0.node != "r1" }
        let texts = sent.map { formatter.formatWithLayers($0) }
        #expect(texts[0].contains("│ Window            64240 bytes (a SYN's window is never scaled)"))
        #expect(texts[1].contains("│ Window            65160 bytes (a SYN's window is never scaled)"))
        #expect(texts[2].contains("│ Window            65535 × 128 = 8388480 bytes (scale 7 from the handshake)"))
        let late = LayerView.render(frame: sent[3].frame!)
        #expect(late.contains("│ Window            65535, scale unknown (handshake not seen)"))
        // One SYN without the option: no scaling on either side.
        var scales = TCPWindowScales()
        scales.observe(frame: Fixture.tcpFrame(from: Fixture.alice, farSide: false, id: 1, seq: 1, ack: 0, flags: .syn,
                                               options: [.maximumSegmentSize(1460)]))
        scales.observe(frame: sent[1].frame!)
        let data = LayerView.render(frame: sent[3].frame!, windowScales: scales)
        #expect(data.contains("│ Window            65535 bytes (no window scaling on this connection)"))
    }

    /// Frames from a real trace: the FIN-ACK's field 2048 is 262144 bytes (as
    /// Wireshark shows it with both SYNs), and unknown without them.
    @Test func realTrace_windowIsScaledAsWiresharkShowsIt() {
        var formatter = TraceFormatter()
        let texts = FixtureFrames.realHandshake.enumerated().map { index, frame in
            formatter.formatWithLayers(TraceEvent(time: Fixture.at(Double(index)), node: index == 0 ? "carol" : "bob",
                                                  interface: "eth0", kind: .sent, frame: frame))
        }
        #expect(texts[0].contains("│ Options           mss 1460"))
        #expect(texts[1].contains("│ Window            65535 bytes (a SYN's window is never scaled)"))
        #expect(texts[2].contains("│ Window            2048 × 128 = 262144 bytes (scale 7 from the handshake)"))
        #expect(LayerView.render(frame: FixtureFrames.realHandshake[2])
            .contains("│ Window            2048, scale unknown (handshake not seen)"))
    }

    @Test func windowScales_forgetTheOldestBeyondTheirCapacity() {
        var scales = TCPWindowScales(capacity: 2)
        scales.observe(frame: Fixture.exchange[1].frame!)   // alice's SYN
        scales.observe(frame: Fixture.exchange[3].frame!)   // bob's SYN-ACK
        let header = TCPHeader(sourcePort: 40000, destinationPort: 7000, sequenceNumber: 1, acknowledgmentNumber: 1,
                               flags: .ack, window: 10)
        let reading = { scales.reading(header, source: Fixture.alice.ip, destination: Fixture.bob.ip) }
        #expect(reading() == .scaled(shift: 7))
        for port in UInt16(1)...2 {
            let side = Fixture.Side(node: "carol", ip: Fixture.alice.ip, mac: Fixture.alice.mac,
                                    routerMAC: Fixture.alice.routerMAC, port: port)
            scales.observe(frame: Fixture.tcpFrame(from: side, farSide: false, id: 1, seq: 1, ack: 0, flags: .syn,
                                                   options: [.windowScale(7)]))
        }
        #expect(reading() == .unknown)
    }

    @Test func encapsulation_ofUDPAndICMPAndARP() {
        let udp = Encapsulation.render(frame: FixtureFrames.udp)
        #expect(udp.contains("2. UDP datagram = UDP header 8 + data 7"))
        #expect(udp.contains("4. Ethernet frame = Ethernet header 14 + IP packet 35 + padding 11"))
        #expect(udp.contains("│ Ethernet 14   │ IPv4 20   │ UDP 8   │ \"hi bob⏎\"   │ pad 11   │"))
        let ping = Encapsulation.render(frame: FixtureFrames.echoRequest)
        #expect(ping.contains("1. ICMP message"))
        #expect(ping.contains("3. Ethernet frame"))
        #expect(Encapsulation.render(frame: FixtureFrames.arpRequest).contains("1. Ethernet frame carrying ARP"))
        #expect(Encapsulation.render(frame: [1, 2, 3]) == "not an Ethernet frame (3 bytes)\n")
    }

    @Test func longData_isCutInTheHexDump() {
        let lines = LayerView.hexLines((0..<300).map { UInt8(truncatingIfNeeded: $0) })
        #expect(lines.count == 17)
        #expect(lines.first == "0000  00 01 02 03 04 05 06 07 08 09 0a 0b 0c 0d 0e 0f  ................")
        #expect(lines.last == "… 44 more bytes")
    }
}
