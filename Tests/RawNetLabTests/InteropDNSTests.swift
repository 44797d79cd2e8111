import Foundation
import RawNetPlatform
import RawNetTestSupport
import Testing

/// Linux's own `dig` (an attached linux node, through r1) asks bob's RawNet name
/// server and gets the answers `rawnet dig` gets: over UDP with EDNS (the OPT
/// answered, BADVERS for version 1), without, over TCP, NXDOMAIN and a reverse lookup. Fails when dig (package dnsutils) is missing.
@Suite(.serialized) struct InteropDNSTests {
    static func yaml(lab: String) -> String {
        """
        name: \(lab)
        nodes:
          linux: { kind: linux, ip: 10.0.1.10/24, gateway: 10.0.1.1 }
          alice: { kind: host,  ip: 10.0.3.10/24, gateway: 10.0.3.1 }
          bob:   { kind: host,  ip: 10.0.2.20/24, gateway: 10.0.2.1, services: [dns] }
          r1:    { kind: router, interfaces: { eth0: 10.0.1.1/24, eth1: 10.0.2.1/24, eth2: 10.0.3.1/24 } }
        links:
          - endpoints: [linux:eth0, r1:eth0]
          - endpoints: [r1:eth1, bob:eth0]
          - endpoints: [r1:eth2, alice:eth0]

        """
    }

    @Test func linuxDig_getsTheAnswersRawNetDigGets() throws {
        try #require(Processes.isRoot, "rawnet attach needs root: run the tests as root (CI does)")
        try #require(FileManager.default.isExecutableFile(atPath: "/usr/bin/dig"),
                     "dig is required for this test: install the dnsutils package (scripts/test does)")
        let lab = "dnsx" + String(Processes.currentPID)
        try LinuxPeer.withLab(lab, yaml: Self.yaml(lab: lab), attach: true) { runner, _ in
            func linuxDig(_ words: [String]) throws -> RawNetRunner.Run {
                try runner.run(["exec", "linux", "--", "dig", "@10.0.2.20", "+time=2", "+tries=3"] + words)
            }
            func rawnetDig(_ words: [String]) throws -> RawNetRunner.Run {
                try runner.run(["dig", "alice"] + words + ["--lab", lab])
            }
            let full = try linuxDig(["bob.lab"])
            #expect(full.status == 0, "\(full.output)")
            #expect(full.output.contains("status: NOERROR") && full.output.contains("flags: qr aa rd"), "\(full.output)")
            #expect(full.output.contains(";; SERVER: 10.0.2.20#53(10.0.2.20)"), "\(full.output)")
            // Only the warning any authoritative-only server earns (RD asked, RA not offered), nothing malformed.
            #expect(!full.output.contains("malformed") && !full.output.contains("FORMERR"), "\(full.output)")
            #expect(full.output.contains("WARNING: recursion requested but not available"), "\(full.output)")
            // dig sends EDNS by default: the answer carries an OPT advertising 1232 bytes (RFC 6891).
            #expect(full.output.contains(";; OPT PSEUDOSECTION:\n; EDNS: version: 0, flags:; udp: 1232"), "\(full.output)")
            let plain = try linuxDig(["+noedns", "bob.lab"])
            #expect(plain.output.contains("status: NOERROR") && !plain.output.contains("OPT PSEUDOSECTION"), "\(plain.output)")
            // EDNS version 1 without negotiation: BADVERS, with an OPT of version 0.
            let future = try linuxDig(["+edns=1", "+noednsnegotiation", "bob.lab"])
            #expect(future.output.contains("status: BADVERS") && future.output.contains("; EDNS: version: 0"), "\(future.output)")
            // rawnet dig prints the same pseudo-section.
            let ours = try rawnetDig(["bob.lab"])
            #expect(ours.output.contains(";; OPT PSEUDOSECTION:\n; EDNS: version: 0, flags:; udp: 1232"), "\(ours.output)")

            for words in [["bob.lab", "+short"], ["r1.lab", "+short"], ["-x", "10.0.2.1", "+short"],
                          ["lab", "SOA", "+short"], ["lab", "NS", "+short"]] {
                let linux = try linuxDig(words), rawnet = try rawnetDig(words)
                #expect(linux.status == 0 && rawnet.status == 0, "\(words): \(linux.output) / \(rawnet.output)")
                #expect(!linux.output.isEmpty && linux.output == rawnet.output,
                        "\(words): Linux dig printed\n\(linux.output)\nrawnet dig printed\n\(rawnet.output)")
            }
            let tcp = try linuxDig(["+tcp", "bob.lab", "+short"])
            #expect(tcp.output == "10.0.2.20\n", "over TCP: \(tcp.output)")
            let missing = try linuxDig(["nobody.lab"])
            #expect(missing.output.contains("status: NXDOMAIN") && missing.output.contains("lab.\t\t\t300\tIN\tSOA\tbob.lab. hostmaster.lab."),
                    "\(missing.output)")
        }
    }
}
