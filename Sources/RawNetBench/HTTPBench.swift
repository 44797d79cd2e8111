import RawNetApps
import RawNetContracts
import RawNetPlatform
import RawNetSocket
import RawNetWire
import Synchronization

/// http: the HTTP server of `rawnet http serve` (in this process, through the
/// socket library, as the command runs it) on bob of the default lab, and
/// clients on alice, through r1. Pages per second from 4 keep-alive clients
/// against the same clients opening a connection per page; a 1 MB page's
/// fetch goodput against the same bytes sent on a bare TCP stream, as
/// `rawnet nc` sends them.
public struct HTTPScenario: Scenario {
    public let name = "http"
    public var executable: String?
    public init(executable: String? = nil) { self.executable = executable }

    static let page = [UInt8](repeating: 0x61, count: 1_024)
    static let bigSize = 1_000_000
    static let clients = 4

    public func run(options: BenchOptions, log: @escaping @Sendable (String) -> Void) throws -> [CaseResult] {
        let settings = LabSettings(explicitExecutable: executable)
        let cases = [
            BenchCase(scenario: name, name: "pages/s, 1 KiB page, \(Self.clients) clients through one router", unit: "pages/s",
                      better: .higher,
                      measured: BenchSide(label: "keep-alive") { .figure(try Self.pagesPerSecond(settings, keepAlive: true, $0)) },
                      reference: BenchSide(label: "a connection per page") {
                          .figure(try Self.pagesPerSecond(settings, keepAlive: false, $0))
                      }),
            BenchCase(scenario: name, name: "1 MB page fetch goodput", unit: "MB/s", better: .higher,
                      measured: BenchSide(label: "rawnet http") { .figure(try Self.fetchGoodput(settings, http: true, $0)) },
                      reference: BenchSide(label: "nc (bare TCP stream)") {
                          .figure(try Self.fetchGoodput(settings, http: false, $0))
                      }),
        ]
        return runCases(cases, options: options, log: log)
    }

    /// Runs the HTTP server on bob (or, with `http` false, a listener that sends
    /// the big page's bytes to each connection and closes) while `body` runs.
    static func withServer<T>(_ lab: BenchLab, http: Bool = true, _ body: () throws -> T) throws -> T {
        let flags = TransferFlags()
        let runDirectory = lab.runDirectory
        let big = [UInt8](repeating: 0x62, count: bigSize)
        let server = try PlatformThread.start {
            do {
                let host = try HostConnection(runDirectory: runDirectory, host: LabTraffic.bob, appName: "bench-http")
                defer { host.close() }
                if http {
                    let server = HTTPServer(port: 80) { path in
                        path == "/page.html" ? .file(page) : path == "/big.bin" ? .file(big) : .notFound
                    }
                    try server.run(on: host, until: { flags.stop.load(ordering: .acquiring) }) { _ in
                        flags.listening.store(true, ordering: .releasing)
                    }
                } else {
                    let listener = try TCPListener(host, port: 80)
                    flags.listening.store(true, ordering: .releasing)
                    while !flags.stop.load(ordering: .acquiring) {
                        guard let stream = try listener.accept(timeout: .milliseconds(100)) else { continue }
                        try stream.write(big)
                        try stream.shutdownWrite()
                        try stream.waitUntilDelivered(timeout: .seconds(30))
                        stream.close()
                    }
                    listener.close()
                }
            } catch {
                flags.fail("server: \(error)")
                flags.listening.store(true, ordering: .releasing)
            }
        }
        defer {
            flags.stop.store(true, ordering: .releasing)
            server.join()
        }
        while !flags.listening.load(ordering: .acquiring) { MonotonicClock.sleep(for: .milliseconds(1)) }
        if let failure = flags.failure { throw BenchError(failure) }
        return try body()
    }

    /// Pages per second over `clients` threads on alice for a few seconds.
    static func pagesPerSecond(_ settings: LabSettings, keepAlive: Bool, _ context: RunContext) throws -> Double {
        let lab = try BenchLab.oneRouter(settings, context: context)
        defer { lab.stop() }
        let runDirectory = lab.runDirectory
        let seconds = context.isSmoke ? 0.5 : 3.0
        return try withServer(lab) {
            let pages = Atomic<Int>(0)
            let flags = TransferFlags()
            let started = MonotonicClock.now()
            let deadline = started &+ Int64(seconds * 1e9)
            let threads = try (0..<clients).map { _ in
                try PlatformThread.start {
                    do {
                        let host = try HostConnection(runDirectory: runDirectory, host: LabTraffic.alice, appName: "bench-get")
                        defer { host.close() }
                        let url = HTTPURL(host: "bob", target: "/page.html")
                        var connection: HTTPClientConnection?
                        while MonotonicClock.now() < deadline {
                            let open = try connection ?? HTTPClientConnection(host: host, address: LabTraffic.bobAddress, port: 80)
                            try open.send(HTTPClientConnection.request("GET", url, closes: !keepAlive))
                            let response = try open.readResponse(method: "GET", timeout: .seconds(10))
                            guard response.head.status == 200, response.body == page else { throw BenchError("wrong page") }
                            pages.add(1, ordering: .relaxed)
                            if response.keepsAlive { connection = open } else { open.close(); connection = nil }
                        }
                        connection?.close()
                    } catch {
                        flags.fail("client: \(error)")
                    }
                }
            }
            for thread in threads { thread.join() }
            if let failure = flags.failure { throw BenchError(failure) }
            return Double(pages.load(ordering: .relaxed)) / (Double(MonotonicClock.now() - started) / 1e9)
        }
    }

    /// MB/s of fetching the 1 MB page (HTTP) or reading the bare stream of the same bytes, connect included.
    static func fetchGoodput(_ settings: LabSettings, http: Bool, _ context: RunContext) throws -> Double {
        let lab = try BenchLab.oneRouter(settings, context: context)
        defer { lab.stop() }
        return try withServer(lab, http: http) {
            let host = try HostConnection(runDirectory: lab.runDirectory, host: LabTraffic.alice, appName: "bench-fetch")
            defer { host.close() }
            let started = MonotonicClock.now()
            var received = 0
            if http {
                let connection = try HTTPClientConnection(host: host, address: LabTraffic.bobAddress, port: 80)
                defer { connection.close() }
                try connection.send(HTTPClientConnection.request("GET", HTTPURL(host: "bob", target: "/big.bin"), closes: true))
                received = try connection.readResponse(method: "GET", timeout: .seconds(60)).body.count
            } else {
                let stream = try TCPStream.connect(host, to: LabTraffic.bobAddress, port: 80, timeout: .seconds(10))
                defer { stream.close() }
                while case let bytes = try stream.read(), !bytes.isEmpty { received += bytes.count }
            }
            let elapsed = Double(MonotonicClock.now() - started) / 1e9
            guard received == bigSize else { throw BenchError("received \(received) bytes, not \(bigSize)") }
            return Double(received) / 1e6 / elapsed
        }
    }
}
