import Foundation
import RawNetContracts
import RawNetLab
import RawNetPlatform
import RawNetSocket
import RawNetTestSupport
import RawNetWire
import Testing

/// TCP and UDP rows of the interop suite (see `InteropTests` for the lab).
extension InteropTests {
    static let bob = IPv4Address(10, 0, 2, 20)
    static let linuxAddress = IPv4Address(10, 0, 1, 10)

    @Test func fiveMegabytesEachWayCleanAndUnderImpairments() throws {
        try withInteropLab("if") { runner in
            let source = try LinuxPeer.randomFile(runner, name: "five.bin", count: 5_000_000)
            let profiles: [(String, [String])] = [
                ("clean", []),
                ("5% loss + 5% reorder + 5 ms delay", ["--loss", "5%", "--reorder", "5%", "--delay", "5ms"]),
                ("10% loss", ["--loss", "10%"]),
                ("2% duplication + 2% corruption", ["--duplicate", "2%", "--corrupt", "2%"]),
            ]
            var port = 9100
            for (label, options) in profiles {
                if !options.isEmpty {
                    let impair = try runner.run(["impair", "linux-r1", "--clear"] + options)
                    try #require(impair.status == 0, "\(label): \(impair.output)")
                }
                try LinuxPeer.transferBothWays(runner, source: source, port: port, label: label, timeout: 180)
                port += 2
            }
            // The last profile really spoiled frames both ways (the bridge's egress and r1's).
            let show = try runner.run(["impair", "linux-r1", "--show"])
            #expect(show.output.components(separatedBy: "corrupt 2%").count == 3, "\(show.output)")
        }
    }

    @Test func halfCloseRefusalAndKilledAppsBothWays() async throws {
        try await withInteropLab("ih") { runner, runDirectory in
            let request = try LinuxPeer.randomFile(runner, name: "request.bin", count: 200_000)
            let reply = try LinuxPeer.randomFile(runner, name: "reply.bin", count: 150_000)
            let requestBytes = try Data(contentsOf: URL(fileURLWithPath: request))
            let replyBytes = try Data(contentsOf: URL(fileURLWithPath: reply))

            // Half-close, Linux first: Linux sends and shuts its side; bob reads to the end of
            // stream and only then answers, and Linux still reads that answer.
            let bobHost = try await AsyncHostConnection(runDirectory: runDirectory, host: "bob", appName: "interop")
            let listener = try await AsyncTCPListener(bobHost, port: 9200)
            let server = Task { () throws -> [UInt8] in
                let stream = try await listener.accept()
                var received: [UInt8] = []
                while case let chunk = try await stream.read(), !chunk.isEmpty { received += chunk }
                try await stream.write([UInt8](replyBytes))
                await stream.close()
                return received
            }
            let answered = runner.base + "/answered.bin"
            let exchange = try LinuxPeer.python(runner, ["exchange", "10.0.2.20", "9200", request, answered])
            #expect(exchange.output.contains("exchanged"), "\(exchange.output)")
            #expect(try await Self.within(30) { try await server.value } == [UInt8](requestBytes),
                    "bob got other bytes before Linux's FIN")
            #expect((try? Data(contentsOf: URL(fileURLWithPath: answered))) == replyBytes,
                    "Linux did not get bob's answer after its own FIN")
            await listener.close()

