import RawNetLab
import RawNetLabModel
import RawNetCore
import Testing

/// A node name the lab does not have is answered the same way everywhere, with
/// the nearest name the lab has, by the rule a mistyped command meets.
@Suite struct NodeLookupTests {
    private let lab = TopologyLoader.defaultLab()

    @Test func nearestName_isTheCommandLinesRule() {
        #expect(NameSuggestion.nearest(to: "sokets", among: ["status", "sockets", "chat"]) == "sockets")
        #expect(NameSuggestion.nearest(to: "alcie", among: ["alice", "r1", "bob"]) == "alice", "a swap of neighbours is one edit")
        #expect(NameSuggestion.nearest(to: "al", among: ["alice", "r1", "bob"]) == "alice", "a name it begins")
        #expect(NameSuggestion.nearest(to: "xyzzy", among: ["alice", "r1", "bob"]) == nil, "nothing near")
        #expect(NameSuggestion.nearest(to: "cat", among: ["ra", "rb", "ann", "ben"]) == nil, "a short word two edits away is not near")
        #expect(NameSuggestion.nearest(to: "r2", among: ["alice", "r1", "bob"]) == "r1", "one edit is")
        #expect(NameSuggestion.distance("alcie", "alice") == 1)
        #expect(NameSuggestion.distance("bbo", "bob") == 1)
        #expect(NameSuggestion.distance("kitten", "sitting") == 3)
    }

    @Test func missingNode_namesTheNearest_thenTheNodes() {
        #expect(lab.noNodeMessage("alcie", kind: .host)
                == "lab 'basic' has no node 'alcie'; did you mean 'alice'? (hosts: alice, bob)")
        #expect(lab.noNodeMessage("bbo") == "lab 'basic' has no node 'bbo'; did you mean 'bob'? (nodes: alice, bob, r1)")
        #expect(lab.noNodeMessage("xyzzy") == "lab 'basic' has no node 'xyzzy' (nodes: alice, bob, r1)")
    }

    @Test func forAnApp_onlyHostsAreSuggested() {
        // r2 is near r1, a router: among hosts only (an app's nodes) nothing is near it.
        #expect(lab.noNodeMessage("r2") == "lab 'basic' has no node 'r2'; did you mean 'r1'? (nodes: alice, bob, r1)")
        #expect(lab.noNodeMessage("r2", kind: .host) == "lab 'basic' has no node 'r2' (hosts: alice, bob)")
    }

    @Test func impairTargets_andDestinations_suggestToo() {
        do {
            _ = try lab.impairDirections(target: "alcie:eth0", direction: nil)
            Issue.record("alcie:eth0 found")
        } catch {
            #expect(error.description == "lab 'basic' has no node 'alcie'; did you mean 'alice'? (nodes: alice, bob, r1)")
        }
        do {
            _ = try lab.resolveAddress("bbo")
            Issue.record("bbo resolved")
        } catch {
            #expect(error.description == "'bbo' is neither an IPv4 address nor a node of lab 'basic'; did you mean 'bob'? (nodes: alice, bob, r1)")
        }
    }
}
