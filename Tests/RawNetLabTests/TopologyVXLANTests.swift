import Foundation
import RawNetContracts
import RawNetCore
import RawNetLab
import RawNetLabModel
import RawNetWire
import Testing

private func problems(_ yaml: String, part: String? = nil) -> [String] {
    do {
        _ = try TopologyLoader.parse(yaml: yaml, file: "lab.yaml", part: part)
        return []
    } catch {
        return error.issues.map(\.description)
    }
}

/// The default lab, split: alice and r1 on m1, bob on m2; each end of r1–bob impaired.
let splitLabYAML = TopologyLoader.defaultLabYAML(named: "split")
    .replacingOccurrences(of: "[r1:eth1, bob:eth0]\n",
                          with: "[r1:eth1, bob:eth0]\n    impair: { a_to_b: { loss: 1% }, b_to_a: { delay: 5ms } }\n")
    + """
    machines:
      m1: { address: 10.250.0.1, nodes: [alice, r1] }
      m2: { address: 10.250.0.2, nodes: [bob] }

    """

@Suite struct TopologyVXLANTests {
    let oneEnd = """
        name: t
        nodes:
          alice: { kind: host, ip: 10.0.2.10/24 }
        links:
          - endpoints: [alice:eth0, { vxlan: { remote: 10.250.1.2, vni: 77, local: 10.250.1.1 } }]

        """

    @Test func a_vxlan_end_becomes_a_tunnel_link_with_mtu_1450_and_port_4789() throws {
        let topology = try TopologyLoader.parse(yaml: oneEnd, file: "lab.yaml")
        let link = try #require(topology.links.first)
        #expect(link.tunnel == VXLANTunnel(local: IPv4Address(10, 250, 1, 1), remote: IPv4Address(10, 250, 1, 2), vni: 77, port: 4789))
        #expect(link.a == LinkEndpoint(node: "alice", interface: "eth0"))
        #expect(link.name == "alice:eth0-vxlan:77")
        #expect(link.mtu == 1450)
        #expect(topology.node(named: "alice")?.interfaces.first?.mtu == 1450)
    }

