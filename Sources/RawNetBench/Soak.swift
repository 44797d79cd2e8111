import RawNetContracts
import RawNetCore
import RawNetPlatform
import RawNetSim
import RawNetSocket
import RawNetWire
import Synchronization

/// soak: the default lab (alice — r1 — bob) for a long while under loss and
/// reordering on both of r1's egresses, carrying a chat (a line a period,
/// echoed by bob) and back-to-back bulk TCP transfers alice → bob, each checked
/// by SHA-256. The resident memory (VmRSS) of every daemon is sampled; its growth
/// from the first sample after the warm-up to the last must stay within
/// `allowedGrowth`. A benchmark, not a test: the smoke test runs it for seconds.
public struct SoakOptions: Sendable {
    public var seconds: Double
    /// Samples before this many seconds are not the baseline (the lab's buffers grow to their working size).
    public var warmUpSeconds: Double
    public var sampleInterval: Double = 5
    public var impairment = "loss 10% delay 5ms reorder 10%"
    public var transferBytes = 1 << 20
    public var chatInterval: Double = 0.2
    public var allowedGrowth = 0.10
    public var executable: String?

    /// A run of `seconds`, warming up for a tenth of it (at most 60 s).
    public init(seconds: Double, executable: String? = nil) {
        self.seconds = seconds
        warmUpSeconds = min(60, seconds / 10)
        sampleInterval = min(5, max(0.5, seconds / 20))
        self.executable = executable
    }
}

/// One daemon's resident memory over the run, in kB.
public struct SoakMemory: Sendable, Equatable {
    public var node: String
    public var baseline: Int
    public var last: Int
    public var maximum: Int
    public var samples: Int
    /// (last − baseline) / baseline.
    public var growth: Double { baseline > 0 ? Double(last - baseline) / Double(baseline) : 0 }
}

public struct SoakReport: Sendable {
    public var seconds: Double
    public var impairment: String
    public var chatLinesSent = 0
    public var chatLinesEchoed = 0
    public var transfers = 0
    public var transferredBytes = 0
    public var exactTransfers = 0
    public var memory: [SoakMemory] = []
    public var allowedGrowth: Double
    public var failures: [String] = []
    /// Frames r1's impairment dropped by loss and reordered or held back, over the run.
    public var injectedLosses = 0
    public var reordered = 0

    public var passed: Bool {
        failures.isEmpty && transfers > 0 && exactTransfers == transfers && chatLinesSent > 0
            && chatLinesEchoed == chatLinesSent && !memory.isEmpty
            && memory.allSatisfy { $0.growth <= allowedGrowth }
    }

    public var text: String {
        func percent(_ value: Double) -> String {
            let tenths = Int((value * 1000).rounded())
            return (tenths < 0 ? "-" : "") + "\(abs(tenths) / 10).\(abs(tenths) % 10) %"
        }
        var lines = [
            "soak: \(Int(seconds)) s on alice — r1 — bob, r1's egresses: \(impairment)",
            "injected on r1: \(injectedLosses) frames lost, \(reordered) reordered",
            "chat: \(chatLinesEchoed) of \(chatLinesSent) lines echoed intact",
            "bulk: \(exactTransfers) of \(transfers) transfers byte-exact (SHA-256), \(transferredBytes) bytes",
            "resident memory (VmRSS, kB): node  after warm-up  last  max  growth",
        ]
        for m in memory {
            lines.append("  \(m.node)  \(m.baseline)  \(m.last)  \(m.maximum)  \(percent(m.growth))  (\(m.samples) samples)")
        }
        lines += failures.map { "failure: \($0)" }
        lines.append("\(passed ? "PASS" : "FAIL"): growth ≤ \(percent(allowedGrowth)) for every daemon, every byte exact")
        return lines.joined(separator: "\n")
    }
}

public enum Soak {
    static let chatPort: UInt16 = 7000
    static let bulkPort: UInt16 = 5001

