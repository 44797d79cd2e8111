import RawNetContracts
import RawNetDaemon
import RawNetLabModel
import RawNetPlatform
import RawNetSocket
import RawNetWire
import Synchronization

/// tcp, loss and latency on the default lab (alice — r1 — bob): the bench
/// process is the apps on both hosts, through the socket library.
enum LabTraffic {
    static let alice = "alice"
    static let bob = "bob"
    static let bobAddress = IPv4Address(10, 0, 2, 20)

    /// tcp: aggregate goodput in MB/s of `connections` bulk transfers alice → bob.
    static func goodput(_ settings: LabSettings, connections: Int, context: RunContext) throws -> Double {
        let lab = try BenchLab.oneRouter(settings, context: context)
        defer { lab.stop() }
        // RAWNET_BENCH_TCP_SECONDS lengthens a run, for a profiler to attach to.
        let seconds: Double = context.isSmoke ? 0.5 : ProcessEnvironment.value("RAWNET_BENCH_TCP_SECONDS").flatMap(Double.init) ?? 3
        return try bulkGoodput(lab: lab, connections: connections, port: 5001, seconds: seconds, cpus: context.cpus.endpoints) / 1e6
    }

    /// The congestion controller of both hosts' sockets in the loss case: BBR,
    /// as the Linux reference it is compared with (RACK-TLP is on either way).
    /// `RAWNET_BENCH_LOSS_CC=newreno|cubic` measures another for comparison
    /// (the labels name it; use `--no-markdown` to keep BENCHMARKS.md's rows).
    static var lossCongestion: TCPCongestion {
        ProcessEnvironment.value("RAWNET_BENCH_LOSS_CC").flatMap { TCPCongestion(rawValue: $0) } ?? .bbr
    }

    /// loss: goodput with `lossPercent` % random loss on r1's egress towards bob
    /// (the data direction only) divided by a clean transfer just before it, in the same lab.
    static func retained(_ settings: LabSettings, lossPercent: Int, context: RunContext) throws -> Double {
        let lab = try BenchLab.oneRouter(settings, context: context)
        defer { lab.stop() }
        let seconds: Double = context.isSmoke ? 1 : 3
        let cpus = context.cpus.endpoints
        let options = TCPOptions(congestionControl: lossCongestion)
        let clean = try bulkGoodput(lab: lab, connections: 1, port: 5001, seconds: seconds, cpus: cpus, options: options)
        let control = try ControlClient(path: SocketPaths(runDirectory: lab.runDirectory).control(node: "r1"))
        let set = try control.call("impair", ["interface": "eth1", "action": "set", "settings": "loss \(lossPercent)%"])
        if case .failure(let failure) = set { throw BenchError("impair r1:eth1 failed: \(failure)") }
        let lossy = try bulkGoodput(lab: lab, connections: 1, port: 5002, seconds: seconds, cpus: cpus, options: options)
        let dropped = try droppedByLoss(control, interface: "eth1")
        guard dropped > 0 else { throw BenchError("the loss on r1:eth1 dropped no frames") }
        guard clean > 0 else { throw BenchError("the clean transfer moved no bytes") }
        return lossy / clean
    }

    /// loss: one clean transfer with the loss case's controller, in Mbit/s (like
    /// the Linux rows), to show what the shares are shares of.
    static func cleanGoodput(_ settings: LabSettings, context: RunContext) throws -> Double {
        let lab = try BenchLab.oneRouter(settings, context: context)
        defer { lab.stop() }
        let seconds: Double = context.isSmoke ? 0.5 : 3
        let options = TCPOptions(congestionControl: lossCongestion)
        let bytesPerSecond = try bulkGoodput(lab: lab, connections: 1, port: 5001, seconds: seconds,
                                             cpus: context.cpus.endpoints, options: options)
        return bytesPerSecond * 8 / 1e6
    }

    /// Frames the impairment of `interface` dropped by random loss so far.
    static func droppedByLoss(_ control: ControlClient, interface: String) throws -> Double {
        let answer = try control.call("impair", ["interface": interface, "action": "show"])
        guard case .success(.object(let fields)?) = answer, case .object(let counters)? = fields["counters"],
              case .number(let dropped)? = counters["droppedRandomLoss"] else {
            throw BenchError("impair show on r1:\(interface) gave no counters: \(answer)")
        }
        return dropped
    }

