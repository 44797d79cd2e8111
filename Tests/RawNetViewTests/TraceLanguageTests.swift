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
