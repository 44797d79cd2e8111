import Testing
import RawNetCore
import RawNetWire
@testable import RawNetView

/// `rawnet trace --lang ko`: the lines and boxes in the words the tour and the web page use.
@Suite struct TraceLanguageTests {
    static let lost = TraceEvent(time: Fixture.at(20.5), node: "r1", interface: "eth1", kind: .dropped,
                                 frame: Fixture.tcpFrame(from: Fixture.alice, farSide: true, id: 4, seq: 1007, ack: 5001,
                                                         flags: [.psh, .ack], payload: Array("lost!\n".utf8)),
                                 reason: "injected loss")

    @Test func koreanLines_areTheSharedTranslationOfTheEnglishOnes() {
        var english = TraceFormatter(startTime: Fixture.t0)
        var korean = TraceFormatter(startTime: Fixture.t0)
        korean.language = .ko
        for event in Fixture.exchange + [Self.lost] {
            let line = english.format(event)
            #expect(korean.format(event) == KoreanViews.translate(line))
        }
        let mark = RetransmissionMark(reason: "timeout")
        let line = korean.format(Self.lost, retransmission: mark)
        #expect(line.hasSuffix("len 6 ↻\u{A0}재전송 (타임아웃) ✗\u{A0}버려짐 (인위적\u{A0}손실)"), "\(line)")
        #expect(!line.contains("DROPPED") && !line.contains("retransmission"))
        let probe = korean.format(Self.lost, retransmission: RetransmissionMark(reason: "tail-loss probe"))
        #expect(probe.contains("↻\u{A0}재전송 (꼬리\u{A0}손실\u{A0}프로브)"), "\(probe)")
    }

    @Test func koreanBoxes_areTheLayerViewsKoreanBoxes() {
        var korean = TraceFormatter(startTime: Fixture.t0)
        korean.language = .ko
        let event = TraceEvent(time: Fixture.t0, node: "alice", interface: "eth0", kind: .sent, frame: FixtureFrames.hello)
        let text = korean.formatWithLayers(event)
        #expect(text == korean.line(for: event) + "\n" + LayerView.render(frame: FixtureFrames.hello, language: .ko))
        #expect(text.contains("┌─ 이더넷 II") && !text.contains("Ethernet II"))
    }
}

/// `trace --layers --width N`: the line above the boxes is fitted as a plain line is.
@Suite struct TraceLayersWidthTests {
    @Test func theSummaryIsFitted_theBoxesFollowWhole() {
        var formatter = TraceFormatter(startTime: Fixture.t0)
        let event = TraceEvent(time: Fixture.t0, node: "alice", interface: "eth0", kind: .sent, frame: FixtureFrames.hello)
        let whole = formatter.formatWithLayers(event)
        let fitted = formatter.formatWithLayers(event, width: 80)
        let line = formatter.line(for: event)
        #expect(DisplayWidth.of(line) > 80)
        let summary = TraceFormatter.fit(line, width: 80)
        #expect(summary.count > 1)
        #expect(fitted == summary.joined(separator: "\n") + whole.dropFirst(line.count))
        #expect(fitted.split(separator: "\n").allSatisfy { DisplayWidth.of($0) <= 80 })
    }
}

/// `trace --layers --lang ko` of a 2000-byte ping cut in two by r1 (mtu 1500): the router's
/// note, the fragment's line and box, and the IPv4 flags are in Korean; a router's notes wrap
/// under the same column in Korean as in English.
@Suite struct TraceFragmentLanguageTests {
    static let packet = Packet.ipv4(
        ip: IPv4Header(identification: 53, flags: [], protocolNumber: .icmp, source: Fixture.alice.ip, destination: Fixture.bob.ip),
        .icmp(.echoRequest(identifier: 7, sequence: 1, payload: Array(repeating: 0x61, count: 2000))))
    static var fragments: [[UInt8]] {
        (try? IPv4Fragmentation.fragments(of: packet, mtu: 1500))?.map { piece in
            Frame.ipv4(ethernet: EthernetHeader(destination: Fixture.bob.mac, source: Fixture.bob.routerMAC, etherType: .ipv4),
                       packet: piece)
        } ?? []
    }

