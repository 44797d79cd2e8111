@testable import RawNetTour
import Testing

/// Scenes 10 and 11 break a segment of the tour's own chat (seq 27, seq 14), whose lines
/// carry no name; a chat the learner starts sends `alice` and Enter first (bytes 1–6), so
/// the try-it rules pick seq 7, the first line typed. The notices say why, in both languages.
@Suite struct TryItSequenceTests {
    /// What `rawnet chat alice --connect bob:7000 --name alice` writes before the first line.
    static let nameBytes = Array("alice\n".utf8).count

    @Test(arguments: [(DemoScene.dropOne, "27"), (DemoScene.corruption, "14")])
    func tryItRule_picksTheFirstLineTyped_andTheNoticeSaysWhy(scene: DemoScene, tourSeq: String) {
        let text = DemoText.scene(scene)
        let firstTyped = "seq \(Self.nameBytes + 1)"
        #expect(firstTyped == "seq 7")
        #expect(text.story.en.contains("seq \(tourSeq)") || text.story.en.contains("number \(tourSeq)"), "\(text.story.en)")
        let rule = text.commands.first { $0.hasPrefix("rawnet impair") && $0.contains("-next") }
        #expect(rule?.hasSuffix(" \(firstTyped)'") == true, "\(text.commands)")
        #expect(text.commands.contains { $0.hasSuffix("# first line typed: \(firstTyped)") }, "\(text.commands)")
        // Why it is 7 there and 27 or 14 here, and how alice repairs the line typed by hand.
        for needle in ["'alice' and Enter", "bytes 1–6", firstTyped, tourSeq, "tail-loss probe"] {
            #expect(text.notice.en.contains(needle), "\(needle): \(text.notice.en)")
        }
        for needle in ["'alice'와 Enter", "바이트 1–6", firstTyped, tourSeq, "꼬리 손실 프로브"] {
            #expect(text.notice.ko.contains(needle), "\(needle): \(text.notice.ko)")
        }
    }
}
