import RawNetContracts
import RawNetDaemon
import RawNetLab
import RawNetLabModel
import RawNetPlatform
import RawNetSim
import Testing

/// `rawnet chat` and `rawnet nc` as real processes on a lab of real daemons:
/// alice (10.0.1.10) — r1 — bob (10.0.2.20).
@Suite(.serialized) struct ChatProcessTests {
    static let yaml = TopologyLoader.defaultLabYAML(named: "chat")

    /// A room on bob, port 7000, open.
    private func openRoom(_ lab: DaemonTestLab) throws -> AppProcess {
        let room = try AppProcess(lab: lab, ["chat", "bob", "--listen", "7000"], name: "room")
        try room.waitForOutput("room open") { $0.contains("room open") }
        return room
    }

    /// Starts a client and waits until it is in the room.
    private func join(_ lab: DaemonTestLab, _ host: String, name: String, port: Int = 7000,
                      udp: Bool = false) throws -> AppProcess {
        let client = try AppProcess(lab: lab, ["chat", host, "--connect", "bob:\(port)", "--name", name]
                                        + (udp ? ["--udp"] : []), name: name, feedsInput: true)
        try client.waitForOutput("\(name) joins") { $0.contains("* \(name) joined from") }
        return client
    }

    /// sam (UDP, on alice) sends three lines that reach ann, then two that alice's link loses,
    /// then ends its input and prints its summary.
    private func sendThreeThenLoseTwo(_ lab: DaemonTestLab, sam: AppProcess, ann: AppProcess,
                                      line: (Int) -> String, summary: String) throws {
        for index in 1...3 { try sam.type(line(index)) }
        try ann.waitForOutput("sam's first lines") { $0.contains("sam (udp #3): \(line(3))") }
        try lab.impair("alice", "eth0", "loss 100%")
        for index in 4...5 { try sam.type(line(index)) }
        MonotonicClock.sleep(for: .milliseconds(200))
        try lab.impair("alice", "eth0", "loss 0%")
        sam.closeInput()
        try sam.waitForOutput("summary") { $0.contains(summary) }
    }

    /// On a terminal (a pseudo-terminal `script` makes) the chat draws the line being typed
    /// itself: a line arriving meanwhile is printed above it and the half-typed words are drawn
    /// again under it, not split; Enter sends them; Ctrl-C ends the chat and the terminal gets
    /// its line discipline and echo back.
    @Test func onATerminal_aLineArrivingWhileYouType_goesAboveWhatYouType_andCtrlCGivesTheTerminalBack() throws {
        let lab = try DaemonTestLab(yaml: Self.yaml)
        defer { lab.stop() }
        let room = try openRoom(lab)
        defer { withExtendedLifetime(room) {} }
        let bo = try join(lab, "bob", name: "bo")
        let shell = "'\(lab.executable)' chat alice --connect bob:7000 --name al --no-color --lab \(lab.labName); stty -a"
        let al = try AppProcess(lab: lab, ["-qfec", shell, "/dev/null"], name: "al", feedsInput: true, executable: "/usr/bin/script")
        try al.waitForOutput("al joins") { $0.contains("* al joined from") }
        try al.typeKeys("hel")
        try al.waitForOutput("the half-typed words drawn") { $0.contains("\r\u{1B}[K> hel") }
        try bo.type("from bo")
        // The arriving line: the typed line cleared, the line printed, the typed words drawn again.
        try al.waitForOutput("bo's line above the typed one") { $0.contains("\r\u{1B}[Kbo: from bo\r\n\r\u{1B}[K> hel") }
        try al.typeKeys("lo\r")
        try bo.waitForOutput("al's whole line") { $0.contains("al: hello") }
        #expect(!bo.output.contains("al: hel\n"), "\(bo.output)")
        try al.typeKeys("\u{03}")
        try al.waitForOutput("stty after the chat") { $0.contains("speed ") && $0.contains("isig") }
        // A terminal's lines end in "\r\n", one Character: split at any newline.
        let settings = al.output.split(whereSeparator: \.isNewline).drop { !$0.contains("speed ") }.joined(separator: " ")
        for flag in [" icanon", " echo ", " isig", " icrnl", " ixon"] {
            #expect(settings.contains(flag) && !settings.contains(" -" + flag.dropFirst()), "\(flag) restored: \(settings)")
        }
        #expect(al.waitForExit(timeout: .seconds(10)) == .exited(code: 0), "\(al.output)")
        bo.closeInput()
    }

