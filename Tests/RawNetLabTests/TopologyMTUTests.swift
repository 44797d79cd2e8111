import Foundation
import RawNetCore
import RawNetLab
import RawNetLabModel
import Testing

/// `mtu:` on a link: read, checked, given to both interfaces, kept in lab.conf and lab.yaml.
@Suite struct TopologyMTUTests {
    /// The default lab with a spare interface on r1 and an MTU of 1000 on the r1–bob link.
    static let yaml = TopologyLoader.defaultLabYAML(named: "m")
        .replacingOccurrences(of: "eth1: 10.0.2.1/24 }", with: "eth1: 10.0.2.1/24, spare: 10.0.9.1/24 }")
        + "    mtu: 1000\n"

    @Test func mtu_goesToBothEnds_defaultIs1500() throws {
        let lab = try TopologyLoader.parse(yaml: Self.yaml, file: "m.yaml")
        #expect(lab.links.map(\.mtu) == [1500, 1000])
        #expect(lab.node(named: "bob")?.interface(named: "eth0")?.mtu == 1000)
        #expect(lab.node(named: "r1")?.interfaces.map(\.mtu) == [1500, 1000, 1500])
        #expect(lab.node(named: "alice")?.interface(named: "eth0")?.mtu == 1500)
        let r1 = IPNode(try #require(lab.node(named: "r1")))
        #expect(r1.interfaces.map(\.mtu) == [1500, 1000, 1500])
    }

    @Test func mtu_survivesLabConfAndLabYAML() throws {
        let lab = try TopologyLoader.parse(yaml: Self.yaml, file: "m.yaml")
        let text = LabConfig.text(for: lab)
        #expect(text.contains("link a=r1:eth1 b=bob:eth0 mtu=1000\n"))
        #expect(text.contains("link a=alice:eth0 b=r1:eth0\n"))  // the default is not written
        #expect(try LabConfig.parse(text, file: "lab.conf") == lab)
        #expect(lab.yamlText.contains("    mtu: 1000\n"))
        #expect(try TopologyLoader.parse(yaml: lab.yamlText, file: "again") == lab)
    }

    @Test(arguments: ["67", "65536", "0", "big", "1500.5"])
    func mtu_outOfRange_isRefusedNamingTheField(value: String) {
        let yaml = Self.yaml.replacingOccurrences(of: "mtu: 1000", with: "mtu: \(value)")
        do {
            _ = try TopologyLoader.parse(yaml: yaml, file: "m.yaml")
            Issue.record("mtu \(value) was accepted")
        } catch {
            let text = error.issues.map(\.description).joined(separator: "\n")
            #expect(text.contains("link 2: field 'mtu': bad MTU '\(value)' (expected a whole number of bytes, 68 to 65535)"),
                    "\(text)")
        }
    }

    @Test func labConf_refusesABadMTU() {
        let conf = LabConfig.text(for: try! TopologyLoader.parse(yaml: Self.yaml, file: "m.yaml"))
            .replacingOccurrences(of: "mtu=1000", with: "mtu=40")
        #expect(throws: LabConfigError.self) { try LabConfig.parse(conf, file: "lab.conf") }
    }
}
