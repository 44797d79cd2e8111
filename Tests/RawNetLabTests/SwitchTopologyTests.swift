import RawNetContracts
import RawNetCore
import RawNetLab
import RawNetLabModel
import Testing

private func problems(_ yaml: String) -> [String] {
    do {
        _ = try TopologyLoader.parse(yaml: yaml, file: "lab.yaml")
        return []
    } catch {
        return error.issues.map(\.description)
    }
}

/// Two hosts on one switch, with the switch's node line and extra links swapped in.
private func lan(_ sw: String = "{ kind: switch, ports: [p1, p2] }", extraNodes: String = "",
                 links: String = "  - endpoints: [alice:eth0, sw1:p1]\n  - endpoints: [bob:eth0, sw1:p2]") -> String {
    """
    name: t
    nodes:
      sw1: \(sw)
      alice: { kind: host, ip: 10.0.1.10/24 }
      bob: { kind: host, ip: 10.0.1.11/24 }
    \(extraNodes)
    links:
    \(links)
    """
}

@Suite struct SwitchTopologyTests {
    @Test func aListOfPortsIsAccessPortsOfVLAN1() throws {
        let topology = try TopologyLoader.parse(yaml: lan(), file: "lab.yaml")
        let sw = try #require(topology.node(named: "sw1"))
        #expect(sw.kind == .switch)
        #expect(sw.interfaces.map(\.name) == ["p1", "p2"])
        #expect(sw.interfaces.map(\.switchPort) == [.access(1), .access(1)])
    }

    @Test func vlanAndTrunkPortsAreRead() throws {
        let topology = try TopologyLoader.parse(yaml: lan("{ kind: switch, ports: { p1: { vlan: 10 }, p2: { vlan: 10 }, p3: { trunk: [10, 20] }, p4: } }"),
                                                file: "lab.yaml")
        let sw = try #require(topology.node(named: "sw1"))
        #expect(sw.interfaces.map(\.switchPort) == [.access(10), .access(10), .trunk([10, 20]), .access(1)])
    }

    @Test func theConfigFileAndLabYAMLReadBackExactly() throws {
        let topology = try TopologyLoader.parse(yaml: lan("{ kind: switch, ports: { p1: { vlan: 10 }, p2: { vlan: 10 }, p3: { trunk: [10, 20] } } }"),
                                                file: "lab.yaml")
        let text = LabConfig.text(for: topology)
        #expect(text.contains("interface node=sw1 name=p3 mac="))
        #expect(text.contains("trunk=10,20"))
        #expect(!text.contains("name=p1 address="))
        #expect(try LabConfig.parse(text, file: "lab.conf") == topology)
        #expect(try TopologyLoader.parse(yaml: topology.yamlText, file: "lab.yaml") == topology)
    }

