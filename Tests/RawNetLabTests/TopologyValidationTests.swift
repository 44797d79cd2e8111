import RawNetContracts
import RawNetCore
import RawNetLab
import RawNetLabModel
import Testing

/// The messages a topology produces, or an empty list if it is accepted.
private func problems(_ yaml: String, file: String = "lab.yaml") -> [String] {
    do {
        _ = try TopologyLoader.parse(yaml: yaml, file: file)
        return []
    } catch {
        return error.issues.map(\.description)
    }
}

/// A two-host, one-router lab with one line swapped in for testing.
private func lab(alice: String = "{ kind: host, ip: 10.0.1.10/24, gateway: 10.0.1.1 }",
                 r1: String = "{ kind: router, interfaces: { eth0: 10.0.1.1/24, eth1: 10.0.2.1/24 } }",
                 links: String = "  - endpoints: [alice:eth0, r1:eth0]\n  - endpoints: [r1:eth1, bob:eth0]") -> String {
    """
    name: t
    nodes:
      alice: \(alice)
      bob: { kind: host, ip: 10.0.2.20/24, gateway: 10.0.2.1 }
      r1: \(r1)
    links:
    \(links)
    """
}

@Suite struct TopologyValidationTests {
    @Test func baseline_isAccepted() {
        #expect(problems(lab()) == [])
    }