    @Test func threeClientsOnTwoHostsGetEveryLineOnceAndInOrderUnderLossAndReorder() throws {
        let lab = try DaemonTestLab(yaml: Self.yaml)
        defer { lab.stop() }
        let room = try AppProcess(lab: lab, ["chat", "bob", "--listen", "7000"], name: "room")
        // The room's terminal says how to take part, since what is typed there goes nowhere.
        try room.waitForOutput("room open") { $0.contains("room open") && $0.contains("rawnet chat HOST --connect bob:7000") }
        let clients = [try join(lab, "alice", name: "ann"), try join(lab, "alice", name: "al"),
                       try join(lab, "bob", name: "bo")]
        // Both directions of the alice link: everything from and to two of the clients.
        try lab.impair("r1", "eth0", "loss 20% reorder 20% seed 7")
        try lab.impair("alice", "eth0", "loss 20% reorder 20% seed 8")
        var expected: [String] = []
        for round in 1...5 {
            for (index, client) in clients.enumerated() {
                let name = ["ann", "al", "bo"][index]
                try client.type("line \(round) from \(name)")
                expected.append("\(name): line \(round) from \(name)")
            }
        }
        for (index, client) in clients.enumerated() {
            try client.waitForOutput("all lines at client \(index)", timeout: .seconds(40)) { output in
                expected.allSatisfy { output.contains($0) }
            }
        }
        for client in clients {
            let lines = client.output.split(separator: "\n").map(String.init).filter { expected.contains($0) }
            #expect(lines.count == expected.count, "each line exactly once:\n\(client.output)")
            #expect(Set(lines).count == expected.count)
            for name in ["ann", "al", "bo"] {
                let own = lines.filter { $0.hasPrefix(name + ":") }
                #expect(own == expected.filter { $0.hasPrefix(name + ":") }, "in order from \(name)")
            }
        }
        let dropped = try lab.impair("r1", "eth0", "loss 20% reorder 20%").counters?.droppedRandomLoss ?? 0
        #expect(dropped > 0, "the impairment dropped frames")
        // A perfect link for the goodbyes: under 20 % loss each way, a FIN and its ACK
        // can need four or five backed-off retransmissions, past the wait below.
        // A client whose last line or ACK was lost a few times over may still be waiting
        // out a backed-off retransmission timer (up to tens of seconds after five
        // losses in a row); its FIN leaves once that retransmission is answered.
        _ = try lab.impair(["alice-r1", "--clear"])
        for client in clients { client.closeInput() }
        do {
            try room.waitForOutput("leaves", timeout: .seconds(75)) { $0.components(separatedBy: " left").count >= 4 }
        } catch {
            let sockets = (try? lab.rawnet(["sockets", "alice", "-i"]).output) ?? "(no answer)"
            Issue.record("\(error)\nalice's connections then:\n\(sockets)")
        }
    }

