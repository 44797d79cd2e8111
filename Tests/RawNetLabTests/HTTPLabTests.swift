import Foundation
import RawNetLab
import RawNetPlatform
import RawNetTestSupport
import Testing

/// `rawnet http serve` and `rawnet http get` on real daemons: alice — r1 — bob.
@Suite(.serialized) struct HTTPLabTests {
    static func yaml(lab: String) -> String { TopologyLoader.defaultLabYAML(named: lab) }

    /// The lab with a root on bob served by `rawnet http serve`; the server stops after `body`.
    static func withServer(_ prefix: String, _ body: (RawNetRunner, Data, (pid: Int32, outputPath: String)) throws -> Void) throws {
        let lab = prefix + String(Processes.currentPID)
        try LinuxPeer.withLab(lab, yaml: yaml(lab: lab)) { runner, _ in
            let (root, big) = try makeRoot(runner)
            let server = try startServer(runner, root: root)
            defer { stopServer(runner, server.pid) }
            try body(runner, big, server)
        }
    }

    static func stopServer(_ runner: RawNetRunner, _ pid: Int32) {
        try? Processes.kill(pid, signal: SignalNumber.terminate)
        _ = try? runner.wait(pid, timeout: 5)
    }

    /// A root with an index page, a random file and one in a subdirectory.
    static func makeRoot(_ runner: RawNetRunner) throws -> (root: String, big: Data) {
        let root = runner.base + "/www"
        try FileManager.default.createDirectory(atPath: root + "/sub", withIntermediateDirectories: true)
        try "<h1>RawNet</h1>\n".write(toFile: root + "/index.html", atomically: true, encoding: .utf8)
        try "inner\n".write(toFile: root + "/sub/inner.txt", atomically: true, encoding: .utf8)
        let big = try Data(contentsOf: URL(fileURLWithPath: LinuxPeer.randomFile(runner, name: "big.bin", count: 300_000)))
        try big.write(to: URL(fileURLWithPath: root + "/big.bin"))
        return (root, big)
    }

    /// Starts the server on bob and waits for its ready line.
    static func startServer(_ runner: RawNetRunner, root: String, extra: [String] = []) throws -> (pid: Int32, outputPath: String) {
        let server = try runner.start(["http", "serve", "bob", "--root", root] + extra, name: "http-serve")
        try runner.waitForOutput(server.outputPath, containing: "serving http on bob port 80")
        return server
    }

    /// `services: [{http: …}]` on bob: `rawnet up` starts the server (its root relative to the
    /// topology file), the page comes byte-exact, and `rawnet down` ends the server with its host.
    @Test func upStartsAnHTTPServiceFromTheTopology_downEndsIt() throws {
        let runner = try RawNetRunner()
        let lab = "hs\(Processes.currentPID)"
        let (_, big) = try Self.makeRoot(runner)
        let yaml = TopologyLoader.defaultLabYAML(named: lab).replacingOccurrences(
            of: "ip: 10.0.2.20/24,", with: "services: [{http: {port: 8080, root: www}}], ip: 10.0.2.20/24,")
        try #require(yaml.contains("services:"), "the default lab's bob line changed: \(yaml)")
        let file = runner.base + "/lab.yaml"
        try yaml.write(toFile: file, atomically: true, encoding: .utf8)
        defer { _ = try? runner.run(["down", "--lab", lab]) }
        let up = try runner.run(["up", file])
        try #require(up.status == 0, "rawnet up failed:\n\(up.output)")
        #expect(up.output.contains("http on bob: port 8080"), "\(up.output)")
        let got = runner.base + "/got.bin"
        let fetch = try runner.run(["http", "get", "alice", "http://bob:8080/big.bin", "-o", got, "--lab", lab])
        #expect(fetch.status == 0, "\(fetch.output)")
        #expect((try? Data(contentsOf: URL(fileURLWithPath: got))) == big, "the file arrived changed")
        let log = (try? String(contentsOfFile: runner.base + "/rawnet/\(lab)/bob.http.log", encoding: .utf8)) ?? ""
        #expect(log.contains("GET /big.bin") && log.contains("200"), "bob.http.log: \(log)")
        #expect(try runner.run(["down", "--lab", lab]).status == 0)
        // The service ends with its host: nothing listens, nothing is left running.
        // (`bo[b]`: the pattern must not match the shell that runs pgrep.)
        var running: Int32? = 0
        for _ in 0..<50 where running == 0 {
            running = try runner.runShell("pgrep -f 'http serve bo[b] --run-dir .*\(lab)'", timeout: 10)
            if running == 0 { usleep(100_000) }
        }
        #expect(running == 1, "the http service outlived its lab")
    }