    public static func run(_ options: SoakOptions, log: @escaping @Sendable (String) -> Void) throws -> SoakReport {
        let executable = try LabSides.locateRawnet(explicit: options.executable)
        let lab = try BenchLab(yaml: BenchLab.defaultYAML, executable: executable)
        defer { lab.stop() }
        let paths = SocketPaths(runDirectory: lab.runDirectory)
        let r1 = try ControlClient(path: paths.control(node: "r1"))
        for interface in ["eth0", "eth1"] {
            let set = try r1.call("impair", ["interface": interface, "action": "set", "settings": options.impairment])
            if case .failure(let failure) = set { throw BenchError("impair r1:\(interface) failed: \(failure)") }
        }
        var report = SoakReport(seconds: options.seconds, impairment: options.impairment, allowedGrowth: options.allowedGrowth)
        let state = SoakState()
        let runDirectory = lab.runDirectory
        let threads = try [
            PlatformThread.start { chatEcho(runDirectory, state) },
            PlatformThread.start { chatClient(runDirectory, state, interval: options.chatInterval) },
            PlatformThread.start { bulkReceiver(runDirectory, state) },
            PlatformThread.start { bulkSender(runDirectory, state, bytes: options.transferBytes) },
        ]
        let started = MonotonicClock.now()
        func elapsed() -> Double { Double(MonotonicClock.now() - started) / 1e9 }
        var memory: [String: SoakMemory] = [:]
        var nextReport = 60.0
        while elapsed() < options.seconds && state.failure == nil {
            MonotonicClock.sleep(for: .milliseconds(Int64(min(options.sampleInterval, options.seconds - elapsed()) * 1000)))
            let warm = elapsed() >= options.warmUpSeconds
            for (node, pid) in lab.pids.sorted(by: { $0.key < $1.key }) {
                guard let kb = ScaleLab.residentKilobytes(pid: pid) else {
                    state.fail("\(node) (pid \(pid)) is gone")
                    continue
                }
                guard warm else { continue }
                if var m = memory[node] {
                    m.last = kb
                    m.maximum = max(m.maximum, kb)
                    m.samples += 1
                    memory[node] = m
                } else {
                    memory[node] = SoakMemory(node: node, baseline: kb, last: kb, maximum: kb, samples: 1)
                }
            }
            if elapsed() >= nextReport {
                nextReport += 60
                let rss = memory.values.sorted { $0.node < $1.node }.map { "\($0.node) \($0.last) kB" }.joined(separator: ", ")
                log("soak \(Int(elapsed())) s: \(state.summary); \(rss)")
            }
        }
        state.stop.store(true, ordering: .releasing)
        for thread in threads { thread.join() }
        report.memory = memory.values.sorted { $0.node < $1.node }
        state.fill(&report)
        for (node, pid) in lab.pids where !Processes.isAlive(pid) { report.failures.append("\(node) died") }
        if let counters = try? impairCounters(r1) {
            report.injectedLosses = counters.lost
            report.reordered = counters.reordered
        }
        if report.injectedLosses == 0 { report.failures.append("the impairment on r1 dropped no frames") }
        return report
    }

    /// Frames r1's two egresses dropped by random loss and reordered (or held back).
    static func impairCounters(_ control: ControlClient) throws -> (lost: Int, reordered: Int) {
        var lost = 0, reordered = 0
        for interface in ["eth0", "eth1"] {
            let answer = try control.call("impair", ["interface": interface, "action": "show"])
            guard case .success(.object(let fields)?) = answer, case .object(let counters)? = fields["counters"] else {
                throw BenchError("impair show on r1:\(interface) gave no counters")
            }
            for (key, value) in counters {
                guard case .number(let count) = value else { continue }
                if key == "droppedRandomLoss" { lost += Int(count) }
                if key == "reordered" || key == "heldBack" { reordered += Int(count) }
            }
        }
        return (lost, reordered)
    }

