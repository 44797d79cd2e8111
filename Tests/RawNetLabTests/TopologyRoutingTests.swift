import RawNetCore
import RawNetLab
import RawNetLabModel
import Testing

/// `routing: rip` and `rip: { … }` on routers: parsed, checked with errors naming
/// the field, carried through lab.conf and the YAML text unchanged.
@Suite struct TopologyRoutingTests {
    static func lab(r1 extra: String, alice: String = "") -> String {
        """
        name: t
        nodes:
          alice: { kind: host, ip: 10.0.1.10/24, gateway: 10.0.1.1\(alice) }
          r1: { kind: router, interfaces: { eth0: 10.0.1.1/24, eth1: 10.0.2.1/24 }\(extra) }
        links:
          - endpoints: [alice:eth0, r1:eth0]

        """
    }

    static func problems(_ yaml: String) -> [String] {
        do {
            _ = try TopologyLoader.parse(yaml: yaml, file: "lab.yaml")
            return []
        } catch {
            return error.issues.map(\.description)
        }
    }

    @Test func routingRIP_takesTheRFCTimers_ripMappingSetsThem() throws {
        let plain = try TopologyLoader.parse(yaml: Self.lab(r1: ", routing: rip"), file: "lab.yaml")
        #expect(plain.node(named: "r1")?.rip == RIPConfiguration.standard)
        #expect(plain.node(named: "r1")?.rip?.damping == .seconds(3))
        #expect(try TopologyLoader.parse(yaml: Self.lab(r1: ""), file: "lab.yaml").node(named: "r1")?.rip == nil)
        let fast = try TopologyLoader.parse(yaml: Self.lab(r1: ", rip: { update: 2s }"), file: "lab.yaml")
        #expect(fast.node(named: "r1")?.rip == RIPConfiguration(update: .seconds(2), timeout: .seconds(12),
                                                                 garbage: .seconds(8), damping: .milliseconds(200)))
        let given = try TopologyLoader.parse(
            yaml: Self.lab(r1: ", routing: rip, rip: { update: 1s, timeout: 5s, garbage: 3s, damping: 50ms }"),
            file: "lab.yaml")
        #expect(given.node(named: "r1")?.rip == RIPConfiguration(update: .seconds(1), timeout: .seconds(5),
                                                                  garbage: .seconds(3), damping: .milliseconds(50)))
    }

    @Test func badRIPSettings_nameTheirField() {
        #expect(Self.problems(Self.lab(r1: ", rip: { update: 2s, timeout: 1s }"))
                == ["lab.yaml: node 'r1': field 'rip.timeout': must be longer than the update interval (2s), or every route would time out between updates"])
        #expect(Self.problems(Self.lab(r1: ", rip: { update: fast }"))
                == ["lab.yaml: node 'r1': field 'rip.update': bad duration 'fast' (expected e.g. 2s or 500ms)"])
        #expect(Self.problems(Self.lab(r1: ", rip: { update: 1ms }"))
                == ["lab.yaml: node 'r1': field 'rip.update': '1ms' is out of range (10ms to 24h)"])
        #expect(Self.problems(Self.lab(r1: ", rip: { hello: 1s }")).first?
                    .hasPrefix("lab.yaml: node 'r1': field 'rip.hello': unknown field") == true)
        #expect(Self.problems(Self.lab(r1: ", rip: { update: 1s, damping: 1s }"))
                == ["lab.yaml: node 'r1': field 'rip.damping': must be shorter than the update interval (1s)"])
        #expect(Self.problems(Self.lab(r1: ", routing: ospf"))
                == ["lab.yaml: node 'r1': field 'routing': unknown routing 'ospf' (expected rip, static or none)"])
        #expect(Self.problems(Self.lab(r1: ", routing: static, rip: { update: 1s }"))
                == ["lab.yaml: node 'r1': field 'rip': RIP settings given, but 'routing' is 'static'"])
        #expect(Self.problems(Self.lab(r1: ", rip: 5"))
                == ["lab.yaml: node 'r1': field 'rip': expected a mapping such as { update: 2s, timeout: 12s, garbage: 8s }"])
        #expect(Self.problems(Self.lab(r1: "", alice: ", routing: rip"))
                == ["lab.yaml: node 'alice': field 'routing': only a router runs RIP"])
    }

    @Test func rip_survivesLabConfAndTheYAMLText() throws {
        let lab = try TopologyLoader.parse(
            yaml: Self.lab(r1: ", rip: { update: 1500ms, timeout: 9s, garbage: 6s, damping: 120ms }"), file: "lab.yaml")
        let text = LabConfig.text(for: lab)
        #expect(text.contains("rip node=r1 update=1.5s timeout=9s garbage=6s damping=120ms"))
        #expect(try LabConfig.parse(text, file: "lab.conf") == lab)
        #expect(try TopologyLoader.parse(yaml: lab.yamlText, file: "again.yaml") == lab)
        #expect(throws: LabConfigError.self) {
            try LabConfig.parse(text.replacingOccurrences(of: "update=1.5s", with: "update=soon"), file: "lab.conf")
        }
        #expect(throws: LabConfigError.self) {
            try LabConfig.parse(text.replacingOccurrences(of: "rip node=r1", with: "rip node=alice"), file: "lab.conf")
        }
    }
}
