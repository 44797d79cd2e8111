@testable import RawNetSocket
import RawNetContracts
import RawNetDaemon
import RawNetLab
import RawNetLabModel
import RawNetPlatform
import RawNetWire
import RawNetTestSupport
import Testing

/// TCP writes within the host's credit (`AppFeatures.writeCredit`): no
/// answer per write, yet backpressure, errors and app exits as before.
@Suite(.serialized)
struct TCPWriteCreditProcessTests {
    private let bob = IPv4Address(10, 0, 2, 20)

    /// A connected pair alice → bob on `port`; bob's end is accepted.
    private func connectedPair(_ lab: DaemonTestLab, port: UInt16, options: TCPOptions = TCPOptions())
        throws -> ConnectedPair {
        try ConnectedPair(lab, port: port, options: options)
    }

    /// Reads until end of stream (or `limit` bytes), failing after `timeout` without progress.
    private func readAll(_ stream: TCPStream, limit: Int = .max) throws -> [UInt8] {
        var received: [UInt8] = []
        while received.count < limit {
            guard let chunk = try stream.read(maxCount: 1 << 20, timeout: .seconds(5)) else {
                Issue.record("no progress after \(received.count) bytes")
                break
            }
            if chunk.isEmpty { break }
            received += chunk
        }
        return received
    }

