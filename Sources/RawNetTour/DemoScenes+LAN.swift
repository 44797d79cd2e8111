import RawNetContracts
import RawNetView
import RawNetCore
import RawNetSocket
import RawNetWire

/// The LAN scene: carol, dave and r3 share one switch and one subnet; carol's
/// one ARP request reaches all of them, and only dave answers.
extension Demo {
    static let daveAddress = IPv4Address("10.0.3.40")!

    func lanScene() throws {
        let carol = try host("carol", app: "lan")
        let socket = try UDPSocket(carol)
        try socket.bind(port: 0)
        try socket.send(Array("hello dave".utf8), to: Self.daveAddress, port: 9)
        say("    carol: sendto(10.0.3.40:9, \"hello dave\")")
        try? socket.close()
        let events = collect(quiet: .milliseconds(300))
        show(events, filter: "arp", limit: 10)
        let notes = events.filter { $0.node == "sw1" && $0.kind == .note }.compactMap(\.detail)
        say(Self.shellLines(Self.inLanguage("rawnet trace sw1", options.language)))
        for note in notes.prefix(6) { say(fit("sw1: " + viewSwitchNote(note), indent: "    ", continuation: "      ")) }
        if let answer = try? control("sw1", "macs")?.decode(MACTableAnswer.self) {
            say("  $ rawnet macs sw1")
            for line in answer.text.split(separator: "\n") { say(fit(String(line), indent: "    ", continuation: "      ")) }
        }

        func isRequest(_ event: TraceEvent) -> Bool {
            guard let frame = event.frame, let arp = DecodedFrame(parsing: frame, verifyChecksums: false).arp else { return false }
            return arp.operation == .request && arp.senderIP == Self.carolAddress && arp.targetIP == Self.daveAddress
        }
        func isAnswer(_ event: TraceEvent) -> Bool {
            guard let frame = event.frame, let arp = DecodedFrame(parsing: frame, verifyChecksums: false).arp else { return false }
            return arp.operation == .reply && arp.targetIP == Self.carolAddress
        }
        let asked = events.filter { $0.node == "carol" && $0.kind == .sent && isRequest($0) }.count
        let heard = Set(events.filter { $0.kind == .received && isRequest($0) && $0.node != "sw1" }.map(\.node))
        check(asked == 1 && heard == ["dave", "r3"],
              Said(en: "carol sent one ARP request; every other node on the LAN heard it (dave, r3)",
                   ko: "carol이 ARP 요청을 한 번 보냈고, LAN의 다른 노드가 모두 들었습니다 (dave, r3)"))
        let answerers = Set(events.filter { $0.kind == .sent && isAnswer($0) && $0.node != "sw1" }.map(\.node))
        let answerHeardBy = Set(events.filter { $0.kind == .received && isAnswer($0) && $0.node != "sw1" }.map(\.node))
        check(answerers == ["dave"] && answerHeardBy == ["carol"],
              Said(en: "only dave answered, and the switch sent the answer to carol alone",
                   ko: "dave만 답했고, 스위치는 그 응답을 carol에게만 보냈습니다"))
        check(notes.contains { $0.hasPrefix("flooded to 2 ports") } && notes.contains { $0.hasPrefix("forwarded to port p1") },
              Said(en: "sw1 flooded the broadcast to 2 ports and forwarded the answer to port p1",
                   ko: "sw1은 브로드캐스트를 포트 2개로 플러딩하고, 응답은 포트 p1로만 전달했습니다"))
    }

    /// A switch's trace note in the tour's language.
    private func viewSwitchNote(_ note: String) -> String {
        guard options.language == .ko else { return note }
        return KoreanViews.koreanSwitchNote(note[...]) ?? note
    }
}
