import RawNetLabModel
import Testing

/// What a command says of a lab that is not running: how to start that lab.
@Suite struct LabLocatorTests {
    @Test func aLabNotRunning_isToldHowItStarts() throws {
        let base = "/tmp/rnll-\(UInt32.random(in: 0...UInt32.max))"
        #expect(throws: LabLocator.Failure.self) { try LabLocator.locate("vlan", base: base) }
        #expect(LabLocator.Failure.notRunning("basic").description
                == "lab 'basic' is not running; start it with `rawnet up`", "the built-in lab starts without a file")
        #expect(LabLocator.Failure.notRunning("vlan").description
                == "lab 'vlan' is not running; start it with `rawnet up FILE` (FILE: the topology with `name: vlan`)",
                "another lab starts from its topology file, not with a bare `rawnet up`")
    }
}
