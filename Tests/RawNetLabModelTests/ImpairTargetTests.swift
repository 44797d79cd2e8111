import RawNetContracts
import RawNetLab
import RawNetLabModel
import Testing

/// How `rawnet impair TARGET --direction D` picks the egresses to change.
@Suite struct ImpairTargetTests {
    private let lab = TopologyLoader.defaultLab()

    private func directions(_ target: String, _ direction: ImpairDirection? = nil) throws -> [String] {
        try lab.impairDirections(target: target, direction: direction).map(\.description)
    }

    @Test func link_byFullName_orNodeNames_defaultsToBothWays() throws {
        let both = ["alice:eth0 → r1:eth0", "r1:eth0 → alice:eth0"]
        #expect(try directions("alice:eth0-r1:eth0") == both)
        #expect(try directions("alice-r1") == both)
        #expect(try directions("r1-alice") == both.reversed())
    }

    @Test func link_outAndIn_areRelativeToTheEndWrittenFirst() throws {
        #expect(try directions("alice-r1", .out) == ["alice:eth0 → r1:eth0"])
        #expect(try directions("alice-r1", .in) == ["r1:eth0 → alice:eth0"])
        #expect(try directions("r1-alice", .out) == ["r1:eth0 → alice:eth0"])
        #expect(try directions("bob:eth0-r1:eth1", .out) == ["bob:eth0 → r1:eth1"])
    }

    @Test func interface_outIsItsEgress_inIsItsPeers() throws {
        #expect(try directions("r1:eth1") == ["r1:eth1 → bob:eth0"])
        #expect(try directions("r1:eth1", .in) == ["bob:eth0 → r1:eth1"])
        #expect(try directions("r1:eth1", .both) == ["r1:eth1 → bob:eth0", "bob:eth0 → r1:eth1"])
    }

    @Test func unknownTargets_areNamedWithTheChoices() {
        #expect(throws: ImpairTargetError.self) { try directions("alice-bob") }
        do {
            _ = try directions("alice-bob")
        } catch {
            #expect("\(error)".contains("no link or interface 'alice-bob'"))
            #expect("\(error)".contains("alice:eth0-r1:eth0 (alice-r1)"))
        }
        do {
            _ = try directions("r1:eth9")
        } catch {
            #expect("\(error)" == "node 'r1' has no interface 'eth9'; did you mean 'eth0'? (has eth0, eth1)")
        }
    }

    /// A mistyped link gets the nearest way of writing one, as a mistyped node does.
    @Test func mistypedLinks_andInterfaces_suggestTheNearest() {
        func message(_ target: String) -> String {
            do { _ = try directions(target); return "" } catch { return "\(error)" }
        }
        #expect(message("alcie-r1").hasPrefix("lab 'basic' has no link or interface 'alcie-r1'; did you mean 'alice-r1'? (links: "),
                "\(message("alcie-r1"))")
        #expect(message("r1-alcie").contains("; did you mean 'r1-alice'?"), "\(message("r1-alcie"))")
        #expect(message("bbo-r1").contains("; did you mean 'bob-r1'?"), "\(message("bbo-r1"))")
        #expect(message("alice:eth0-r1:ethh0").contains("; did you mean 'alice:eth0-r1:eth0'?"), "\(message("alice:eth0-r1:ethh0"))")
        #expect(message("r1:eht1") == "node 'r1' has no interface 'eht1'; did you mean 'eth1'? (has eth0, eth1)")
        #expect(!message("xyzzy-plugh").contains("did you mean"), "\(message("xyzzy-plugh"))")
        #expect(lab.didYouMeanLink("alice-r1x") == "; did you mean 'alice-r1'?")
    }

    @Test func nodeNamesJoinedByTwoLinks_areAmbiguous() throws {
        let yaml = """
            name: twice
            nodes:
              r1: { kind: router, interfaces: { eth0: 10.0.1.1/24, eth1: 10.0.2.1/24 } }
              r2: { kind: router, interfaces: { eth0: 10.0.1.2/24, eth1: 10.0.2.2/24 } }
            links:
              - endpoints: [r1:eth0, r2:eth0]
              - endpoints: [r1:eth1, r2:eth1]
            """
        let topology = try TopologyLoader.parse(yaml: yaml, file: "twice.yaml")
        do {
            _ = try topology.impairDirections(target: "r1-r2", direction: nil)
            Issue.record("r1-r2 should be ambiguous")
        } catch {
            #expect("\(error)".contains("more than one link"))
        }
        #expect(try topology.impairDirections(target: "r2:eth1-r1:eth1", direction: .out).map(\.description)
            == ["r2:eth1 → r1:eth1"])
        #expect(topology.linkDirections.count == 4)
    }
}
