import RawNetContracts
import RawNetCore
import RawNetDaemon
import RawNetLab
import RawNetLabModel
import RawNetPlatform
import RawNetSocket
import RawNetWire
import RawNetTestSupport
import Testing

/// Receive credit in the async socket library, as `ReceiveCreditProcessTests`
/// proves it for the blocking one: an async app that never reads a socket,
/// while another of its tasks keeps the library reading from the host (a
/// listener waiting in `accept`, a socket waiting in `receive`), holds at most
/// that socket's receive window; a stream's peer stalls on a closed TCP
/// window, datagrams beyond the receive buffer are counted, traced drops, the
/// host stays under the daemon bound, and reading at last gets every byte.
@Suite(.serialized)
struct AsyncReceiveCreditProcessTests {
    private typealias Support = AsyncSocketSupport
    /// The bound README states for one daemon (`BudgetProcessTests`).
    private static let memoryBound = 64 * 1024 * 1024

    /// The next datagram of `socket`, or nil if none comes within `limit` (the wait is
    /// cancelled then, which leaves the socket's datagrams intact).
    private func receive(_ socket: AsyncUDPSocket, within limit: Duration) async throws -> UDPDatagram? {
        try await withThrowingTaskGroup(of: UDPDatagram?.self) { group in
            group.addTask { try await socket.receive() }
            group.addTask {
                try await Task.sleep(for: limit)
                return nil
            }
            defer { group.cancelAll() }
            return try await group.next() ?? nil
        }
    }

    @Test func asyncStreamNotRead_holdsAtMostItsWindow_peerStallsOnAClosedWindow_thenResumesByteExact() async throws {
        let lab = try DaemonTestLab(yaml: TopologyLoader.defaultLabYAML)
        defer { lab.stop() }
        let bobPID = try #require(lab.pids["bob"])
        let runDirectory = lab.runDirectory
        let bobHost = try await AsyncHostConnection(runDirectory: runDirectory, host: "bob", appName: "idle")
        let listener = try await AsyncTCPListener(bobHost, port: 9500)
        let alice = try HostConnection(runDirectory: runDirectory, host: "alice", appName: "source")
        let client = try TCPStream.connect(alice, to: Support.bob, port: 9500, timeout: .seconds(5))
        let server = try await Support.withDeadline { try await listener.accept() }
        // A task waits for another connection all along: the library keeps reading from the host.
        let acceptor = Task { try await listener.accept() }
        var random = SeededRandomBytes(seed: 26)
        let data = random.bytes(3_000_000)
        // alice writes all she can; bob's app never reads the stream.
        var offset = 0
        var idleSince = MonotonicClock.now()
        var mostHeld = 0
        while MonotonicClock.now() - idleSince < 1_500_000_000 {
            let taken = try client.writeAvailable(Array(data[offset...]))
            offset += taken
            if taken > 0 { idleSince = MonotonicClock.now() }
            try alice.wait(timeout: .milliseconds(5))
            let held = await bobHost.unreadByteCount
            mostHeld = max(mostHeld, held)
        }
        print("alice wrote \(offset) bytes; bob's async library held at most \(mostHeld)")
        #expect(offset < data.count, "backpressure never reached alice")
        #expect(mostHeld > 0 && mostHeld <= AppMessage.streamReceiveWindow, "bob's library held \(mostHeld) bytes unread")
        // The rest waits in bob's TCP receive buffer; alice's send buffer holds what bob's window refused.
        let bobSocket = try #require(try lab.sockets("bob").first { $0.id == server.id })
        #expect((bobSocket.receiveQueue ?? 0) > 0, "\(bobSocket)")
        let aliceSocket = try #require(try lab.sockets("alice").first { $0.id == client.id })
        #expect((aliceSocket.sendQueue ?? 0) > 0, "\(aliceSocket)")
        let peak = try residentMemory(of: bobPID).peak
        #expect(peak < Self.memoryBound, "bob peaked at \(peak) bytes")
        // bob reads: the stream resumes and every byte arrives, in order.
        let reader = Task { try await Support.readAll(server) }
        var lastProgress = MonotonicClock.now()
        while offset < data.count && MonotonicClock.now() - lastProgress < 10_000_000_000 {
            let taken = try client.writeAvailable(Array(data[offset...]))
            offset += taken
            if taken > 0 { lastProgress = MonotonicClock.now() }
            try alice.wait(timeout: .milliseconds(5))
        }
        try client.shutdownWrite()
        let received = try await Support.withDeadline(.seconds(30)) { try await reader.value }
        #expect(received.count == data.count)
        #expect(byteDifference(received, data) == nil)
        acceptor.cancel()
        await server.close()
        await listener.close()
        await bobHost.close()
        alice.close()
    }