    @Test func rpFilter_isARouterOptionOfThreeValues() throws {
        let strict = try TopologyLoader.parse(
            yaml: lab(r1: "{ kind: router, interfaces: { eth0: 10.0.1.1/24, eth1: 10.0.2.1/24 }, rp_filter: strict }"),
            file: "lab.yaml")
        #expect(strict.node(named: "r1")?.reversePathFilter == .strict)
        #expect(try TopologyLoader.parse(yaml: lab(), file: "lab.yaml").node(named: "r1")?.reversePathFilter == .off)
        #expect(problems(lab(r1: "{ kind: router, interfaces: { eth0: 10.0.1.1/24, eth1: 10.0.2.1/24 }, rp_filter: on }"))
                == ["lab.yaml: node 'r1': field 'rp_filter': unknown value 'on' (expected strict, loose or off)"])
        #expect(problems(lab(alice: "{ kind: host, ip: 10.0.1.10/24, gateway: 10.0.1.1, rp_filter: loose }"))
                == ["lab.yaml: node 'alice': field 'rp_filter': only a router filters by reverse path"])
    }

    @Test func tcpMem_isAHostsBudgetWithAUnit_withinLimits() throws {
        let big = try TopologyLoader.parse(yaml: lab(alice: "{ kind: host, ip: 10.0.1.10/24, gateway: 10.0.1.1, tcp_mem: 64MB }"),
                                           file: "lab.yaml")
        #expect(big.node(named: "alice")?.tcpMemory == 64 * 1024 * 1024)
        #expect(big.node(named: "bob")?.tcpMemory == nil)
        #expect(big.yamlText.contains("tcp_mem: 64MB"), "\(big.yamlText)")
        for (text, bytes) in [("2097152", 2 * 1024 * 1024), ("4096K", 4 * 1024 * 1024), ("1GiB", 1024 * 1024 * 1024), ("32 mb", 32 * 1024 * 1024)] {
            #expect(TCPMemoryLimit.bytes(text) == bytes, "\(text)")
        }
        #expect(problems(lab(alice: "{ kind: host, ip: 10.0.1.10/24, gateway: 10.0.1.1, tcp_mem: lots }"))
                == ["lab.yaml: node 'alice': field 'tcp_mem': bad size 'lots' (expected bytes, or a number with KB, MB or GB, e.g. 48MB)"])
        #expect(problems(lab(alice: "{ kind: host, ip: 10.0.1.10/24, gateway: 10.0.1.1, tcp_mem: 512KB }"))
                == ["lab.yaml: node 'alice': field 'tcp_mem': 512KB is out of range (1MB to 1024MB)"])
        #expect(problems(lab(alice: "{ kind: host, ip: 10.0.1.10/24, gateway: 10.0.1.1, tcp_mem: 99999999999G }"))
                == ["lab.yaml: node 'alice': field 'tcp_mem': bad size '99999999999G' (expected bytes, or a number with KB, MB or GB, e.g. 48MB)"])
        #expect(problems(lab(r1: "{ kind: router, interfaces: { eth0: 10.0.1.1/24, eth1: 10.0.2.1/24 }, tcp_mem: 48MB }"))
                == ["lab.yaml: node 'r1': field 'tcp_mem': only a RawNet host has a TCP memory budget"])
    }

    @Test func unknownNodeInLink() {
        let found = problems(lab(links: "  - endpoints: [alice:eth0, r1:eth0]\n  - endpoints: [r1:eth1, carol:eth0]"))
        #expect(found == ["lab.yaml: link 2: field 'endpoints[1]': unknown node 'carol'"])
        let mistyped = problems(lab(links: "  - endpoints: [alice:eth0, r1:eth0]\n  - endpoints: [r1:eth1, bobb:eth0]"))
        #expect(mistyped == ["lab.yaml: link 2: field 'endpoints[1]': unknown node 'bobb'; did you mean 'bob'?"])
    }

    @Test func unknownInterfaceInLink() {
        let found = problems(lab(links: "  - endpoints: [alice:eth1, r1:eth0]\n  - endpoints: [r1:eth1, bob:eth0]"))
        #expect(found == ["lab.yaml: link 1: field 'endpoints[0]': unknown interface 'eth1' on node 'alice' (it has: eth0)"])
    }

    @Test func interfaceUsedTwice() {
        let found = problems(lab(links: """
              - endpoints: [alice:eth0, r1:eth0]
              - endpoints: [r1:eth1, bob:eth0]
              - endpoints: [bob:eth0, r1:eth1]
            """))
        #expect(found == [
            "lab.yaml: link 3: field 'endpoints[0]': interface bob:eth0 is used twice: it is already on link 2",
            "lab.yaml: link 3: field 'endpoints[1]': interface r1:eth1 is used twice: it is already on link 2",
        ])
    }

    @Test func linkToItself() {
        let found = problems(lab(links: "  - endpoints: [alice:eth0, alice:eth0]\n  - endpoints: [r1:eth1, bob:eth0]"))
        #expect(found == ["lab.yaml: link 1: field 'endpoints': a link cannot join alice:eth0 to itself"])
    }

    @Test func duplicateAddress() {
        let found = problems(lab(r1: "{ kind: router, interfaces: { eth0: 10.0.1.10/24, eth1: 10.0.2.1/24 } }"))
        #expect(found.contains(
            "lab.yaml: node 'r1': field 'interfaces.eth0': duplicate address 10.0.1.10: already used by node 'alice' field 'ip'"))
    }

    @Test func gatewayOutsideSubnet() {
        let found = problems(lab(alice: "{ kind: host, ip: 10.0.1.10/24, gateway: 10.0.2.1 }"))
        #expect(found == [
            "lab.yaml: node 'alice': field 'gateway': 10.0.2.1 is not reachable: it is outside this node's subnets (10.0.1.10/24)"
        ])
    }

    @Test func gatewayIsOwnAddress() {
        let found = problems(lab(alice: "{ kind: host, ip: 10.0.1.10/24, gateway: 10.0.1.10 }"))
        #expect(found == ["lab.yaml: node 'alice': field 'gateway': 10.0.1.10 is this node's own address"])
    }

    @Test func routeViaUnreachableNextHop() {
        let found = problems(lab(r1: """
            { kind: router, interfaces: { eth0: 10.0.1.1/24, eth1: 10.0.2.1/24 },
                  routes: [ { to: 10.0.9.0/24, via: 10.0.2.2 }, { to: 10.0.8.0/24, via: 10.0.7.1 } ] }
            """))
        #expect(found == [
            "lab.yaml: node 'r1': field 'routes[1].via': 10.0.7.1 is not reachable: it is outside this node's subnets (10.0.1.1/24, 10.0.2.1/24)"
        ])
    }

    @Test func badAddressText() {
        let found = problems(lab(r1: "{ kind: router, interfaces: { eth0: 10.0.1.1/24, eth1: 10.0.2.300/24 } }"))
        #expect(found == ["lab.yaml: node 'r1': field 'interfaces.eth1': bad address '10.0.2.300/24' (expected A.B.C.D/N)"])
    }

    @Test func addressWithoutPrefixLength() {
        let found = problems(lab(alice: "{ kind: host, ip: 10.0.1.10, gateway: 10.0.1.1 }"))
        #expect(found == ["lab.yaml: node 'alice': field 'ip': bad address '10.0.1.10' (expected A.B.C.D/N)"])
    }

    @Test func badRouteText() {
        let found = problems(lab(r1: """
            { kind: router, interfaces: { eth0: 10.0.1.1/24, eth1: 10.0.2.1/24 },
                  routes: [ { to: 10.0.9.0/33, via: 10.0.2.x } ] }
            """))
        #expect(found == [
            "lab.yaml: node 'r1': field 'routes[0].to': bad prefix '10.0.9.0/33' (expected A.B.C.D/N or 'default')",
            "lab.yaml: node 'r1': field 'routes[0].via': bad address '10.0.2.x' (expected A.B.C.D)",
        ])
    }

    @Test func unknownKind() {
        let found = problems(lab(alice: "{ kind: hub, ip: 10.0.1.10/24, gateway: 10.0.1.1 }"))
        #expect(found == ["lab.yaml: node 'alice': field 'kind': unknown kind 'hub' (expected host, router, linux or switch)"])
    }

    /// One mistake, one error: a node whose kind or interfaces are wrong is not blamed again
    /// for each link that names its interfaces (they said "(it has: )"), nor for an 'ip'
    /// that only a known kind could ask for.
    @Test func aNodeWithoutInterfaces_isNotBlamedAgainByItsLinks() {
        #expect(problems(lab(r1: "{ kind: rooter }"))
                == ["lab.yaml: node 'r1': field 'kind': unknown kind 'rooter'; did you mean 'router'? (expected host, router, linux or switch)"])
        // A switch's fields under a mistyped kind are not blamed too.
        #expect(problems(lab(r1: "{ kind: swich, ports: [p1, p2], stp: { priority: 4096 } }"))
                == ["lab.yaml: node 'r1': field 'kind': unknown kind 'swich'; did you mean 'switch'? (expected host, router, linux or switch)"])
        #expect(problems(lab(r1: "{ kind: router }")) == ["lab.yaml: node 'r1': field 'interfaces': missing field"])
        // A node that has interfaces, but not the one named, is still answered with its list.
        let wrongName = problems(lab(r1: "{ kind: router, interfaces: { eth0: 10.0.1.1/24, eth2: 10.0.2.1/24 } }"))
        #expect(wrongName.contains { $0.hasSuffix("unknown interface 'eth1' on node 'r1' (it has: eth0, eth2)") }, "\(wrongName)")
    }

    @Test func missingFields() {
        let found = problems(lab(alice: "{ ip: 10.0.1.10/24, gateway: 10.0.1.1 }", r1: "{ kind: router }"))
        #expect(found.contains("lab.yaml: node 'alice': field 'kind': missing field"))
        #expect(found.contains("lab.yaml: node 'r1': field 'interfaces': missing field"))
        let routeMissing = problems(lab(r1: """
            { kind: router, interfaces: { eth0: 10.0.1.1/24, eth1: 10.0.2.1/24 }, routes: [ { to: 10.0.9.0/24 } ] }
            """))
        #expect(routeMissing == ["lab.yaml: node 'r1': field 'routes[0].via': missing field"])
        #expect(problems("nodes: {}\n") == [
            "lab.yaml: lab: field 'name': missing field",
            "lab.yaml: lab: field 'nodes': expected a mapping from node names to nodes",
            "lab.yaml: lab: field 'links': missing field",
        ])
    }

    @Test func nodeNameNotUsableInSocketPath() {
        let yaml = lab().replacingOccurrences(of: "alice", with: "al/ice")
        #expect(problems(yaml) == [
            "lab.yaml: node 'al/ice': bad node name: 'al/ice' cannot be used in a socket path (use letters, digits, '-' and '_', starting with a letter or digit)"
        ])
        let reserved = problems(lab(r1: "{ kind: router, interfaces: { eth0: 10.0.1.1/24, ctl: 10.0.2.1/24 } }",
                                    links: "  - endpoints: [alice:eth0, r1:eth0]\n  - endpoints: [r1:ctl, bob:eth0]"))
        #expect(reserved == [
            "lab.yaml: node 'r1': field 'interfaces.ctl': 'ctl' is reserved for the node's own files; choose another interface name"
        ])
    }

    @Test func unknownFieldAndRouterWithIP() {
        let found = problems(lab(alice: "{ kind: host, ip: 10.0.1.10/24, gatway: 10.0.1.1 }",
                                 r1: "{ kind: router, ip: 10.0.1.1/24 }",
                                 links: "  - endpoints: [alice:eth0, r1:eth0]"))
        #expect(found.contains(
            "lab.yaml: node 'alice': field 'gatway': unknown field (did you mean 'gateway'? expected one of 'kind', 'ip', 'gateway', 'interfaces', 'routes', 'rp_filter', 'routing', 'rip', 'ports', 'stp', 'services', 'resolver', 'tcp_mem')"))
        #expect(found.contains(
            "lab.yaml: node 'r1': field 'ip': a router names its interfaces: use 'interfaces: { eth0: A.B.C.D/N, ... }'"))
    }

    @Test func endsInDifferentSubnets() {
        let found = problems(lab(links: "  - endpoints: [alice:eth0, r1:eth1]\n  - endpoints: [r1:eth0, bob:eth0]"))
        #expect(found.contains(
            "lab.yaml: link 1: field 'endpoints': the two ends are in different subnets (10.0.1.10/24 and 10.0.2.1/24), so they could never reach each other"))
    }

    @Test func badLinkShapes() {
        let found = problems(lab(links: """
              - endpoints: [alice-eth0, r1:eth0]
              - endpoints: [r1:eth1]
              - { endpoints: [r1:eth1, bob:eth0], queue: lots, impair: { a_to_b: { loss: 1% }, delay: 5ms } }
            """))
        #expect(found == [
            "lab.yaml: link 1: field 'endpoints[0]': bad endpoint 'alice-eth0' (expected node:interface)",
            "lab.yaml: link 2: field 'endpoints': expected exactly two endpoints [node:interface, node:interface]",
            "lab.yaml: link 3: field 'impair.delay': unknown field (expected one of 'a_to_b', 'b_to_a')",
            "lab.yaml: link 3: field 'queue': bad queue limit 'lots' (expected a whole number of frames, 1 to 1000000)",
        ])
    }

    @Test func yamlSyntaxError_namesFileAndLine() {
        let found = problems("name: t\nnodes: { alice: [\n", file: "broken.yaml")
        #expect(found.count == 1)
        #expect(found.first?.hasPrefix("broken.yaml: lab: not valid YAML: ") == true)
        #expect(found.first?.contains("line ") == true)
        // An unclosed '{' is found only where the file ends: the error says where it began.
        let unclosed = problems("name: t\nnodes:\n  alice: { kind: host, ip: 10.0.1.10/24\n  bob: { kind: host }\n", file: "open.yaml")
        #expect(unclosed == ["open.yaml: lab: not valid YAML: did not find expected ',' or '}' at line 4, column 6"
                             + " (while parsing a flow mapping that began at line 3, column 10)"], "\(unclosed)")
    }

    @Test func allProblemsAreCollected() {
        let found = problems("""
            name: t
            nodes:
              alice: { kind: host, ip: 10.0.1.10/24, gateway: 10.0.5.1 }
              bob:   { kind: hots, ip: 10.0.2.20/24 }
              r1:    { kind: router, interfaces: { eth0: 10.0.1.1/24, eth1: 10.0.2.20/24 } }
            links:
              - endpoints: [alice:eth0, r1:eth0]
              - endpoints: [r1:eth1, bob:eth0]
              - endpoints: [r1:eth2, dave:eth0]
            """, file: "many.yaml")
        #expect(found.count == 5)
        #expect(found.allSatisfy { $0.hasPrefix("many.yaml: ") })
    }

    @Test func socketPathLength_isCheckedAgainstTheRunDirectory() throws {
        let topology = TopologyLoader.defaultLab()
        let short = SocketPaths(runDirectory: "/tmp/rawnet-1000/basic")
        #expect(short.issues(for: topology, file: "x.yaml").isEmpty)
        let longDirectory = "/tmp/" + String(repeating: "d", count: 95)  // 100 bytes
        let issues = SocketPaths(runDirectory: longDirectory).issues(for: topology, file: "x.yaml")
        // "/alice.eth0" makes 111 bytes; "/r1.ctl" makes 107 and fits.
        #expect(issues.map(\.description).contains(
            "x.yaml: node 'alice': field 'interfaces.eth0': socket path '\(longDirectory)/alice.eth0' is 111 bytes, more than the 107 a Unix socket allows; use a shorter run directory or name"))
        #expect(!issues.contains { $0.location == .node("r1") && $0.field == "" })
        #expect(throws: TopologyError.self) {
            _ = try TopologyLoader.parse(yaml: TopologyLoader.defaultLabYAML, file: "x.yaml", runDirectory: longDirectory)
        }
    }
}