    @Test func badPortSettingsNameTheField() {
        #expect(problems(lan("{ kind: switch, ports: { p1: { vlan: 4095 }, p2: } }")) == [
            "lab.yaml: node 'sw1': field 'ports.p1.vlan': bad VLAN id '4095' (expected 1 to 4094)",
        ])
        #expect(problems(lan("{ kind: switch, ports: { p1: { trunk: [10, x] }, p2: } }")) == [
            "lab.yaml: node 'sw1': field 'ports.p1.trunk[1]': bad VLAN id 'x' (expected 1 to 4094)",
        ])
        #expect(problems(lan("{ kind: switch, ports: { p1: { vlan: 1, trunk: [2] }, p2: } }")) == [
            "lab.yaml: node 'sw1': field 'ports.p1': give either 'vlan' (an access port) or 'trunk' (tagged VLANs), not both",
        ])
        #expect(problems(lan("{ kind: switch, ports: { p1: { pvid: 3 }, p2: } }")).first?
            .hasPrefix("lab.yaml: node 'sw1': field 'ports.p1.pvid': unknown field") == true)
        #expect(problems(lan("{ kind: switch, ip: 10.0.1.2/24, ports: [p1, p2] }")) == [
            "lab.yaml: node 'sw1': field 'ip': a switch has ports, not addresses or routes: list them under 'ports'",
        ])
        #expect(problems(lan("{ kind: switch }")).contains("lab.yaml: node 'sw1': field 'ports': missing field"))
        #expect(problems(lan("{ kind: switch, ports: [p1, p1] }")).contains(
            "lab.yaml: node 'sw1': field 'ports.p1': port defined twice"))
    }

    @Test func aTrunkCabledToAHostIsRefused() {
        let found = problems(lan("{ kind: switch, ports: { p1: { trunk: [10] }, p2: } }"))
        #expect(found == [
            "lab.yaml: link 1: field 'endpoints': sw1:p1 is a trunk (tagged frames) but host 'alice' sends untagged ones; cable a trunk to another switch's trunk or to an interface with VLAN subinterfaces (eth0.10), or give the port 'vlan: N'",
        ])
    }

    @Test func switchesJoinedByPortsOfDifferentVLANsAreRefused() {
        let found = problems(lan(extraNodes: "  sw2: { kind: switch, ports: { u1: { vlan: 20 } } }",
                                 links: "  - endpoints: [alice:eth0, sw1:p1]\n  - endpoints: [sw1:p2, sw2:u1]"))
        #expect(found == [
            "lab.yaml: link 2: field 'endpoints': the switch ports disagree: sw1:p2 is access vlan 1, sw2:u1 is access vlan 20; both ends of a link between switches carry the same VLANs",
        ])
    }

    @Test func hostsOnOneSegmentMustShareASubnet() {
        let yaml = """
            name: t
            nodes:
              sw1: { kind: switch, ports: { p1: { vlan: 10 }, p2: { vlan: 10 }, p3: { vlan: 20 }, u: { trunk: [10, 20] } } }
              sw2: { kind: switch, ports: { u: { trunk: [10, 20] }, p1: { vlan: 10 } } }
              alice: { kind: host, ip: 10.0.1.10/24 }
              bob: { kind: host, ip: 10.0.1.11/24 }
              carol: { kind: host, ip: 10.0.2.12/24 }
              dave: { kind: host, ip: 10.0.9.13/24 }
            links:
              - endpoints: [alice:eth0, sw1:p1]
              - endpoints: [bob:eth0, sw1:p2]
              - endpoints: [carol:eth0, sw1:p3]
              - endpoints: [sw1:u, sw2:u]
              - endpoints: [dave:eth0, sw2:p1]
            """
        // carol is alone in VLAN 20; dave, behind the trunk, is in alice's VLAN 10 but another subnet.
        #expect(problems(yaml) == [
            "lab.yaml: link 5: field 'endpoints': dave:eth0 (10.0.9.13/24) and alice:eth0 (10.0.1.10/24) share a switched segment (VLAN 10) but not a subnet, so they could never reach each other",
        ])
    }

    @Test func aLoopOfSwitchesIsRefusedNamingIt() {
        let yaml = Self.triangle.replacingOccurrences(of: "STP1", with: "off").replacingOccurrences(of: "STP2", with: "off")
            .replacingOccurrences(of: "STP3", with: "off")
        #expect(problems(yaml) == [
            "lab.yaml: lab: field 'links': switches form a loop (sw1 - sw2 - sw3 - sw1) and sw1, sw2, sw3 run no spanning tree: a broadcast would circle it forever; give every switch on the loop 'stp: on', or remove one of its links",
        ])
    }

    private static let triangle = """
        name: t
        nodes:
          sw1: { kind: switch, ports: [a, b, h, c], stp: STP1 }
          sw2: { kind: switch, ports: [a, b], stp: STP2 }
          sw3: { kind: switch, ports: [a, b], stp: STP3 }
          sw4: { kind: switch, ports: [a] }
          alice: { kind: host, ip: 10.0.1.10/24 }
        links:
          - endpoints: [alice:eth0, sw1:h]
          - endpoints: [sw1:a, sw2:a]
          - endpoints: [sw2:b, sw3:a]
          - endpoints: [sw3:b, sw1:b]
          - endpoints: [sw4:a, sw1:c]
        """

    @Test func aLoopOfSwitchesThatAllRunTheSpanningTreeIsAccepted() throws {
        let yaml = Self.triangle.replacingOccurrences(of: "STP1", with: "{ priority: 4096, hello: 500ms, max_age: 2s, forward_delay: 1s }")
            .replacingOccurrences(of: "STP2", with: "on").replacingOccurrences(of: "STP3", with: "on")
        let topology = try TopologyLoader.parse(yaml: yaml, file: "lab.yaml")
        let sw1 = try #require(topology.node(named: "sw1")?.spanningTree)
        #expect(sw1 == SpanningTreeConfiguration(priority: 4096, helloTime: .milliseconds(500), maxAge: .seconds(2),
                                                 forwardDelay: .seconds(1)))
        #expect(topology.node(named: "sw3")?.spanningTree == .standard)
        #expect(topology.node(named: "sw4")?.spanningTree == nil)
        let text = LabConfig.text(for: topology)
        #expect(text.contains("stp node=sw1 priority=4096 hello=500ms max_age=2s forward_delay=1s\n"))
        #expect(try LabConfig.parse(text, file: "lab.conf") == topology)
        #expect(topology.node(named: "sw1")?.ethernetSwitch.spanningTree?.bridgeID.priority == 4096)
    }

    @Test func aLoopThroughASwitchWithoutTheSpanningTreeIsRefusedNamingItAndTheSwitch() {
        let yaml = Self.triangle.replacingOccurrences(of: "STP1", with: "on").replacingOccurrences(of: ", stp: STP2", with: "")
            .replacingOccurrences(of: "STP3", with: "on")
        #expect(problems(yaml) == [
            "lab.yaml: lab: field 'links': switches form a loop (sw1 - sw3 - sw2 - sw1) and sw2 runs no spanning tree: a broadcast would circle it forever; give every switch on the loop 'stp: on', or remove one of its links",
        ])
        #expect(SwitchLoop.find(switches: ["a", "b", "c", "d"], links: [("a", "b"), ("b", "c"), ("c", "a"), ("c", "d")],
                                through: ["d"]) == nil)
        #expect(SwitchLoop.find(switches: ["a", "b", "c"], links: [("a", "b"), ("b", "c"), ("c", "a")], through: ["b"])
                == ["a", "c", "b", "a"])
    }

    @Test func badSpanningTreeSettingsAreNamed() {
        func stp(_ text: String) -> [String] {
            problems(lan("{ kind: switch, ports: [p1, p2], stp: \(text) }"))
        }
        #expect(stp("{ priority: 100 }") == [
            "lab.yaml: node 'sw1': field 'stp.priority': bad priority '100' (expected a multiple of 4096 from 0 to 61440; lower wins the root election)",
        ])
        #expect(stp("{ hello: 1s, max_age: 2s, forward_delay: 1s }") == [
            "lab.yaml: node 'sw1': field 'stp.max_age': must be longer than twice the hello time (2s), not 2s",
        ])
        #expect(stp("{ forward_delay: soon }") == [
            "lab.yaml: node 'sw1': field 'stp.forward_delay': bad duration 'soon' (expected e.g. 2s or 500ms)",
        ])
        #expect(stp("{ colour: blue }").first?.contains("stp.colour") == true)
        #expect(stp("maybe").first?.contains("expected on, off or a mapping") == true)
        #expect(problems(lan(extraNodes: "  r9: { kind: router, interfaces: { eth0: 10.0.9.1/24 }, stp: on }"))
                    .contains("lab.yaml: node 'r9': field 'stp': only a switch runs a spanning tree"))
    }

    @Test func loopsAreFoundOnlyAmongSwitches() {
        #expect(SwitchLoop.find(switches: ["a", "b"], links: [("a", "b")]) == nil)
        #expect(SwitchLoop.find(switches: ["a", "b"], links: [("a", "b"), ("b", "a")]) == ["a", "b", "a"])
        #expect(SwitchLoop.find(switches: ["a", "b", "c"], links: [("a", "b"), ("b", "c"), ("c", "x"), ("x", "a")]) == nil)
        #expect(SwitchLoop.find(switches: ["a", "b", "c", "d"], links: [("a", "b"), ("b", "c"), ("b", "d")]) == nil)
        #expect(SwitchLoop.find(switches: ["a", "b", "c", "d"], links: [("d", "a"), ("a", "b"), ("b", "c"), ("c", "a")]) == ["a", "b", "c", "a"])
    }

    @Test func theExampleLabLoads() throws {
        var parts = #filePath.split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast(3)
        let topology = try TopologyLoader.load(path: parts.joined(separator: "/") + "/Config/switch.yaml")
        #expect(topology.node(named: "sw1")?.interfaces.count == 4)
        let stp = try TopologyLoader.load(path: parts.joined(separator: "/") + "/Config/stp.yaml")
        #expect(stp.nodes.filter { $0.spanningTree != nil }.count == 3)
    }
}

