import Foundation
import RawNetPlatform
import RawNetSocket
import RawNetTestSupport
import RawNetWire
import Testing

/// The DNS service on a real lab: `rawnet up` starts it from `services:`, `rawnet dig`
/// and `ping` ask it from another host through a router, a long answer falls back to
/// TCP, the trace names each message in one line, and tshark reads the capture cleanly.
@Suite(.serialized) struct DNSLabTests {
    static let zone = """
        $ORIGIN example.
        @    SOA ns.example. hostmaster.example. 1 3600 900 604800 60
             NS  bob.lab.
        www  CNAME bob.lab.
        big  TXT \(["a", "b", "c", "d", "e", "f", "g"].map { "\"" + String(repeating: $0, count: 200) + "\"" }.joined(separator: " "))
        """

    static func topology(zoneFile: String) -> String {
        """
        name: names
        nodes:
          alice: { kind: host, ip: 10.0.1.10/24, gateway: 10.0.1.1 }
          bob:   { kind: host, ip: 10.0.2.20/24, gateway: 10.0.2.1, services: [{dns: {zone: \(zoneFile), lab: yes}}] }
          r1:    { kind: router, interfaces: { eth0: 10.0.1.1/24, eth1: 10.0.2.1/24 } }
        links:
          - endpoints: [alice:eth0, r1:eth0]
          - endpoints: [r1:eth1, bob:eth0]
        """
    }

    /// Starts the lab `names` with the zone file beside it.
    static func startNamesLab(_ runner: RawNetRunner) throws {
        let zoneFile = runner.base + "/example.zone", labFile = runner.base + "/names.yaml"
        try zone.write(toFile: zoneFile, atomically: true, encoding: .utf8)
        try topology(zoneFile: zoneFile).write(toFile: labFile, atomically: true, encoding: .utf8)
        let up = try runner.run(["up", labFile])
        guard up.status == 0 else { throw TestFailure("rawnet up failed:\n\(up.output)") }
    }

    @Test func upStartsTheServer_digPingAndTraceUseIt() throws {
        let runner = try RawNetRunner()
        try Self.startNamesLab(runner)
        defer { _ = try? runner.run(["down", "--lab", "names"]) }

        let pcap = runner.base + "/dns.pcapng"
        let (capture, captureOutput) = try runner.start(["capture", "--one-file", "-w", pcap, "--duration", "8", "--lab", "names"], name: "capture")
        let (trace, traceOutput) = try runner.start(["trace", "--duration", "8", "--lab", "names"], name: "trace")
        try runner.waitForOutput(traceOutput, containing: "Ctrl-C stops")
        try runner.waitForOutput(captureOutput, containing: "Ctrl-C stops")
        usleep(200_000)

        let dig = try runner.run(["dig", "alice", "bob.lab", "--lab", "names"])
        #expect(dig.status == 0, "\(dig.output)")
        #expect(dig.output.contains("status: NOERROR"), "\(dig.output)")
        #expect(dig.output.contains(";; flags: qr aa rd; QUERY: 1, ANSWER: 1"), "\(dig.output)")
        #expect(dig.output.contains("bob.lab.\t300\tIN\tA\t10.0.2.20"), "\(dig.output)")
        #expect(dig.output.contains(";; SERVER: 10.0.2.20#53(10.0.2.20) (UDP)"), "\(dig.output)")
        #expect(dig.output.contains(";; Query time: "), "\(dig.output)")

        let missing = try runner.run(["dig", "alice", "nobody.lab", "--lab", "names"])
        #expect(missing.output.contains("status: NXDOMAIN") && missing.output.contains("AUTHORITY SECTION"), "\(missing.output)")

        let reverse = try runner.run(["dig", "alice", "-x", "10.0.2.1", "+short", "--lab", "names"])
        #expect(reverse.output.split(separator: "\n").first == "eth1.r1.lab.", "\(reverse.output)")

        let alias = try runner.run(["dig", "alice", "www.example", "@bob", "+short", "--lab", "names"])
        #expect(alias.output.contains("bob.lab.\n10.0.2.20"), "CNAME followed into the lab zone: \(alias.output)")

        let long = try runner.run(["dig", "alice", "big.example", "TXT", "--lab", "names"])
        #expect(long.status == 0, "\(long.output)")
        #expect(long.output.contains("(TCP)") && long.output.contains(String(repeating: "c", count: 200)),
                "a 1400-byte answer is truncated over UDP (past EDNS's 1232) and asked again over TCP: \(long.output)")

