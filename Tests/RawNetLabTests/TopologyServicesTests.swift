import RawNetContracts
import RawNetCore
import RawNetLab
import RawNetLabModel
import RawNetWire
import Testing

/// `services:` and `resolver:` on hosts (docs/decisions.md, issue 17), their
/// lab.conf records, and the lab zone made from a topology.
@Suite struct TopologyServicesTests {
    static let yaml = """
        name: names
        nodes:
          alice: { kind: host, ip: 10.0.1.10/24, gateway: 10.0.1.1 }
          bob:   { kind: host, ip: 10.0.2.20/24, gateway: 10.0.2.1,
                   services: [{dns: {zone: extra.zone, lab: yes}}, {http: {port: 8080, root: site}}] }
          carol: { kind: host, ip: 10.0.2.30/24, gateway: 10.0.2.1, resolver: 10.0.2.99, services: [http] }
          r1:    { kind: router, interfaces: { eth0: 10.0.1.1/24, eth1: 10.0.2.1/24 } }
        links:
          - endpoints: [alice:eth0, r1:eth0]
          - endpoints: [r1:eth1, bob:eth0]
        """

    @Test func services_parseEveryKind_withPathsFromTheFilesDirectory() throws {
        let lab = try TopologyLoader.parse(yaml: Self.yaml, file: "/labs/names.yaml")
        let bob = try #require(lab.node(named: "bob"))
        #expect(bob.services == [
            TopologyService(kind: "dns", options: ["zone": "/labs/extra.zone", "lab": "yes"]),
            TopologyService(kind: "http", options: ["port": "8080", "root": "/labs/site"]),
        ])
        #expect(bob.services[0].servesLabZone)
        #expect(lab.node(named: "carol")?.services == [TopologyService(kind: "http")])
        #expect(lab.dnsServers.map(\.node.name) == ["bob"])
    }

    @Test func resolver_isTheFilesElseTheFirstDNSHost_elseNone() throws {
        let lab = try TopologyLoader.parse(yaml: Self.yaml, file: "/labs/names.yaml")
        #expect(lab.resolver(for: try #require(lab.node(named: "alice"))) == IPv4Address(10, 0, 2, 20))
        #expect(lab.resolver(for: try #require(lab.node(named: "carol"))) == IPv4Address(10, 0, 2, 99))
        let plain = TopologyLoader.defaultLab()
        #expect(plain.resolver(for: try #require(plain.node(named: "alice"))) == nil)
        #expect(!plain.hasDNS && lab.hasDNS)
    }

    @Test func labConf_carriesServicesAndResolver_exactly() throws {
        let lab = try TopologyLoader.parse(yaml: Self.yaml, file: "/labs/names.yaml")
        let text = LabConfig.text(for: lab)
        #expect(text.contains("service node=bob kind=dns lab=yes zone=/labs/extra.zone"))
        #expect(text.contains("node name=carol kind=host gateway=10.0.2.1 resolver=10.0.2.99"))
        let again = try LabConfig.parse(text, file: "lab.conf")
        #expect(again == lab)
        #expect(LabConfig.text(for: again) == text)
    }

    @Test(arguments: [
        ("services: [ftp]", "unknown service 'ftp'"),
        ("services: [{dns: {zone: a, port: 53}}]", "dns has no option 'port'"),
        ("services: [{http: {port: 70000}}]", "http.port must be 1-65535"),
        ("services: [dns, dns]", "service 'dns' is given twice"),
        ("services: dns", "expected a list"),
        ("services: [{dns: {lab: maybe}}]", "dns.lab must be yes or no"),
        ("resolver: 10.0.2", "bad address '10.0.2'"),
        ("services: [{dns: {records: 'www.lab. A 10.0.300.1'}}]", "dns.records: line 1"),
        ("services: [{http: {index: ''}}]", "http.index is empty"),
    ])
    func badServices_areRefusedNamingTheField(line: String, expected: String) {
        let yaml = """
            name: bad
            nodes:
              alice: { kind: host, ip: 10.0.1.10/24, \(line) }
            links: []
            """
        do {
            _ = try TopologyLoader.parse(yaml: yaml, file: "bad.yaml")
            Issue.record("accepted: \(line)")
        } catch {
            #expect(error.description.contains(expected), "\(error)")
        }
    }

    /// Records written in the topology (`records:`) and an http `index:`: through lab.conf
    /// unchanged, newlines and all; records inside the lab zone join it, so a host can serve
    /// `lab.` and delegate a child zone below it, with the glue the lab zone already holds.
    @Test func inlineRecordsAndIndex_roundTrip_andJoinTheLabZone() throws {
        let yaml = """
            name: tree
            nodes:
              tld: { kind: host, ip: 10.0.4.12/24, gateway: 10.0.4.1,
                     services: [{dns: {lab: yes, records: "; example.lab. is ns1's\\nexample.lab.  NS  ns1.lab.\\n"}}] }
              ns1: { kind: host, ip: 10.0.4.13/24, gateway: 10.0.4.1, services: [{dns: {records: "$ORIGIN example.lab.\\n@ SOA ns1.lab. h.lab. 1 2 3 4 5\\nwww A 10.0.2.20"}}] }
              bob: { kind: host, ip: 10.0.4.20/24, gateway: 10.0.4.1, services: [{http: {index: "hello,world\\n"}}] }
            links: []
            """
        let lab = try TopologyLoader.parse(yaml: yaml, file: "/labs/tree.yaml")
        let tld = try #require(lab.node(named: "tld")?.services.first)
        #expect(tld.options["records"] == "; example.lab. is ns1's\nexample.lab.  NS  ns1.lab.\n")
        #expect(tld.servesLabZone)
        #expect(lab.node(named: "ns1")?.services.first?.servesLabZone == false, "records of its own: no lab zone unless asked")
        #expect(lab.node(named: "bob")?.services.first?.options["index"] == "hello,world\n")
        let again = try LabConfig.parse(LabConfig.text(for: lab), file: "lab.conf")
        #expect(again == lab)

        let zones = try DNSMasterFile.zones(from: try #require(tld.options["records"]), adding: lab.labZones(server: "tld"))
        #expect(zones.map(\.origin.description) == ["lab.", "in-addr.arpa."], "the delegation joined the lab zone")
        let referral = DNSAuthority(zones: zones).answer(.query(id: 1, name: try DNSName("www.example.lab"), type: .a))
        let ns1 = try DNSName("ns1.lab")
        #expect(!referral.header.isAuthoritative && referral.authority.map(\.data) == [.ns(ns1)])
        #expect(referral.additional.map(\.data) == [.a(IPv4Address(10, 0, 4, 13))], "glue from the lab zone")
    }

    @Test func aRouter_runsNoServices() {
        let yaml = """
            name: bad
            nodes:
              r1: { kind: router, interfaces: { eth0: 10.0.1.1/24 }, services: [dns] }
            links: []
            """
        #expect(throws: TopologyError.self) { try TopologyLoader.parse(yaml: yaml, file: "bad.yaml") }
    }

    @Test func labZone_namesEveryNodeAndInterface_withPTRs() throws {
        let lab = try TopologyLoader.parse(yaml: Self.yaml, file: "/labs/names.yaml")
        let authority = DNSAuthority(zones: lab.labZones(server: "bob"))
        func ask(_ name: String, _ type: DNSRecordType) throws -> DNSMessage {
            authority.answer(.query(id: 1, name: try DNSName(name), type: type))
        }
        #expect(try ask("bob.lab", .a).answers.map(\.data) == [.a(IPv4Address(10, 0, 2, 20))])
        #expect(try ask("r1.lab", .a).answers.map(\.data) == [.a(IPv4Address(10, 0, 1, 1)), .a(IPv4Address(10, 0, 2, 1))])
        #expect(try ask("eth1.r1.lab", .a).answers.map(\.data) == [.a(IPv4Address(10, 0, 2, 1))])
        #expect(try ask("20.2.0.10.in-addr.arpa", .ptr).answers.map(\.data) == [.ptr(try DNSName("bob.lab"))])
        #expect(try ask("1.2.0.10.in-addr.arpa", .ptr).answers.map(\.data) == [.ptr(try DNSName("eth1.r1.lab"))])
        #expect(try ask("nobody.lab", .a).header.responseCode == .nameError)
        #expect(try ask("10.in-addr.arpa", .ptr).header.responseCode == .noError, "an empty non-terminal exists")
        let soa = try ask("lab", .soa).answers.first?.data
        guard case .soa(let data)? = soa else { Issue.record("no SOA"); return }
        #expect(data.primary == (try DNSName("bob.lab")))
    }

    @Test func labZone_ofAPart_namesTheOtherPartsNodesToo() throws {
        let yaml = TopologyLoader.defaultLabYAML.replacingOccurrences(of: "gateway: 10.0.1.1 }", with: "gateway: 10.0.1.1, services: [dns] }")
            + "machines:\n  m1: { address: 10.250.0.1, nodes: [alice, r1] }\n  m2: { address: 10.250.0.2, nodes: [bob] }\n"
        let part = try TopologyLoader.parse(yaml: yaml, file: "lab.yaml", part: "m1")
        let authority = DNSAuthority(zones: part.labZones())
        func ask(_ name: String, _ type: DNSRecordType) throws -> DNSMessage {
            authority.answer(.query(id: 1, name: try DNSName(name), type: type))
        }
        #expect(try ask("bob.lab", .a).answers.map(\.data) == [.a(IPv4Address(10, 0, 2, 20))], "bob runs in m2")
        #expect(try ask("alice.lab", .a).answers.map(\.data) == [.a(IPv4Address(10, 0, 1, 10))])
        #expect(try ask("20.2.0.10.in-addr.arpa", .ptr).answers.map(\.data) == [.ptr(try DNSName("bob.lab"))])
    }
}