    func korean() -> TraceFormatter {
        var formatter = TraceFormatter(startTime: Fixture.t0)
        formatter.language = .ko
        return formatter
    }

    @Test func fragmentsAndTheirFlagsAreInKorean() throws {
        let pieces = Self.fragments
        try #require(pieces.count == 2)
        var formatter = korean()
        var english = TraceFormatter(startTime: Fixture.t0)
        let note = TraceEvent(time: Fixture.t0, node: "r1", interface: "eth1", kind: .note,
                              detail: "fragmented id 53 into 2 for mtu 1500")
        let noteLine = formatter.format(note)
        #expect(noteLine.hasSuffix("# 조각화: id 53 → 조각\u{A0}2개 (mtu 1500)"), "\(noteLine)")
        let second = TraceEvent(time: Fixture.t0, node: "r1", interface: "eth1", kind: .sent, frame: pieces[1])
        #expect(english.format(second).contains("| fragment 528 bytes"))
        let text = formatter.formatWithLayers(second, width: 60)
        #expect(text.contains("| 조각 528바이트") && text.contains("재조립되지 않음") && text.contains("MF 조각 더 있음") == false,
                "\(text)")
        let first = formatter.formatWithLayers(TraceEvent(time: Fixture.t0, node: "r1", interface: "eth1", kind: .sent,
                                                          frame: pieces[0]), width: 60)
        #expect(first.contains("MF 조각 더 있음"), "\(first)")
        let noFlags = Frame.ipv4(ethernet: EthernetHeader(destination: Fixture.bob.mac, source: Fixture.bob.routerMAC, etherType: .ipv4),
                                 packet: Packet.ipv4(ip: IPv4Header(identification: 9, flags: [], protocolNumber: .icmp,
                                                                    source: Fixture.alice.ip, destination: Fixture.bob.ip),
                                                     .icmp(.echoRequest(identifier: 7, sequence: 1, payload: []))))
        let plain = LayerView.render(frame: noFlags, language: .ko)
        let dontFragment = LayerView.render(frame: FixtureFrames.hello, language: .ko)
        #expect(plain.contains("플래그") && dontFragment.contains("DF 조각화 금지"), "\(plain)\(dontFragment)")
        #expect(dontFragment.contains("│ 텍스트: \"hello⏎\"") && !dontFragment.contains("Text:"),
                "the data's label is the view's word; the data stays as it is: \(dontFragment)")
        for view in [noteLine, text, first, plain, dontFragment] {
            for english in ["fragmented", "not reassembled", "don't fragment", "more fragments", "fragment ", " none ", "bytes"] {
                #expect(!view.contains(english), "'\(english)' left in: \(view)")
            }
        }
        let reassembled = formatter.format(TraceEvent(time: Fixture.t0, node: "bob", kind: .note,
                                                      detail: "reassembled id 53 from 10.0.1.10: 2 fragments, 2008 bytes"))
        #expect(reassembled.hasSuffix("# 재조립: id 53, 10.0.1.10에서 온 조각\u{A0}2개, 2008바이트"), "\(reassembled)")
    }

    /// A note too long for the width continues under its first word after the mark, in
    /// Korean (whose mark "#" is followed by a translated word) as in English.
    @Test func notesWrapUnderTheSameColumnInBothLanguages() {
        var english = TraceFormatter(startTime: Fixture.t0)
        var formatter = korean()
        for detail in ["fragmented id 53 into 2 for mtu 1500 and then some more words to wrap",
                       "forwarded 10.0.1.10 > 10.0.2.20, TTL now 63 and then some more words to wrap"] {
            let note = TraceEvent(time: Fixture.t0, node: "r1", interface: "eth1", kind: .note, detail: detail)
            func indents(_ line: String) -> [Int] {
                TraceFormatter.fit(line, width: 60).dropFirst().map { $0.prefix { $0 == " " }.count }
            }
            let en = indents(english.format(note)), ko = indents(formatter.format(note))
            #expect(!en.isEmpty && !ko.isEmpty && Set(en) == [24] && Set(ko) == [24], "\(detail): en \(en), ko \(ko)")
        }
    }
}