            // Half-close, RawNet first: rawnet nc sends and shuts its side, Linux answers after
            // reading to the end, and nc prints the answer.
            let linuxGot = runner.base + "/linux-got.bin"
            let answerer = try LinuxPeer.startPython(runner, ["answer-after-eof", "10.0.1.10", "9201", linuxGot, reply],
                                                     name: "answerer")
            try LinuxPeer.waitForLinuxListener(runner, port: 9201)
            let ncGot = runner.base + "/nc-got.bin"
            let nc = try runner.runShell("exec '\(runner.executable)' nc bob 10.0.1.10 9201 < '\(request)' > '\(ncGot)'",
                                         timeout: 60)
            #expect(nc == 0)
            #expect(try runner.wait(answerer.pid, timeout: 30) == 0, "\(LinuxPeer.output(answerer.outputPath))")
            #expect((try? Data(contentsOf: URL(fileURLWithPath: linuxGot))) == requestBytes)
            #expect((try? Data(contentsOf: URL(fileURLWithPath: ncGot))) == replyBytes,
                    "nc did not get Linux's answer after its own FIN")

            // Connection refused both ways, and by RawNet's router too.
            let refused = try LinuxPeer.python(runner, ["connect", "10.0.2.20", "9202"])
            #expect(refused.output.contains("ERROR ConnectionRefusedError: Connection refused"), "\(refused.output)")
            let refusedByRouter = try LinuxPeer.python(runner, ["connect", "10.0.1.1", "9202"])
            #expect(refusedByRouter.output.contains("ERROR ConnectionRefusedError: Connection refused"),
                    "\(refusedByRouter.output)")
            let refusedBack = try runner.run(["nc", "bob", "10.0.1.10", "9202"], timeout: 30)
            #expect(refusedBack.status != 0 && refusedBack.output.contains("nc: connection refused"), "\(refusedBack.output)")

            // The RawNet app killed mid-transfer with bytes it has not read: nc writes what it
            // receives into a pipe whose reader takes 100 000 bytes and then stops reading, so nc
            // waits in that write while Linux keeps sending and nc's library keeps taking the
            // stream it no longer reads. Its host resets, Linux's sender hears it. (nc sending
            // zeros that Linux never reads raced under load: nc could wait in its own send
            // before the first 100 000 bytes had arrived.)
            // nc's input is a pipe held open that never brings a byte: nc sends no FIN (a FIN
            // would put Linux's sender in CLOSE-WAIT, where a reset reads as EPIPE).
            let killedInto = runner.base + "/killed-into-bob.bin"
            let stuckPipe = runner.base + "/stuck", idlePipe = runner.base + "/idle"
            #expect(mkfifo(stuckPipe, 0o600) == 0 && mkfifo(idlePipe, 0o600) == 0)
            // Each `exec sleep` keeps its pipe open and neither reads nor writes it.
            let stuckReader = try runner.startShell(
                "{ head -c 100000 > '\(killedInto)'; exec sleep 600; } < '\(stuckPipe)'", name: "stuck-reader")
            let idleWriter = try runner.startShell("exec sleep 600 > '\(idlePipe)'", name: "idle-writer")
            defer {
                for pid in [stuckReader, idleWriter] {
                    try? Processes.kill(pid, signal: SignalNumber.kill)
                    _ = try? runner.wait(pid, timeout: 5)
                }
            }
            let ncListener = try runner.startShell(
                "exec '\(runner.executable)' nc bob -l 9203 < '\(idlePipe)' > '\(stuckPipe)'", name: "nc-killed")
            try LinuxPeer.waitForListener(runner, host: "bob", port: 9203)
            let forever = try LinuxPeer.startPython(runner, ["send-forever", "10.0.2.20", "9203"], name: "forever")
            try Self.waitForFile(killedInto, atLeast: 100_000)
            try Self.waitUntilStill(killedInto)
            try Processes.kill(ncListener, signal: SignalNumber.kill)
            _ = try runner.wait(ncListener, timeout: 5)
            #expect(try runner.wait(forever.pid, timeout: 30) == 3, "Linux's sender did not stop")
            let heard = LinuxPeer.output(forever.outputPath)
            // Linux's receiver killed with data in its receive queue resets at once, so the sender
            // hears ECONNRESET. RawNet's host knows what nc's library took and nc has not read
            // (receive credit): that resets too, never a FIN that would leave Linux's sender in
            // CLOSE-WAIT hearing EPIPE. (A reader killed while idle, everything read, FINs in both.)
            #expect(heard.contains("ERROR ConnectionResetError: Connection reset by peer"), "\(heard)")

            // The Linux app killed mid-transfer: its kernel resets, rawnet nc hears it.
            let killedIntoLinux = runner.base + "/killed-into-linux.bin"
            let linuxReceiver = try LinuxPeer.startPython(runner, ["receive", "10.0.1.10", "9204", killedIntoLinux],
                                                          name: "receiver-killed")
            try LinuxPeer.waitForLinuxListener(runner, port: 9204)
            let ncSender = try runner.startShell("exec '\(runner.executable)' nc bob 10.0.1.10 9204 < /dev/zero",
                                                 name: "nc-sender-killed")
            try Self.waitForFile(killedIntoLinux, atLeast: 100_000)
            try Processes.kill(linuxReceiver.pid, signal: SignalNumber.kill)
            _ = try runner.wait(linuxReceiver.pid, timeout: 5)
            let ncStatus = try runner.wait(ncSender, timeout: 30)
            let ncOutput = LinuxPeer.output(runner.base + "/nc-sender-killed.out")
            #expect(ncStatus != nil && ncStatus != 0, "rawnet nc did not stop: \(ncOutput)")
            #expect(ncOutput.contains("nc: connection reset by peer"), "\(ncOutput)")
            await bobHost.close()
        }
    }

    @Test func fiftyConnectionsAndUDPEachWay() async throws {
        try await withInteropLab("ic") { runner, runDirectory in
            let bobHost = try await AsyncHostConnection(runDirectory: runDirectory, host: "bob", appName: "interop")
            let count = 50

            // Linux → RawNet: 50 Python clients at once, an echo server on bob.
            let listener = try await AsyncTCPListener(bobHost, port: 9300, backlog: 64)
            let echo = Task {
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for _ in 0..<count {
                        let stream = try await listener.accept()
                        group.addTask {
                            var received: [UInt8] = []
                            while case let chunk = try await stream.read(), !chunk.isEmpty { received += chunk }
                            try await stream.write(received)
                            await stream.close()
                        }
                    }
                    try await group.waitForAll()
                }
            }
            let clients = try LinuxPeer.python(runner, ["many-clients", "10.0.2.20", "9300", String(count), "20000"])
            #expect(clients.output.contains("echoed \(count) of \(count)"), "\(clients.output)")
            try await Self.within(30) { try await echo.value }
            await listener.close()

            // RawNet → Linux: 50 streams from bob at once, a Python echo server.
            let server = try LinuxPeer.startPython(runner, ["echo-server", "10.0.1.10", "9301", String(count)],
                                                   name: "echo-server")
            try LinuxPeer.waitForLinuxListener(runner, port: 9301)
            let echoed = try await Self.within(60) { try await withThrowingTaskGroup(of: Bool.self) { group in
                for index in 0..<count {
                    group.addTask {
                        let payload = Array(String(repeating: String(format: "%06d:", index), count: 3000).utf8)
                        let stream = try await AsyncTCPStream.connect(bobHost, to: Self.linuxAddress, port: 9301)
                        try await stream.write(payload)
                        try await stream.shutdownWrite()
                        var received: [UInt8] = []
                        while case let chunk = try await stream.read(), !chunk.isEmpty { received += chunk }
                        await stream.close()
                        return received == payload
                    }
                }
                return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
            } }
            #expect(echoed == count)
            #expect(try runner.wait(server.pid, timeout: 30) == 0)
            #expect(LinuxPeer.output(server.outputPath).contains("echoed \(count)"), "\(LinuxPeer.output(server.outputPath))")

            // UDP, Linux → RawNet: a connected Python socket, an echo on bob.
            let udpEcho = try await AsyncUDPSocket(bobHost, port: 9302)
            let udpServer = Task {
                for _ in 0..<5 {
                    let datagram = try await udpEcho.receive()
                    try await udpEcho.send(datagram.payload, to: datagram.from, port: datagram.port)
                }
            }
            let udpClient = try LinuxPeer.python(runner, ["udp-client", "10.0.2.20", "9302", "5"])
            #expect(udpClient.output.contains("udp echoes 5"), "\(udpClient.output)")
            try await Self.within(10) { try await udpServer.value }
            await udpEcho.close()

            // UDP, RawNet → Linux: a Python echo, a connected socket on bob.
            let linuxEcho = try LinuxPeer.startPython(runner, ["udp-echo", "10.0.1.10", "9303", "5"], name: "udp-echo")
            try LinuxPeer.waitForLinuxListener(runner, port: 9303, udp: true)
            let udp = try await AsyncUDPSocket(bobHost)
            try await udp.connect(to: Self.linuxAddress, port: 9303)
            for index in 0..<5 {
                let payload = Array("datagram \(index)".utf8)
                try await udp.send(payload)
                let answer = try await Self.within(5) { try await udp.receive() }
                #expect(answer.payload == payload && answer.from == Self.linuxAddress && answer.port == 9303)
            }
            #expect(try runner.wait(linuxEcho.pid, timeout: 30) == 0, "\(LinuxPeer.output(linuxEcho.outputPath))")
            // The echo has ended: the connected socket now hears ICMP port unreachable.
            try await udp.send(Array("anyone?".utf8))
            await #expect(throws: NetworkError.connectionRefused) { _ = try await Self.within(5) { try await udp.receive() } }
            await udp.close()
            await bobHost.close()
        }
    }

    /// `body`'s result, or a failure once `seconds` passed (`body` is then cancelled).
    static func within<T: Sendable>(_ seconds: Double, _ body: @escaping @Sendable () async throws -> T) async throws -> T {
        try await withThrowingTaskGroup(of: T.self) { group in
            group.addTask { try await body() }
            group.addTask {
                try await Task.sleep(for: .seconds(seconds))
                throw TestFailure("no answer within \(seconds) s")
            }
            defer { group.cancelAll() }
            return try await group.next()!
        }
    }

    /// Waits until the file at `path` holds at least `count` bytes.
    /// Waits until the file at `path` has not grown for half a second.
    static func waitUntilStill(_ path: String, timeout: Double = 30) throws {
        let deadline = Date().addingTimeInterval(timeout)
        var last = -1
        var stillSince = Date()
        while Date() < deadline {
            let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
            if size != last {
                last = size ?? 0
                stillSince = Date()
            } else if Date().timeIntervalSince(stillSince) >= 0.5 {
                return
            }
            usleep(20_000)
        }
        throw TestFailure("\(path) kept growing for \(timeout) s")
    }

    static func waitForFile(_ path: String, atLeast count: Int, timeout: Double = 30) throws {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
            if (size ?? 0) >= count { return }
            usleep(20_000)
        }
        throw TestFailure("\(path) did not reach \(count) bytes in \(timeout) s")
    }
}
