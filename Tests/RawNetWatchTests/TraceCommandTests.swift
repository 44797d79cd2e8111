import Foundation
import RawNetSocket
import RawNetTestSupport
import RawNetView
import RawNetWire
import Testing

/// What `rawnet trace` prints, on a real lab alice — r1 — bob: retransmissions marked on
/// their frame lines.
@Suite(.serialized) struct TraceCommandTests {
    /// alice sends `lines` lines to bob:`port`, one every 30 ms, and bob reads them all.
    static func exchange(lines: Int, port: UInt16, in directory: String) throws {
        let listener = try RawNetSocket.TCPListener(try HostConnection(runDirectory: directory, host: "bob", appName: "test"),
                                                    port: port)
        defer { listener.close() }
        let client = try TCPStream.connect(try HostConnection(runDirectory: directory, host: "alice", appName: "test"),
                                           to: IPv4Address("10.0.2.20")!, port: port, timeout: .seconds(20))
        let server = try #require(try listener.accept(timeout: .seconds(20)))
        defer { server.close() }
        for index in 0..<lines {
            try client.write("line \(index)\n")
            usleep(30_000)
        }
        for index in 0..<lines { #expect(try server.readLine(timeout: .seconds(30)) == "line \(index)") }
        client.close()
        usleep(300_000)
    }

    /// A data segment's line: where, ports, flags, the first and last sequence numbers.
    struct Segment {
        var line: String
        var place: String
        var ports: String
        var start: Int64
        var end: Int64
        var isMarked: Bool { line.contains("↻ retransmission") }
    }

    /// The lines of TCP segments that carry data (their numbers count from the SYN; a FIN
    /// adds one), as `trace --width 0` prints them.
    static func dataSegments(_ text: String) -> [Segment] {
        let pattern = #/^\s*[\d.]+ (\S+)\s+\S .*\| TCP (\d+ > \d+) \[([A-Z.]+)\] seq (\d+):(\d+) /#
        return text.split(separator: "\n").compactMap { line in
            guard let match = try? pattern.firstMatch(in: String(line)), !match.output.3.contains("S"),
                  let start = Int64(match.output.4), let end = Int64(match.output.5) else { return nil }
            let fin: Int64 = match.output.3.contains("F") ? 1 : 0
            return Segment(line: String(line), place: String(match.output.1), ports: String(match.output.2),
                           start: start, end: end + fin)
        }
    }

    /// With 30 % loss both ways on alice's cable: the frame lines of data sent again end in
    /// `↻ retransmission`, with the sender's reason where its events are seen; traced at
    /// alice:eth0 alone (where no TCP event line is shown) and with --layers too. At alice:eth0
    /// a data line is marked exactly when all its bytes were seen there before (sent or dropped).
    @Test func retransmittedFrames_areMarkedOnTheirLines() throws {
        let runner = try RawNetRunner()
        try #require(try runner.run(["up"]).status == 0)
        defer { _ = try? runner.run(["down", "--lab", "basic"]) }
        #expect(try runner.run(["impair", "alice-r1", "--loss", "30%", "--seed", "7"]).status == 0)
        let (all, allPath) = try runner.start(["trace", "--width", "0"], name: "trace-all")
        let (one, onePath) = try runner.start(["trace", "alice:eth0", "--width", "0"], name: "trace-one")
        let (layered, layeredPath) = try runner.start(["trace", "alice:eth0", "--layers", "--width", "0",
                                                      "--filter", "tcp and port 7000"], name: "trace-layers")
        for path in [allPath, onePath, layeredPath] { try runner.waitForOutput(path, containing: "Ctrl-C stops") }
        usleep(100_000)
        try Self.exchange(lines: 60, port: 7000, in: runner.base + "/rawnet/basic")
        for pid in [all, one, layered] { #expect(try runner.interrupt(pid) == 0) }
        let allText = try String(contentsOfFile: allPath, encoding: .utf8)
        let oneText = try String(contentsOfFile: onePath, encoding: .utf8)
        let layeredText = try String(contentsOfFile: layeredPath, encoding: .utf8)

        // Every node: the host's event line, and its frame lines marked with the reason.
        #expect(allText.contains("TCP event=retransmit"), "\(allText)")
        let allMarked = allText.split(separator: "\n").filter { $0.contains("↻ retransmission") }
        #expect(allMarked.contains { $0.contains("↻ retransmission (") }, "\(allText)")
        #expect(allMarked.allSatisfy { $0.contains(" | TCP ") }, "only frame lines carry the mark:\n\(allMarked)")

        // alice:eth0 alone: no event lines, yet the marks, with alice's reasons.
        #expect(!oneText.contains("event=retransmit"))
        let segments = Self.dataSegments(oneText).filter { $0.place == "alice:eth0" }
        #expect(segments.contains { $0.isMarked } && oneText.contains("↻ retransmission ("), "\(oneText)")
        // alice's own copies, sent or dropped at her egress, carry the reason her event gave.
        let alicesResent = segments.filter { $0.isMarked && $0.ports.hasSuffix("> 7000") }
        #expect(alicesResent.allSatisfy { $0.line.contains("↻ retransmission (") }, "\(alicesResent.map(\.line))")
        var highest: [String: Int64] = [:]
        for segment in segments {
            let seenBefore = highest[segment.ports].map { segment.end <= $0 } ?? false
            #expect(segment.isMarked == seenBefore, "marked exactly when resent:\n\(segment.line)")
            highest[segment.ports] = max(highest[segment.ports] ?? 0, segment.end)
        }

        // --layers: the one-line summary above the boxes carries the mark.
        let layeredMarked = layeredText.split(separator: "\n").filter { $0.contains("↻ retransmission") }
        #expect(!layeredMarked.isEmpty && layeredMarked.allSatisfy { $0.contains("alice:eth0") && $0.contains(" | TCP ") },
                "\(layeredText)")
        #expect(layeredText.contains("┌─ TCP"))
    }

    /// A node stopped and started again while traced: the end of its stream and its return
    /// are said as they happen (on standard error, which no filter hides), with how long the
    /// daemon ran before it was watched again; its frames are shown again afterwards; and
    /// `rawnet down` ends the trace, as nothing will come back.
    @Test func aNodeStoppedAndStartedAgain_isWatchedAgain_andTheGapIsSaid() throws {
        let runner = try RawNetRunner()
        try #require(try runner.run(["up"]).status == 0)
        defer { _ = try? runner.run(["down", "--lab", "basic"]) }
        let (trace, path) = try runner.start(["trace", "--filter", "icmp", "--width", "0"], name: "trace-restart")
        try runner.waitForOutput(path, containing: "Ctrl-C stops")
        #expect(try runner.run(["stop", "r1"]).status == 0)
        try runner.waitForOutput(path, containing: "* r1's stream ended (its daemon stopped: rawnet stop, or a crash)")
        #expect(try runner.run(["start", "r1"]).status == 0)
        try runner.waitForOutput(path, containing: "* r1 is watched again; what it did in the ")
        let printed = try String(contentsOfFile: path, encoding: .utf8)
        let said = printed.split(separator: "\n").first { $0.hasPrefix("* r1 is watched again") }.map(String.init) ?? ""
        let seconds = said.components(separatedBy: "what it did in the ").last?.split(separator: " ").first.flatMap { Double($0) }
        #expect(seconds.map { $0 < 5 } == true, "how long it ran unseen: \(said)")
        #expect(try runner.run(["ping", "alice", "bob", "-c", "1"]).status == 0)
        try runner.waitForOutput(path, containing: "r1:eth1")
        #expect(try runner.run(["down"]).status == 0)
        #expect(try runner.wait(trace, timeout: 10) == 0, "the trace ends with the lab")
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let r1 = text.split(separator: "\n").filter { $0.contains("r1:eth") && $0.contains("ICMP echo") }
        #expect(r1.count == 2, "r1 forwards the request and the reply, and both are shown:\n\(text)")
        #expect(text.components(separatedBy: "* r1's stream ended").count == 2, "said once, when r1 stopped: \(text)")
    }

    /// `--lang ko`: the header, the drop reasons, the retransmission marks and the boxes in
    /// the tour's Korean words; the final count too. Anything but en or ko is refused.
    @Test func inKorean_theViewsWordsAreTheTours() throws {
        let runner = try RawNetRunner()
        let wrong = try runner.run(["trace", "--lang", "fr"])
        #expect(wrong.status == 64 && wrong.errors.contains("--lang must be en or ko"), "\(wrong.errors)")
        try #require(try runner.run(["up"]).status == 0)
        defer { _ = try? runner.run(["down", "--lab", "basic"]) }
        #expect(try runner.run(["impair", "alice-r1", "--loss", "30%", "--seed", "7"]).status == 0)
        let (plain, plainPath) = try runner.start(["trace", "--lang", "ko", "--width", "0"], name: "trace-ko")
        let (layered, layeredPath) = try runner.start(["trace", "alice:eth0", "--lang", "ko", "--layers", "--width", "0",
                                                      "--filter", "tcp and port 7000"], name: "trace-ko-layers")
        for path in [plainPath, layeredPath] { try runner.waitForOutput(path, containing: "Ctrl-C로 멈춥니다") }
        usleep(100_000)
        try Self.exchange(lines: 30, port: 7000, in: runner.base + "/rawnet/basic")
        for pid in [plain, layered] { #expect(try runner.interrupt(pid) == 0) }
        let text = try String(contentsOfFile: plainPath, encoding: .utf8)
        let boxes = try String(contentsOfFile: layeredPath, encoding: .utf8)
        #expect(text.hasPrefix("실습 네트워크 'basic'의 alice, bob, r1 추적; 시각은 첫 이벤트부터 ms"), "\(text)")
        // The glossary's words: 윈도우 (never 윈도), numbers "as on the wire" as the header carries them.
        #expect(text.contains("TCP는 윈도우가 바뀔 때마다") && text.contains("헤더에 실린 값 그대로"), "\(text)")
        #expect(!text.contains("케이블 위의 값") && !text.contains("케이블 위의 번호"), "\(text)")
        #expect(text.contains("✗\u{A0}버려짐 (인위적\u{A0}손실)") && text.contains("↻\u{A0}재전송"), "\(text)")
        #expect(!text.contains("DROPPED") && !text.contains("retransmission") && !text.contains("events shown"), "\(text)")
        #expect(text.contains(/이벤트 \d+개 표시/))
        #expect(boxes.contains("┌─ 이더넷 II") && boxes.contains("┌─ TCP") && boxes.contains("순서 번호"), "\(boxes)")
        #expect(!boxes.contains("Ethernet II") && !boxes.contains("Sequence number"))
    }

    /// At 80 columns (`--width 80`, as on an 80-column terminal): no line is wider, plain,
    /// with --layers (the summary above the boxes wrapped under its text as a plain line is)
    /// and in Korean; the header is wrapped at spaces, every word kept.
    @Test func at80Columns_noLineIsWider() throws {
        let runner = try RawNetRunner()
        try #require(try runner.run(["up"]).status == 0)
        defer { _ = try? runner.run(["down", "--lab", "basic"]) }
        #expect(try runner.run(["impair", "alice-r1", "--loss", "30%", "--seed", "7"]).status == 0)
        let runs = [(["trace", "--width", "80"], "plain"),
                    (["trace", "--width", "80", "--layers", "--filter", "tcp and port 7000"], "layers"),
                    (["trace", "alice", "--width", "80", "--layers", "--lang", "ko"], "korean")]
        var started: [(pid: Int32, path: String, name: String)] = []
        for (arguments, name) in runs {
            let (pid, path) = try runner.start(arguments, name: name)
            started.append((pid, path, name))
        }
        for run in started { try runner.waitForOutput(run.path, containing: "Ctrl-C") }
        usleep(100_000)
        try Self.exchange(lines: 20, port: 7000, in: runner.base + "/rawnet/basic")
        for run in started { #expect(try runner.interrupt(run.pid) == 0) }
        for run in started {
            let text = try String(contentsOfFile: run.path, encoding: .utf8)
            let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
            #expect(lines.count > 40, "\(run.name):\n\(text)")
            for line in lines { #expect(DisplayWidth.of(line) <= 80, "\(run.name): \(DisplayWidth.of(line)) columns: \(line)") }
            // A wrapped line goes on under its text: after the time, the place and the arrow.
            #expect(lines.contains { $0.hasPrefix(String(repeating: " ", count: 24)) && $0.dropFirst(24).first != " " },
                    "\(run.name):\n\(text)")
        }
        let plain = try String(contentsOfFile: started[0].path, encoding: .utf8)
        let header = plain.split(separator: "\n").prefix { !$0.hasPrefix("    ") }.joined(separator: " ")
            .split(separator: " ").joined(separator: " ")
        #expect(header.hasPrefix("tracing alice, bob, r1 of lab 'basic'; times in ms from the first event;")
                && header.hasSuffix("; Ctrl-C stops"), "\(plain)")
        #expect(header.contains("--filter 'not event cwnd' hides the cwnd lines"), "how to quiet TCP's window lines: \(header)")
        #expect(plain.split(separator: "\n").first.map { DisplayWidth.of($0) > 60 } == true, "filled to the width")
        let layered = try String(contentsOfFile: started[1].path, encoding: .utf8)
        #expect(layered.contains("┌─ TCP") && layered.contains(" | TCP "))
        let korean = try String(contentsOfFile: started[2].path, encoding: .utf8)
        #expect(korean.contains("┌─ 이더넷 II"))
    }

    /// A connection that began before the trace shows the wire's numbers, each marked (abs),
    /// and the header says so; one whose SYN the trace saw counts from it, unmarked.
    @Test func numbersOfAConnectionBegunBeforeTheTrace_areMarkedAbsolute() throws {
        let runner = try RawNetRunner()
        try #require(try runner.run(["up"]).status == 0)
        defer { _ = try? runner.run(["down", "--lab", "basic"]) }
        let directory = runner.base + "/rawnet/basic"
        let bob = try HostConnection(runDirectory: directory, host: "bob", appName: "test")
        let alice = try HostConnection(runDirectory: directory, host: "alice", appName: "test")
        let early = try RawNetSocket.TCPListener(bob, port: 7000)
        let late = try RawNetSocket.TCPListener(bob, port: 7001)
        defer { early.close(); late.close() }
        let before = try TCPStream.connect(alice, to: IPv4Address("10.0.2.20")!, port: 7000, timeout: .seconds(5))
        let beforeServer = try #require(try early.accept(timeout: .seconds(5)))
        try before.write("before the trace\n")
        #expect(try beforeServer.readLine(timeout: .seconds(5)) == "before the trace")

        let (trace, path) = try runner.start(["trace", "alice:eth0", "--width", "0", "--filter", "tcp"], name: "trace")
        try runner.waitForOutput(path, containing: "Ctrl-C stops")
        usleep(100_000)
        let after = try TCPStream.connect(alice, to: IPv4Address("10.0.2.20")!, port: 7001, timeout: .seconds(5))
        let afterServer = try #require(try late.accept(timeout: .seconds(5)))
        for (client, server) in [(before, beforeServer), (after, afterServer)] {
            try client.write("during the trace\n")
            #expect(try server.readLine(timeout: .seconds(5)) == "during the trace")
            try server.write("answer\n")
            #expect(try client.readLine(timeout: .seconds(5)) == "answer")
        }
        #expect(try runner.interrupt(trace) == 0)
        for stream in [before, beforeServer, after, afterServer] { stream.close() }
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text.contains("TCP seq/ack count from each side's SYN (a SYN shows its own as on the wire); where the"
                              + " trace did not see the SYN, they are as on the wire and marked (abs)"), "\(text)")
        let lines = text.split(separator: "\n").filter { $0.contains(" | TCP ") }
        let early7000 = lines.filter { $0.contains(" > 7000 ") || $0.contains("TCP 7000 > ") }
        let late7001 = lines.filter { $0.contains(" > 7001 ") || $0.contains("TCP 7001 > ") }
        #expect(early7000.count >= 3 && late7001.count >= 6, "\(text)")
        // Every number of the early connection is the wire's and marked; data as 'seq A:B(abs)'.
        #expect(early7000.allSatisfy { $0.contains(#/ seq \d+(:\d+)?\(abs\) ack \d+\(abs\) /#) }, "\(early7000)")
        #expect(early7000.contains { $0.contains(#/ seq \d{4,}:\d+\(abs\) /#) })
        #expect(late7001.allSatisfy { !$0.contains("(abs)") }, "\(late7001)")
        #expect(late7001.contains { $0.contains(" seq 1:18 ack 1 ") }, "counted from the SYNs: \(late7001)")
    }
}