    @Test func udpChatMarksMatchTheImpairmentCounters() throws {
        let lab = try DaemonTestLab(yaml: Self.yaml)
        defer { lab.stop() }
        let room = try openRoom(lab)
        defer { withExtendedLifetime(room) {} }
        let sender = try join(lab, "alice", name: "sam", udp: true)
        let receiver = try join(lab, "alice", name: "rae", udp: true)
        try receiver.waitForOutput("sam seen") { _ in true }
        // Only sam's lines cross r1 → bob once impaired; the relays come back unimpaired.
        try lab.impair("r1", "eth1", "loss 20% reorder 20% seed 11")
        for index in 1...60 {
            try sender.type("message \(index)")
            MonotonicClock.sleep(for: .milliseconds(5))
        }
        // Frames still held back leave behind the next ones: keep the hold-back, drop nothing more.
        MonotonicClock.sleep(for: .milliseconds(100))
        try lab.impair("r1", "eth1", "reorder 0% loss 0%")
        for index in 61...63 { try sender.type("message \(index)") }
        try receiver.waitForOutput("the last line") { $0.contains("sam #63: message 63") }
        MonotonicClock.sleep(for: .milliseconds(300))
        let counters = try lab.impair("r1", "eth1", nil).counters
        receiver.closeInput()
        sender.closeInput()
        try receiver.waitForOutput("summary") { $0.contains("udp summary") }
        let output = receiver.output
        let summary = output.split(separator: "\n").first { $0.hasPrefix("udp summary") }.map(String.init) ?? ""
        let numbers = summary.split(whereSeparator: { !$0.isNumber }).compactMap { Int($0) }
        let lost = Int(counters?.droppedRandomLoss ?? 0)
        let reordered = Int(counters?.reordered ?? 0)  // held back or sent ahead: every reordered copy
        #expect(lost > 0 && reordered > 0, "the impairment acted: \(String(describing: counters))")
        #expect(numbers.count == 4, "summary: \(summary)")
        if numbers.count == 4 {
            #expect(numbers[0] == 63 - lost, "received")
            #expect(numbers[1] == lost, "lost")
            #expect(numbers[2] == reordered, "out of order")
        }
        #expect(output.components(separatedBy: "[out of order: after #").count - 1 == reordered)
        #expect(!output.contains("[lost"), "a gap is not called a loss before the end")
    }