@Suite struct TopologyImpairmentTests {
    @Test func badImpairmentValues_areNamedByField() {
        let found = problems(lab(links: """
              - endpoints: [alice:eth0, r1:eth0]
                impair: { loss: lots, delay: 10ms, wobble: 3 }
              - endpoints: [r1:eth1, bob:eth0]
                impair: { a_to_b: { loss: 150% }, b_to_a: { delay: -5ms } }
            """))
        #expect(found.count == 4)
        #expect(found.contains { $0.hasPrefix("lab.yaml: link 1: field 'impair.loss': loss: cannot read 'lots'") })
        #expect(found.contains("lab.yaml: link 1: field 'impair.wobble': unknown impairment option 'wobble' (options: loss, loss-burst,"
                               + " reorder, gap, hold-back, hold-back-timeout, delay, jitter, distribution, duplicate, corrupt, rate, queue, seed)"),
                "\(found)")
        let mistyped = problems(lab(links: "  - endpoints: [alice:eth0, r1:eth0]\n    impair: { los: 10% }\n  - endpoints: [r1:eth1, bob:eth0]"))
        #expect(mistyped.first?.hasPrefix("lab.yaml: link 1: field 'impair.los': unknown impairment option 'los'; did you mean 'loss'? (options: ") == true,
                "\(mistyped)")
        #expect(found.contains { $0.hasPrefix("lab.yaml: link 2: field 'impair.a_to_b") && $0.contains("loss") })
        #expect(found.contains { $0.hasPrefix("lab.yaml: link 2: field 'impair.b_to_a") && $0.contains("delay") })
    }

    @Test func goodImpairments_areParsedPerDirection() throws {
        let topology = try TopologyLoader.parse(yaml: lab(links: """
              - endpoints: [alice:eth0, r1:eth0]
              - endpoints: [r1:eth1, bob:eth0]
                impair: { a_to_b: { loss: 5%, delay: 10ms }, b_to_a: { corrupt: 1% } }
            """), file: "lab.yaml")
        let link = topology.links[1]
        let forward = link.impairmentSettings(leaving: link.a)
        #expect(forward.loss == 0.05)
        #expect(forward.delay == .milliseconds(10))
        #expect(forward.corrupt == 0)
        let backward = link.impairmentSettings(leaving: link.b)
        #expect(backward.corrupt == 0.01)
        #expect(backward.loss == 0)
        #expect(topology.links[0].impairmentSettings(leaving: topology.links[0].a).isPerfect)
    }
}