@Suite struct SubinterfaceTopologyTests {
    private func stick(r1: String = "{ kind: router, interfaces: { eth0: 10.0.1.1/24, eth0.10: 10.0.10.1/24 } }",
                       trunk: String = "{ trunk: [10] }", link: String = "r1:eth0") -> String {
        """
        name: t
        nodes:
          sw1: { kind: switch, ports: { p1: { vlan: 10 }, p2: \(trunk) } }
          alice: { kind: host, ip: 10.0.10.10/24 }
          r1: \(r1)
        links:
          - endpoints: [alice:eth0, sw1:p1]
          - endpoints: [\(link), sw1:p2]
        """
    }

    @Test func aSubinterfaceHasItsParentsMACAndComesAfterIt() throws {
        let topology = try TopologyLoader.parse(
            yaml: stick(r1: "{ kind: router, interfaces: { eth0.10: 10.0.10.1/24, eth0: 10.0.1.1/24 } }"), file: "lab.yaml")
        let r1 = try #require(topology.node(named: "r1"))
        #expect(r1.interfaces.map(\.name) == ["eth0", "eth0.10"])
        #expect(r1.interfaces[1].macAddress == r1.interfaces[0].macAddress)
        #expect(r1.interfaces[1].subinterface?.vlan == 10)
        #expect(try LabConfig.parse(LabConfig.text(for: topology), file: "lab.conf") == topology)
    }