    /// Bytes per second alice → bob over `connections` connections during
    /// `seconds`, counted from the moment bob accepted every connection; `options`
    /// apply to the sockets of both ends.
    static func bulkGoodput(lab: BenchLab, connections: Int, port: UInt16, seconds: Double, cpus: [Int],
                            options: TCPOptions = TCPOptions()) throws -> Double {
        let runDirectory = lab.runDirectory
        let flags = TransferFlags()
        let sender = try PlatformThread.start {
            try? CPUs.pinCurrentThread(cpus)
            do {
                try sendBulk(runDirectory: runDirectory, connections: connections, port: port, options: options,
                             flags: flags)
            } catch {
                if !flags.stop.load(ordering: .acquiring) { flags.fail("sender: \(error)") }
            }
            flags.stop.store(true, ordering: .releasing)
        }
        let received = try PinnedThread.run(cpus: cpus) { () -> Result<(Int, Double), BenchError> in
            defer { flags.stop.store(true, ordering: .releasing) }
            do {
                return .success(try receiveBulk(runDirectory: runDirectory, connections: connections, port: port,
                                                seconds: seconds, options: options, flags: flags))
            } catch {
                return .failure(BenchError("receiver: \(error)"))
            }
        }
        sender.join()
        let (bytes, elapsed) = try received.get()
        if let failure = flags.failure { throw BenchError(failure) }
        guard bytes > 0 else { throw BenchError("no bytes arrived in \(seconds) s") }
        return Double(bytes) / elapsed
    }

    /// Sends from `host` over `connections` connections to `address`:`port` until `flags.stop`,
    /// starting once the receiver has accepted (`flags.accepted`).
    static func sendBulk(runDirectory: String, host name: String = alice, to address: IPv4Address = bobAddress,
                         connections: Int, port: UInt16, options: TCPOptions, flags: TransferFlags) throws {
        let host = try HostConnection(runDirectory: runDirectory, host: name, appName: "bench-send")
        defer { host.close() }
        while !flags.listening.load(ordering: .acquiring) {
            if flags.stop.load(ordering: .acquiring) { return }
            MonotonicClock.sleep(for: .milliseconds(1))
        }
        var streams: [TCPStream] = []
        for _ in 0..<connections {
            let stream = try TCPStream.connect(host, to: address, port: port, options: options, timeout: .seconds(10))
            streams.append(stream)
        }
        while !flags.accepted.load(ordering: .acquiring) {
            if flags.stop.load(ordering: .acquiring) { return }
            MonotonicClock.sleep(for: .milliseconds(1))
        }
        // Like a sender built on poll(2): every connection with room takes what
        // fits without waiting; only when none has room does it wait for the host.
        let chunk = [UInt8](repeating: 0x61, count: 65_536)
        while !flags.stop.load(ordering: .acquiring) {
            var wrote = false
            for stream in streams where stream.isWritable {
                if try stream.writeAvailable(chunk) > 0 { wrote = true }
            }
            if !wrote { _ = try host.wait(timeout: .milliseconds(50)) }
        }
        for stream in streams { stream.close() }
    }

    /// Accepts `connections` on `host`:`port` and reads for `seconds` from the last accept:
    /// the bytes and the seconds that took.
    static func receiveBulk(runDirectory: String, host name: String = bob, connections: Int, port: UInt16, seconds: Double,
                            options: TCPOptions, flags: TransferFlags) throws -> (Int, Double) {
        let host = try HostConnection(runDirectory: runDirectory, host: name, appName: "bench-receive")
        defer { host.close() }
        let listener = try TCPListener(host, port: port, backlog: connections + 16, options: options)
        defer { listener.close() }
        flags.listening.store(true, ordering: .releasing)
        var streams: [TCPStream] = []
        while streams.count < connections {
            guard let stream = try listener.accept(timeout: .seconds(15)) else {
                throw BenchError("accepted \(streams.count) of \(connections) connections")
            }
            streams.append(stream)
        }
        let started = MonotonicClock.now()
        flags.accepted.store(true, ordering: .releasing)
        let deadline = started + Int64(seconds * 1e9)
        var bytes = 0
        while true {
            let now = MonotonicClock.now()
            if now >= deadline { break }
            try host.wait(timeout: .nanoseconds(min(deadline - now, 50_000_000)))
            // `wait` queued everything the host sent: only streams with input are read
            // (a read with timeout zero on an idle stream would still ask the socket).
            for stream in streams where stream.hasPendingInput {
                while stream.hasPendingInput, let chunk = try stream.read(maxCount: 1 << 20, timeout: .zero),
                      !chunk.isEmpty {
                    bytes += chunk.count
                }
            }
            if flags.failure != nil { break }
        }
        let elapsed = Double(MonotonicClock.now() - started) / 1e9
        flags.stop.store(true, ordering: .releasing)
        for stream in streams { stream.close() }
        return (bytes, elapsed)
    }

