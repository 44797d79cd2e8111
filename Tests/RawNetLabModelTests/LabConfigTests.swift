@testable import RawNetLabModel
import RawNetContracts
import RawNetLab
import RawNetWire
import Testing

private let configDirectory: String = {
    var parts = #filePath.split(separator: "/", omittingEmptySubsequences: false)
    parts.removeLast(3)
    return parts.joined(separator: "/") + "/Config"
}()

/// A lab with every kind of record: routes (one default), a gateway, an
/// uncabled interface, a queue limit, impairments in both directions and datagram links.
private let fullLabYAML = """
    name: full
    link_socket: datagram
    nodes:
      alice: { kind: host, ip: 10.0.1.10/24, gateway: 10.0.1.1 }
      bob:   { kind: host, ip: 10.0.2.20/24, gateway: 10.0.2.1, tcp_mem: 48MB }
      r1:    { kind: router, interfaces: { eth0: 10.0.1.1/24, eth1: 10.0.2.1/24, spare: 10.0.9.1/24 },
               routes: [ { to: default, via: 10.0.2.20 }, { to: 10.7.0.0/16, via: 10.0.1.10 } ], rp_filter: strict }
    links:
      - endpoints: [alice:eth0, r1:eth0]
        impair: { a_to_b: { delay: 20ms, loss: "5%" }, b_to_a: { corrupt: 1%, seed: 7 } }
        queue: 32
      - endpoints: [r1:eth1, bob:eth0]
        impair: { loss: 1% }

    """

@Suite struct LabConfigTests {
    @Test(arguments: ["default.yaml", "chain.yaml", "asymmetric.yaml", "demo.yaml", "rip.yaml"])
    func text_readsBackAsTheSameTopology(file: String) throws {
        let lab = try TopologyLoader.load(path: configDirectory + "/" + file)
        let again = try LabConfig.parse(LabConfig.text(for: lab), file: "lab.conf")
        #expect(again == lab)
    }

    @Test func text_keepsRoutesQueuesImpairmentsAndMACs() throws {
        let lab = try TopologyLoader.parse(yaml: fullLabYAML, file: "full.yaml")
        let text = LabConfig.text(for: lab)
        let again = try LabConfig.parse(text, file: "lab.conf")
        #expect(again == lab)
        #expect(again.node(named: "r1")?.routes.map(\.destination.description) == ["0.0.0.0/0", "10.7.0.0/16"])
        #expect(again.node(named: "r1")?.interface(named: "spare") != nil)
        #expect(again.links[0].impairmentAToB == ["delay": "20ms", "loss": "5%"])
        #expect(again.links[0].impairmentBToA == ["corrupt": "1%", "seed": "7"])
        #expect(again.links[0].queueLimit == 32)
        #expect(again.links[1].impairmentAToB == again.links[1].impairmentBToA)
        #expect(again.linkSocket == .datagram)
        #expect(again.node(named: "r1")?.reversePathFilter == .strict)
        #expect(again.node(named: "alice")?.reversePathFilter == .off)
        let lines = text.split(separator: "\n")
        #expect(lines.contains("node name=r1 kind=router rp_filter=strict"))
        #expect(lines.contains("node name=alice kind=host gateway=10.0.1.1"), "off is the default and not written")
        #expect(lines.contains("lab name=full link_socket=datagram"))
        #expect(lines.contains("node name=bob kind=host gateway=10.0.2.1 tcp_mem=50331648"))
        #expect(again.node(named: "bob")?.tcpMemory == 48 * 1024 * 1024)
        #expect(again.node(named: "alice")?.tcpMemory == nil, "no tcp_mem: the default, not written")
        #expect(lines.contains("link a=alice:eth0 b=r1:eth0 queue=32"))
        #expect(lines.contains("impair from=r1:eth0 option=corrupt value=1%"))
        #expect(lines.contains("route node=r1 to=0.0.0.0/0 via=10.0.2.20"))
        let mac = TopologyInterface.defaultMACAddress(node: "alice", interface: "eth0")
        #expect(lines.contains("interface node=alice name=eth0 address=10.0.1.10/24 mac=\(mac)"))
    }

