import RawNetContracts
import RawNetDaemon
import RawNetLab
import RawNetPlatform
import RawNetSim
import Testing

/// The README's chat and nc recipes, run as a new user would: real daemons,
/// real `rawnet` processes, and an interactive shell in a pseudo-terminal
/// where the terminal matters. alice (10.0.1.10) — r1 — bob (10.0.2.20).
@Suite(.serialized) struct RecipeProcessTests {
    static let yaml = TopologyLoader.defaultLabYAML(named: "recipe")

    /// `rawnet nc bob -l 9000 > copy.bin &` then the sender, typed into an
    /// interactive bash: the listener in the background may not read the
    /// terminal, so it only receives; both return, the copy is exact, and
    /// `--stats` reports delivery — no faster than the 8 Mbit/s line allows.
    @Test func ncListenerInTheBackgroundOfAnInteractiveShell_bothReturn_copyExact_statsReportDelivery() throws {
        let python = "/usr/bin/python3"
        try #require(FileSystem.exists(python), "python3 is needed for the pseudo-terminal (scripts/test installs it)")
        let lab = try DaemonTestLab(yaml: Self.yaml)
        defer { lab.stop() }
        var random = SeededRandomBytes(seed: 16)
        let data = random.bytes(1_000_000)
        try FileSystem.writeBytes(data, to: lab.base + "/file.bin")
        try lab.impair("alice", "eth0", "rate 8mbit")
        let rawnet = lab.executable
        let script = """
            cd \(lab.base)
            export XDG_RUNTIME_DIR=\(lab.base) PS1='$ '
            \(rawnet) nc bob -l 9000 --lab \(lab.labName) > copy.bin &
            until \(rawnet) sockets bob --lab \(lab.labName) | grep -q ':9000'; do sleep 0.1; done
            \(rawnet) nc alice bob 9000 --stats --lab \(lab.labName) < file.bin; echo "SENDER=$?"
            wait; echo "LISTENER=$?"
            exit
            """
        let output = try runInInteractiveShell(script, lab: lab, python: python, until: "LISTENER=", timeout: 60)
        #expect(output.contains("SENDER=0"), "\(output)")
        #expect(output.contains("LISTENER=0"), "\(output)")
        #expect(try FileSystem.readBytes(at: lab.base + "/copy.bin") == data, "the copy is byte-exact")
        // On a terminal the summary is fitted to its width: its continuation lines start with spaces.
        let lines = output.split(whereSeparator: \.isNewline).map(String.init)
        let start = lines.firstIndex { $0.contains("sent 1000000 bytes") }
        let stats = start.map { index in
            ([lines[index]] + lines[(index + 1)...].prefix { $0.hasPrefix(" ") }).joined(separator: " ")
        } ?? ""
        #expect(stats.contains("(all acknowledged)"), "\(output)")
        // "… in S s (R bytes/s, M Mbit/s)": delivery through an 8 Mbit/s line takes at least one second.
        let numbers = stats.split(whereSeparator: { !$0.isNumber && $0 != "." }).compactMap { Double($0) }
        if let megabits = numbers.last, numbers.count >= 4 {
            #expect(megabits <= 8.0, "reported \(megabits) Mbit/s through an 8 Mbit/s line: \(stats)")
            #expect(numbers[numbers.count - 3] >= 1.0, "at least 1 s for 8 Mbit: \(stats)")
        } else {
            Issue.record("no stats line: \(output)")
        }
    }

    /// The receiver is killed mid-transfer (it had read everything, so its host
    /// closes with a FIN, then resets the data still coming): the sender must
    /// not report success — whether it was still writing (600 kB, more than
    /// the 64 kB send buffer) or had handed everything to its host (60 kB).
    @Test(arguments: [(600_000, "rate 2mbit", 50_000), (60_000, "rate 256kbit", 8_000)])
    func ncSenderFailsWhenTheReceiverIsKilledMidTransfer(size: Int, line: String, killAfter: Int) throws {
        let lab = try DaemonTestLab(yaml: Self.yaml)
        defer { lab.stop() }
        var random = SeededRandomBytes(seed: 3)
        try FileSystem.writeBytes(random.bytes(size), to: lab.base + "/send.bin")
        try lab.impair("alice", "eth0", line)
        let received = lab.base + "/received.bin"
        let receiver = try AppProcess(lab: lab, ["nc", "bob", "-l", "9000", "-d"], name: "nc-l", outputPath: received)
        try waitForCondition("bob listens") { try lab.sockets("bob").contains { $0.local.hasSuffix(":9000") && $0.state == "LISTEN" } }
        let sender = try AppProcess(lab: lab, ["nc", "alice", "bob", "9000", "--stats"], name: "nc", inputPath: lab.base + "/send.bin")
        try waitForCondition("some bytes reached bob") { ((try? FileSystem.readBytes(at: received))?.count ?? 0) > killAfter }
        receiver.kill()
        let exit = sender.waitForExit(timeout: .seconds(30))
        #expect(exit != nil && exit != .exited(code: 0), "the sender must fail: \(String(describing: exit))\n\(sender.output)")
        #expect(!sender.output.contains("all acknowledged"), "\(sender.output)")
        #expect(sender.output.contains("nc: "), "it says why: \(sender.output)")
    }