    @Test func asyncDatagramsNotRead_beyondTheReceiveBuffer_areCountedTracedDrops() async throws {
        let lab = try DaemonTestLab(yaml: TopologyLoader.defaultLabYAML)
        defer { lab.stop() }
        let bobPID = try #require(lab.pids["bob"])
        let runDirectory = lab.runDirectory
        let deafHost = try await AsyncHostConnection(runDirectory: runDirectory, host: "bob", appName: "deaf")
        let deaf = try await AsyncUDPSocket(deafHost, port: 7100)
        // Another socket of the same app waits in receive all along: the library keeps reading.
        let other = try await AsyncUDPSocket(deafHost, port: 7101)
        let waiting = Task { try await other.receive() }
        let watcher = try DropWatcher(lab, node: "bob", reason: .socketQueueFull)
        // 400 datagrams of 1,000 bytes from another app on bob to bob itself (no link in the way).
        let flooder = try HostConnection(runDirectory: runDirectory, host: "bob", appName: "flood")
        let socket = try UDPSocket(flooder)
        let payload = [UInt8](repeating: 0x3C, count: 1000)
        var mostHeld = 0
        for index in 1...400 {
            try socket.send(payload, to: Support.bob, port: 7100)
            if index % 10 == 0 {
                let held = await deafHost.unreadByteCount
                mostHeld = max(mostHeld, held)
                try watcher.read()
            }
        }
        for _ in 0..<20 {
            try await Task.sleep(for: .milliseconds(20))
            let held = await deafHost.unreadByteCount
            mostHeld = max(mostHeld, held)
        }
        try watcher.read(timeout: .milliseconds(300))
        print("the deaf async app held at most \(mostHeld) bytes of datagrams")
        #expect(mostHeld > 0 && mostHeld <= AppMessage.datagramReceiveBuffer)
        let drops = try lab.status("bob").localDrops?[.socketQueueFull] ?? 0
        let fit = AppMessage.datagramReceiveBuffer / AppMessage.receiveCost(ofDatagram: payload.count)
        #expect(drops >= 400 - fit - 1, "\(drops) drops")
        #expect(watcher.count == drops, "every drop traced with its reason")
        let listed = try #require(try lab.sockets("bob").first { $0.id == deaf.id })
        #expect(listed.drops == drops)
        let peak = try residentMemory(of: bobPID).peak
        #expect(peak < Self.memoryBound, "bob peaked at \(peak) bytes")
        // What the app does read arrives whole; every datagram was read or dropped.
        var received = 0
        while let datagram = try await receive(deaf, within: .milliseconds(300)) {
            #expect(datagram.payload == payload)
            received += 1
        }
        #expect(received + drops == 400, "received \(received), dropped \(drops)")
        // Reading gave the buffer back: the next datagram is taken.
        try socket.send(payload, to: Support.bob, port: 7100)
        #expect(try await receive(deaf, within: .seconds(2))?.payload == payload)
        #expect(try lab.status("bob").localDrops?[.socketQueueFull] ?? 0 == drops)
        waiting.cancel()
        await deafHost.close()
        flooder.close()
    }

