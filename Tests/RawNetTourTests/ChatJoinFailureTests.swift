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
        #expect(korean.output.hasPrefix("오류: 채팅: 호스트에 닿을 수 없습니다 (host unreachable)"), "\(korean.output)")
        #expect(korean.output.contains("노드가 멈췄거나 케이블이 끊겼거나 (rawnet status)"), "\(korean.output)")
    }
}
