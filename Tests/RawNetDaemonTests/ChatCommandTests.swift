import RawNetContracts
import RawNetDaemon
import RawNetLab
import RawNetLabModel
import RawNetPlatform
import Testing

/// The chat's slash commands, typed into a real `rawnet chat` client: each
/// one changes what the host daemon reports, not only what the screen says.
@Suite(.serialized) struct ChatCommandTests {
    /// A lab with a room on bob and ann chatting in it from alice.
    private func chat(lab name: String) throws -> (lab: DaemonTestLab, room: AppProcess, client: AppProcess) {
        let lab = try DaemonTestLab(yaml: TopologyLoader.defaultLabYAML(named: name))
        do {
            let room = try AppProcess(lab: lab, ["chat", "bob", "--listen", "7000"], name: "room")
            try room.waitForOutput("room open") { $0.contains("room open") }
            let client = try AppProcess(lab: lab, ["chat", "alice", "--connect", "bob:7000", "--name", "ann"],
                                        name: "ann", feedsInput: true)
            try client.waitForOutput("joined") { $0.contains("* ann joined from") }
            return (lab, room, client)
        } catch {
            lab.stop()
            throw error
        }
    }

    @Test func slashCommandsImpairTheHostLinkShowStatsAndQuit() throws {
        let (lab, room, client) = try chat(lab: "chatcmd")
        defer { lab.stop() }

        try client.type("/loss 30%")
        try client.waitForOutput("loss applied") { $0.contains("* alice:eth0 → r1:eth0 now:") && $0.contains("loss 30%") }
        try client.type("/reorder 10%")
        try client.waitForOutput("reorder applied") { $0.contains("reorder 10%") }
        let both = try lab.impairment("alice", "eth0").settings
        #expect(both.contains("loss 30%") && both.contains("reorder 10%"), "alice:eth0 is now \(both)")

        // 0 turns one setting off and keeps the other.
        try client.type("/loss 0")
        try client.waitForOutput("loss off") { $0.components(separatedBy: "* alice:eth0 → r1:eth0 now:").count >= 4 }
        let reorderOnly = try lab.impairment("alice", "eth0").settings
        #expect(!reorderOnly.contains("loss") && reorderOnly.contains("reorder 10%"), "alice:eth0 is now \(reorderOnly)")

        try client.type("/clear")
        try client.waitForOutput("cleared") { $0.components(separatedBy: "* alice:eth0 → r1:eth0 now:").count >= 5 }
        let cleared = try lab.impairment("alice", "eth0")
        #expect(cleared.isPerfect, "alice:eth0 is now \(cleared.settings)")

        try client.type("/stats")
        try client.waitForOutput("stats") { $0.contains("rto ") && $0.contains("cwnd ") && $0.contains("retransmissions ") }
        #expect(client.output.lowercased().contains("tcp established"), "\(client.output)")

        try client.type("/delay")
        try client.waitForOutput("usage") { $0.contains("usage: /delay VALUE") }
        try client.type("/nosuch")
        try client.waitForOutput("unknown") { $0.contains("unknown command /nosuch; /help lists them") }
        try client.type("/lose 10%")
        try client.waitForOutput("a near command") { $0.contains("unknown command /lose 10% (did you mean /loss?); /help lists them") }

        try client.type("/quit")
        let exit = client.waitForExit(timeout: .seconds(10))
        #expect(exit == .exited(code: 0), "chat after /quit: \(String(describing: exit))\n\(client.output)")
        try room.waitForOutput("ann left") { $0.contains("* ann left") }
    }

    /// The reminder at the end says what the link has then: set by the chat and cleared from
    /// another terminal, nothing is left to remind of; changed from there, the change is named.
    @Test func theClosingReminder_saysWhatTheLinkHasNow() throws {
        let (lab, room, client) = try chat(lab: "chatkeep")
        defer { withExtendedLifetime(room) { lab.stop() } }
        try client.type("/loss 30%")
        try client.waitForOutput("loss applied") { $0.contains("* alice:eth0 → r1:eth0 now:") && $0.contains("loss 30%") }
        try lab.impair("alice", "eth0", "delay 5ms")
        try client.type("/quit")
        #expect(client.waitForExit(timeout: .seconds(10)) == .exited(code: 0))
        #expect(client.output.contains("* alice:eth0 keeps delay 5ms after this chat"), "\(client.output)")

        let cleared = try AppProcess(lab: lab, ["chat", "alice", "--connect", "bob:7000", "--name", "al"], name: "al", feedsInput: true)
        try cleared.waitForOutput("joined") { $0.contains("* al joined from") }
        try cleared.type("/loss 30%")
        try cleared.waitForOutput("loss applied") { $0.contains("loss 30%") }
        try lab.impair("alice", "eth0", nil)
        try cleared.type("/quit")
        #expect(cleared.waitForExit(timeout: .seconds(10)) == .exited(code: 0))
        #expect(!cleared.output.contains("keeps"), "the link is a perfect wire again: \(cleared.output)")
    }

    /// A TCP chat whose lines are not acknowledged (every frame alice sends lost) says so once
    /// the timer has backed off, and says when everything got through after all.
    @Test func aStalledConnection_isSaid_andSoIsItsRecovery() throws {
        let (lab, room, client) = try chat(lab: "chatstall")
        defer { withExtendedLifetime(room) { lab.stop() } }
        try lab.impair("alice", "eth0", "loss 100%")
        try client.type("into the void")
        try client.waitForOutput("the stall is said", timeout: .seconds(20)) { $0.contains("* the room has not acknowledged for a while: ") }
        #expect(client.output.contains("bytes wait, resent "), "\(client.output)")
        try lab.impair("alice", "eth0", nil)
        try client.waitForOutput("the recovery is said", timeout: .seconds(30)) { $0.contains("* the room acknowledges again") }
        try room.waitForOutput("the line arrived") { $0.contains("ann: into the void") }
    }

    /// A value the impairment code refuses is named once, in its own words, and changes nothing.
    @Test func refusedValue_isSaidOnce_andTheLinkKeepsItsSettings() throws {
        let (lab, room, client) = try chat(lab: "chatbad")
        defer { withExtendedLifetime(room) { lab.stop() } }
        try client.type("/delay 20ms")
        try client.waitForOutput("delay applied") { $0.contains("* alice:eth0 → r1:eth0 now: delay 20ms") }

        try client.type("/loss 140%")
        try client.waitForOutput("loss refused") { $0.contains("nothing changed") }
        #expect(client.output.contains(
            "impair: loss: 140% is out of range (allowed: 0% to 100%); nothing changed, the link keeps: delay 20ms\n"),
            "\(client.output)")
        try client.type("/delay 5")
        try client.waitForOutput("delay refused") { $0.components(separatedBy: "nothing changed").count >= 3 }
        #expect(client.output.contains("impair: delay: cannot read '5' (expected a unit, such as 20ms, 1.5s or 500us); "
                                       + "nothing changed, the link keeps: delay 20ms\n"), "\(client.output)")
        for repeated in ["invalid argument", "bad impairment settings"] {
            #expect(!client.output.contains(repeated), "\(client.output)")
        }
        #expect(try lab.impairment("alice", "eth0").settings == "delay 20ms")
        try client.type("/quit")
        _ = client.waitForExit(timeout: .seconds(10))
    }
}
