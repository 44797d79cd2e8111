import Foundation
import RawNetLab
import RawNetPlatform
import RawNetTestSupport
import Testing

/// What the tests with an attached linux node share: a lab started from a
/// topology with the attach done, waits for listeners on either side, and the
/// Linux side's tools (Python socket scripts, the interpreter's path).
enum LinuxPeer {
    /// Starts the lab `yaml` describes (its `name:` is `lab`) and, with
    /// `attach`, attaches its node `linux`; `body` runs with it, and the lab
    /// and its namespace are gone afterwards whatever happened.
    static func withLab(_ lab: String, yaml: String, attach: Bool = false,
                        _ body: (RawNetRunner, String) throws -> Void) throws {
        let runner = try RawNetRunner()
        let namespace = try start(runner, lab: lab, yaml: yaml, attach: attach)
        defer { stop(runner, lab: lab, namespace: namespace) }
        try body(runner, namespace)
    }

    /// `withLab` for async bodies (apps of the socket library run in the test process).
    static func withLab(_ lab: String, yaml: String, attach: Bool = false,
                        _ body: (RawNetRunner, String) async throws -> Void) async throws {
        let runner = try RawNetRunner()
        let namespace = try start(runner, lab: lab, yaml: yaml, attach: attach)
        defer { stop(runner, lab: lab, namespace: namespace) }
        try await body(runner, namespace)
    }

    private static func start(_ runner: RawNetRunner, lab: String, yaml: String, attach: Bool) throws -> String {
        let file = runner.base + "/lab.yaml"
        try yaml.write(toFile: file, atomically: true, encoding: .utf8)
        let namespace = LinuxNamespaces.name(lab: lab, node: "linux")
        let up = try runner.run(["up", file])
        guard up.status == 0 else {
            stop(runner, lab: lab, namespace: namespace)
            throw TestFailure("rawnet up failed:\n\(up.output)")
        }
        if attach {
            let attached = try runner.run(["attach", "linux"])
            guard attached.status == 0 else {
                stop(runner, lab: lab, namespace: namespace)
                throw TestFailure("rawnet attach failed:\n\(attached.output)")
            }
        }
        return namespace
    }

    private static func stop(_ runner: RawNetRunner, lab: String, namespace: String) {
        _ = try? runner.run(["down", "--lab", lab])
        if LinuxNamespaces.exists(namespace) { _ = try? LinuxNamespaces.ip(["netns", "delete", namespace]) }
    }

    /// The run directory of `lab` under the runner's base, for apps of the socket library.
    static func runDirectory(_ runner: RawNetRunner, lab: String) -> String {
        runner.base + "/rawnet/" + lab
    }

    /// Waits until `host`'s `rawnet sockets` lists a listener on `port`.
    static func waitForListener(_ runner: RawNetRunner, host: String, port: Int) throws {
        for _ in 0..<200 {
            if let sockets = try? runner.run(["sockets", host]), sockets.output.contains(":\(port)"),
               sockets.output.lowercased().contains("listen") { return }
            usleep(50_000)
        }
        throw TestFailure("no listener on \(host):\(port)")
    }

    /// Waits until the linux node's kernel lists a listener on `port` (`udp`: a bound UDP socket).
    static func waitForLinuxListener(_ runner: RawNetRunner, port: Int, udp: Bool = false) throws {
        for _ in 0..<200 {
            if let sockets = try? runner.run(["exec", "linux", "--", "ss", udp ? "-lunH" : "-ltnH"]),
               sockets.output.contains(":\(port) ") { return }
            usleep(50_000)
        }
        throw TestFailure("no Linux listener on port \(port)")
    }