    /// bob: echoes every chat line back, until alice's end of stream (the line
    /// in flight when the run stops is still answered), at most 90 s after the stop.
    static func chatEcho(_ runDirectory: String, _ state: SoakState) {
        do {
            let host = try HostConnection(runDirectory: runDirectory, host: LabTraffic.bob, appName: "soak-room")
            defer { host.close() }
            let listener = try TCPListener(host, port: chatPort)
            state.chatListening.store(true, ordering: .releasing)
            var stream: TCPStream?
            while stream == nil && !state.stop.load(ordering: .acquiring) {
                stream = try listener.accept(timeout: .milliseconds(100))
            }
            listener.close()
            guard let stream else { return }
            defer { stream.close() }
            var stopped: Int64?
            while stopped.map({ MonotonicClock.now() - $0 < 90_000_000_000 }) ?? true {
                if stopped == nil && state.stop.load(ordering: .acquiring) { stopped = MonotonicClock.now() }
                if let line = try stream.readLine(timeout: .milliseconds(100)) {
                    try stream.write("bob: " + line + "\n")
                } else if stream.isEndOfStream {
                    return
                }
            }
        } catch {
            state.fail("chat room: \(error)")
        }
    }

    /// alice: one line every `interval`, each awaited and checked before the next.
    static func chatClient(_ runDirectory: String, _ state: SoakState, interval: Double) {
        do {
            while !state.chatListening.load(ordering: .acquiring) {
                if state.stop.load(ordering: .acquiring) { return }
                MonotonicClock.sleep(for: .milliseconds(5))
            }
            let host = try HostConnection(runDirectory: runDirectory, host: LabTraffic.alice, appName: "soak-chat")
            defer { host.close() }
            let stream = try TCPStream.connect(host, to: LabTraffic.bobAddress, port: chatPort, timeout: .seconds(30))
            defer { stream.close() }
            var number = 0
            while !state.stop.load(ordering: .acquiring) {
                let line = "soak line \(number) from alice"
                try stream.write(line + "\n")
                state.chatSent.add(1, ordering: .relaxed)
                guard let answer = try stream.readLine(timeout: .seconds(60)) else {
                    state.fail("chat: no echo of line \(number) within 60 s")
                    return
                }
                guard answer == "bob: " + line else {
                    state.fail("chat: line \(number) came back as \(answer)")
                    return
                }
                state.chatEchoed.add(1, ordering: .relaxed)
                number += 1
                MonotonicClock.sleep(for: .milliseconds(Int64(interval * 1000)))
            }
            try stream.shutdownWrite()
        } catch {
            if !state.stop.load(ordering: .acquiring) { state.fail("chat client: \(error)") }
        }
    }

    /// The bytes of transfer `index`: seeded, so sender and receiver agree without sharing them.
    static func transferBytes(index: Int, count: Int) -> [UInt8] {
        var random = SeededRandom(seed: 0x50A4 &+ UInt64(index))
        var bytes: [UInt8] = []
        bytes.reserveCapacity(count + 8)
        while bytes.count < count {
            var word = random.next()
            for _ in 0..<8 {
                bytes.append(UInt8(truncatingIfNeeded: word))
                word >>= 8
            }
        }
        return Array(bytes.prefix(count))
    }