    @Test func clientFetchesFilesByteExactAndSeesEveryStatus() throws {
        try LinuxPeer.requireTool("tshark", package: "tshark")
        try Self.withServer("ht") { runner, big, server in
            let pcap = runner.base + "/http.pcapng"
            // alice's one interface: each frame once (a link's two ends would store each twice).
            let capture = try runner.start(["capture", "alice", "-w", pcap], name: "capture")
            try runner.waitForOutput(capture.outputPath, containing: "capturing")

            let got = runner.base + "/got.bin"
            let fetch = try runner.run(["http", "get", "alice", "http://bob/big.bin", "-o", got])
            #expect(fetch.status == 0, "\(fetch.output)")
            #expect((try? Data(contentsOf: URL(fileURLWithPath: got))) == big, "the file arrived changed")

            let index = try runner.run(["http", "get", "alice", "http://10.0.2.20/"])
            #expect(index.status == 0 && index.output == "<h1>RawNet</h1>\n", "\(index.output)")
            let inner = try runner.run(["http", "get", "alice", "http://bob/x/../sub/inner.txt"])
            #expect(inner.output == "inner\n", "\(inner.output)")

            let page = try runner.run(["http", "get", "alice", "http://bob/_request", "-H", "X-Lab: yes"])
            #expect(page.output.contains("GET /_request HTTP/1.1\nHost: bob\n"), "\(page.output)")
            #expect(page.output.contains("X-Lab: yes") && page.output.contains("10.0.1.10:"), "\(page.output)")

            let missing = try runner.run(["http", "get", "alice", "http://bob/nothing", "-v", "--fail"])
            #expect(missing.status == 22)
            #expect(missing.output.contains("< HTTP/1.1 404 Not Found"), "\(missing.output)")
            #expect(missing.output.contains("> GET /nothing HTTP/1.1"), "\(missing.output)")

            // -f as curl's --fail: nothing on standard output, the error on standard error, exit 22;
            // a later URL is still fetched. Without -f the error page is the output, exit 0.
            let (out, err) = (runner.base + "/fail.out", runner.base + "/fail.err")
            let failed = try runner.runShell("exec '\(runner.executable)' http get alice http://bob/nothere -f > '\(out)' 2> '\(err)'",
                                             timeout: 30)
            #expect(failed == 22)
            #expect(LinuxPeer.output(out).isEmpty, "stdout: \(LinuxPeer.output(out))")
            #expect(LinuxPeer.output(err) == "http get: (22) http://bob/nothere: the requested URL returned error: 404\n",
                    "stderr: \(LinuxPeer.output(err))")
            let then = try runner.runShell("exec '\(runner.executable)' http get alice http://bob/nothere http://bob/sub/inner.txt -f"
                                           + " > '\(out)' 2> '\(err)'", timeout: 30)
            #expect(then == 22 && LinuxPeer.output(out) == "inner\n", "\(LinuxPeer.output(out)) | \(LinuxPeer.output(err))")
            let plain = try runner.runShell("exec '\(runner.executable)' http get alice http://bob/nothere > '\(out)' 2> '\(err)'",
                                            timeout: 30)
            #expect(plain == 0 && LinuxPeer.output(out) == "404 Not Found\n" && LinuxPeer.output(err).isEmpty,
                    "\(LinuxPeer.output(out)) | \(LinuxPeer.output(err))")

