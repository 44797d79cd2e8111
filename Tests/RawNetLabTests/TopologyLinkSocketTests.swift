import RawNetContracts
import RawNetLab
import RawNetLabModel
import RawNetPlatform
import Testing

/// The lab-wide `link_socket:` setting.
@Suite struct TopologyLinkSocketTests {
    @Test func unset_usesTheDefault() throws {
        let lab = try TopologyLoader.parse(yaml: TopologyLoader.defaultLabYAML, file: "basic.yaml")
        #expect(lab.linkSocket == nil)
        #expect(lab.linkSocketKind == LinkSocketKind.default)
        #expect(!lab.yamlText.contains("link_socket"))
    }

    @Test(arguments: LinkSocketKind.allCases)
    func given_isKept_andWrittenBack(kind: LinkSocketKind) throws {
        let lab = try TopologyLoader.parse(yaml: "link_socket: \(kind)\n" + TopologyLoader.defaultLabYAML, file: "basic.yaml")
        #expect(lab.linkSocket == kind && lab.linkSocketKind == kind)
        let again = try TopologyLoader.parse(yaml: lab.yamlText, file: "lab.yaml")
        #expect(again == lab)
    }

    @Test func unknownType_namesTheFieldAndTheChoices() {
        do {
            _ = try TopologyLoader.parse(yaml: TopologyLoader.defaultLabYAML + "link_socket: stream\n", file: "basic.yaml")
            Issue.record("a stream link was accepted")
        } catch {
            #expect("\(error)".contains("basic.yaml: lab: field 'link_socket': unknown socket type 'stream' (expected datagram or seqpacket)"),
                    "\(error)")
        }
    }
}