    /// alice: one transfer at a time, each a new connection, the next once bob has checked the last.
    static func bulkSender(_ runDirectory: String, _ state: SoakState, bytes count: Int) {
        do {
            while !state.bulkListening.load(ordering: .acquiring) {
                if state.stop.load(ordering: .acquiring) { return }
                MonotonicClock.sleep(for: .milliseconds(5))
            }
            let host = try HostConnection(runDirectory: runDirectory, host: LabTraffic.alice, appName: "soak-send")
            defer { host.close() }
            var index = 0
            while !state.stop.load(ordering: .acquiring) {
                let payload = transferBytes(index: index, count: count)
                state.expect(index: index, digest: SHA256.hash(payload))
                let stream = try TCPStream.connect(host, to: LabTraffic.bobAddress, port: bulkPort, timeout: .seconds(30))
                var offset = 0
                while offset < payload.count {
                    let end = min(payload.count, offset + 65_536)
                    try stream.write(Array(payload[offset..<end]))
                    offset = end
                }
                try stream.shutdownWrite()
                // The peer's close (after it has read everything) ends the transfer.
                while try stream.read(maxCount: 1024, timeout: .milliseconds(100)).map({ !$0.isEmpty }) ?? true {
                    if state.stop.load(ordering: .acquiring) { break }
                }
                stream.close()
                index += 1
            }
        } catch {
            if !state.stop.load(ordering: .acquiring) { state.fail("bulk sender: \(error)") }
        }
    }

    /// bob: reads each transfer to its end and records its length and digest.
    static func bulkReceiver(_ runDirectory: String, _ state: SoakState) {
        do {
            let host = try HostConnection(runDirectory: runDirectory, host: LabTraffic.bob, appName: "soak-receive")
            defer { host.close() }
            let listener = try TCPListener(host, port: bulkPort)
            defer { listener.close() }
            state.bulkListening.store(true, ordering: .releasing)
            var index = 0
            while !state.stop.load(ordering: .acquiring) {
                guard let stream = try listener.accept(timeout: .milliseconds(100)) else { continue }
                var digest = SHA256()
                var length = 0
                var complete = false
                while !state.stop.load(ordering: .acquiring) {
                    guard let chunk = try stream.read(maxCount: 1 << 20, timeout: .milliseconds(100)) else { continue }
                    if chunk.isEmpty { complete = true; break }
                    digest.update(chunk)
                    length += chunk.count
                }
                stream.close()
                if complete { state.received(index: index, length: length, digest: digest.finalize()) }
                index += 1
            }
        } catch {
            if !state.stop.load(ordering: .acquiring) { state.fail("bulk receiver: \(error)") }
        }
    }
}

/// What the soak's threads share.
final class SoakState: Sendable {
    let stop = Atomic<Bool>(false)
    let chatListening = Atomic<Bool>(false)
    let bulkListening = Atomic<Bool>(false)
    let chatSent = Atomic<Int>(0)
    let chatEchoed = Atomic<Int>(0)
    private let transfers = Mutex<(expected: [Int: [UInt8]], received: [Int: (length: Int, exact: Bool)], failure: String?)>(
        ([:], [:], nil))

    var failure: String? { transfers.withLock { $0.failure } }
    func fail(_ text: String) { transfers.withLock { if $0.failure == nil { $0.failure = text } } }

    func expect(index: Int, digest: [UInt8]) { transfers.withLock { $0.expected[index] = digest } }

    /// Keeps only the verdict of a checked transfer (memory stays flat over a long run).
    func received(index: Int, length: Int, digest: [UInt8]) {
        transfers.withLock { state in
            if state.expected[index] != digest {
                state.failure = state.failure ?? "transfer \(index): \(length) bytes arrived, digest differs"
            }
            state.received[index] = (length, digest == state.expected[index])
            state.expected[index] = nil
        }
    }

    var summary: String {
        let (count, exact) = transfers.withLock { s in (s.received.count, s.received.values.filter(\.exact).count) }
        return "\(chatEchoed.load(ordering: .relaxed)) chat lines echoed, \(exact)/\(count) transfers exact"
    }

    func fill(_ report: inout SoakReport) {
        report.chatLinesSent = chatSent.load(ordering: .relaxed)
        report.chatLinesEchoed = chatEchoed.load(ordering: .relaxed)
        transfers.withLock { s in
            report.transfers = s.received.count
            report.exactTransfers = s.received.values.filter(\.exact).count
            report.transferredBytes = s.received.values.reduce(0) { $0 + $1.length }
            if let failure = s.failure { report.failures.append(failure) }
        }
    }
}
