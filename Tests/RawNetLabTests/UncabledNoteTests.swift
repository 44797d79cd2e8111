import Foundation
import RawNetTestSupport
import Testing

/// `rawnet up` says which interfaces no link of the file ends at: a link forgotten (or deleted)
/// leaves a node that nothing reaches, and nothing else would say so.
@Suite(.serialized) struct UncabledNoteTests {
    @Test func up_namesTheInterfacesNoLinkEndsAt() throws {
        let runner = try RawNetRunner()
        let file = runner.base + "/loose.yaml"
        try """
            name: loose
            nodes:
              alice: { kind: host, ip: 10.0.1.10/24, gateway: 10.0.1.1 }
              carol: { kind: host, ip: 10.0.3.30/24, gateway: 10.0.3.1 }
              r1: { kind: router, interfaces: { eth0: 10.0.1.1/24, eth1: 10.0.3.1/24 } }
            links:
              - endpoints: [alice:eth0, r1:eth0]
            """.write(toFile: file, atomically: true, encoding: .utf8)
        defer { _ = try? runner.run(["down", "--lab", "loose"]) }
        let up = try runner.run(["up", file])
        #expect(up.status == 0, "\(up.output)")
        #expect(up.output.contains("note: no link in the file ends at carol:eth0, r1:eth1: nothing reaches them"), "\(up.output)")
        let basic = try runner.run(["up"])
        #expect(basic.status == 0 && !basic.output.contains("note:"), "the default lab is all cabled: \(basic.output)")
        _ = try runner.run(["down", "--lab", "basic"])
    }
}