        let ping = try runner.run(["ping", "alice", "bob.lab", "-c", "1", "--lab", "names"])
        #expect(ping.status == 0 && ping.output.contains("PING bob.lab (10.0.2.20)"), "\(ping.output)")
        let short = try runner.run(["ping", "alice", "r1", "-c", "1", "--lab", "names"])
        #expect(short.status == 0 && short.output.contains("(10.0.1.1)"), "a name without a dot is searched under lab.: \(short.output)")
        let route = try runner.run(["traceroute", "alice", "eth0.bob.lab", "-q", "1", "-w", "1", "--lab", "names"])
        #expect(route.status == 0 && route.output.contains("10.0.2.20"), "traceroute takes names too: \(route.output)")
        let nowhere = try runner.run(["ping", "alice", "nobody.lab", "-c", "1", "--lab", "names"])
        #expect(nowhere.status == 1 && nowhere.output.contains("nobody.lab.: no such name (NXDOMAIN)"), "\(nowhere.output)")

        #expect(try runner.wait(trace, timeout: 15) == 0)
        #expect(try runner.wait(capture, timeout: 15) == 0)
        let printed = (try? String(contentsOfFile: traceOutput, encoding: .utf8)) ?? ""
        #expect(printed.contains("DNS query A bob.lab"), "\(printed)")
        #expect(printed.contains("DNS answer A bob.lab 10.0.2.20"), "\(printed)")
        #expect(printed.contains("DNS answer A nobody.lab NXDOMAIN"), "\(printed)")
        #expect(printed.contains("DNS answer TXT big.example") && printed.contains("(truncated)"), "\(printed)")

        let verdict = try TsharkVerdict(file: pcap)
        #expect(verdict.packets > 20)
        #expect(verdict.malformed == 0 && verdict.badChecksums.isEmpty, "malformed \(verdict.malformed), bad \(verdict.badChecksums)")
        let names = try TsharkVerdict.fields(pcap, filter: "dns", fields: ["dns.qry.name"]).map { $0.first ?? "" }
        #expect(names.contains("bob.lab") && names.contains("big.example"), "\(names)")