    @Test func theExampleLabLoads() throws {
        var parts = #filePath.split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast(3)
        let topology = try TopologyLoader.load(path: parts.joined(separator: "/") + "/Config/vlan.yaml")
        #expect(topology.node(named: "r1")?.interfaces.count == 3)
    }

    @Test func badSubinterfacesNameTheField() {
        func problems(_ yaml: String) -> [String] {
            do { _ = try TopologyLoader.parse(yaml: yaml, file: "lab.yaml"); return [] } catch { return error.issues.map(\.description) }
        }
        #expect(problems(stick(r1: "{ kind: router, interfaces: { eth0: 10.0.1.1/24, eth1.10: 10.0.10.1/24 } }")).contains(
            "lab.yaml: node 'r1': field 'interfaces.eth1.10': no interface 'eth1' on this node to carry VLAN 10; give it one (its own address is the untagged network)"))
        #expect(problems(stick(trunk: "{ trunk: [20] }")) == [
            "lab.yaml: link 2: field 'endpoints': r1:eth0.10 is VLAN 10, which trunk sw1:p2 does not carry",
        ])
        #expect(problems(stick(trunk: "{ vlan: 10 }")).first ==
            "lab.yaml: link 2: field 'endpoints': r1:eth0 has VLAN subinterfaces (tagged frames) but sw1:p2 is an access port; give it 'trunk: [...]'")
        #expect(problems(stick(link: "r1:eth0.10")).contains(
            "lab.yaml: link 2: field 'endpoints[0]': r1:eth0.10 is a VLAN subinterface: it rides on its parent's link; cable r1:eth0"))
    }
}