    /// A daemon reads only its node's part of `lab.conf`: its own records, the links
    /// it is on with its own egress impairments, and the nodes at their other ends.
    @Test(arguments: ["alice", "bob", "r1"])
    func nodeSlice_holdsTheNodeItsLinksAndItsNeighbours(name: String) throws {
        let lab = try TopologyLoader.parse(yaml: fullLabYAML, file: "full.yaml")
        let slice = try LabConfig.parse(LabConfig.text(for: lab), file: "lab.conf", onlyFor: name)
        #expect(slice.name == lab.name && slice.linkSocket == lab.linkSocket)
        #expect(slice.node(named: name) == lab.node(named: name), "routes, interfaces, MTUs and options intact")
        let own = lab.links.filter { $0.a.node == name || $0.b.node == name }
        #expect(slice.links.map(\.a) == own.map(\.a) && slice.links.map(\.b) == own.map(\.b))
        #expect(slice.links.map(\.queueLimit) == own.map(\.queueLimit))
        let neighbours = Set(own.flatMap { [$0.a.node, $0.b.node] })
        #expect(Set(slice.nodes.map(\.name)) == neighbours.union([name]))
        for neighbour in neighbours { #expect(slice.node(named: neighbour)?.interfaces == lab.node(named: neighbour)?.interfaces) }
        for link in own {
            let end = link.a.node == name ? link.a : link.b
            #expect(slice.link(attachedTo: end)?.link.impairment(leaving: end) == link.impairment(leaving: end))
        }
    }

    @Test func nodeSlice_ofABigLab_isSmallAndStillRefusesItsOwnBrokenLines() throws {
        var yaml = "name: big\nnodes:\n"
        for index in 1...200 { yaml += "  h\(index): { kind: host, ip: 10.\(index / 200).\(index % 200).10/24 }\n" }
        yaml += "  r1: { kind: router, interfaces: { eth0: 10.0.1.1/24, eth1: 10.0.2.1/24 } }\n"
        yaml += "links:\n  - endpoints: [h1:eth0, r1:eth0]\n  - endpoints: [h2:eth0, r1:eth1]\n"
        let text = LabConfig.text(for: try TopologyLoader.parse(yaml: yaml, file: "big.yaml"))
        #expect(try LabConfig.parse(text, file: "lab.conf", onlyFor: "h1").nodes.map(\.name) == ["h1", "r1"])
        #expect(try LabConfig.parse(text, file: "lab.conf", onlyFor: "r1").nodes.map(\.name) == ["h1", "h2", "r1"])
        #expect(try LabConfig.parse(text, file: "lab.conf", onlyFor: "h150").nodes.map(\.name) == ["h150"])
        let broken = Self.nodes + "route node=a to=10.9.0.0/40 via=10.0.1.2\n"
        #expect(throws: LabConfigError.self) { try LabConfig.parse(broken, file: "lab.conf", onlyFor: "a") }
        #expect(try LabConfig.parse(broken, file: "lab.conf", onlyFor: "r").nodes.map(\.name) == ["r"],
                "another node's line is not this daemon's to read")
        do { _ = try LabConfig.parse(broken, file: "lab.conf", onlyFor: "a") } catch {
            #expect("\(error)".hasPrefix("lab.conf line 7: bad prefix"), "the line number is the file's")
        }
        #expect(throws: LabConfigError.self) { try LabConfig.parse("lab name=t\n", file: "lab.conf", onlyFor: "a") }
    }

    @Test func values_escapeSpacesBackslashesAndLineBreaks() {
        let tricky = "a b\\c\td\ne\r\nf=g"
        let written = LabConfig.escaped(tricky)
        #expect(!written.contains(" ") && !written.contains("\n") && !written.contains("\t"))
        #expect(LabConfigRecord.unescaped(written[...]) == tricky)
        #expect(LabConfigRecord.unescaped("trailing\\"[...]) == nil)
        #expect(LabConfigRecord.unescaped("\\q"[...]) == nil)
    }

    @Test func commentsBlankLinesAndCRLF_areAccepted() throws {
        let lab = TopologyLoader.defaultLab()
        let text = "# first\n\n" + LabConfig.text(for: lab).replacing("\n", with: "\r\n") + "\n# end\n"
        #expect(try LabConfig.parse(text, file: "lab.conf") == lab)
    }

    private static let head = "rawnet-lab-config 1\nlab name=t\n"
    private static let nodes = head + "node name=a kind=host\ninterface node=a name=eth0 address=10.0.1.1/24 mac=02:00:00:00:00:01\n"
        + "node name=r kind=router\ninterface node=r name=eth0 address=10.0.1.2/24 mac=02:00:00:00:00:02\n"