    /// `/loss 140%` is refused and forgotten, and the refusal names what is in force on the
    /// link (set from elsewhere: 30 % loss), not a perfect wire: `/delay 5ms` then works; an
    /// impairment left at the end is announced.
    @Test func chatRefusedValueIsForgotten_leftImpairmentIsAnnounced() throws {
        let lab = try DaemonTestLab(yaml: Self.yaml)
        defer { lab.stop() }
        let (room, ann) = try roomOnBobWithAnnOnAlice(lab)
        defer { withExtendedLifetime(room) {} }
        let set = try lab.control("alice", "impair", ["interface": "eth0", "settings": "loss 30%"])
        #expect(set.result != nil, "30 % loss set from outside the chat: \(set)")
        try ann.type("/loss 140%")
        try ann.waitForOutput("refused") { $0.contains("impair:") }
        try ann.waitForOutput("what is in force") { $0.contains("nothing changed, the link keeps: loss 30%") }
        #expect(!ann.output.contains("perfect wire"), "\(ann.output)")
        // The next command changes its own setting and keeps the 30 % loss set from outside.
        try ann.type("/delay 5ms")
        try ann.waitForOutput("accepted") { $0.contains("alice:eth0 → r1:eth0 now: loss 30% · delay 5ms") }
        #expect(!ann.output.contains("140%") || ann.output.contains("impair:"), "\(ann.output)")
        let inForce = try currentSettings(lab, "alice", "eth0")
        #expect(inForce.contains("delay 5ms") && inForce.contains("loss 30%"), "\(inForce)")
        ann.closeInput()
        #expect(ann.waitForExit(timeout: .seconds(10)) == .exited(code: 0))
        #expect(ann.output.contains("alice:eth0 keeps loss 30% · delay 5ms after this chat"), "\(ann.output)")
        #expect(ann.output.contains("rawnet impair alice:eth0 --clear"), "\(ann.output)")
    }

    /// One room, a TCP member on alice and a UDP member on bob: each sees the
    /// other's lines, marked with how they came.
    @Test func tcpAndUDPMembersOfOneRoomSeeEachOthersLines_marked() throws {
        let lab = try DaemonTestLab(yaml: Self.yaml)
        defer { lab.stop() }
        let (room, ann) = try roomOnBobWithAnnOnAlice(lab)
        defer { withExtendedLifetime(room) {} }
        let bo = try AppProcess(lab: lab, ["chat", "bob", "--connect", "bob:7000", "--name", "bo", "--udp"], name: "bo", feedsInput: true)
        try bo.waitForOutput("bo joined") { $0.contains("* bo joined from") }
        try ann.waitForOutput("bo's join, at ann") { $0.contains("* bo joined over udp") }
        try ann.type("hello from tcp")
        try bo.waitForOutput("ann's line at bo") { $0.contains("ann (tcp) #1: hello from tcp") }
        try bo.type("hello from udp")
        try ann.waitForOutput("bo's line at ann") { $0.contains("bo (udp #1): hello from udp") }
        try bo.waitForOutput("bo's own line") { $0.contains("bo #1: hello from udp") }
        #expect(!bo.output.contains("[missing"), "\(bo.output)")
        ann.closeInput()
        bo.closeInput()
        try bo.waitForOutput("ann leaves") { $0.contains("* ann left") }
    }

