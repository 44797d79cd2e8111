import RawNetContracts
import RawNetSocket
import RawNetWire

/// Helpers for tests of the async socket library against real daemons.
enum AsyncSocketSupport {
    static let alice = IPv4Address(10, 0, 1, 10)
    static let bob = IPv4Address(10, 0, 2, 20)

    /// Runs `body`, failing with a harness error if it takes longer than `limit`
    /// (the body is cancelled then; every waiting socket call honours that).
    static func withDeadline<T: Sendable>(_ limit: Duration = .seconds(20),
                                          _ body: @escaping @Sendable () async throws -> T) async throws -> T {
        try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask { try await body() }
            group.addTask {
                try await Task.sleep(for: limit)
                return nil
            }
            defer { group.cancelAll() }
            guard let first = try await group.next(), let value = first else {
                throw HarnessError("did not finish within \(limit)")
            }
            return value
        }
    }

    /// Echoes every byte of every connection the listener accepts until the
    /// peer's end of stream, then closes; ends when the listener is closed.
    static func startEchoServer(_ listener: AsyncTCPListener) -> Task<Void, Never> {
        Task {
            await withTaskGroup(of: Void.self) { group in
                do {
                    for try await stream in listener.connections {
                        group.addTask {
                            do {
                                while true {
                                    let bytes = try await stream.read()
                                    if bytes.isEmpty { break }
                                    try await stream.write(bytes)
                                }
                                try await stream.shutdownWrite()
                            } catch {}
                            await stream.close()
                        }
                    }
                } catch {}
            }
        }
    }

    /// Every byte until end of stream.
    static func readAll(_ stream: AsyncTCPStream) async throws -> [UInt8] {
        var received: [UInt8] = []
        while true {
            let bytes = try await stream.read()
            if bytes.isEmpty { return received }
            received += bytes
        }
    }
}