    @Test func writesStopAtTheSendBuffer_thenEveryByteArrives() throws {
        let lab = try DaemonTestLab(yaml: TopologyLoader.defaultLabYAML)
        defer { lab.stop() }
        let sendBuffer = 16_384
        let pair = try connectedPair(lab, port: 9100, options: TCPOptions(sendBufferSize: sendBuffer,
                                                                            receiveBufferSize: 16_384))
        var random = SeededRandomBytes(seed: 11)
        let data = random.bytes(2_000_000)
        // bob's app does not read: writes that need no answer must still stop.
        var offset = 0
        var idleSince = MonotonicClock.now()
        while MonotonicClock.now() - idleSince < 300_000_000 {
            let taken = try pair.client.writeAvailable(Array(data[offset...]))
            offset += taken
            if taken > 0 { idleSince = MonotonicClock.now() }
            try pair.alice.wait(timeout: .milliseconds(10))
        }
        #expect(offset < data.count, "the host stopped granting room")
        #expect(!pair.client.isWritable)
        let aliceSocket = try #require(try lab.sockets("alice").first { $0.peer == "\(bob):9100" })
        #expect((aliceSocket.sendQueue ?? .max) <= sendBuffer, "never more than the send buffer in alice's host")
        #expect(throws: NetworkError.timedOut) {
            pair.client.writeTimeout = .milliseconds(50)
            try pair.client.write([0])
        }
        // The timed-out write took nothing: the rest follows once bob reads
        // (one thread pumps both ends: a stream is used from one thread).
        var received: [UInt8] = []
        var lastProgress = MonotonicClock.now()
        while received.count < data.count && MonotonicClock.now() - lastProgress < 5_000_000_000 {
            if offset < data.count {
                offset += try pair.client.writeAvailable(Array(data[offset..<min(data.count, offset + 65_536)]))
            }
            if let chunk = try pair.server.read(maxCount: 1 << 20, timeout: .milliseconds(2)), !chunk.isEmpty {
                received += chunk
                lastProgress = MonotonicClock.now()
            }
        }
        #expect(received.count == data.count)
        #expect(byteDifference(received, data) == nil, "byte-exact, in order")
    }

    @Test func writeAfterReset_throwsConnectionReset_onEveryCall() throws {
        let lab = try DaemonTestLab(yaml: TopologyLoader.defaultLabYAML)
        defer { lab.stop() }
        let pair = try connectedPair(lab, port: 9101)
        // A line reaches alice's app before the reset; it does not read it yet.
        try pair.server.write("before the reset\n")
        // bob's app never reads: write until bytes wait unread in bob's host (its app's
        // socket holds some first), then close there: a RST, as on Linux.
        let block = [UInt8](repeating: 7, count: 16_384)
        var unread = 0
        for _ in 0..<500 where unread == 0 {
            // Always leave some credit unwritten, so the write below has room.
            if pair.alice.credit(socket: pair.client.id) > block.count { _ = try pair.client.writeAvailable(block) }
            try pair.alice.wait(timeout: .milliseconds(10))
            unread = try lab.sockets("bob").compactMap(\.receiveQueue).reduce(0, +)
        }
        #expect(unread > 0, "data waits unread in bob's host")
        pair.bob.close()
        var state = ""
        for _ in 0..<250 where state != "CLOSED" {
            MonotonicClock.sleep(for: .milliseconds(10))
            state = try lab.sockets("alice").first { $0.peer == "\(bob):9101" }?.state ?? "gone"
        }
        #expect(state == "CLOSED")
        // The write has credit left, yet fails at once with the typed error, and keeps failing.
        #expect(pair.client.isWritable)
        #expect(throws: NetworkError.connectionReset) { try pair.client.write([1, 2, 3]) }
        #expect(throws: NetworkError.connectionReset) { try pair.client.write([4]) }
        #expect(throws: NetworkError.connectionReset) { _ = try pair.client.writeAvailable([5]) }
        // Reading still yields the bytes that came before the reset, then the reset.
        #expect(try pair.client.readLine(timeout: .seconds(1)) == "before the reset")
        #expect(throws: NetworkError.connectionReset) { _ = try pair.client.read(timeout: .seconds(1)) }
        #expect(throws: NetworkError.connectionReset) { _ = try pair.client.readLine(timeout: .seconds(1)) }
    }

    @Test func appGoneWithWritesInFlight_losesNoAcceptedByte() throws {
        let lab = try DaemonTestLab(yaml: TopologyLoader.defaultLabYAML)
        defer { lab.stop() }
        let pair = try connectedPair(lab, port: 9102)
        var random = SeededRandomBytes(seed: 12)
        let data = random.bytes(240_000)
        // The first credit (the whole 256 KiB buffer) follows the connect reply as its own message.
        #expect(try pair.alice.waitForCredit(socket: pair.client.id, timeout: .seconds(5)))
        // Within it, every write returns at once…
        for start in stride(from: 0, to: data.count, by: 16_000) {
            #expect(try pair.client.writeAvailable(Array(data[start..<min(data.count, start + 16_000)])) == 16_000)
        }
        // …and the app vanishes at once, as a killed process does, without closing its stream.
        pair.alice.close()
        let received = try readAll(pair.server)
        #expect(byteDifference(received, data) == nil, "every byte a write accepted arrives, then a FIN")
        #expect(pair.server.isEndOfStream)
        // alice's host forgot the app's socket and still serves new apps.
        var forgotten = false
        for _ in 0..<500 where !forgotten {
            // Its connection may linger with no app (socket 0, as `ss` lists orphans); its socket may not.
            forgotten = try lab.sockets("alice").allSatisfy { $0.id == 0 || ($0.app != 0 && $0.appName != "source") }
            if !forgotten { MonotonicClock.sleep(for: .milliseconds(10)) }
        }
        #expect(forgotten, "alice's host still lists the gone app's socket after 5 s")
        let again = try connectedPair(lab, port: 9103)
        try again.client.write(Array("still here\n".utf8))
        #expect(try again.server.readLine() == "still here")
    }

    @Test func writeBeyondTheCredit_isAProtocolError_andTheHostStaysUp() throws {
        let lab = try DaemonTestLab(yaml: TopologyLoader.defaultLabYAML)
        defer { lab.stop() }
        let pair = try connectedPair(lab, port: 9104, options: TCPOptions(sendBufferSize: 4_096))
        #expect(try pair.alice.waitForCredit(socket: pair.client.id, timeout: .seconds(2)))
        let credit = pair.alice.credit(socket: pair.client.id)
        #expect(credit == 4_096)
        // Bypassing the library's own check: one byte more than granted.
        try pair.alice.write(ArraySlice([UInt8](repeating: 1, count: credit + 1)), socket: pair.client.id)
        #expect(throws: NetworkError.protocolError("write of 4097 bytes beyond the credit of 4096")) {
            try pair.client.write([2])
        }
        #expect(try pair.server.read(timeout: .milliseconds(200)) == nil, "the refused bytes never arrive")
        #expect(try lab.status("alice").interfaces.count == 1, "alice answers its control socket")
        let again = try connectedPair(lab, port: 9105)
        try again.client.write(Array("ok\n".utf8))
        #expect(try again.server.readLine() == "ok")
    }

    @Test func manyStreamsToOneApp_arriveByteExactThroughBatches() throws {
        let lab = try DaemonTestLab(yaml: TopologyLoader.defaultLabYAML)
        defer { lab.stop() }
        let bobHost = try HostConnection(runDirectory: lab.runDirectory, host: "bob", appName: "sink")
        let listener = try TCPListener(bobHost, port: 9106, backlog: 32)
        let aliceHost = try HostConnection(runDirectory: lab.runDirectory, host: "alice", appName: "source")
        var clients: [TCPStream] = []
        var servers: [TCPStream] = []
        for _ in 0..<12 {
            clients.append(try TCPStream.connect(aliceHost, to: bob, port: 9106, timeout: .seconds(5)))
            servers.append(try #require(try listener.accept(timeout: .seconds(5))))
        }
        // Each client's bytes differ; bob's one app reads them all, interleaved by the batches.
        var random = SeededRandomBytes(seed: 13)
        let data = (0..<12).map { _ in random.bytes(150_000) }
        var sent = [Int](repeating: 0, count: 12)
        var received = [[UInt8]](repeating: [], count: 12)
        var lastProgress = MonotonicClock.now()
        while received.map(\.count).reduce(0, +) < 12 * 150_000 && MonotonicClock.now() - lastProgress < 5_000_000_000 {
            for index in 0..<12 where sent[index] < 150_000 {
                sent[index] += try clients[index].writeAvailable(Array(data[index][sent[index]..<min(150_000, sent[index] + 65_536)]))
                if sent[index] == 150_000 { clients[index].close() }
            }
            try bobHost.wait(timeout: .milliseconds(5))
            for index in 0..<12 {
                while let chunk = try servers[index].read(maxCount: 1 << 20, timeout: .zero), !chunk.isEmpty {
                    received[index] += chunk
                    lastProgress = MonotonicClock.now()
                }
            }
        }
        for index in 0..<12 {
            #expect(received[index] == data[index], "stream \(index) byte-exact")
            #expect(try servers[index].read(timeout: .seconds(10)) == [], "then its end of stream")
            let before = MonotonicClock.now()
            #expect(try servers[index].read(timeout: .seconds(10)) == [], "read again at the end: empty")
            #expect(MonotonicClock.now() - before < 5_000_000_000, "at once, not after the timeout")
        }
    }
}