    @Test func asyncLineLongerThanTheWindow_arrives_andAStreamReadToItsEnd_closesWithFIN() async throws {
        let lab = try DaemonTestLab(yaml: TopologyLoader.defaultLabYAML)
        defer { lab.stop() }
        let runDirectory = lab.runDirectory
        try await Support.withDeadline(.seconds(30)) {
            let bobHost = try await AsyncHostConnection(runDirectory: runDirectory, host: "bob", appName: "lines")
            let listener = try await AsyncTCPListener(bobHost, port: 9501)
            let aliceHost = try await AsyncHostConnection(runDirectory: runDirectory, host: "alice", appName: "source")
            let client = try await AsyncTCPStream.connect(aliceHost, to: Support.bob, port: 9501)
            let server = try await listener.accept()
            // One line of 700,000 bytes, more than twice the window: readLine takes what is
            // here while it waits for the newline, so the host keeps sending.
            let line = String(repeating: "abcdefghij", count: 70_000)
            let writer = Task { try await client.write(line + "\nlast\n") }
            #expect(try await server.readLine() == line)
            #expect(try await server.readLine() == "last")
            try await writer.value
            // Everything read, then closed: a FIN, alice reads the end of stream (no reset).
            await server.close()
            #expect(try await client.read() == [])
            await client.close()
            await listener.close()
        }
    }

    @Test func closeWhileTheHostsSocketIsFull_stillReportsWhatWasRead_soThePeerSeesAnOrderlyClose() async throws {
        let lab = try DaemonTestLab(yaml: TopologyLoader.defaultLabYAML)
        defer { lab.stop() }
        let bobPID = try #require(lab.pids["bob"])
        let bobHost = try await AsyncHostConnection(runDirectory: lab.runDirectory, host: "bob", appName: "reader")
        let listener = try await AsyncTCPListener(bobHost, port: 9510)
        let udp = try await AsyncUDPSocket(bobHost, port: 9511)
        let alice = try HostConnection(runDirectory: lab.runDirectory, host: "alice", appName: "writer")
        let client = try TCPStream.connect(alice, to: Support.bob, port: 9510, timeout: .seconds(5))
        let server = try await Support.withDeadline { try await listener.accept() }
        try client.write([UInt8](repeating: 0x41, count: 1000))
        try await Support.withDeadline {
            while await bobHost.unreadByteCount < 1000 { try await Task.sleep(for: .milliseconds(10)) }
        }
        // bob's daemon stops reading its app API; 400 requests of the app fill the socket to it.
        try Processes.kill(bobPID, signal: SignalNumber.stop)
        var isStopped = true
        defer { if isStopped { try? Processes.kill(bobPID, signal: SignalNumber.continue) } }
        let payload = [UInt8](repeating: 0x3C, count: 1000)
        let senders = (0..<400).map { _ in Task { try? await udp.send(payload, to: Support.bob, port: 9512) } }
        try await Task.sleep(for: .milliseconds(300))
        // The app reads every byte, so the stream is drained, and closes while its socket is full.
        let read = try await server.read(maxCount: 4096)
        #expect(read.count == 1000)
        let closing = Task { await bobHost.close() }
        try await Task.sleep(for: .milliseconds(300))
        try Processes.kill(bobPID, signal: SignalNumber.continue)
        isStopped = false
        await closing.value
        for sender in senders { sender.cancel() }
        // The host heard that everything was read: it closes the connection, it does not reset it.
        var ending: String
        do {
            ending = try client.read(maxCount: 4096, timeout: .seconds(10)).map { $0.isEmpty ? "end of stream" : "\($0.count) bytes" }
                ?? "nothing within 10 s"
        } catch {
            ending = "\(error)"
        }
        #expect(ending == "end of stream")
        alice.close()
    }
}