    /// A UDP member's last lines, lost on the way, show no gap (no later line follows them): its
    /// BYE says how many it sent, so the room tells everyone which never came, and the member's
    /// own summary counts the lines of its own that never came back through the room.
    @Test func aUDPMembersLostLastLines_areSaidWhenItLeaves() throws {
        let lab = try DaemonTestLab(yaml: Self.yaml)
        defer { lab.stop() }
        let room = try openRoom(lab)
        defer { withExtendedLifetime(room) {} }
        let ann = try join(lab, "bob", name: "ann")
        let sam = try join(lab, "alice", name: "sam", udp: true)
        try sendThreeThenLoseTwo(lab, sam: sam, ann: ann, line: { "sam line \($0)" }, summary: "udp summary")
        #expect(sam.output.contains("udp summary: received 3, lost 2, out of order 0, duplicates 0\nudp: of your 5 lines, 2 never came back through the room"),
                "\(sam.output)")
        try ann.waitForOutput("sam leaving") { $0.contains("* sam left after 5 lines") }
        #expect(ann.output.contains("* sam left after 5 lines (the last 2, #4-5, never reached the room) (udp)"), "\(ann.output)")
        #expect(!ann.output.contains("sam line 4"))
        ann.closeInput()
    }

    /// The same chat with `--lang ko`: the chat's own words, the room's notices and the marks are
    /// Korean on every screen, what members type is shown as typed, and a member without the
    /// option still reads the room's notices in English (the wire keeps the protocol's words).
    @Test func aChatInKorean_saysItsOwnWordsAndTheRoomsNoticesInKorean() throws {
        let lab = try DaemonTestLab(yaml: Self.yaml)
        defer { lab.stop() }
        let room = try AppProcess(lab: lab, ["chat", "bob", "--listen", "7000", "--lang", "ko"], name: "room")
        try room.waitForOutput("room open") { $0.contains("대화방을 열었습니다: bob 포트 7000 (TCP와 UDP)") }
        let ann = try AppProcess(lab: lab, ["chat", "bob", "--connect", "bob:7000", "--name", "ann", "--lang", "ko"],
                                 name: "ann", feedsInput: true)
        try ann.waitForOutput("ann joins") { $0.contains("* ann 들어옴 (10.0.2.20:") }
        #expect(ann.output.contains("채팅: bob의 ann (10.0.2.20:"), "\(ann.output)")
        let eve = try join(lab, "bob", name: "eve")
        let sam = try AppProcess(lab: lab, ["chat", "alice", "--connect", "bob:7000", "--name", "sam", "--udp", "--lang", "ko"],
                                 name: "sam", feedsInput: true)
        try sam.waitForOutput("sam joins") { $0.contains("UDP: 줄이 손실되거나 순서가 바뀔 수 있습니다") }
        try ann.waitForOutput("sam joins") { $0.contains("* sam 들어옴 (UDP, 10.0.1.10:") }
        try sam.type("/help")
        try sam.type("/los 20%")
        try sam.type("/loss 0%")
        try sam.waitForOutput("the chat's answers") { $0.contains("* alice:eth0 → r1:eth0 이제: ") }
        // A missing line is not yet a lost one: /stats says when it becomes one.
        try sam.type("/stats")
        try sam.waitForOutput("the counts so far") { $0.contains("udp 지금까지: 받음 ") }
        #expect(sam.output.contains("빠진 줄은 늦게 올 수도 있고, /quit 때 빠진 줄은 잃음으로 셉니다. 다만 맨 끝 줄을 잃은 것은"), "\(sam.output)")
        #expect(sam.output.contains("이 호스트가 내보내는 프레임에 인위적 장애를 겁니다 (0은 끄기)"), "\(sam.output)")
        #expect(sam.output.contains("/stats (지금까지 센 줄: 받음, 빠짐, 순서 어긋남, 중복)"), "UDP's help: \(sam.output)")
        #expect(sam.output.contains("모르는 명령입니다: /los 20% (혹시 /loss?). 명령은 /help로 봅니다"), "\(sam.output)")
        #expect(sam.output.contains("* alice:eth0 → r1:eth0 이제: 장애 없음 (perfect wire)"), "\(sam.output)")
        try sendThreeThenLoseTwo(lab, sam: sam, ann: ann, line: { "샘의 줄 \($0)" }, summary: "udp 요약")
        #expect(sam.output.contains("udp 요약: 받음 3, 잃음 2, 순서 어긋남 0, 중복 0\nudp: 보낸 5줄 중 2줄이 대화방을 거쳐 돌아오지 않았습니다"),
                "\(sam.output)")
        try ann.waitForOutput("sam leaving") { $0.contains("* sam 나감") }
        #expect(ann.output.contains("* sam 나감 (UDP): 5줄 보냄, 마지막 2줄(#4-5)은 대화방에 오지 못함"), "\(ann.output)")
        try eve.waitForOutput("sam leaving") { $0.contains("* sam left after 5 lines") }
        #expect(eve.output.contains("* sam left after 5 lines (the last 2, #4-5, never reached the room) (udp)"), "\(eve.output)")
        try room.waitForOutput("sam leaving") { $0.contains("* sam 나감") }
        #expect(room.output.contains("sam #3: 샘의 줄 3"), "\(room.output)")
        #expect(!room.output.contains("joined"), "the room's screen is Korean: \(room.output)")
        ann.closeInput()
        eve.closeInput()
    }

    /// A UDP client that joins after others have talked is told where their numbering stands:
    /// their next lines come in order, and its summary counts nothing sent before it joined as lost.
    @Test func aLateUDPJoinerCountsNoLineFromBeforeItsJoinAsMissing() throws {
        let lab = try DaemonTestLab(yaml: Self.yaml)
        defer { lab.stop() }
        let room = try openRoom(lab)
        let ann = try join(lab, "alice", name: "ann")
        let sam = try join(lab, "alice", name: "sam", udp: true)
        for index in 1...5 { try ann.type("ann line \(index)") }
        for index in 1...3 { try sam.type("sam line \(index)") }
        try room.waitForOutput("the early lines") { $0.contains("ann: ann line 5") && $0.contains("sam #3: sam line 3") }
        let late = try join(lab, "bob", name: "late", udp: true)
        try late.waitForOutput("where the numbering stands") {
            $0.contains("* ann (tcp) had sent 5 lines before you joined") && $0.contains("* sam had sent 3 lines before you joined")
        }
        for index in 6...7 { try ann.type("ann line \(index)") }
        for index in 4...5 { try sam.type("sam line \(index)") }
        try late.waitForOutput("the later lines") { $0.contains("ann (tcp) #7: ann line 7") && $0.contains("sam #5: sam line 5") }
        late.closeInput()
        try late.waitForOutput("summary") { $0.contains("udp summary") }
        #expect(!late.output.contains("[missing"), "\(late.output)")
        #expect(late.output.contains("udp summary: received 4, lost 0, out of order 0, duplicates 0"), "\(late.output)")
        ann.closeInput()
        sam.closeInput()
    }

    /// A UDP member that leaves and comes back numbers from 1 again: no one is told it had sent
    /// lines before, and its new lines are in order, not late.
    @Test func aUDPMemberThatComesBack_isCountedAfresh() throws {
        let lab = try DaemonTestLab(yaml: Self.yaml)
        defer { lab.stop() }
        let room = try openRoom(lab)
        let first = try join(lab, "bob", name: "bo", udp: true)
        for index in 1...3 { try first.type("bo line \(index)") }
        try room.waitForOutput("bo's lines") { $0.contains("bo #3: bo line 3") }
        first.closeInput()
        try room.waitForOutput("bo leaves") { $0.contains("* bo left after 3 lines (udp)") }
        let watcher = try join(lab, "alice", name: "al", udp: true)
        let again = try AppProcess(lab: lab, ["chat", "bob", "--connect", "bob:7000", "--name", "bo", "--udp"],
                                   name: "bo-again", feedsInput: true)
        try again.waitForOutput("bo joins again") { $0.contains("* bo joined from") }
        try watcher.waitForOutput("bo back") { $0.contains("* bo joined from") }
        try again.type("bo is back")
        try watcher.waitForOutput("bo's new line") { $0.contains("bo #1: bo is back") }
        watcher.closeInput()
        try watcher.waitForOutput("summary") { $0.contains("udp summary") }
        #expect(!watcher.output.contains("bo had sent"), "\(watcher.output)")
        #expect(!watcher.output.contains("[out of order"), "\(watcher.output)")
        #expect(watcher.output.contains("udp summary: received 1, lost 0, out of order 0, duplicates 0"), "\(watcher.output)")
        again.closeInput()
    }

    /// A gap in a UDP member's own lines, as they come back through the room, is said to be
    /// its own, not "from" itself.
    @Test func aGapInAUDPMembersOwnLines_isSaidToBeItsOwn() throws {
        let lab = try DaemonTestLab(yaml: Self.yaml)
        defer { lab.stop() }
        let room = try openRoom(lab)
        defer { withExtendedLifetime(room) {} }
        let sam = try join(lab, "alice", name: "sam", udp: true)
        try sam.type("one")
        try sam.waitForOutput("line 1 back") { $0.contains("sam #1: one") }
        try lab.impair("alice", "eth0", "loss 100%")
        try sam.type("two")
        MonotonicClock.sleep(for: .milliseconds(200))
        try lab.impair("alice", "eth0", "loss 0%")
        try sam.type("three")
        try sam.waitForOutput("line 3 back") { $0.contains("sam #3: three") }
        #expect(sam.output.contains("[missing #2: lost or late] (your own lines, back through the room)"), "\(sam.output)")
        sam.closeInput()
    }

    /// A TCP member that leaves and comes back is numbered from 1 again for UDP members: one
    /// who was there restarts its count on the notices (no line taken for late or repeated),
    /// and one who joins while it is away is not told it had sent lines.
    @Test func aTCPMemberThatComesBack_isNumberedAfreshForUDPMembers() throws {
        let lab = try DaemonTestLab(yaml: Self.yaml)
        defer { lab.stop() }
        let room = try openRoom(lab)
        let al = try join(lab, "alice", name: "al", udp: true)
        let eve = try join(lab, "bob", name: "eve")
        for index in 1...3 { try eve.type("eve line \(index)") }
        try al.waitForOutput("eve's lines") { $0.contains("eve (tcp) #3: eve line 3") }
        eve.closeInput()
        try room.waitForOutput("eve leaves") { $0.contains("* eve left") }
        let sam = try join(lab, "alice", name: "sam", udp: true)
        let again = try AppProcess(lab: lab, ["chat", "bob", "--connect", "bob:7000", "--name", "eve"],
                                   name: "eve-again", feedsInput: true)
        try al.waitForOutput("eve back") { $0.components(separatedBy: "* eve joined from").count == 3 }
        try again.type("eve is back")
        try al.waitForOutput("eve's new line") { $0.contains("eve (tcp) #1: eve is back") }
        try sam.waitForOutput("eve's new line") { $0.contains("eve (tcp) #1: eve is back") }
        al.closeInput()
        sam.closeInput()
        try al.waitForOutput("summary") { $0.contains("udp summary") }
        try sam.waitForOutput("summary") { $0.contains("udp summary") }
        #expect(!sam.output.contains("had sent"), "eve was not in the room when sam joined: \(sam.output)")
        for member in [al, sam] {
            #expect(!member.output.contains("[out of order") && !member.output.contains("[duplicate") && !member.output.contains("not seen here"),
                    "\(member.output)")
        }
        #expect(al.output.contains("udp summary: received 4, lost 0, out of order 0, duplicates 0"), "\(al.output)")
        again.closeInput()
    }

    /// A client whose input is one line and then its end (`printf 'hi' | rawnet chat …`) gets
    /// that line to the room every time: it ends with a FIN and reads what the room still says,
    /// so its close is never a RST that could overtake the line.
    @Test func aPipedLineThenEndOfInput_alwaysReachesTheRoom() throws {
        let lab = try DaemonTestLab(yaml: Self.yaml)
        defer { lab.stop() }
        let room = try openRoom(lab)
        let members = 8
        for index in 1...members {
            let input = lab.base + "/line-\(index).txt"
            try FileSystem.writeBytes(Array("line from p\(index)\n".utf8), to: input)
            let client = try AppProcess(lab: lab, ["chat", "alice", "--connect", "bob:7000", "--name", "p\(index)"],
                                        name: "piped-\(index)", inputPath: input)
            #expect(client.waitForExit(timeout: .seconds(20)) == .exited(code: 0), "\(client.output)")
        }
        try room.waitForOutput("every piped line") { output in
            (1...members).allSatisfy { output.contains("p\($0): line from p\($0)") }
        }
        #expect(room.output.components(separatedBy: " left").count - 1 == members, "\(room.output)")
    }

    @Test func fiveMegabytesThroughNcUnderLossReorderDuplicationAndCorruption() throws {
        let lab = try DaemonTestLab(yaml: Self.yaml)
        defer { lab.stop() }
        var random = SeededRandomBytes(seed: 42)
        let data = random.bytes(5_000_000)
        let inputPath = lab.base + "/send.bin"
        try FileSystem.writeBytes(data, to: inputPath)
        let receiver = try AppProcess(lab: lab, ["nc", "bob", "-l", "9000"], name: "nc-l",
                                      outputPath: lab.base + "/received.bin")
        try waitForSocket(lab, "bob", port: 9000)
        for (node, interface) in [("r1", "eth1"), ("bob", "eth0")] {
            try lab.impair(node, interface, "loss 10% reorder 10% duplicate 2% corrupt 2%")
        }
        let sender = try AppProcess(lab: lab, ["nc", "alice", "bob", "9000", "--stats"], name: "nc",
                                    inputPath: inputPath)
        #expect(sender.waitForExit(timeout: .seconds(240)) == .exited(code: 0), "\(sender.output)")
        #expect(receiver.waitForExit(timeout: .seconds(10)) == .exited(code: 0))
        let received = try FileSystem.readBytes(at: lab.base + "/received.bin")
        #expect(received.count == data.count)
        #expect(SHA256.hash(received) == SHA256.hash(data))
        #expect(sender.output.contains("sent 5000000 bytes"))
    }

    /// Two ncs that each send the other 16 MB at once (more than a host's send and
    /// receive buffers, 4 MiB each at most, and the library's 256 KiB hold) both
    /// finish, byte-exact: each keeps receiving while its own sends wait for room.
    @Test func twoNcsSendingToEachOtherAtOnce_bothFinishByteExact() throws {
        let lab = try DaemonTestLab(yaml: Self.yaml)
        defer { lab.stop() }
        var random = SeededRandomBytes(seed: 11)
        let toBob = random.bytes(16_000_000), toAlice = random.bytes(16_000_000)
        try FileSystem.writeBytes(toBob, to: lab.base + "/to-bob.bin")
        try FileSystem.writeBytes(toAlice, to: lab.base + "/to-alice.bin")
        let listener = try AppProcess(lab: lab, ["nc", "bob", "-l", "9000"], name: "nc-l",
                                      inputPath: lab.base + "/to-alice.bin", outputPath: lab.base + "/at-bob.bin")
        try waitForSocket(lab, "bob", port: 9000)
        let client = try AppProcess(lab: lab, ["nc", "alice", "bob", "9000"], name: "nc",
                                    inputPath: lab.base + "/to-bob.bin", outputPath: lab.base + "/at-alice.bin")
        #expect(client.waitForExit(timeout: .seconds(120)) == .exited(code: 0))
        #expect(listener.waitForExit(timeout: .seconds(10)) == .exited(code: 0))
        #expect(try FileSystem.readBytes(at: lab.base + "/at-bob.bin") == toBob)
        #expect(try FileSystem.readBytes(at: lab.base + "/at-alice.bin") == toAlice)
    }

    @Test func twoRoomsAndAnNcOnOneHostEachGetOnlyTheirOwnTraffic() throws {
        let lab = try DaemonTestLab(yaml: Self.yaml)
        defer { lab.stop() }
        let rooms = [try AppProcess(lab: lab, ["chat", "bob", "--listen", "7001"], name: "room1"),
                     try AppProcess(lab: lab, ["chat", "bob", "--listen", "7002"], name: "room2")]
        for room in rooms { try room.waitForOutput("room open") { $0.contains("room open") } }
        let receiver = try AppProcess(lab: lab, ["nc", "bob", "-l", "9000"], name: "nc-l",
                                      outputPath: lab.base + "/received.bin")
        try waitForSocket(lab, "bob", port: 9000)
        let one = try join(lab, "alice", name: "one", port: 7001)
        let two = try join(lab, "alice", name: "two", port: 7002)
        var random = SeededRandomBytes(seed: 5)
        let data = random.bytes(200_000)
        try FileSystem.writeBytes(data, to: lab.base + "/send.bin")
        let sender = try AppProcess(lab: lab, ["nc", "alice", "bob", "9000"], name: "nc", inputPath: lab.base + "/send.bin")
        try one.type("hello room one")
        try two.type("hello room two")
        try one.waitForOutput("room one line") { $0.contains("one: hello room one") }
        try two.waitForOutput("room two line") { $0.contains("two: hello room two") }
        #expect(sender.waitForExit(timeout: .seconds(20)) == .exited(code: 0))
        #expect(receiver.waitForExit(timeout: .seconds(10)) == .exited(code: 0))
        #expect(try FileSystem.readBytes(at: lab.base + "/received.bin") == data)
        #expect(!one.output.contains("two") && !two.output.contains("one:"))
        #expect(!rooms[0].output.contains("room two") && !rooms[1].output.contains("room one"))
        let sockets = try lab.sockets("bob")
        #expect(sockets.contains { $0.local == "0.0.0.0:7001" && $0.state == "LISTEN" })
        #expect(sockets.contains { $0.local == "0.0.0.0:7002" && $0.state == "LISTEN" })
        #expect(Set(sockets.compactMap(\.pid)).count == 2, "two room apps own the sockets: \(sockets)")
        // A connected client shows the address its route chose, not the wildcard it was bound to.
        let clients = try lab.sockets("alice").filter { $0.state == "ESTABLISHED" && $0.peer == "10.0.2.20:7001" }
        #expect(clients.count == 1 && clients.allSatisfy { $0.local.hasPrefix("10.0.1.10:") }, "\(clients)")
    }

    @Test func killedAppResetsItsPeerAndFreesThePortRefusedAndInUseAreClear() throws {
        let lab = try DaemonTestLab(yaml: Self.yaml)
        defer { lab.stop() }
        // The receiver writes to a pipe nobody reads: it stops reading, data stays unread in its host.
        let pipe = lab.base + "/stuck"
        try FileSystem.makeFIFO(at: pipe)
        let pipeReader = try FileSystem.openForReading(pipe)
        defer { pipeReader.close() }
        let receiver = try AppProcess(lab: lab, ["nc", "bob", "-l", "9000"], name: "nc-l", outputPath: pipe)
        try waitForSocket(lab, "bob", port: 9000)
        let inUse = try lab.rawnet(["nc", "bob", "-l", "9000"])
        #expect(inUse.status != 0 && inUse.output.contains("address already in use"), "\(inUse.output)")
        var random = SeededRandomBytes(seed: 9)
        try FileSystem.writeBytes(random.bytes(3_000_000), to: lab.base + "/big.bin")
        let sender = try AppProcess(lab: lab, ["nc", "alice", "bob", "9000"], name: "nc", inputPath: lab.base + "/big.bin")
        try waitForCondition("data waits unread on bob") {
            try lab.sockets("bob").contains { ($0.receiveQueue ?? 0) > 0 }
        }
        receiver.kill()
        #expect(sender.waitForExit(timeout: .seconds(10)) == .exited(code: 1))
        #expect(sender.output.contains("connection reset by peer"), "\(sender.output)")
        try waitForCondition("bob frees port 9000") { try lab.sockets("bob").isEmpty }
        let again = try AppProcess(lab: lab, ["nc", "bob", "-l", "9000"], name: "nc-l2")
        try waitForSocket(lab, "bob", port: 9000)
        again.kill()
        let refused = try lab.rawnet(["nc", "alice", "bob", "9999"])
        #expect(refused.status != 0 && refused.output.contains("connection refused"), "\(refused.output)")
    }

    private func waitForSocket(_ lab: DaemonTestLab, _ host: String, port: Int) throws {
        try waitForCondition("\(host) listens on \(port)") {
            try lab.sockets(host).contains { $0.local.hasSuffix(":\(port)") && $0.state == "LISTEN" }
        }
    }
}

/// Waits until `condition` holds, polling every 20 ms; throws after `timeout`.
func waitForCondition(_ what: String, timeout: Duration = .seconds(10), _ condition: () throws -> Bool) throws {
    let deadline = MonotonicClock.now() + timeout.components.seconds * 1_000_000_000
    while MonotonicClock.now() < deadline {
        if try condition() { return }
        MonotonicClock.sleep(for: .milliseconds(20))
    }
    throw HarnessError("\(what): not within \(timeout)")
}

/// Reproducible test data.
struct SeededRandomBytes {
    var state: UInt64
    init(seed: UInt64) { state = seed &* 0x9E37_79B9_7F4A_7C15 | 1 }
    mutating func bytes(_ count: Int) -> [UInt8] {
        var result = [UInt8]()
        result.reserveCapacity(count)
        while result.count < count {
            state ^= state << 13; state ^= state >> 7; state ^= state << 17
            withUnsafeBytes(of: state) { result.append(contentsOf: $0.prefix(count - result.count)) }
        }
        return result
    }
}
