import Foundation
import RawNetContracts
import RawNetSocket
import RawNetTestSupport
import RawNetWire
import Testing

/// `trace --save`, then `ladder`, `plot` and `capture --from` on the saved file, on a real lab.
@Suite(.serialized) struct WatchCommandTests {
    @Test func traceSave_thenLadderPlotCapture() throws {
        let runner = try RawNetRunner()
        let up = try runner.run(["up"])
        try #require(up.status == 0, "\(up.output)\(up.errors)")
        let saved = runner.base + "/run.jsonl"
        let (trace, outputPath) = try runner.start(["trace", "--save", saved, "--duration", "6"], name: "trace")
        // TCP numbers count from each side's SYN, and so does a `seq` filter; --absolute shows the wire's.
        let (relative, relativePath) = try runner.start(["trace", "--filter", "tcp and port 7000 and seq 1", "--width", "0",
                                                         "--duration", "6"], name: "trace-seq")
        let (absolute, absolutePath) = try runner.start(["trace", "--filter", "tcp and port 7000", "--absolute", "--width", "0",
                                                         "--duration", "6"], name: "trace-absolute")
        for path in [outputPath, relativePath, absolutePath] { try runner.waitForOutput(path, containing: "Ctrl-C stops") }
        usleep(100_000)

        // A TCP exchange alice → bob:7000: connect, one line each way, close.
        let directory = runner.base + "/rawnet/basic"
        let listener = try RawNetSocket.TCPListener(try HostConnection(runDirectory: directory, host: "bob", appName: "test"), port: 7000)
        let client = try TCPStream.connect(try HostConnection(runDirectory: directory, host: "alice", appName: "test"),
                                           to: IPv4Address("10.0.2.20")!, port: 7000, timeout: .seconds(5))
        let server = try #require(try listener.accept(timeout: .seconds(5)))
        try client.write("hello\n")
        #expect(try server.readLine(timeout: .seconds(3)) == "hello")
        client.close()
        usleep(200_000)
        server.close()
        listener.close()

        #expect(try runner.wait(trace, timeout: 10) == 0)
        let printed = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
        #expect(printed.contains("TCP"), "trace printed the segments:\n\(printed)")
        #expect(try runner.wait(relative, timeout: 10) == 0 && runner.wait(absolute, timeout: 10) == 0)
        let counted = (try? String(contentsOfFile: relativePath, encoding: .utf8)) ?? ""
        #expect(counted.contains("seq/ack count from each side's SYN"), "the header says how numbers count:\n\(counted)")
        #expect(counted.contains("seq 1:7 ack 1 ") && !counted.contains("[S]") && !counted.contains("[S.]"),
                "'seq 1' picks the first data byte, shown counted from the SYNs:\n\(counted)")
        let wire = (try? String(contentsOfFile: absolutePath, encoding: .utf8)) ?? ""
        #expect(wire.contains("len 6") && !wire.contains("seq 1:7 "), "--absolute: the numbers on the wire:\n\(wire)")

