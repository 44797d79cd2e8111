import RawNetContracts
import RawNetLab
import RawNetLabModel
import Testing

private let configDirectory: String = {
    var parts = #filePath.split(separator: "/", omittingEmptySubsequences: false)
    parts.removeLast(3)
    return parts.joined(separator: "/") + "/Config"
}()

@Suite struct TopologyTextTests {
    @Test(arguments: ["default.yaml", "chain.yaml", "asymmetric.yaml", "demo.yaml"])
    func yamlText_loadsBackEqual(file: String) throws {
        let lab = try TopologyLoader.load(path: configDirectory + "/" + file)
        let again = try TopologyLoader.parse(yaml: lab.yamlText, file: "lab.yaml")
        #expect(again == lab)
    }

    @Test func yamlText_keepsImpairmentsAndQueues() throws {
        let yaml = TopologyLoader.defaultLabYAML
            + "    impair: { a_to_b: { delay: 20ms, loss: \"5%\" }, b_to_a: { corrupt: 1% } }\n"
            + "    queue: 32\n"
        let lab = try TopologyLoader.parse(yaml: yaml, file: "x.yaml")
        let again = try TopologyLoader.parse(yaml: lab.yamlText, file: "lab.yaml")
        #expect(again == lab)
        #expect(again.links[1].impairmentAToB == ["delay": "20ms", "loss": "5%"])
        #expect(again.links[1].queueLimit == 32)
    }

    @Test func yamlText_keepsTheReversePathFilter() throws {
        var lab = try TopologyLoader.parse(yaml: TopologyLoader.defaultLabYAML, file: "x.yaml")
        let index = try #require(lab.nodes.firstIndex { $0.name == "r1" })
        lab.nodes[index].reversePathFilter = .loose
        #expect(lab.yamlText.contains("rp_filter: loose"))
        #expect(try TopologyLoader.parse(yaml: lab.yamlText, file: "lab.yaml") == lab)
    }

    @Test func linksAreFoundByTheNamesCommandsUse() throws {
        let lab = try TopologyLoader.load(path: configDirectory + "/chain.yaml")
        #expect(lab.links(matching: "r1:eth1-r2:eth0").map(\.name) == ["r1:eth1-r2:eth0"])
        #expect(lab.links(matching: "r2:eth0-r1:eth1").map(\.name) == ["r1:eth1-r2:eth0"])
        #expect(lab.links(matching: "r2-r1").map(\.name) == ["r1:eth1-r2:eth0"])
        #expect(lab.links(matching: "bob:eth0").map(\.name) == ["r3:eth1-bob:eth0"])
        #expect(lab.links(matching: "alice-bob").isEmpty)
        #expect(lab.links(matching: "nonsense").isEmpty)
    }
}
