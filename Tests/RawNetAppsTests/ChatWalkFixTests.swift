@testable import RawNetApps
import RawNetSocket
import RawNetView
import RawNetWire
import Testing

/// What a new user's Korean walk through the chat found: an error joining drawn after the
/// prompt and cut mid-word, a hint that never named a stopped node, a prompt left behind
/// after /quit, and a UDP member's own notices worded unlike the room's.
@Suite struct ChatWalkFixTests {
    static func client(editsLine: Bool = true) -> ChatClient {
        var client = ChatClient(room: IPv4Address(10, 0, 2, 20), port: 7000, name: "late")
        client.editsLine = editsLine
        return client
    }

    /// Everything the chat wrote to the terminal, in order.
    final class Screen: @unchecked Sendable {
        var writes: [String] = []
        var text: String { writes.joined() }
    }

    @Test func theEnd_clearsThePromptRow_soTheShellOrAnErrorStartsClean() {
        let screen = Screen()
        let session = ChatSession(client: Self.client(), show: { screen.writes.append($0 + "\n") },
                                  terminal: { screen.writes.append($0) })
        #expect(screen.text == "\r\u{1B}[K> ", "the prompt is drawn at once")
        session.show("* the room closed the connection")
        #expect(screen.text.hasSuffix("* the room closed the connection\n\r\u{1B}[K> "), "lines go above the prompt, drawn again")
        session.end()
        #expect(screen.writes.last == LineEditor.clear, "the chat's last word clears the prompt row: \(screen.writes)")
        let before = screen.writes.count
        session.show("* late line")
        session.end()
        #expect(Array(screen.writes[before...]) == ["* late line\n"], "after the end nothing draws the prompt again")
    }

    @Test func theEnd_withoutALineEditor_writesNothing() {
        let screen = Screen()
        let session = ChatSession(client: Self.client(editsLine: false), show: { screen.writes.append($0) },
                                  terminal: { screen.writes.append($0) })
        session.end()
        #expect(screen.writes.isEmpty)
    }

    @Test func hostUnreachable_namesAStoppedNodeOrCutCable_andRawnetStatus_inBothLanguages() {
        let english = AppFailure.hostUnreachableHint
        #expect(english.hasPrefix("nobody answered ARP for the next hop on the way."),
                "the words KoreanErrors and the interop test know stay first: \(english)")
        #expect(english.contains("stopped") && english.contains("cable") && english.contains("rawnet status"), "\(english)")
        #expect(english.contains("rawnet impair --show") && english.contains("rawnet trace --filter arp"), "\(english)")
        let korean = NetworkError.hostUnreachable.koreanDescription
        #expect(korean.hasPrefix("호스트에 닿을 수 없습니다 (host unreachable)"), "\(korean)")
        #expect(korean.contains("노드가 멈췄거나 케이블이 끊겼거나") && korean.contains("rawnet status"), "\(korean)")
        #expect(korean.contains("rawnet impair --show") && korean.contains("rawnet trace --filter arp"), "\(korean)")
    }

    @Test func aKoreanError_isBrokenAtSpaces_toTheTerminalWidth() {
        let message = "채팅: \(NetworkError.hostUnreachable.koreanDescription)"
        let fitted = AppFailure.fitted(message, after: "오류: ", columns: 80)
        let lines = fitted.split(separator: "\n").map(String.init)
        #expect(lines.count > 2, "\(fitted)")
        // As printed: the prefix on the first line.
        let printed = ["오류: " + lines[0]] + lines.dropFirst()
        for line in printed { #expect(DisplayWidth.of(line) <= 80, "wider than 80 columns: \(line)") }
        #expect(lines.dropFirst().allSatisfy { $0.hasPrefix("  ") && !$0.hasPrefix("   ") }, "continuations indented by two: \(fitted)")
        // Broken only at spaces: joining the lines at single spaces gives the words back whole.
        let rejoined = lines.map { $0.drop { $0 == " " } }.joined(separator: " ")
        #expect(rejoined == message, "no word cut in half:\n\(fitted)")
    }

    /// The room's and the joining chat's failures say what to do, in both languages, and the
    /// Korean is named 채팅 whichever side failed (`오류: 채팅: …`).
    @Test func chatFailures_sayWhatToDo_inBothLanguages() {
        let taken = AppFailure.chat(.addressInUse, room: ("bob", 7000), language: .en)
        #expect(taken == "chat: address already in use: port 7000 on bob is taken (a room may already be open there:"
                + " join it with --connect bob:7000, or pick another port)")
        let takenKorean = AppFailure.chat(.addressInUse, room: ("bob", 7000), language: .ko)
        #expect(takenKorean == "채팅: 이미 쓰고 있는 주소입니다 (address already in use): bob의 포트 7000에 대화방이 이미 열려 있을 수 있습니다."
                + " 그 방에 들어가려면 --connect bob:7000, 새 방은 다른 포트로 여세요")
        #expect(AppFailure.chat(.connectionRefused, language: .en) == "chat: connection refused: no room listens on that port")
        #expect(AppFailure.chat(.connectionRefused, language: .ko) == "채팅: 연결이 거부되었습니다 (connection refused): 그 포트에 대화방이 없습니다")
        #expect(AppFailure.chat(.hostUnreachable, language: .en) == "chat: host unreachable: \(AppFailure.hostUnreachableHint)")
        for error in [NetworkError.addressInUse, .connectionRefused, .connectionReset, .timedOut, .hostUnreachable,
                      .networkUnreachable, .hostClosedConnection] {
            let korean = AppFailure.chat(error, language: .ko)
            #expect(korean.hasPrefix("채팅: ") && !korean.contains("오류") && korean.contains(" ("), "\(korean)")
            #expect(AppFailure.chat(error, language: .en).hasPrefix("chat: \(error)"))
        }
    }

    @Test func anError_isLeftWhole_offATerminal_orOnANarrowOne() {
        let message = "chat: host unreachable: \(AppFailure.hostUnreachableHint)"
        #expect(AppFailure.fitted(message, after: "Error: ", columns: nil) == message)
        #expect(AppFailure.fitted(message, after: "Error: ", columns: 10) == message)
        let fitted = AppFailure.fitted(message, after: "Error: ", columns: 80)
        #expect(fitted.hasPrefix("chat: host unreachable: nobody answered ARP"), "\(fitted)")
        #expect(("Error: " + fitted).split(separator: "\n").allSatisfy { DisplayWidth.of($0) <= 80 }, "\(fitted)")
    }

    @Test func aUDPMemberLeavingAfterItsLines_readsAsTheRoomShowsIt() {
        let left = ChatSession.udpNotice(ChatProtocol.leftNotice("al", sent: 11, unseenAtEnd: 0))
        #expect(left == "* al left after 11 lines (udp)")
        #expect(ChatProtocol.korean(left) == "* al 나감 (UDP): 11줄 보냄")
        let lost = ChatSession.udpNotice(ChatProtocol.leftNotice("al", sent: 11, unseenAtEnd: 2))
        #expect(ChatProtocol.korean(lost) == "* al 나감 (UDP): 11줄 보냄, 마지막 2줄(#10-11)은 대화방에 오지 못함")
        // A TCP member's leaving, and a notice already marked, stay as they came.
        #expect(ChatSession.udpNotice("* ann left") == "* ann left")
        #expect(ChatSession.udpNotice("* al left after 3 lines (udp)") == "* al left after 3 lines (udp)")
    }
}
