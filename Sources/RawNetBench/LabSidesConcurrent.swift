import RawNetContracts
import RawNetPlatform
import RawNetSocket
import RawNetWire

/// scale: many TCP connections open at once between two hosts. The client
/// opens every connection first, then sends a small payload on each
/// (`payload(for:)`, naming its connection) and half-closes; the server
/// checks each payload byte for byte, echoes it and closes; the client checks
/// the echo. A connection counts when both checks passed.
enum ConcurrentEcho {
    static let port: UInt16 = 9000

    /// `conn N\n` and 120 bytes that depend on N.
    static func payload(for index: Int) -> [UInt8] {
        Array("conn \(index)\n".utf8) + (0..<120).map { UInt8(truncatingIfNeeded: index &* 31 &+ $0 &* 7) }
    }

    /// The connection a payload names, if the payload is exactly what that connection sends.
    static func check(_ bytes: [UInt8]) -> Int? {
        guard let newline = bytes.firstIndex(of: 0x0A), bytes.starts(with: Array("conn ".utf8)),
              let index = Int(String(decoding: bytes[5..<newline], as: UTF8.self)), index >= 0,
              payload(for: index) == bytes else { return nil }
        return index
    }

    /// Percentage of `count` connections that delivered byte-exact both ways.
    static func run(runDirectory: String, client: String, server: String, serverAddress: IPv4Address,
                    count: Int, timeLimit: Duration = .seconds(90)) throws -> Double {
        let flags = TransferFlags()
        let limitNanoseconds = timeLimit.components.seconds * 1_000_000_000
        let serverThread = try PlatformThread.start {
            do {
                try serve(runDirectory: runDirectory, host: server, count: count,
                          deadline: MonotonicClock.now() + limitNanoseconds, flags: flags)
            } catch {
                flags.fail("server: \(error)")
            }
            flags.listening.store(true, ordering: .releasing)
        }
        defer {
            flags.stop.store(true, ordering: .releasing)
            serverThread.join()
        }
        while !flags.listening.load(ordering: .acquiring) { MonotonicClock.sleep(for: .milliseconds(1)) }
        if let failure = flags.failure { throw BenchError(failure) }
        let host = try HostConnection(runDirectory: runDirectory, host: client, appName: "bench-many")
        defer { host.close() }
        var streams: [TCPStream] = []
        for index in 0..<count {
            do {
                streams.append(try TCPStream.connect(host, to: serverAddress, port: port, timeout: .seconds(10)))
            } catch {
                throw BenchError("connection \(index + 1) of \(count): \(error)")
            }
        }
        for (index, stream) in streams.enumerated() {
            try stream.write(payload(for: index))
            try stream.shutdownWrite()
        }
        var echoes = [[UInt8]](repeating: [], count: count)
        var open = Set(0..<count)
        let deadline = MonotonicClock.now() + limitNanoseconds
        while !open.isEmpty && MonotonicClock.now() < deadline {
            try host.wait(timeout: .milliseconds(50))
            for index in open {
                do {
                    while let chunk = try streams[index].read(timeout: .zero) {
                        if chunk.isEmpty { open.remove(index); break }
                        echoes[index] += chunk
                    }
                } catch {
                    open.remove(index)  // reset or timed out: counted as not delivered
                }
            }
        }
        for stream in streams { stream.close() }
        let delivered = echoes.enumerated().filter { index, echo in echo == payload(for: index) }.count
        return Double(delivered) * 100 / Double(count)
    }

    private static func serve(runDirectory: String, host name: String, count: Int, deadline: Int64,
                              flags: TransferFlags) throws {
        let host = try HostConnection(runDirectory: runDirectory, host: name, appName: "bench-many-server")
        defer { host.close() }
        let listener = try TCPListener(host, port: port, backlog: count + 16)
        defer { listener.close() }
        flags.listening.store(true, ordering: .releasing)
        var streams: [TCPStream] = []
        var received: [[UInt8]] = []
        var open = Set<Int>()
        while (streams.count < count || !open.isEmpty) && MonotonicClock.now() < deadline
                && !flags.stop.load(ordering: .acquiring) {
            try host.wait(timeout: .milliseconds(50))
            while streams.count < count, let stream = try listener.accept(timeout: .zero) {
                open.insert(streams.count)
                streams.append(stream)
                received.append([])
            }
            for index in open {
                let stream = streams[index]
                do {
                    while let chunk = try stream.read(timeout: .zero) {
                        if chunk.isEmpty {
                            open.remove(index)
                            if check(received[index]) != nil { try stream.write(received[index]) }
                            stream.close()
                            break
                        }
                        received[index] += chunk
                    }
                } catch {
                    open.remove(index)
                    stream.close()
                }
            }
        }
        for stream in streams { stream.close() }
    }
}