        let log = (try? String(contentsOfFile: runner.base + "/rawnet/names/bob.dns.log", encoding: .utf8)) ?? ""
        #expect(log.contains("dns: serving"), "\(log)")
    }

    @Test func noDNSInTheLab_namesComeFromTheLabFile_andDigSaysSo() throws {
        let runner = try RawNetRunner()
        let up = try runner.run(["up"])
        try #require(up.status == 0, "\(up.output)")
        defer { _ = try? runner.run(["down", "--lab", "basic"]) }
        let ping = try runner.run(["ping", "alice", "bob", "-c", "1"])
        #expect(ping.status == 0 && ping.output.contains("PING bob (10.0.2.20)"), "\(ping.output)")
        let dig = try runner.run(["dig", "alice", "bob.lab"])
        #expect(dig.status == 1, "\(dig.output)")
        #expect(dig.output.contains("dig: no @SERVER given, and alice has no resolver: no host of lab 'basic' has `services: [dns]`"),
                "\(dig.output)")
        #expect(dig.output.contains("Start a name server (`rawnet dns serve HOST`) and ask it with @HOST"), "\(dig.output)")
        let refused = try runner.run(["dig", "alice", "bob.lab", "@bob"])
        #expect(refused.status == 9 && refused.output.contains("no DNS service on port 53"), "\(refused.output)")
        let dotted = try runner.run(["ping", "alice", "bob.lab", "-c", "1"])
        #expect(dotted.status == 1 && dotted.output.contains("'bob.lab' is neither an IPv4 address nor a node of lab 'basic'; did you mean 'bob'?"),
                "the lab zone's name of bob points at bob: \(dotted.output)")
        #expect(dotted.output.contains("alice has no resolver") && !dotted.output.contains("started by hand"), "\(dotted.output)")
    }

    /// A name server started by hand answers whoever asks it (`@bob`), but it is no host's
    /// resolver, as a server started on one machine changes no other's resolv.conf: `dig`
    /// without @SERVER and apps given a DNS name say so, naming bob and the `@bob` that asks it.
    @Test func serverStartedByHand_isAskedWithAt_andWhatAsksNoServerSaysWhereItRuns() throws {
        let runner = try RawNetRunner()
        let up = try runner.run(["up"])
        try #require(up.status == 0, "\(up.output)")
        defer { _ = try? runner.run(["down", "--lab", "basic"]) }
        let server = try runner.start(["dns", "serve", "bob"], name: "dns")
        defer {
            try? Processes.kill(server.pid, signal: SignalNumber.terminate)
            _ = try? runner.wait(server.pid, timeout: 5)
        }
        try runner.waitForOutput(server.outputPath, containing: "port 53")

        let asked = try runner.run(["dig", "alice", "bob.lab", "@bob", "+short"])
        #expect(asked.status == 0 && asked.output.contains("10.0.2.20"), "\(asked.output)")

        let dig = try runner.run(["dig", "alice", "bob.lab"])
        #expect(dig.status == 1, "\(dig.output)")
        #expect(dig.output.contains("alice has no resolver"), "\(dig.output)")
        #expect(dig.output.contains("bob runs a name server started by hand (rawnet dns serve), which no host asks unless told to"),
                "\(dig.output)")
        #expect(dig.output.contains("`rawnet dig alice bob.lab @bob` asks it."), "\(dig.output)")
        #expect(!dig.output.contains("has no DNS service"), "a DNS service runs: \(dig.output)")

        let ping = try runner.run(["ping", "alice", "bob.lab", "-c", "1"])
        #expect(ping.status == 1, "a lookup that failed, as dig's: \(ping.output)")
        #expect(ping.output.contains("did you mean 'bob'?") && ping.output.contains("alice has no resolver"), "\(ping.output)")
        #expect(ping.output.contains("bob runs a name server started by hand")
                && ping.output.contains("`rawnet dig alice bob.lab @bob` asks it."), "\(ping.output)")
        // A plain node name needs no resolver: it is the lab file's.
        let plain = try runner.run(["ping", "alice", "bob", "-c", "1"])
        #expect(plain.status == 0 && plain.output.contains("PING bob (10.0.2.20)"), "\(plain.output)")
    }

    /// Config/dns-tree.yaml: root, TLD and authoritative servers on three hosts and a
    /// recursive resolver on a fourth, which alice uses by default.
    @Test func hierarchy_recursiveResolverWalksRootTLDAndAuthority() throws {
        let runner = try RawNetRunner()
        var parts = #filePath.split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast(3)
        let labFile = parts.joined(separator: "/") + "/Config/dns-tree.yaml"
        let up = try runner.run(["up", labFile])
        try #require(up.status == 0, "\(up.output)")
        defer { _ = try? runner.run(["down", "--lab", "dnstree"]) }
        let (trace, traceOutput) = try runner.start(["trace", "--duration", "6", "--lab", "dnstree", "--filter", "port 53"],
                                                    name: "trace")
        try runner.waitForOutput(traceOutput, containing: "Ctrl-C stops")
        usleep(200_000)

        let recursive = try runner.run(["dig", "alice", "www.corp.lab", "--lab", "dnstree"])
        #expect(recursive.output.contains(";; flags: qr rd ra; QUERY: 1, ANSWER: 2"), "\(recursive.output)")
        #expect(recursive.output.contains("www.corp.lab.\t300\tIN\tCNAME\tbob.corp.lab."), "\(recursive.output)")
        #expect(recursive.output.contains("bob.corp.lab.\t300\tIN\tA\t10.0.6.20"), "\(recursive.output)")
        #expect(recursive.output.contains(";; SERVER: 10.0.5.53#53"), "alice asks rec, the recursive service: \(recursive.output)")

        let walk = try runner.run(["dig", "alice", "www.corp.lab", "@root", "+trace", "--lab", "dnstree"])
        let steps = walk.output.split(separator: "\n").filter { $0.hasPrefix(";; Received") }
        #expect(steps.count == 3, "\(walk.output)")
        #expect(steps.first?.contains("from 10.0.2.53#53") == true && steps.last?.contains("(authoritative)") == true,
                "\(walk.output)")
        #expect(walk.output.contains("lab.\t3600\tIN\tNS\tns.tld.lab.") && walk.output.contains("corp.lab.\t3600\tIN\tNS\tns1.corp.lab."),
                "\(walk.output)")

        // Without @SERVER, +trace asks the resolver for the root servers first, then walks from one.
        let fromRoot = try runner.run(["dig", "alice", "bob.corp.lab", "+trace", "--lab", "dnstree"])
        let received = fromRoot.output.split(separator: "\n").filter { $0.hasPrefix(";; Received") }
        #expect(received.count == 4 && received[0].contains("from 10.0.5.53#53") && received[1].contains("from 10.0.2.53#53"),
                "\(fromRoot.output)")
        #expect(fromRoot.output.contains(".\t") && fromRoot.output.contains("NS\ta.root-servers.lab."), "\(fromRoot.output)")
        // 1400 bytes of TXT: ns1 truncates it to rec over UDP, rec asks again over TCP; rec truncates
        // it to alice the same way, and alice asks rec again over TCP.
        let long = try runner.run(["dig", "alice", "long.corp.lab", "TXT", "--lab", "dnstree"])
        #expect(long.output.contains("(TCP)") && long.output.contains(String(repeating: "c", count: 200))
                && long.output.contains("flags: qr rd ra"), "\(long.output)")
        // Asked again, the NXDOMAIN comes from rec's cache and still carries the zone's SOA (RFC 2308 section 6).
        for round in ["walked", "cached"] {
            let missing = try runner.run(["dig", "alice", "nothing.corp.lab", "--lab", "dnstree"])
            #expect(missing.output.contains("status: NXDOMAIN") && missing.output.contains("AUTHORITY: 1"),
                    "\(round): \(missing.output)")
            #expect(missing.output.contains("\tIN\tSOA\tns1.corp.lab."), "\(round): \(missing.output)")
        }
        // NODATA (bob.corp.lab has no TXT) the same way.
        for round in ["walked", "cached"] {
            let empty = try runner.run(["dig", "alice", "bob.corp.lab", "TXT", "--lab", "dnstree"])
            #expect(empty.output.contains("status: NOERROR") && empty.output.contains("ANSWER: 0, AUTHORITY: 1"),
                    "\(round): \(empty.output)")
        }
        let ping = try runner.run(["ping", "bob", "alice.corp.lab", "-c", "1", "--lab", "dnstree"])
        #expect(ping.status == 0 && ping.output.contains("PING alice.corp.lab (10.0.1.10)"), "\(ping.output)")

        #expect(try runner.wait(trace, timeout: 15) == 0)
        let printed = (try? String(contentsOfFile: traceOutput, encoding: .utf8)) ?? ""
        #expect(printed.contains("DNS referral A www.corp.lab to ns.tld.lab"), "\(printed)")
        #expect(printed.contains("DNS referral A www.corp.lab to ns1.corp.lab"), "\(printed)")
    }

    /// The async resolver of the socket library against the same server: an answer, NXDOMAIN,
    /// a truncated answer asked again over TCP, and a server that never answers.
    @Test func asyncResolver_answersNXDOMAIN_TCPAndTimeout() async throws {
        let runner = try RawNetRunner()
        try Self.startNamesLab(runner)
        defer { _ = try? runner.run(["down", "--lab", "names"]) }
        let host = try await AsyncHostConnection(runDirectory: runner.base + "/rawnet/names", host: "alice", appName: "test")
        let resolver = AsyncDNSResolver(connection: host, server: IPv4Address(10, 0, 2, 20), searchDomain: try DNSName("lab"))
        #expect(try await resolver.addresses(of: "bob") == [IPv4Address(10, 0, 2, 20)])
        await #expect(throws: ResolveError.noSuchName("nobody.lab.")) { try await resolver.addresses(of: "nobody.lab") }
        let long = try await resolver.query(try DNSName("big.example"), type: .txt)
        #expect(long.usedTCP && long.response.answers.count == 1, "\(long.response)")
        let silent = AsyncDNSResolver(connection: host, server: IPv4Address(10, 0, 2, 99))
        await silent.setTimeout(.milliseconds(300), attempts: 2)
        await #expect(throws: ResolveError.timedOut("bob.lab.", server: IPv4Address(10, 0, 2, 99), attempts: 2)) {
            try await silent.addresses(of: "bob.lab")
        }
        await host.close()
    }

    /// A lost query is asked again: the first one alice sends is dropped on its link, and
    /// dig says the answer came on the second try; a lost answer the same.
    @Test func lostQueryOrAnswer_isRetried() throws {
        let runner = try RawNetRunner()
        try Self.startNamesLab(runner)
        defer { _ = try? runner.run(["down", "--lab", "names"]) }
        let drop = try runner.run(["impair", "alice-r1", "--direction", "out", "--drop-next", "udp and port 53",
                                   "--lab", "names"])
        try #require(drop.status == 0, "\(drop.output)")
        let dig = try runner.run(["dig", "alice", "bob.lab", "--lab", "names"])
        #expect(dig.status == 0 && dig.output.contains("bob.lab.\t300\tIN\tA\t10.0.2.20"), "\(dig.output)")
        #expect(dig.output.contains("(answered on try 2)"), "\(dig.output)")
        let dropAnswer = try runner.run(["impair", "bob-r1", "--direction", "out", "--drop-next", "udp and port 53",
                                         "--lab", "names"])
        try #require(dropAnswer.status == 0, "\(dropAnswer.output)")
        let ping = try runner.run(["ping", "alice", "bob.lab", "-c", "1", "--lab", "names"])
        #expect(ping.status == 0 && ping.output.contains("(10.0.2.20)"), "\(ping.output)")
    }

    /// Garbage, responses, over-long datagrams, bad OPT records, EDNS version 1 and another
    /// opcode sent to the server on port 53: each is dropped or answered with an error, counted
    /// by reason in `rawnet status`, and the server keeps answering real questions.
    @Test func hostileDatagrams_areCountedDropsInStatus_andTheServerKeepsAnswering() throws {
        let runner = try RawNetRunner()
        try Self.startNamesLab(runner)
        defer { _ = try? runner.run(["down", "--lab", "names"]) }
        let host = try HostConnection(runDirectory: runner.base + "/rawnet/names", host: "alice", appName: "test")
        let socket = try UDPSocket(host)
        try socket.connect(to: IPv4Address(10, 0, 2, 20), port: 53)
        let bob = try DNSName("bob.lab")
        var bad: [[UInt8]] = [[1], [1, 2, 3, 4, 5], Array(repeating: 0xFF, count: 600),
                              [0x12, 0x34, 0x01, 0x00, 0x00, 0x01, 0, 0, 0, 0, 0, 0, 0xC0, 0x0C, 0, 1, 0, 1]]
        var response = DNSMessage.query(id: 9, name: bob, type: .a)
        response.header.isResponse = true
        bad.append(response.serialize())
        bad.append([0x55, 0x55, 0x01, 0x00] + Array(repeating: 0, count: 1296))  // a "query" of 1300 bytes
        var twoOPTs = DNSMessage.query(id: 0x0202, name: bob, type: .a, edns: DNSEDNS())
        twoOPTs.additional.append(DNSEDNS().record)
        bad.append(twoOPTs.serialize())
        var future = DNSEDNS()
        future.version = 1
        bad.append(DNSMessage.query(id: 0x0303, name: bob, type: .a, edns: future).serialize())
        var status = DNSMessage.query(id: 0x0404, name: bob, type: .a)
        status.header.opcode = 2
        bad.append(status.serialize())
        for bytes in bad { try socket.send(bytes) }
        try socket.send(DNSMessage.query(id: 10, name: bob, type: .a).serialize())
        // The pointer loop and the two OPTs get FORMERR, version 1 BADVERS, opcode 2 NOTIMP, each with its ID;
        // the rest get nothing; the real question its answer.
        var codes: [UInt16: UInt16] = [:]
        while let datagram = try socket.receive(timeout: .seconds(2)) {
            let message = try DNSMessage(parsing: datagram.payload)
            codes[message.header.id] = message.extendedResponseCode
            if message.header.id == 10 { #expect(message.answers.count == 1, "\(message)") }
        }
        #expect(codes == [0x1234: 1, 0x0202: 1, 0x0303: 16, 0x0404: 4, 10: 0], "\(codes)")
        host.close()

        var printed = ""
        for _ in 0..<30 {
            printed = try runner.run(["status", "--lab", "names"]).output
            if printed.contains("drops 9:") { break }
            usleep(100_000)
        }
        #expect(printed.contains("    dns    answered 1 (udp 1, tcp 0), 0 truncated"), "\(printed)")
        for reason in ["drops 9: ", "2 a response, not a query", "2 shorter than a DNS header", "1 longer than the server takes",
                       "1 malformed (FORMERR sent)", "1 bad OPT record (FORMERR sent)",
                       "1 EDNS version not served (BADVERS sent)", "1 opcode not served (NOTIMP sent)"] {
            #expect(printed.contains(reason), "\(reason): \(printed)")
        }
    }

    /// traceroute names each hop by its PTR record through the host's resolver, as Linux's
    /// does; -n prints addresses only; a resolver that never answers costs at most its
    /// timeout per hop and leaves the addresses.
    @Test func traceroute_namesHopsByPTR_dashNSkips_silentResolverDoesNotStall() throws {
        let runner = try RawNetRunner()
        try Self.startNamesLab(runner)
        defer { _ = try? runner.run(["down", "--lab", "names"]) }
        let named = try runner.run(["traceroute", "alice", "bob", "-q", "1", "-w", "1", "--lab", "names"])
        #expect(named.status == 0, "\(named.output)")
        let lines = named.output.split(separator: "\n").map(String.init)
        #expect(lines.contains { $0.hasPrefix(" 1  eth0.r1.lab (10.0.1.1)  ") }, "\(named.output)")
        #expect(lines.contains { $0.hasPrefix(" 2  bob.lab (10.0.2.20)  ") }, "\(named.output)")
        let numeric = try runner.run(["traceroute", "alice", "bob", "-n", "-q", "1", "-w", "1", "--lab", "names"])
        #expect(numeric.output.contains(" 1  10.0.1.1  ") && numeric.output.contains(" 2  10.0.2.20  "), "\(numeric.output)")
        #expect(!numeric.output.contains(".lab ("), "\(numeric.output)")

        // The same lab with alice's resolver at an address where nothing answers.
        _ = try runner.run(["down", "--lab", "names"])
        let labFile = runner.base + "/silent.yaml"
        try Self.topology(zoneFile: runner.base + "/example.zone")
            .replacing("name: names", with: "name: silent")
            .replacing("gateway: 10.0.1.1 }", with: "gateway: 10.0.1.1, resolver: 10.0.2.99 }")
            .write(toFile: labFile, atomically: true, encoding: .utf8)
        let up = try runner.run(["up", labFile])
        try #require(up.status == 0, "\(up.output)")
        defer { _ = try? runner.run(["down", "--lab", "silent"]) }
        let started = Date()
        let silent = try runner.run(["traceroute", "alice", "10.0.2.20", "-q", "1", "-w", "1", "--lab", "silent"])
        let seconds = Date().timeIntervalSince(started)
        #expect(silent.status == 0, "\(silent.output)")
        #expect(silent.output.contains(" 1  10.0.1.1  ") && silent.output.contains(" 2  10.0.2.20  "), "\(silent.output)")
        // Two hops: at most a second of lookup each, beside the probes' answers (milliseconds).
        #expect(seconds < 4, "the trace took \(seconds) s")
    }
}
