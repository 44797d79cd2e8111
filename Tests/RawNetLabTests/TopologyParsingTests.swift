import RawNetContracts
import RawNetLab
import RawNetLabModel
import RawNetWire
import Testing

/// The repository's `Config/` directory, found from this file's path.
private let configDirectory: String = {
    var parts = #filePath.split(separator: "/", omittingEmptySubsequences: false)
    parts.removeLast(3)  // Tests/RawNetDaemonTests/<file>
    return parts.joined(separator: "/") + "/Config"
}()

@Suite struct TopologyParsingTests {
    /// Found by fuzzing: a file nesting flow collections some 1,700 deep overflowed
    /// the YAML parser's stack. Such a file is now refused with a reason, before parsing.
    @Test func deeplyNestedFile_isRefusedNotParsed() throws {
        let deep = "name: deep\nnodes:\n  alice: { kind: host, gateway: " + String(repeating: "{", count: 5000)
            + String(repeating: "}", count: 5000) + " }\nlinks: []\n"
        #expect(throws: TopologyError.self) { _ = try TopologyLoader.parse(yaml: deep, file: "deep.yaml") }
        do {
            _ = try TopologyLoader.parse(yaml: deep, file: "deep.yaml")
        } catch {
            #expect(error.description.contains("more than 32 deep"), "\(error)")
        }
        let indented = "name: deep\nnodes:\n" + String(repeating: " ", count: 300) + "alice: {}\n"
        do {
            _ = try TopologyLoader.parse(yaml: indented, file: "deep.yaml")
            Issue.record("a line indented 300 columns was accepted")
        } catch {
            #expect(error.description.contains("indented more than 256 columns"), "\(error)")
        }
        // Brackets in quotes and comments do not count; a lab's own nesting passes.
        let quoted = "name: fine # " + String(repeating: "{", count: 100) + "\nnodes: {}\nlinks: []\n"
        #expect(TopologyLoader.nestingProblem(in: quoted) == nil)
        #expect(TopologyLoader.nestingProblem(in: TopologyLoader.defaultLabYAML) == nil)
    }

    @Test func defaultLab_parsesToTwoHostsAndARouter() throws {
        let lab = TopologyLoader.defaultLab()
        #expect(lab.name == "basic")
        #expect(lab.nodes.map(\.name) == ["alice", "bob", "r1"])
        let alice = try #require(lab.node(named: "alice"))
        #expect(alice.kind == .host)
        #expect(alice.interfaces.map(\.name) == ["eth0"])
        #expect(alice.interfaces[0].address == IPv4InterfaceAddress("10.0.1.10/24"))
        #expect(alice.gateway == IPv4Address("10.0.1.1"))
        let r1 = try #require(lab.node(named: "r1"))
        #expect(r1.kind == .router)
        #expect(r1.interfaces.map(\.name) == ["eth0", "eth1"])
        #expect(r1.interfaces[1].address == IPv4InterfaceAddress("10.0.2.1/24"))
        #expect(r1.interfaces[0].macAddress != r1.interfaces[1].macAddress)
        #expect(!r1.interfaces[0].macAddress.isMulticast)
        #expect(lab.links.count == 2)
        #expect(lab.links[1].a == LinkEndpoint(node: "r1", interface: "eth1"))
        #expect(lab.links[1].b == LinkEndpoint(node: "bob", interface: "eth0"))
        #expect(lab.links[1].impairmentAToB.isEmpty)
    }

    @Test func designExample_keepsImpairmentsAsTextForBothDirections() throws {
        let yaml = TopologyLoader.defaultLabYAML + "    impair: { loss: 5%, delay: 10ms }\n    queue: 50\n"
        let lab = try TopologyLoader.parse(yaml: yaml, file: "basic.yaml")
        #expect(lab.links[1].impairmentAToB == ["loss": "5%", "delay": "10ms"])
        #expect(lab.links[1].impairmentBToA == ["loss": "5%", "delay": "10ms"])
        #expect(lab.links[1].queueLimit == 50)
        #expect(lab.links[0].queueLimit == nil)
        let bobEnd = LinkEndpoint(node: "bob", interface: "eth0")
        #expect(lab.link(attachedTo: bobEnd)?.isEndA == false)
    }