            let post = try runner.run(["http", "get", "alice", "http://bob/", "-X", "POST", "-v"])
            #expect(post.output.contains("< HTTP/1.1 405 Method Not Allowed") && post.output.contains("< Allow: GET, HEAD"),
                    "\(post.output)")

            let head = try runner.run(["http", "get", "alice", "http://bob/big.bin", "-X", "HEAD", "-v"])
            #expect(head.output.contains("< Content-Length: 300000"), "\(head.output)")
            #expect(!head.output.contains("\u{0}"), "HEAD got a body")

            let huge = try runner.run(["http", "get", "alice", "http://bob/", "-v", "-H", "X-Big: " + String(repeating: "b", count: 9_000)])
            #expect(huge.output.contains("< HTTP/1.1 413 Content Too Large"), "\(huge.output.suffix(600))")

            // A malformed request, sent raw with nc: 400, and the server closes.
            let raw = runner.base + "/raw.txt"
            try "GET / HTTP/1.1\r\nHost : bob\r\n\r\n".write(toFile: raw, atomically: true, encoding: .utf8)
            let answer = runner.base + "/raw-answer.txt"
            let nc = try runner.runShell("exec '\(runner.executable)' nc alice bob 80 < '\(raw)' > '\(answer)'", timeout: 30)
            #expect(nc == 0)
            let rawAnswer = (try? String(contentsOfFile: answer, encoding: .utf8)) ?? ""
            #expect(rawAnswer.hasPrefix("HTTP/1.1 400 Bad Request\r\n"), "\(rawAnswer)")

            // Keep-alive: three URLs on one connection.
            let three = try runner.run(["http", "get", "alice", "http://bob/", "http://bob/sub/inner.txt", "http://bob/", "-v"])
            #expect(three.output.components(separatedBy: "* reusing the connection").count == 3, "\(three.output)")
            #expect(three.output.components(separatedBy: "* connected to").count == 2)

            let log = LinuxPeer.output(server.outputPath)
            // The byte count is the body sent: the 404 page's 14 bytes, none for HEAD.
            let lines = log.split(separator: "\n")
            let notFound = lines.filter { $0.contains("GET /nothere from 10.0.1.10:") }
            #expect(notFound.count == 3 && notFound.allSatisfy { $0.hasSuffix("→ 404 (14 bytes)") }, "\(log)")
            let heads = lines.filter { $0.contains("HEAD /big.bin from 10.0.1.10:") }
            #expect(heads.count == 1 && heads.allSatisfy { $0.hasSuffix("→ 200 (0 bytes)") }, "\(log)")
            #expect(lines.contains { $0.contains("GET /big.bin from") && $0.hasSuffix("→ 200 (300000 bytes)") }, "\(log)")
            #expect(log.contains("→ 400"), "\(log)")
            #expect(log.contains("→ 413"), "\(log)")
            #expect(log.contains("GET /sub/inner.txt from 10.0.1.10:"), "\(log)")

            // Wireshark reads every message as HTTP, with nothing malformed and every checksum right.
            usleep(300_000)
            try Processes.kill(capture.pid, signal: SignalNumber.interrupt)
            #expect(try runner.wait(capture.pid, timeout: 10) == 0, "\(LinuxPeer.output(capture.outputPath))")
            let verdict = try TsharkVerdict(file: pcap)
            let malformed = try TsharkVerdict.fields(pcap, filter: "_ws.malformed", fields: ["frame.number", "tcp.stream", "tcp.seq", "tcp.len", "_ws.expert.message"])
            #expect(verdict.packets > 100 && verdict.malformed == 0 && verdict.badChecksums.isEmpty,
                    "\(verdict.packets) packets, malformed: \(malformed), bad checksums in \(verdict.badChecksums)")
            let codes = try TsharkVerdict.fields(pcap, filter: "http.response", fields: ["http.response.code"]).map { $0[0] }
            #expect(Set(codes).isSuperset(of: ["200", "400", "404", "405", "413"]), "\(codes)")
            let methods = try TsharkVerdict.fields(pcap, filter: "http.request", fields: ["http.request.method"]).map { $0[0] }
            #expect(Set(methods) == ["GET", "POST", "HEAD"], "\(methods)")

            // Random bytes (after the capture: Wireshark rightly calls them malformed HTTP): 400 or 413,
            // and the server goes on serving.
            let noise = try LinuxPeer.randomFile(runner, name: "noise.bin", count: 200_000)
            let noiseAnswer = runner.base + "/noise-answer.txt"
            _ = try runner.runShell("exec '\(runner.executable)' nc alice bob 80 < '\(noise)' > '\(noiseAnswer)'", timeout: 60)
            let noiseText = (try? String(contentsOfFile: noiseAnswer, encoding: .utf8)) ?? ""
            #expect(noiseText.hasPrefix("HTTP/1.1 400 Bad Request\r\n") || noiseText.hasPrefix("HTTP/1.1 413"), "\(noiseText)")

            let after = try runner.run(["http", "get", "alice", "http://bob/sub/inner.txt"])
            #expect(after.output == "inner\n", "\(after.output)")
        }
    }

    @Test func usageMistakesExit64AndHelpFits80Columns() throws {
        let lab = "hu" + String(Processes.currentPID)
        try LinuxPeer.withLab(lab, yaml: Self.yaml(lab: lab)) { runner, _ in
            for (arguments, message) in [(["http", "get", "alice", "ftp://bob/"], "is not an http:// URL"),
                                         (["http", "get", "alice", "http://nosuch/"], "nosuch"),
                                         (["http", "get", "r1", "http://bob/"], "apps run on hosts"),
                                         (["http", "serve", "bob", "--max-requests", "0"], "--max-requests")] {
                let run = try runner.run(arguments)
                #expect(run.status == 64 && run.output.contains(message), "\(arguments): \(run.status) \(run.output)")
            }
            let refused = try runner.run(["http", "get", "alice", "http://bob:81/"], timeout: 20)
            #expect(refused.status == 1 && refused.output.contains("connection refused"), "\(refused.output)")
            for command in [["http"], ["http", "get"], ["http", "serve"]] {
                let help = try runner.run(command + ["--help"])
                let wide = help.output.split(separator: "\n").filter { !$0.hasPrefix("USAGE:") && $0.count > 80 }
                #expect(help.status == 0 && wide.isEmpty, "\(command): \(wide)")
            }
        }
    }

    @Test func manyConcurrentClientsAllGetTheirBytes() throws {
        try Self.withServer("hc") { runner, big, server in
            // A slow client holds a connection open with half a request: the others are not held up.
            let slow = try runner.startShell("(printf 'GET / HTTP/1.1\\r\\nHo'; sleep 8) | exec '\(runner.executable)' nc alice bob 80",
                                             name: "slow")
            let count = 16
            var clients: [(Int32, String)] = []
            for index in 0..<count {
                let path = runner.base + "/client-\(index).bin"
                clients.append((try runner.start(["http", "get", "alice", "http://bob/big.bin", "http://bob/index.html",
                                                  "-o", path], name: "client-\(index)").pid, path))
            }
            let expected = big + Data("<h1>RawNet</h1>\n".utf8)
            for (index, (pid, path)) in clients.enumerated() {
                #expect(try runner.wait(pid, timeout: 120) == 0, "client \(index): \(LinuxPeer.output(runner.base + "/client-\(index).out"))")
                #expect((try? Data(contentsOf: URL(fileURLWithPath: path))) == expected, "client \(index) got other bytes")
            }
            _ = try runner.wait(slow, timeout: 30)
            let log = LinuxPeer.output(server.outputPath)
            #expect(log.components(separatedBy: "GET /big.bin").count == count + 1, "\(log)")
        }
    }
}