    @Test func lab_conf_keeps_the_tunnel_exactly() throws {
        let topology = try TopologyLoader.parse(yaml: oneEnd.replacingOccurrences(of: "local: 10.250.1.1", with: "local: 10.250.1.1, port: 8472"),
                                                file: "lab.yaml")
        let text = LabConfig.text(for: topology)
        #expect(text.contains("link a=alice:eth0 b=vxlan:77 mtu=1450 vxlan_local=10.250.1.1 vxlan_remote=10.250.1.2 vxlan_vni=77 vxlan_port=8472"))
        #expect(try LabConfig.parse(text, file: "lab.conf") == topology)
        #expect(throws: LabConfigError.self) {
            _ = try LabConfig.parse(text.replacingOccurrences(of: " vxlan_port=8472", with: ""), file: "lab.conf")
        }
    }

    @Test func bad_tunnel_fields_are_named() {
        func tunnel(_ body: String) -> [String] {
            problems(oneEnd.replacingOccurrences(of: "remote: 10.250.1.2, vni: 77, local: 10.250.1.1", with: body))
        }
        #expect(tunnel("remote: 10.250.1.2, vni: 77") == ["lab.yaml: link 1: field 'endpoints[1].vxlan.local': missing field"])
        #expect(tunnel("remote: 10.250.1.2, vni: 16777216, local: 10.250.1.1")
                    == ["lab.yaml: link 1: field 'endpoints[1].vxlan.vni': bad VNI '16777216' (expected a whole number, 0 to 16777215)"])
        #expect(tunnel("remote: 224.0.0.1, vni: 7, local: 10.250.1.1")
                    == ["lab.yaml: link 1: field 'endpoints[1].vxlan.remote': bad address '224.0.0.1' (expected a unicast A.B.C.D)"])
        #expect(tunnel("remote: 10.250.1.2, vni: 7, local: 10.250.1.1, port: 0")
                    == ["lab.yaml: link 1: field 'endpoints[1].vxlan.port': bad port '0' (expected 1 to 65535)"])
        #expect(tunnel("remote: 10.250.1.2, vni: 7, local: 10.250.1.1, ttl: 3").first?.contains("'endpoints[1].vxlan.ttl': unknown field") == true)
        #expect(problems(oneEnd.replacingOccurrences(of: "[alice:eth0, { vxlan", with: "[{ vxlan").replacingOccurrences(of: "1.1 } }]", with: "1.1 } }, alice:eth0]"))
                    .contains("lab.yaml: link 1: field 'endpoints[0]': a remote (vxlan) end goes second: [node:interface, { vxlan: { ... } }]"))
    }

    @Test func two_tunnels_on_one_local_socket_are_refused() {
        let yaml = """
            name: t
            nodes:
              r: { kind: router, interfaces: { eth0: 10.0.1.1/24, eth1: 10.0.2.1/24 } }
            links:
              - endpoints: [r:eth0, { vxlan: { remote: 10.250.1.2, vni: 1, local: 10.250.1.1 } }]
              - endpoints: [r:eth1, { vxlan: { remote: 10.250.1.3, vni: 2, local: 10.250.1.1 } }]

            """
        #expect(problems(yaml) == ["lab.yaml: link 2: field 'endpoints[1].vxlan.port': 10.250.1.1:4789 is already the local end of link 1's tunnel: give each VXLAN link its own local address or port"])
    }

    @Test func each_part_runs_its_nodes_and_both_derive_the_same_tunnel() throws {
        let m1 = try TopologyLoader.parse(yaml: splitLabYAML, file: "lab.yaml", part: "m1")
        let m2 = try TopologyLoader.parse(yaml: splitLabYAML, file: "lab.yaml", part: "m2")
        #expect(m1.nodes.map(\.name) == ["alice", "r1"])
        #expect(m2.nodes.map(\.name) == ["bob"])
        let here = try #require(m1.links.last?.tunnel), there = try #require(m2.links.first?.tunnel)
        #expect(m1.links.count == 2 && m2.links.count == 1)
        #expect(here == VXLANTunnel(local: IPv4Address(10, 250, 0, 1), remote: IPv4Address(10, 250, 0, 2), vni: 2, port: 4789))
        #expect(there == VXLANTunnel(local: IPv4Address(10, 250, 0, 2), remote: IPv4Address(10, 250, 0, 1), vni: 2, port: 4789))
        // Each end keeps its own egress impairment; the local end is always `a`.
        #expect(m1.links[1].a.description == "r1:eth1" && m1.links[1].impairmentAToB == ["loss": "1%"])
        #expect(m2.links[0].a.description == "bob:eth0" && m2.links[0].impairmentAToB == ["delay": "5ms"])
        #expect(m2.links[0].b.description == "r1:eth1" && m2.links[0].impairmentBToA.isEmpty)
        #expect(m1.links[1].mtu == 1450 && m2.links[0].mtu == 1450 && m1.links[0].mtu == 1500)
        // Without --part the whole lab runs on one machine.
        #expect(try TopologyLoader.parse(yaml: splitLabYAML, file: "lab.yaml").links.allSatisfy { $0.tunnel == nil })
    }

    @Test func crossing_links_take_consecutive_ports_from_vxlan_port() throws {
        let yaml = splitLabYAML.replacingOccurrences(of: "name: split\n", with: "name: split\nvxlan_port: 8472\n")
            .replacingOccurrences(of: "nodes: [alice, r1]", with: "nodes: [r1]")
            .replacingOccurrences(of: "nodes: [bob]", with: "nodes: [alice, bob]")
        let m2 = try TopologyLoader.parse(yaml: yaml, file: "lab.yaml", part: "m2")
        #expect(m2.links.map { $0.tunnel?.port } == [8472, 8473])
        #expect(m2.links.map { $0.tunnel?.vni } == [1, 2])
        #expect(m2.links.map(\.a.node) == ["alice", "bob"])
    }

    @Test func machines_are_checked_and_part_must_name_one() {
        #expect(problems(splitLabYAML, part: "m3") == ["lab.yaml: lab: field 'machines': no machine 'm3' (machines: m1, m2)"])
        #expect(problems(TopologyLoader.defaultLabYAML, part: "m1")
                    == ["lab.yaml: lab: field 'machines': --part m1 needs a 'machines' section saying which nodes run where"])
        #expect(problems(splitLabYAML.replacingOccurrences(of: "nodes: [bob]", with: "nodes: [bob, alice]"))
                    == ["lab.yaml: lab: field 'machines.m2.nodes[1]': node 'alice' is already on machine 'm1'"])
        #expect(problems(splitLabYAML.replacingOccurrences(of: "nodes: [bob]", with: "nodes: [carol]"))
                    == ["lab.yaml: lab: field 'machines.m2.nodes[0]': unknown node 'carol'",
                        "lab.yaml: node 'bob': on no machine: list it under one machine's 'nodes' in 'machines'"])
        #expect(problems(splitLabYAML.replacingOccurrences(of: "10.250.0.2", with: "10.250.0.1"))
                    == ["lab.yaml: lab: field 'machines.m2.address': 10.250.0.1 is already machine 'm1''s address"])
    }

    @Test func impairing_reaches_only_the_local_end_of_a_tunnel() throws {
        let m1 = try TopologyLoader.parse(yaml: splitLabYAML, file: "lab.yaml", part: "m1")
        #expect(try m1.impairDirections(target: "r1-bob", direction: nil).map(\.description) == ["r1:eth1 → bob:eth0"])
        #expect(try m1.impairDirections(target: "r1:eth1", direction: nil).map(\.description) == ["r1:eth1 → bob:eth0"])
        #expect(throws: ImpairTargetError.self) { _ = try m1.impairDirections(target: "r1:eth1", direction: .in) }
        #expect(try m1.impairDirections(target: "bob-r1", direction: nil).map(\.description) == ["r1:eth1 → bob:eth0"])
        #expect(throws: ImpairTargetError.self) { _ = try m1.impairDirections(target: "bob-r1", direction: .out) }
        #expect(m1.linkDirections.map(\.description) == ["alice:eth0 → r1:eth0", "r1:eth0 → alice:eth0", "r1:eth1 → bob:eth0"])
    }

    @Test func a_part_knows_the_other_parts_nodes_by_name_and_address() throws {
        let m1 = try TopologyLoader.parse(yaml: splitLabYAML, file: "lab.yaml", part: "m1")
        let m2 = try TopologyLoader.parse(yaml: splitLabYAML, file: "lab.yaml", part: "m2")
        #expect(m1.remoteNodes.map(\.name) == ["bob"])
        #expect(m2.remoteNodes.map(\.name) == ["alice", "r1"])
        let bob = try #require(m1.remoteNode(named: "bob"))
        #expect(bob.kind == .host && bob.part == "m2" && bob.underlay == IPv4Address(10, 250, 0, 2))
        #expect(bob.interfaces.map { "\($0.name) \($0.address)" } == ["eth0 10.0.2.20/24"])
        #expect(try m1.resolveAddress("bob") == IPv4Address(10, 0, 2, 20))
        #expect(try m2.resolveAddress("alice") == IPv4Address(10, 0, 1, 10))
        #expect(try m2.resolveAddress("r1") == IPv4Address(10, 0, 1, 1))
        #expect(m1.remoteEndName(LinkEndpoint(node: "bob", interface: "eth0")) == "bob:eth0 (remote, part m2, 10.250.0.2)")
        #expect(m2.remoteEndName(LinkEndpoint(node: "r1", interface: "eth1")) == "r1:eth1 (remote, part m1, 10.250.0.1)")
        #expect(m1.remoteEndName(LinkEndpoint(node: "alice", interface: "eth0")) == nil, "alice runs here")
        do {
            _ = try m1.resolveAddress("carol")
            Issue.record("an unknown name resolved")
        } catch {
            #expect(error.description.contains("nodes: alice, r1, bob (part m2)"), "\(error)")
        }
        // lab.conf carries them, one record per interface, and reads back exactly.
        let text = LabConfig.text(for: m2)
        #expect(text.contains("remote node=r1 kind=router part=m1 underlay=10.250.0.1 interface=eth1 address=10.0.2.1/24 mac="))
        #expect(try LabConfig.parse(text, file: "lab.conf") == m2)
        #expect(throws: LabConfigError.self) {
            _ = try LabConfig.parse(text + "remote node=bob kind=host part=m1 underlay=10.250.0.1\n", file: "lab.conf")
        }
        // A switch in the other part: its ports are named, without address or VLANs, and read back exactly.
        let lan = """
            name: lan
            nodes:
              alice: { kind: host, ip: 10.0.1.10/24 }
              sw1:   { kind: switch, ports: { p1: { vlan: 10 }, p2: { vlan: 10 } } }
            links:
              - endpoints: [alice:eth0, sw1:p1]
            machines:
              m1: { address: 10.250.0.1, nodes: [alice] }
              m2: { address: 10.250.0.2, nodes: [sw1] }

            """
        let withSwitch = try TopologyLoader.parse(yaml: lan, file: "lab.yaml", part: "m1")
        #expect(withSwitch.remoteNode(named: "sw1")?.interfaces.map(\.name) == ["p1", "p2"])
        #expect(try LabConfig.parse(LabConfig.text(for: withSwitch), file: "lab.conf") == withSwitch)
        // The whole lab on one machine has no remote nodes.
        #expect(try TopologyLoader.parse(yaml: splitLabYAML, file: "lab.yaml").remoteNodes.isEmpty)
    }

    @Test func keepalive_interval_and_misses_come_from_the_file_and_survive_lab_conf() throws {
        let m1 = try TopologyLoader.parse(yaml: splitLabYAML, file: "lab.yaml", part: "m1")
        #expect(m1.links[1].tunnel?.keepalive == .seconds(1) && m1.links[1].tunnel?.misses == 3, "1 s and 3 unless the file says")
        let tuned = splitLabYAML.replacingOccurrences(of: "name: split\n", with: "name: split\nvxlan_keepalive: 250ms\nvxlan_misses: 4\n")
        let part = try TopologyLoader.parse(yaml: tuned, file: "lab.yaml", part: "m2")
        #expect(part.links[0].tunnel?.keepalive == .milliseconds(250) && part.links[0].tunnel?.misses == 4)
        #expect(LabConfig.text(for: part).contains("vxlan_keepalive=250ms vxlan_misses=4"))
        #expect(try LabConfig.parse(LabConfig.text(for: part), file: "lab.conf") == part)

        let off = try TopologyLoader.parse(yaml: oneEnd.replacingOccurrences(of: "local: 10.250.1.1", with: "local: 10.250.1.1, keepalive: off, misses: 9"),
                                           file: "lab.yaml")
        #expect(off.links[0].tunnel?.keepalive == nil && off.links[0].tunnel?.misses == 9)
        #expect(LabConfig.text(for: off).contains("vxlan_keepalive=off vxlan_misses=9"))
        #expect(try LabConfig.parse(LabConfig.text(for: off), file: "lab.conf") == off)

        #expect(problems(oneEnd.replacingOccurrences(of: "local: 10.250.1.1", with: "local: 10.250.1.1, keepalive: 1ms"))
                    == ["lab.yaml: link 1: field 'endpoints[1].vxlan.keepalive': bad keepalive '1ms' (expected off or a duration from 10ms to 1h, e.g. 1s)"])
        #expect(problems(splitLabYAML.replacingOccurrences(of: "name: split\n", with: "name: split\nvxlan_misses: 0\n"))
                    == ["lab.yaml: lab: field 'vxlan_misses': bad misses '0' (expected a whole number, 1 to 1000)"])
    }

    @Test func a_linux_node_may_end_a_link_to_another_machine() throws {
        let yaml = splitLabYAML.replacingOccurrences(of: "alice:  { kind: host,   ip: 10.0.1.10/24, gateway: 10.0.1.1 }",
                                                     with: "alice:  { kind: linux,  ip: 10.0.1.10/24, gateway: 10.0.1.1 }")
            .replacingOccurrences(of: "nodes: [alice, r1]", with: "nodes: [r1]")
            .replacingOccurrences(of: "nodes: [bob]", with: "nodes: [alice, bob]")
        let m2 = try TopologyLoader.parse(yaml: yaml, file: "lab.yaml", part: "m2")
        let link = try #require(m2.links.first { $0.a.node == "alice" })
        #expect(m2.node(named: "alice")?.kind == .linux)
        #expect(link.tunnel?.local == IPv4Address(10, 250, 0, 2) && link.tunnel?.vni == 1)
    }
}
