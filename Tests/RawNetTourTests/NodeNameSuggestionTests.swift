import RawNetTestSupport
import Testing

/// A mistyped node name gets the same "did you mean" a mistyped command gets,
/// from every kind of command that takes a node.
@Suite(.serialized) struct NodeNameSuggestionTests {
    @Test func mistypedNode_suggestsTheNearest_inEveryKindOfCommand() throws {
        let runner = try RawNetRunner()
        #expect(try runner.run(["up"]).status == 0)
        try expectUsageMistakes(runner, [
            (["chat", "alcie", "--connect", "bob:7000"], "lab 'basic' has no node 'alcie'; did you mean 'alice'? (hosts: alice, bob)"),
            (["ping", "alcie", "bob", "-c", "1"], "lab 'basic' has no node 'alcie'; did you mean 'alice'? (hosts: alice, bob)"),
            (["routes", "bbo"], "lab 'basic' has no node 'bbo'; did you mean 'bob'? (nodes: alice, bob, r1)"),
            (["impair", "alcie:eth0", "--loss", "5%"], "lab 'basic' has no node 'alcie'; did you mean 'alice'? (nodes: alice, bob, r1)"),
            (["impair", "alcie-r1", "--loss", "30%"], "lab 'basic' has no link or interface 'alcie-r1'; did you mean 'alice-r1'?"),
            (["impair", "r1:eht1", "--loss", "30%"], "node 'r1' has no interface 'eht1'; did you mean 'eth1'?"),
            (["link", "alcie-r1", "down"], "no link 'alcie-r1'; did you mean 'alice-r1'?"),
            (["status", "r2"], "lab 'basic' has no node 'r2'; did you mean 'r1'? (nodes: alice, bob, r1)"),
            (["trace", "alcie:eth0", "--duration", "0.1"], "'alcie:eth0': lab 'basic' has no node 'alcie'; did you mean 'alice'?"),
            (["trace", "bbo", "--duration", "0.1"], "'bbo' is not a node, NODE:INTERFACE or link of lab 'basic'; did you mean 'bob'?"),
            (["ping", "alice", "bbo", "-c", "1"], "'bbo' is neither an IPv4 address nor a node of lab 'basic'; did you mean 'bob'?"),
        ])
        let far = try runner.run(["chat", "xyzzy", "--connect", "bob:7000"])
        #expect(far.status == 64 && far.output.contains("lab 'basic' has no node 'xyzzy' (hosts: alice, bob)"), "\(far.output)")
        #expect(!far.output.contains("did you mean"), "\(far.output)")
    }
}
