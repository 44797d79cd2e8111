@testable import RawNetView
import RawNetWire
import Testing

/// `trace --layers --lang ko`: the ARP box's own words (address sizes, the operation's
/// name) are Korean; the protocol names in them and the one-line notation stay.
struct LayerARPKoreanTests {
    @Test func theARPBox_isKorean() {
        let request = LayerView.render(frame: FixtureFrames.arpRequest, language: .ko)
        // 하드웨어 타입 is 13 columns wide, 프로토콜 타입 13, 동작 4: the values start at column 18.
        #expect(request.contains("│ 하드웨어 타입     1 (이더넷), 6바이트 주소 "), "\(request)")
        #expect(request.contains("│ 프로토콜 타입     0x0800 (IPv4), 4바이트 주소 "), "\(request)")
        #expect(request.contains("│ 동작              1 (요청) "), "\(request)")
        #expect(request.contains("│ ARP who-has 10.0.1.1 tell 10.0.1.10 "), "tcpdump notation stays:\n\(request)")
        let reply = LayerView.render(frame: FixtureFrames.arpReply, language: .ko)
        #expect(reply.contains("│ 동작              2 (응답) "), "\(reply)")
        for text in [request, reply] {
            for english in ["addresses", "byte", "(request)", "(reply)", "Ethernet)"] {
                #expect(!text.contains(english), "'\(english)' left in:\n\(text)")
            }
        }
        // In English, as before.
        let english = LayerView.render(frame: FixtureFrames.arpReply)
        #expect(english.contains("│ Hardware type     1 (Ethernet), 6-byte addresses "), "\(english)")
        #expect(english.contains("│ Operation         2 (reply) "), "\(english)")
    }

    @Test(arguments: [78, 60, 50, 44])
    func koreanARPBoxes_keepTheirWidth(width: Int) {
        for frame in [FixtureFrames.arpRequest, FixtureFrames.arpReply] {
            let text = LayerView.render(frame: frame, language: .ko, width: width)
            let boxLines = text.split(separator: "\n").filter { "┌│└".contains($0.first!) }
            #expect(!boxLines.isEmpty)
            #expect(boxLines.allSatisfy { DisplayWidth.of(String($0)) == width },
                    "\(width): \(boxLines.filter { DisplayWidth.of(String($0)) != width })")
            #expect(!text.contains("…│") && !text.contains("… │"), "nothing is cut off:\n\(text)")
        }
    }

    /// Only whole values are the ARP box's words: the same words inside other values stay.
    @Test func onlyWholeARPValues_areTranslated() {
        #expect(KoreanViews.layerValue("1 (request)") == "1 (요청)")
        #expect(KoreanViews.layerValue("2 (reply)") == "2 (응답)")
        #expect(KoreanViews.layerValue("3 (op 3)") == "3 (알 수 없는 동작)")
        #expect(KoreanViews.layerValue("3 (op 4)") == "3 (op 4)")
        #expect(KoreanViews.layerValue("GET /1 (request) HTTP/1.1") == "GET /1 (request) HTTP/1.1")
        #expect(KoreanViews.layerValue("2 (reply) ") == "2 (reply) ")
        #expect(KoreanViews.layerValue("6-byte addresses") == "6-byte addresses")
    }
}
