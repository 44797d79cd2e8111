import Testing
import RawNetCore
import RawNetWire
@testable import RawNetView

/// The encapsulation staircase (the tour's first and last scenes) states a TCP window as
/// the receiver reads it: the field alone is not bytes once the SYNs agreed on a scale.
@Suite struct EncapsulationWindowTests {
    /// The staircase's text with its wrapped lines joined and no-break spaces made plain,
    /// so a phrase is found wherever the 78-column wrap cut the line.
    func flowing(_ text: String) -> String {
        text.split(separator: "\n").map { $0.drop { $0 == " " } }.joined(separator: " ").replacing("\u{A0}", with: " ")
    }

    /// A real trace's FIN-ACK carries the field 2048; with both SYNs offering scale 7 that is
    /// 2048 × 128 = 262144 bytes, as Wireshark shows it.
    @Test func afterTheHandshake_theWindowIsTheFieldTimesTheScale_inBytes() {
        var scales = TCPWindowScales()
        for frame in FixtureFrames.realHandshake.prefix(2) { scales.observe(frame: frame) }
        let finAck = FixtureFrames.realHandshake[2]
        let english = flowing(Encapsulation.render(frame: finAck, windowScales: scales))
        #expect(english.contains("flags [F.], window field 2048 (×128 = 262144 bytes)"), "\(english)")
        let korean = flowing(Encapsulation.render(frame: finAck, language: .ko, windowScales: scales))
        #expect(korean.contains("플래그 [F.], 윈도우 필드 2048 (×128 = 262144바이트)"), "\(korean)")
        // The product never breaks over two lines.
        let lines = Encapsulation.render(frame: finAck, language: .ko, windowScales: scales).split(separator: "\n")
        #expect(lines.contains { $0.contains("(×128\u{A0}=\u{A0}262144바이트)") })
        for line in lines { #expect(DisplayWidth.of(line) <= 78, "\(line)") }
    }

    /// A SYN's window is never scaled, and without the handshake nobody knows the scale:
    /// the bare field is never shown as if it were the window in bytes.
    @Test func aSYNsWindow_isBytes_andAnUnseenHandshake_leavesTheScaleUnknown() {
        var scales = TCPWindowScales()
        for frame in FixtureFrames.realHandshake.prefix(2) { scales.observe(frame: frame) }
        let synAck = flowing(Encapsulation.render(frame: FixtureFrames.realHandshake[1], windowScales: scales))
        #expect(synAck.contains("window 65535 bytes"), "\(synAck)")
        let unseen = flowing(Encapsulation.render(frame: FixtureFrames.realHandshake[2]))
        #expect(unseen.contains("window field 2048 (scale unknown)"), "\(unseen)")
        #expect(!unseen.contains("window 2048"))
        let koreanUnseen = flowing(Encapsulation.render(frame: FixtureFrames.realHandshake[2], language: .ko))
        #expect(koreanUnseen.contains("윈도우 필드 2048 (배율 모름)"), "\(koreanUnseen)")
    }

    /// One Korean word for the window (docs/glossary.ko.md): 윈도우, in the staircase as in
    /// the layer boxes.
    @Test func koreanViews_sayWindowOneWay() {
        var scales = TCPWindowScales()
        for frame in FixtureFrames.realHandshake.prefix(2) { scales.observe(frame: frame) }
        let staircase = Encapsulation.render(frame: FixtureFrames.realHandshake[2], language: .ko, windowScales: scales)
        let boxes = LayerView.render(frame: FixtureFrames.realHandshake[2], windowScales: scales, language: .ko)
        #expect(boxes.contains("윈도우"))
        for text in [staircase, boxes] {
            var rest = Substring(text)
            while let found = rest.range(of: "윈도") {
                #expect(rest[found.upperBound...].hasPrefix("우"), "윈도 without 우: \(text)")
                rest = rest[found.upperBound...]
            }
        }
    }
}