    /// Lines a UDP member sent that never reached the room are marked for the TCP members
    /// too, as the room saw the gap; and what a member typed cannot drive anyone's terminal
    /// (an ESC, a bell or a form feed is shown as `^[`, `^G`, `^L`).
    @Test func tcpMembersAreShownTheGapsTheRoomSaw_andNoControlCharacters() throws {
        let lab = try DaemonTestLab(yaml: Self.yaml)
        defer { lab.stop() }
        let (room, ann) = try roomOnBobWithAnnOnAlice(lab)
        defer { withExtendedLifetime(room) {} }
        let al = try AppProcess(lab: lab, ["chat", "alice", "--connect", "bob:7000", "--name", "al", "--udp"], name: "al", feedsInput: true)
        try ann.waitForOutput("al's join") { $0.contains("* al joined over udp") }
        try al.type("one")
        try ann.waitForOutput("al's first line") { $0.contains("al (udp #1): one") }
        try al.type("/loss 100%")
        try al.waitForOutput("all lost") { $0.contains("now: loss 100%") }
        try al.type("two")
        try al.type("three")
        try al.type("/loss 0")
        try al.waitForOutput("none lost") { $0.components(separatedBy: " now: ").count == 3 }
        try al.type("four \u{1B}[31mred\u{07}\u{0C}")
        try ann.waitForOutput("the gap at ann") { $0.contains("[missing #2–#3: lost or late] (from al, as the room saw it)") }
        try ann.waitForOutput("al's fourth line") { $0.contains("al (udp #4): four ^[[31mred^G^L") }
        try room.waitForOutput("the gap in the room's view") { $0.contains("[missing #2–#3: lost or late] (from al)") }
        try ann.type("bell \u{07} and \u{1B}[2J")
        try al.waitForOutput("ann's line at al") { $0.contains("ann (tcp) #") && $0.contains(": bell ^G and ^[[2J") }
        // A UDP member's name is checked as a TCP member's is: one with an ESC becomes a guest.
        let evil = try AppProcess(lab: lab, ["nc", "alice", "bob", "7000", "--udp"], name: "evil", feedsInput: true)
        try evil.type("HELLO \u{1B}[31mevil")
        try ann.waitForOutput("a guest joins") { $0.contains("* guest") && $0.contains(" joined over udp from 10.0.1.10:") }
        evil.closeInput()
        for member in [ann, al, room] {
            #expect(!member.output.contains("\u{07}") && !member.output.contains("\u{0C}") && !member.output.contains("[31mred\u{07}"),
                    "\(member.output)")
        }
        ann.closeInput()
        al.closeInput()
    }

    // MARK: Helpers

    /// A room on bob:7000 and ann, over TCP from alice, in it.
    private func roomOnBobWithAnnOnAlice(_ lab: DaemonTestLab) throws -> (room: AppProcess, ann: AppProcess) {
        let room = try AppProcess(lab: lab, ["chat", "bob", "--listen", "7000"], name: "room")
        try room.waitForOutput("room open") { $0.contains("room open") }
        let ann = try AppProcess(lab: lab, ["chat", "alice", "--connect", "bob:7000", "--name", "ann"], name: "ann", feedsInput: true)
        try ann.waitForOutput("ann joined") { $0.contains("* ann joined from") }
        return (room, ann)
    }

    private func currentSettings(_ lab: DaemonTestLab, _ node: String, _ interface: String) throws -> String {
        let response = try lab.control(node, "impair", ["interface": interface, "action": "show"])
        return try response.result?.decode(ImpairAnswer.self).settings ?? ""
    }

    /// Types `script` into `bash -i` on a pseudo-terminal (job control on, as in a
    /// terminal) and returns everything it printed, once `until` appeared.
    private func runInInteractiveShell(_ script: String, lab: DaemonTestLab, python: String, until marker: String,
                                       timeout: Int) throws -> String {
        let driver = lab.base + "/terminal_driver.py"
        try FileSystem.writeBytes(Array("""
            import os, pty, re, select, sys, time
            script, marker, timeout = open(sys.argv[1]).read(), sys.argv[2].encode(), float(sys.argv[3])
            pid, fd = pty.fork()
            if pid == 0:
                os.execvp("bash", ["bash", "--norc", "--noprofile", "-i"])
            out = b""
            for line in script.splitlines():
                os.write(fd, line.encode() + b"\\n")
                time.sleep(0.05)
            deadline = time.time() + timeout
            # The terminal echoes the typed `echo "MARKER$?"`; only the printed one has a digit.
            while time.time() < deadline and not re.search(re.escape(marker) + rb"[0-9]", out):
                ready, _, _ = select.select([fd], [], [], 0.2)
                if ready:
                    try:
                        chunk = os.read(fd, 65536)
                    except OSError:
                        break
                    if not chunk:
                        break
                    out += chunk
            time.sleep(0.3)
            try:
                while select.select([fd], [], [], 0.2)[0]:
                    chunk = os.read(fd, 65536)
                    if not chunk:
                        break
                    out += chunk
            except OSError:
                pass
            sys.stdout.write(out.decode(errors="replace"))
            """.utf8), to: driver)
        try FileSystem.writeBytes(Array(script.utf8), to: lab.base + "/typed.sh")
        let outputPath = lab.base + "/pty.out"
        let pid = try Processes.spawn(executable: python, arguments: [driver, lab.base + "/typed.sh", marker, String(timeout)],
                                      logPath: outputPath)
        let deadline = MonotonicClock.now() + Int64(timeout + 10) * 1_000_000_000
        while MonotonicClock.now() < deadline, (try? Processes.reap(pid)) ?? nil == nil {
            MonotonicClock.sleep(for: .milliseconds(50))
        }
        if Processes.isAlive(pid) { try? Processes.kill(pid, signal: SignalNumber.kill); _ = try? Processes.reap(pid) }
        return String(decoding: (try? FileSystem.readBytes(at: outputPath)) ?? [], as: UTF8.self)
    }
}