        let key = "10.0.1.10:\(client.localPort)>10.0.2.20:7000"
        let list = try runner.run(["ladder", "--from", saved, "--list"])
        #expect(list.output.contains(key), "\(list.output)")
        #expect(!list.output.contains("gap"), "\(list.output)")
        // A saved trace with a gap in it (a watcher that fell behind): --list says frames may be missing.
        let gapped = runner.base + "/gapped.jsonl"
        let lostLine = #"{"time":1,"node":"r1","kind":"lost","reason":"subscriber too slow","detail":"events=5 first=1 last=2 frames.eth0=4"}"#
        try (String(contentsOfFile: saved, encoding: .utf8) + lostLine + "\n").write(toFile: gapped, atomically: true, encoding: .utf8)
        let gappedList = try runner.run(["ladder", "--from", gapped, "--list"])
        #expect(gappedList.status == 0 && gappedList.output.contains(
            "(a gap: the trace lost 5 events, 4 of them frames; a connection's segments may be missing)"), "\(gappedList.output)")
        let ladder = try runner.run(["ladder", "--from", saved, "--connection", key])
        #expect(ladder.status == 0, "\(ladder.errors)")
        let rows = ladder.output.split(separator: "\n").map(String.init)
        let labels = rows.compactMap { row -> String? in
            for name in ["SYN-ACK", "SYN", "FIN-ACK", "DATA", "ACK"] where row.contains(" \(name) ") { return name }
            return nil
        }
        #expect(Array(labels.prefix(3)) == ["SYN", "SYN-ACK", "ACK"], "\(ladder.output)")
        #expect(labels.contains("DATA"))
        #expect(labels.filter { $0 == "FIN-ACK" }.count == 2, "\(ladder.output)")
        // In Korean, as the tour draws it: the ladder's own words translated, the rest the same.
        let korean = try runner.run(["ladder", "--from", saved, "--connection", key, "--lang", "ko"])
        #expect(korean.status == 0 && korean.output != ladder.output
                && korean.output.unicodeScalars.contains { (0xAC00...0xD7A3).contains($0.value) }, "\(korean.output)")
        #expect(korean.output.split(separator: "\n").count == rows.count, "\(korean.output)")
        let french = try runner.run(["ladder", "--from", saved, "--lang", "fr"])
        #expect(french.status == 64 && french.errors.contains("--lang must be en or ko"), "\(french.errors)")
        // Without --lang: RAWNET_LANG, else a Korean locale, chooses Korean; an unknown RAWNET_LANG is refused.
        for overrides: [String: String?] in [["RAWNET_LANG": "ko"],
                                             ["RAWNET_LANG": nil, "LC_ALL": nil, "LC_MESSAGES": nil, "LANG": "ko_KR.UTF-8"]] {
            runner.environmentOverrides = overrides
            let chosen = try runner.run(["ladder", "--from", saved, "--connection", key])
            #expect(chosen.output == korean.output, "\(overrides): \(chosen.output)")
        }
        runner.environmentOverrides = ["RAWNET_LANG": nil, "LC_ALL": "C.UTF-8", "LANG": "ko_KR.UTF-8"]
        #expect(try runner.run(["ladder", "--from", saved, "--connection", key]).output == ladder.output, "LC_ALL comes first")
        runner.environmentOverrides = ["RAWNET_LANG": "fr"]
        let badVariable = try runner.run(["ladder", "--from", saved, "--connection", key])
        #expect(badVariable.status == 64 && badVariable.errors.contains("RAWNET_LANG must be en or ko"), "\(badVariable.errors)")
        runner.environmentOverrides = [:]
        let mermaid = try runner.run(["ladder", "--from", saved, "--mermaid"])
        #expect(mermaid.output.hasPrefix("sequenceDiagram\n"))

        let svgPath = runner.base + "/run.svg"
        let plot = try runner.run(["plot", "--from", saved, "-o", svgPath])
        #expect(plot.status == 0, "\(plot.errors)")
        let svg = try String(contentsOfFile: svgPath, encoding: .utf8)
        let trimmed = svg.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(trimmed.components(separatedBy: "<svg").count == 2 && trimmed.hasSuffix("</svg>"))
        #expect(svg.contains("retransmitted") && svg.contains("10.0.1.10:\(client.localPort)"), "the plot names its connection")

        let pcap = runner.base + "/run.pcapng"
        let capture = try runner.run(["capture", "--from", saved, "-w", pcap])
        #expect(capture.status == 0, "\(capture.errors)")
        let verdict = try TsharkVerdict(file: pcap)
        #expect(verdict.packets > 8)
        #expect(verdict.malformed == 0 && verdict.badChecksums.isEmpty)
        _ = try runner.run(["down", "--lab", "basic"])
    }

    @Test func liveCapture_streamsAReadableFile() throws {
        let runner = try RawNetRunner()
        try #require(try runner.run(["up"]).status == 0)
        let pcap = runner.base + "/live.pcapng"
        let (capture, outputPath) = try runner.start(["capture", "--one-file", "-w", pcap, "--duration", "4"], name: "capture")
        try runner.waitForOutput(outputPath, containing: "Ctrl-C stops")
        usleep(100_000)
        // Written as ping's users type it, each number attached to its option.
        let ping = try runner.run(["ping", "alice", "bob", "-c3", "-i0.2", "-s56"])
        #expect(ping.status == 0 && ping.output.contains("3 packets transmitted, 3 received"), "\(ping.output)")
        // While the capture still runs, the file already holds whole blocks tshark can read.
        let early = try TsharkVerdict(file: pcap)
        #expect(early.packets > 0 && early.malformed == 0)
        #expect(try runner.wait(capture, timeout: 10) == 0, "\((try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? "")")
        let verdict = try TsharkVerdict(file: pcap)
        #expect(verdict.packets >= 12)  // 3 requests and 3 replies, each over 2 cables
        #expect(verdict.malformed == 0 && verdict.badChecksums.isEmpty)
        _ = try runner.run(["down", "--lab", "basic"])
    }

    @Test func clearErrors_forBadFiltersTargetsAndSources() throws {
        let runner = try RawNetRunner()
        let filter = try runner.run(["trace", "--filter", "port seven"])
        #expect(filter.status != 0)
        #expect(filter.errors.contains("--filter:"), "\(filter.errors)")
        let unbalanced = try runner.run(["trace", "--filter", "udp and ("])
        #expect(unbalanced.errors.contains("--filter:"))
        let source = try runner.run(["ladder", "--from", "x.jsonl", "--duration", "1"])
        #expect(source.errors.contains("give --from FILE.jsonl (a saved trace) or --duration SECONDS (watch the lab now), not both"),
                "\(source.errors)")
        try #require(try runner.run(["up"]).status == 0)
        // Neither: the ladder watches until Ctrl-C, then draws.
        let (ladder, ladderOutput) = try runner.start(["ladder"], name: "ladder-live")
        try runner.waitForOutput(ladderOutput, containing: "until Ctrl-C (at most 200000 events)")
        let server = try runner.start(["nc", "bob", "-l", "7300"], name: "nc-server")
        usleep(300_000)
        #expect(try runner.run(["nc", "alice", "bob", "7300"]).status == 0)
        _ = try? runner.wait(server.pid, timeout: 5)
        #expect(try runner.interrupt(ladder) == 0)
        let drawn = try String(contentsOfFile: ladderOutput, encoding: .utf8)
        #expect(drawn.contains("SYN seq=0") && drawn.contains("FIN-ACK"), "\(drawn)")
        let target = try runner.run(["trace", "nosuch", "--duration", "1"])
        #expect(target.status != 0)
        #expect(target.errors.contains("'nosuch' is not a node, NODE:INTERFACE or link of lab 'basic'"), "\(target.errors)")
        let bad = runner.base + "/bad.jsonl"
        try "{\"time\":1}\n".write(toFile: bad, atomically: true, encoding: .utf8)
        let read = try runner.run(["ladder", "--from", bad])
        #expect(read.errors.contains("line 1 is not a trace event: it has no '"), "\(read.errors)")
        #expect(read.errors.contains("holds one JSON event per line") && !read.errors.contains("DecodingError"), "\(read.errors)")
        // A file that is no trace at all (a user's slip: `--from /etc/passwd`).
        let text = runner.base + "/text.jsonl"
        try "root:x:0:0:root:/root:/bin/bash\n".write(toFile: text, atomically: true, encoding: .utf8)
        let notJSON = try runner.run(["ladder", "--from", text])
        #expect(notJSON.status != 0 && notJSON.errors.contains("line 1 is not JSON (a trace saved by"), "\(notJSON.errors)")
        _ = try runner.run(["down", "--lab", "basic"])
    }
}
