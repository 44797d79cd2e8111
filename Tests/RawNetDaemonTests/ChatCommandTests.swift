import RawNetContracts
import RawNetDaemon
import RawNetLab
import RawNetLabModel
import RawNetPlatform
import Testing

/// The chat's slash commands, typed into a real `rawnet chat` client: each
/// one changes what the host daemon reports, not only what the screen says.
@Suite(.serialized) struct ChatCommandTests {
    @Test func slashCommandsImpairTheHostLinkShowStatsAndQuit() throws {
        let lab = try DaemonTestLab(yaml: TopologyLoader.defaultLabYAML(named: "chatcmd"))
        defer { lab.stop() }
        let room = try AppProcess(lab: lab, ["chat", "bob", "--listen", "7000"], name: "room")
        try room.waitForOutput("room open") { $0.contains("room open") }
        let client = try AppProcess(lab: lab, ["chat", "alice", "--connect", "bob:7000", "--name", "ann"],
                                    name: "ann", feedsInput: true)
        try client.waitForOutput("joined") { $0.contains("* ann joined from") }

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
        try client.waitForOutput("unknown") { $0.contains("unknown command /nosuch") }

        try client.type("/quit")
        let exit = client.waitForExit(timeout: .seconds(10))
        #expect(exit == .exited(code: 0), "chat after /quit: \(String(describing: exit))\n\(client.output)")
        try room.waitForOutput("ann left") { $0.contains("* ann left") }
    }
}