    @Test(arguments: [
        ("", "lab.conf: the file is empty"),
        ("lab name=t\n", "lab.conf line 1: expected 'rawnet-lab-config 1' as the first line"),
        ("rawnet-lab-config 2\n", "lab.conf line 1: expected 'rawnet-lab-config 1'"),
        ("rawnet-lab-config 1\n", "lab.conf: no 'lab' record names the lab"),
        ("rawnet-lab-config 1\nnode name=a kind=host\n", "lab.conf line 2: 'node' before the 'lab' record"),
        (head + "lab name=u\n", "lab.conf line 3: a second 'lab' record"),
        ("rawnet-lab-config 1\nlab name=t link_socket=stream\n",
         "lab.conf line 2: unknown link_socket 'stream' (expected seqpacket or datagram)"),
        (head + "switch name=s\n", "lab.conf line 3: unknown record 'switch' (expected lab, node, interface, route, rip, stp, link, impair, service or remote)"),
        (head + "node name=a\n", "lab.conf line 3: 'node' needs 'kind=…'"),
        (head + "node name=a kind=hub\n", "lab.conf line 3: unknown kind 'hub' (expected host, router, linux or switch)"),
        (head + "node name=s kind=switch\ninterface node=s name=p1 mac=02:00:00:00:00:01 vlan=4095\n",
         "lab.conf line 4: bad VLAN id '4095' in 'vlan' (expected 1-4094)"),
        (head + "node name=s kind=switch\ninterface node=s name=p1 mac=02:00:00:00:00:01 vlan=2 trunk=3\n",
         "lab.conf line 4: a port has either 'vlan' or 'trunk', not both"),
        (head + "node name=a/b kind=host\n", "lab.conf line 3: bad name 'a/b' in 'name'"),
        (head + "node name=r kind=router\nstp node=r priority=0 hello=1s max_age=3s forward_delay=2s\n",
         "lab.conf line 4: 'stp' for r, which is not a switch or has a spanning tree already"),
        (head + "node name=s kind=switch\nstp node=s priority=0 hello=1s max_age=2s forward_delay=2s\n",
         "lab.conf line 4: stp max_age must be longer than twice the hello time (2s), not 2s"),
        (head + "node name=s kind=switch\nstp node=s priority=0 hello=soon max_age=2s forward_delay=2s\n",
         "lab.conf line 4: bad duration 'soon' in 'hello'"),
        (head + "node name=a kind=host colour=red\n", "lab.conf line 3: unknown field 'colour' in 'node'"),
        (head + "node name=a kind=host kind=router\n", "lab.conf line 3: 'kind' given twice"),
        (head + "node name=a kind=host gateway\n", "lab.conf line 3: expected key=value, found 'gateway'"),
        (head + "node name=a kind=host gateway=10.0.1.300\n", "lab.conf line 3: bad address '10.0.1.300' in 'gateway'"),
        (head + "node name=a kind=host\nnode name=a kind=router\n", "lab.conf line 4: node 'a' appears twice"),
        (head + "interface node=x name=eth0 address=10.0.1.1/24 mac=02:00:00:00:00:01\n",
         "lab.conf line 3: unknown node 'x'"),
        (nodes + "interface node=a name=eth1 address=10.0.1.1/33 mac=02:00:00:00:00:01\n",
         "lab.conf line 7: bad address '10.0.1.1/33' in 'address'"),
        (nodes + "interface node=a name=eth1 address=10.0.1.1/24 mac=02:00:00\n", "lab.conf line 7: bad MAC address '02:00:00'"),
        (nodes + "route node=a to=10.9.0.0/40 via=10.0.1.2\n", "lab.conf line 7: bad prefix '10.9.0.0/40' in 'to'"),
        (nodes + "link a=a:eth0 b=r:eth9\n", "lab.conf line 7: unknown interface 'eth9' on node 'r' in 'b'"),
        (nodes + "link a=a:eth0 b=a:eth0\n", "lab.conf line 7: a link cannot join a:eth0 to itself"),
        (nodes + "link a=a-eth0 b=r:eth0\n", "lab.conf line 7: bad endpoint 'a-eth0' in 'a'"),
        (nodes + "link a=a:eth0 b=r:eth0 queue=0\n", "lab.conf line 7: bad queue limit '0'"),
        (nodes + "link a=a:eth0 b=r:eth0\nlink a=r:eth0 b=a:eth0\n", "lab.conf line 8: interface r:eth0 is on two links"),
        (nodes + "impair from=a:eth0 option=loss value=5%\n", "lab.conf line 7: 'from' names a:eth0, which no earlier link joins"),
        (nodes + "link a=a:eth0 b=r:eth0\nimpair from=a:eth0 option=wobble value=5%\n",
         "lab.conf line 8: impairment on a:eth0: "),
        (nodes + "link a=a:eth0 b=r:eth0\nimpair from=a:eth0 option=loss value=lots\n",
         "lab.conf line 8: impairment on a:eth0: "),
        (nodes + "link a=a:eth0 b=r:eth0\nimpair from=r:eth0 option=loss value=1%\nimpair from=r:eth0 option=loss value=2%\n",
         "lab.conf line 9: impairment option 'loss' set twice on r:eth0"),
        (head + "node name=a\\x kind=host\n", "lab.conf line 3: bad escape in the value of 'name'"),
    ])
    func badInput_isRefusedNamingTheLine(text: String, expected: String) {
        do {
            let topology = try LabConfig.parse(text, file: "lab.conf")
            Issue.record("accepted: \(topology)")
        } catch {
            #expect("\(error)".hasPrefix(expected), "\(error)")
        }
    }

    @Test func garbage_neverTraps() {
        var generator = SystemRandomNumberGenerator()
        let valid = Array(LabConfig.text(for: TopologyLoader.defaultLab()).utf8)
        for _ in 0..<300 {
            var bytes = valid
            for _ in 0..<4 {
                bytes[Int.random(in: 0..<bytes.count, using: &generator)] = UInt8.random(in: 0...255, using: &generator)
            }
            _ = try? LabConfig.parse(String(decoding: bytes, as: UTF8.self), file: "fuzz")
        }
    }

    @Test func load_missingFile_saysSo() {
        #expect(throws: LabConfigError.self) { try LabConfig.load(path: "/nonexistent/lab.conf") }
        do { _ = try LabConfig.load(path: "/nonexistent/lab.conf") } catch {
            #expect("\(error)".hasPrefix("/nonexistent/lab.conf: cannot read the file"), "\(error)")
        }
    }
}