    /// Moves `source` both ways at once between Linux (10.0.1.10) and bob
    /// (10.0.2.20): Linux's Python sends to `rawnet nc -l` on bob at `port`,
    /// and `rawnet nc` on bob sends to Linux's Python at `port + 1`. Records an
    /// issue naming `label` for every side that failed or got other bytes.
    static func transferBothWays(_ runner: RawNetRunner, source: String, port: Int, label: String,
                                 timeout: Double = 120) throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: source))
        let intoBob = runner.base + "/into-bob-\(port).bin", intoLinux = runner.base + "/into-linux-\(port + 1).bin"
        let listener = try runner.startShell("exec '\(runner.executable)' nc bob -l \(port) > '\(intoBob)'", name: "nc-\(port)")
        let receiver = try startPython(runner, ["receive", "10.0.1.10", String(port + 1), intoLinux], name: "py-\(port + 1)")
        try waitForListener(runner, host: "bob", port: port)
        try waitForLinuxListener(runner, port: port + 1)
        let sender = try startPython(runner, ["send", "10.0.2.20", String(port), source], name: "py-\(port)")
        let ncSender = try runner.startShell("exec '\(runner.executable)' nc bob 10.0.1.10 \(port + 1) < '\(source)'",
                                             name: "nc-\(port + 1)")
        let start = Date()
        func remaining() -> Double { max(1, timeout - Date().timeIntervalSince(start)) }
        let sent = try runner.wait(sender.pid, timeout: remaining())
        #expect(sent == 0, "\(label): Linux sender: \(output(sender.outputPath))")
        #expect(try runner.wait(listener, timeout: remaining()) == 0,
                "\(label): rawnet nc -l: \(output(runner.base + "/nc-\(port).out"))")
        #expect(try runner.wait(ncSender, timeout: remaining()) == 0,
                "\(label): rawnet nc sender: \(output(runner.base + "/nc-\(port + 1).out"))")
        #expect(try runner.wait(receiver.pid, timeout: remaining()) == 0,
                "\(label): Linux receiver: \(output(receiver.outputPath))")
        #expect((try? Data(contentsOf: URL(fileURLWithPath: intoBob))) == data, "\(label): Linux → RawNet bytes differ")
        #expect((try? Data(contentsOf: URL(fileURLWithPath: intoLinux))) == data, "\(label): RawNet → Linux bytes differ")
    }

    /// What a started command printed so far.
    static func output(_ path: String) -> String {
        (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
    }

    /// Writes `count` random bytes to `BASE/name`; returns the path.
    static func randomFile(_ runner: RawNetRunner, name: String, count: Int) throws -> String {
        var generator = SystemRandomNumberGenerator()
        var bytes = [UInt8](repeating: 0, count: count)
        for index in stride(from: 0, to: count, by: 8) {
            withUnsafeBytes(of: generator.next() as UInt64) { word in
                for offset in 0..<min(8, count - index) { bytes[index + offset] = word[offset] }
            }
        }
        let path = runner.base + "/" + name
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// Fails loudly when a tool the Linux side needs is missing (scripts/test installs it).
    static func requireTool(_ name: String, package: String) throws {
        let found = ["/usr/bin/", "/bin/", "/usr/sbin/", "/sbin/"].contains {
            FileManager.default.isExecutableFile(atPath: $0 + name)
        }
        if !found { throw TestFailure("\(name) is missing: install the Debian package \(package) (scripts/test does)") }
    }

    /// The Python interpreter itself (not a version manager's shim), for `ip netns exec`.
    static let python: String = {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", "import sys; print(sys.executable)"]
        let output = Pipe()
        process.standardOutput = output
        guard (try? process.run()) != nil else { return "python3" }
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        let path = text.trimmingCharacters(in: .whitespacesAndNewlines)
        return path.isEmpty ? "python3" : path
    }()

    /// Writes the Python side (`peer.py`) into the runner's base; returns its path.
    static func writeScript(_ runner: RawNetRunner) throws -> String {
        let path = runner.base + "/peer.py"
        try script.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// Runs `peer.py VERB ARGS…` inside the linux node's namespace, to its end.
    static func python(_ runner: RawNetRunner, _ arguments: [String], timeout: Double = 90) throws -> RawNetRunner.Run {
        try runner.run(["exec", "linux", "--", python, runner.base + "/peer.py"] + arguments, timeout: timeout)
    }

    /// Starts `peer.py VERB ARGS…` inside the namespace; its pid is the interpreter's
    /// (`rawnet exec` and `ip netns exec` both exec).
    static func startPython(_ runner: RawNetRunner, _ arguments: [String], name: String) throws
        -> (pid: Int32, outputPath: String) {
        try runner.start(["exec", "linux", "--", python, runner.base + "/peer.py"] + arguments, name: name)
    }

    /// The Linux side of the interop tests: one script, a verb per role. Errors
    /// print as `ERROR ClassName: strerror`, the words Python's socket module uses.
    static let script = #"""
        import os, socket, sys, threading, time

        def fail(error):
            print("ERROR %s: %s" % (type(error).__name__, error.strerror or error), flush=True)
            sys.exit(3)

        def listener(address, port):
            server = socket.socket()
            server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            server.bind((address, port))
            server.listen(128)
            server.settimeout(60)
            return server

        def read_all(connection):
            parts = []
            while True:
                chunk = connection.recv(65536)
                if not chunk:
                    return b"".join(parts)
                parts.append(chunk)

        verb, args = sys.argv[1], sys.argv[2:]
        try:
            if verb == "send":                  # HOST PORT FILE: send, half-close, wait for the peer's close
                connection = socket.create_connection((args[0], int(args[1])), timeout=60)
                connection.sendall(open(args[2], "rb").read())
                connection.shutdown(socket.SHUT_WR)
                read_all(connection)
                connection.close()
            elif verb == "receive":             # ADDRESS PORT OUT: one connection's bytes into OUT
                connection, _ = listener(args[0], int(args[1])).accept()
                connection.settimeout(60)
                with open(args[2], "wb") as out:
                    while True:
                        chunk = connection.recv(65536)
                        if not chunk:
                            break
                        out.write(chunk)
                        out.flush()
                connection.close()
            elif verb == "connect":             # HOST PORT: connect, say so, close
                connection = socket.create_connection((args[0], int(args[1])), timeout=20)
                print("connected", flush=True)
                connection.close()
            elif verb == "exchange":            # HOST PORT FILE OUT: send FILE, half-close, the answer into OUT
                connection = socket.create_connection((args[0], int(args[1])), timeout=60)
                connection.sendall(open(args[2], "rb").read())
                connection.shutdown(socket.SHUT_WR)
                open(args[3], "wb").write(read_all(connection))
                connection.close()
                print("exchanged", flush=True)
            elif verb == "answer-after-eof":    # ADDRESS PORT OUT REPLY: read to EOF, then answer REPLY and close
                connection, _ = listener(args[0], int(args[1])).accept()
                connection.settimeout(60)
                open(args[2], "wb").write(read_all(connection))
                time.sleep(0.3)
                connection.sendall(open(args[3], "rb").read())
                connection.close()
            elif verb == "send-forever":        # HOST PORT: send until the connection breaks
                connection = socket.create_connection((args[0], int(args[1])), timeout=60)
                block = os.urandom(65536)
                while True:
                    connection.sendall(block)
            elif verb == "echo-server":         # ADDRESS PORT COUNT: echo COUNT connections at once, then end
                server = listener(args[0], int(args[1]))
                def echo(connection):
                    connection.settimeout(60)
                    connection.sendall(read_all(connection))
                    connection.close()
                threads = []
                for _ in range(int(args[2])):
                    connection, _ = server.accept()
                    thread = threading.Thread(target=echo, args=(connection,))
                    thread.start()
                    threads.append(thread)
                for thread in threads:
                    thread.join()
                print("echoed %d" % len(threads), flush=True)
            elif verb == "many-clients":        # HOST PORT COUNT SIZE: COUNT connections at once, each echoed
                count, size = int(args[2]), int(args[3])
                results = [None] * count
                start = threading.Barrier(count)
                def client(index):
                    try:
                        payload = (b"%06d:" % index) * (size // 7 + 1)
                        payload = payload[:size]
                        connection = socket.create_connection((args[0], int(args[1])), timeout=60)
                        start.wait(timeout=60)
                        connection.sendall(payload)
                        connection.shutdown(socket.SHUT_WR)
                        results[index] = read_all(connection) == payload
                        connection.close()
                    except Exception as error:
                        results[index] = repr(error)
                threads = [threading.Thread(target=client, args=(i,)) for i in range(count)]
                for thread in threads:
                    thread.start()
                for thread in threads:
                    thread.join()
                good = sum(1 for result in results if result is True)
                print("echoed %d of %d" % (good, count), flush=True)
                for result in results:
                    if result is not True:
                        print("failed: %s" % (result,), flush=True)
            elif verb == "keepalive":           # HOST PORT SECONDS: idle with 1 s keepalive probes, then talk
                connection = socket.create_connection((args[0], int(args[1])), timeout=20)
                connection.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)
                connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPIDLE, 1)
                connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPINTVL, 1)
                connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPCNT, 3)
                print("idle", flush=True)
                time.sleep(float(args[2]))
                connection.sendall(b"still here\n")
                connection.shutdown(socket.SHUT_WR)
                print("answer %r" % read_all(connection), flush=True)
                connection.close()
            elif verb == "udp-echo":            # ADDRESS PORT COUNT: echo COUNT datagrams
                server = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
                server.bind((args[0], int(args[1])))
                server.settimeout(30)
                for _ in range(int(args[2])):
                    data, peer = server.recvfrom(65536)
                    server.sendto(data, peer)
                print("udp echoed", flush=True)
            elif verb == "udp-client":          # HOST PORT COUNT: COUNT datagrams on a connected socket, each echoed
                client = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
                client.connect((args[0], int(args[1])))
                client.settimeout(2)
                echoed = 0
                for index in range(int(args[2])):
                    payload = b"datagram %d " % index * 20
                    for _ in range(5):
                        client.send(payload)
                        try:
                            if client.recv(65536) == payload:
                                echoed += 1
                                break
                        except socket.timeout:
                            continue
                print("udp echoes %d" % echoed, flush=True)
            elif verb == "udp-refused":         # HOST PORT: a connected UDP socket meets a closed port
                client = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
                client.connect((args[0], int(args[1])))
                client.settimeout(5)
                client.send(b"anyone there?")
                client.recv(100)
                print("answered", flush=True)
            else:
                print("unknown verb " + verb, flush=True)
                sys.exit(2)
        except OSError as error:
            fail(error)

        """#
}