    @Test func perDirectionImpairment_isKeptApart() throws {
        let yaml = TopologyLoader.defaultLabYAML
            + "    impair: { a_to_b: { delay: 20ms }, b_to_a: { loss: 10%, seed: 7 } }\n"
        let lab = try TopologyLoader.parse(yaml: yaml, file: "dir.yaml")
        let link = lab.links[1]
        #expect(link.impairmentAToB == ["delay": "20ms"])
        #expect(link.impairmentBToA == ["loss": "10%", "seed": "7"])
        #expect(link.impairment(leaving: link.b) == ["loss": "10%", "seed": "7"])
    }

    @Test func hostWithInterfacesAndRoutes_isAccepted() throws {
        let yaml = """
            name: multi
            nodes:
              h: { kind: host, interfaces: { eth0: 10.0.1.10/24, eth1: 10.0.2.10/24 },
                   gateway: 10.0.1.1, routes: [ { to: 10.9.0.0/16, via: 10.0.2.1 } ] }
              r: { kind: router, interfaces: { eth0: 10.0.1.1/24, eth1: 10.0.2.1/24 } }
            links:
              - endpoints: [h:eth0, r:eth0]
              - endpoints: [h:eth1, r:eth1]
            """
        let lab = try TopologyLoader.parse(yaml: yaml, file: "multi.yaml")
        let host = try #require(lab.node(named: "h"))
        #expect(host.interfaces.count == 2)
        #expect(host.routes == [StaticRoute(destination: IPv4Prefix("10.9.0.0/16")!, nextHop: IPv4Address("10.0.2.1")!)])
    }

    @Test(arguments: ["default.yaml", "chain.yaml", "asymmetric.yaml", "demo.yaml", "linux.yaml"])
    func shippedExamples_validate(file: String) throws {
        let path = configDirectory + "/" + file
        let lab = try TopologyLoader.load(path: path)
        #expect(!lab.nodes.isEmpty)
        #expect(!lab.links.isEmpty)
        // Every interface of every shipped lab is cabled.
        for node in lab.nodes {
            for interface in node.interfaces {
                #expect(lab.link(attachedTo: LinkEndpoint(node: node.name, interface: interface.name)) != nil,
                        "\(node.name):\(interface.name) has no link")
            }
        }
        try SocketPaths(runDirectory: "/tmp/rawnet-1000/\(lab.name)").check(lab, file: path)
    }

    @Test func shippedDefault_equalsBuiltIn() throws {
        let lab = try TopologyLoader.load(path: configDirectory + "/default.yaml")
        #expect(lab == TopologyLoader.defaultLab())
    }

    @Test func chain_hasThreeRoutersWithStaticRoutes() throws {
        let lab = try TopologyLoader.load(path: configDirectory + "/chain.yaml")
        let routers = lab.nodes.filter { $0.kind == .router }
        #expect(routers.count == 3)
        #expect(routers.allSatisfy { !$0.routes.isEmpty })
        let r1 = try #require(lab.node(named: "r1"))
        #expect(r1.routes.first?.destination == IPv4Prefix(network: .any, length: 0))
    }

    @Test func missingFile_isAnIssueNamingTheFile() {
        #expect {
            _ = try TopologyLoader.load(path: "/nonexistent/lab.yaml")
        } throws: { error in
            "\(error)".hasPrefix("/nonexistent/lab.yaml: lab: cannot read the file")
        }
    }

    @Test func socketPaths_followTheRunDirectoryLayout() {
        let paths = SocketPaths(runDirectory: "/run/user/1000/rawnet/basic/")
        #expect(paths.link(node: "r1", interface: "eth0") == "/run/user/1000/rawnet/basic/r1.eth0")
        #expect(paths.control(node: "r1") == "/run/user/1000/rawnet/basic/r1.ctl")
        #expect(paths.appAPI(node: "alice") == "/run/user/1000/rawnet/basic/alice.api")
        #expect(paths.topologyFile == "/run/user/1000/rawnet/basic/lab.yaml")
    }
}
