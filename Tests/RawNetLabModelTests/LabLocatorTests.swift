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

    /// A lab name mistyped while others run: the running ones are named, the nearest first.
    @Test func aLabNotRunning_whileOthersRun_namesThem() throws {
        #expect(LabLocator.Failure.notRunning("tuor", running: ["basic", "tour"]).description
                == "lab 'tuor' is not running; did you mean 'tour'? (running: basic, tour)")
        #expect(LabLocator.Failure.notRunning("zzz", running: ["basic"]).description
                == "lab 'zzz' is not running (running: basic)")
    }
}
