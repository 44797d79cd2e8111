@testable import RawNetApps
import RawNetWire
import Testing

/// How the chat paints its screen: colours only when asked (a terminal), one
/// stable colour per speaker, notices dimmed, and plain text otherwise.
@Suite struct ChatScreenTests {
    private func session(colored: Bool) -> ChatSession {
        var client = ChatClient(room: IPv4Address("10.0.2.20")!, port: 7000, name: "ann")
        client.isColored = colored
        return ChatSession(client: client, show: { _ in })
    }

    @Test func plainScreen_leavesLinesUntouched() {
        let plain = session(colored: false)
        #expect(plain.render("ann: hello") == "ann: hello")
        #expect(plain.render("* bo joined from 10.0.1.10") == "* bo joined from 10.0.1.10")
        #expect(plain.paint("lost 3", .warning) == "lost 3")
    }

    @Test func colouredScreen_paintsTheSpeakerOnlyAndAlwaysTheSame() {
        let screen = session(colored: true)
        let first = screen.render("ann: hello: there")
        #expect(first.hasPrefix("\u{1B}[1;"))
        #expect(first.hasSuffix("ann\u{1B}[0m: hello: there"), "only the name is coloured: \(first)")
        let colour = { (line: String) in line.split(separator: "m").first.map(String.init) }
        #expect(colour(screen.render("ann: again")) == colour(first), "a speaker keeps its colour")
        #expect(colour(screen.render("ann #7: numbered")) == colour(first)
                && colour(screen.render("ann (udp #8): bridged")) == colour(first), "whatever number its line carries")
        let others = ["bo", "al", "carol", "dave", "eve", "zed"].map { colour(screen.render("\($0): hi")) }
        #expect(Set(others + [colour(first)]).count > 1, "speakers do not all share one colour")
    }

    @Test func colouredScreen_dimsNoticesAndWarnsInYellow() {
        let screen = session(colored: true)
        #expect(screen.render("* bo left") == "\u{1B}[2m* bo left\u{1B}[0m")
        #expect(screen.paint("no room", .warning) == "\u{1B}[33mno room\u{1B}[0m")
        #expect(screen.render("no colon here") == "no colon here")
    }
}
