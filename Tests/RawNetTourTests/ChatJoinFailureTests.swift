import RawNetTestSupport
import Testing

/// Joining a room through a stopped router: the chat fails with "host unreachable", and its
/// hint names a stopped node or a cut cable and `rawnet status`, in English and in Korean.
@Suite(.serialized) struct ChatJoinFailureTests {
    @Test func joiningThroughAStoppedRouter_namesAStoppedNode_andRawnetStatus() throws {
        let runner = try RawNetRunner()
        try #require(try runner.run(["up"]).status == 0)
        defer { _ = try? runner.run(["down"]) }
        try #require(try runner.run(["stop", "r1"]).status == 0)
        let english = try runner.run(["chat", "alice", "--connect", "bob:7000", "--name", "late"], timeout: 30)
        #expect(english.status == 1, "\(english.output)")
        #expect(english.output.contains("Error: chat: host unreachable: nobody answered ARP for the next hop on the way."), "\(english.output)")
        #expect(english.output.contains("A node on the way stopped or a cable is cut (rawnet status)"), "\(english.output)")
        #expect(!english.output.contains("> "), "no prompt off a terminal: \(english.output)")
        runner.environmentOverrides["RAWNET_LANG"] = "ko"
        let korean = try runner.run(["chat", "alice", "--connect", "bob:7000", "--name", "late"], timeout: 30)
        #expect(korean.status == 1, "\(korean.output)")
        // The chat says it is connecting, then why it could not, on a row of its own.
        #expect(korean.output.hasPrefix("채팅: 대화방 10.0.2.20:7000에 TCP로 연결하는 중 …\n오류: 채팅: 호스트에 닿을 수 없습니다 (host unreachable)"),
                "\(korean.output)")
        #expect(korean.output.contains("노드가 멈췄거나 케이블이 끊겼거나 (rawnet status)"), "\(korean.output)")
    }

    /// A second room on a taken port says a room may already be open there and how to join it;
    /// a join where no room listens says so in English as in Korean; the Korean names the chat
    /// 채팅 whichever side failed.
    @Test func aTakenPort_andNoRoom_sayWhatToDo_inBothLanguages() throws {
        let runner = try RawNetRunner()
        try #require(try runner.run(["up"]).status == 0)
        defer { _ = try? runner.run(["down"]) }
        let (room, roomPath) = try runner.start(["chat", "bob", "--listen", "7000"], name: "room")
        try runner.waitForOutput(roomPath, containing: "room open on bob port 7000")
        let taken = try runner.run(["chat", "bob", "--listen", "7000"], timeout: 20)
        #expect(taken.status == 1, "\(taken.output)")
        #expect(taken.output.contains("Error: chat: address already in use: port 7000 on bob is taken (a room may already be open there:"
                                      + " join it with --connect bob:7000, or pick another port)"), "\(taken.output)")
        let refused = try runner.run(["chat", "alice", "--connect", "bob:7001"], timeout: 20)
        #expect(refused.status == 1, "\(refused.output)")
        #expect(refused.output.contains("Error: chat: connection refused: no room listens on that port"), "\(refused.output)")
        runner.environmentOverrides["RAWNET_LANG"] = "ko"
        let takenKorean = try runner.run(["chat", "bob", "--listen", "7000"], timeout: 20)
        #expect(takenKorean.status == 1, "\(takenKorean.output)")
        #expect(takenKorean.output.hasPrefix("오류: 채팅: 이미 쓰고 있는 주소입니다 (address already in use): bob의 포트 7000에 대화방이"),
                "\(takenKorean.output)")
        #expect(takenKorean.output.contains("--connect bob:7000"), "\(takenKorean.output)")
        let refusedKorean = try runner.run(["chat", "alice", "--connect", "bob:7001"], timeout: 20)
        #expect(refusedKorean.output.contains("\n오류: 채팅: 연결이 거부되었습니다 (connection refused): 그 포트에 대화방이 없습니다"),
                "\(refusedKorean.output)")
        #expect(try runner.interrupt(room) == 0)
    }
}