    /// latency: round trips of a 14-byte chat line alice → bob's echo → alice, in seconds.
    static func chatRoundTrips(_ settings: LabSettings, context: RunContext) throws -> [Double] {
        let lab = try BenchLab.oneRouter(settings, context: context)
        defer { lab.stop() }
        let rounds = context.isSmoke ? 300 : 10_000
        let runDirectory = lab.runDirectory
        let cpus = context.cpus.endpoints
        let flags = TransferFlags()
        let echo = try PlatformThread.start {
            try? CPUs.pinCurrentThread(cpus)
            do {
                let host = try HostConnection(runDirectory: runDirectory, host: bob, appName: "bench-echo")
                defer { host.close() }
                let listener = try TCPListener(host, port: 7000)
                flags.listening.store(true, ordering: .releasing)
                guard let stream = try listener.accept(timeout: .seconds(15)) else { throw BenchError("no chat client") }
                listener.close()
                while let line = try stream.readLine() { try stream.write(line + "\n") }
                stream.close()
            } catch {
                flags.fail("echo: \(error)")
                flags.listening.store(true, ordering: .releasing)
            }
        }
        defer { echo.join() }
        let result = try PinnedThread.run(cpus: cpus) { () -> Result<[Double], BenchError> in
            do {
                while !flags.listening.load(ordering: .acquiring) { MonotonicClock.sleep(for: .milliseconds(1)) }
                if let failure = flags.failure { throw BenchError(failure) }
                let host = try HostConnection(runDirectory: runDirectory, host: alice, appName: "bench-chat")
                defer { host.close() }
                let stream = try TCPStream.connect(host, to: bobAddress, port: 7000, timeout: .seconds(10))
                defer { stream.close() }
                let line = "chat line 0000"
                var samples: [Double] = []
                samples.reserveCapacity(rounds)
                for round in -20..<rounds {
                    let started = MonotonicClock.now()
                    try stream.write(line + "\n")
                    guard let answer = try stream.readLine(timeout: .seconds(5)) else { throw BenchError("no echo within 5 s") }
                    let elapsed = MonotonicClock.now() - started
                    guard answer == line else { throw BenchError("echo changed the line: \(answer)") }
                    if round >= 0 { samples.append(Double(elapsed) / 1e9) }
                }
                try stream.shutdownWrite()
                return .success(samples)
            } catch {
                return .failure(BenchError("chat client: \(error)"))
            }
        }
        return try result.get()
    }

    /// latency: `connect` times alice → bob (handshake through r1), in seconds.
    static func connectTimes(_ settings: LabSettings, context: RunContext) throws -> [Double] {
        let lab = try BenchLab.oneRouter(settings, context: context)
        defer { lab.stop() }
        let count = context.isSmoke ? 50 : 2_000
        let runDirectory = lab.runDirectory
        let cpus = context.cpus.endpoints
        let flags = TransferFlags()
        let acceptor = try PlatformThread.start {
            try? CPUs.pinCurrentThread(cpus)
            do {
                let host = try HostConnection(runDirectory: runDirectory, host: bob, appName: "bench-accept")
                defer { host.close() }
                let listener = try TCPListener(host, port: 7001, backlog: 256)
                defer { listener.close() }
                flags.listening.store(true, ordering: .releasing)
                while !flags.stop.load(ordering: .acquiring) {
                    if let stream = try listener.accept(timeout: .milliseconds(50)) { stream.close() }
                }
            } catch {
                flags.fail("acceptor: \(error)")
                flags.listening.store(true, ordering: .releasing)
            }
        }
        defer {
            flags.stop.store(true, ordering: .releasing)
            acceptor.join()
        }
        let result = try PinnedThread.run(cpus: cpus) { () -> Result<[Double], BenchError> in
            do {
                while !flags.listening.load(ordering: .acquiring) { MonotonicClock.sleep(for: .milliseconds(1)) }
                if let failure = flags.failure { throw BenchError(failure) }
                let host = try HostConnection(runDirectory: runDirectory, host: alice, appName: "bench-connect")
                defer { host.close() }
                var samples: [Double] = []
                for _ in 0..<count {
                    let started = MonotonicClock.now()
                    let stream = try TCPStream.connect(host, to: bobAddress, port: 7001, timeout: .seconds(10))
                    samples.append(Double(MonotonicClock.now() - started) / 1e9)
                    stream.close()
                }
                return .success(samples)
            } catch {
                return .failure(BenchError("connect: \(error)"))
            }
        }
        return try result.get()
    }
}

/// Coordination between the threads of one measurement.
final class TransferFlags: Sendable {
    let listening = Atomic<Bool>(false)
    let accepted = Atomic<Bool>(false)
    let stop = Atomic<Bool>(false)
    private let failureText = Mutex<String?>(nil)

    var failure: String? { failureText.withLock { $0 } }
    func fail(_ text: String) { failureText.withLock { if $0 == nil { $0 = text } } }
}
