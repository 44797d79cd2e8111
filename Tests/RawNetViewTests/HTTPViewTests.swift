import Testing
import RawNetCore
import RawNetWire
@testable import RawNetView

/// HTTP in trace lines and layer boxes: named where a segment's payload starts a message.
@Suite struct HTTPViewTests {
    static func segment(_ text: String, fromAlice: Bool = true) -> [UInt8] {
        Fixture.tcpFrame(from: fromAlice ? Fixture.alice : Fixture.bob, farSide: false, id: 4, seq: 1001, ack: 5001,
                         flags: [.psh, .ack], payload: Array(text.utf8))
    }

    static let request = "GET /index.html HTTP/1.1\r\nHost: bob\r\nUser-Agent: t\r\n\r\n"
    static let response = "HTTP/1.1 404 Not Found\r\nContent-Length: 5\r\n\r\nnope\n"

    @Test func traceLineEndsWithTheMessageName() {
        let summary = FrameText.summary(DecodedFrame(parsing: Self.segment(Self.request)), painter: TextPainter(usesColour: false))
        #expect(summary.hasSuffix(" len \(Self.request.utf8.count) | HTTP GET /index.html"), "\(summary)")
        let answer = FrameText.summary(DecodedFrame(parsing: Self.segment(Self.response, fromAlice: false)),
                                       painter: TextPainter(usesColour: false))
        #expect(answer.hasSuffix(" | HTTP 404 Not Found"), "\(answer)")
    }

    @Test func segmentsThatStartNoMessageAreNotNamed() {
        for text in ["hello\n", "ody of a page\r\nGET / HTTP/1.1\r\n", "GET /without-line-end"] {
            let summary = FrameText.summary(DecodedFrame(parsing: Self.segment(text)), painter: TextPainter(usesColour: false))
            #expect(!summary.contains("HTTP"), "\(summary)")
        }
    }

    @Test func layersShowHTTPAsTheTopBox() {
        let boxes = LayerView.render(frame: Self.segment(Self.response, fromAlice: false))
        let titles = boxes.split(separator: "\n").filter { $0.hasPrefix("┌─ ") }.map { $0.dropFirst(3).prefix { $0 != " " } }
        #expect(titles == ["Ethernet", "IPv4", "TCP", "HTTP"], "\(boxes)")
        #expect(boxes.contains("Message           404 Not Found"), "\(boxes)")
        #expect(boxes.contains("Content-Length: 5"), "\(boxes)")
        #expect(boxes.contains("Body              5 bytes in this segment"), "\(boxes)")
        #expect(boxes.contains("Line ends         CR LF (0d 0a)"), "\(boxes)")
        let bare = LayerView.render(frame: Self.segment("GET / HTTP/1.1\nHost: bob\r\n\n"))
        #expect(bare.contains("Line ends         1 CR LF (0d 0a), 2 LF only (0a)"), "\(bare)")
        let plain = LayerView.render(frame: Self.segment("hello\n"))
        #expect(plain.contains("Application data") && !plain.contains("┌─ HTTP"))
    }
}
