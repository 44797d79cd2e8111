/// loss: goodput retained (under loss ÷ clean) at random loss on the data
/// direction, against Linux in three namespaces with bbr and with cubic.
/// Goal: RawNet retains at least Linux bbr's share at each loss rate.
public struct LossScenario: Scenario {
    public let name = "loss"
    public var rawnet: RawNetSides
    public var lossRates: [Int]
    public var algorithms: [String]

    public init(rawnet: RawNetSides = .referencesOnly, lossRates: [Int] = [1, 5, 10], algorithms: [String] = ["bbr", "cubic"]) {
        self.rawnet = rawnet
        self.lossRates = lossRates
        self.algorithms = algorithms
    }

    public func run(options: BenchOptions, log: @escaping @Sendable (String) -> Void) throws -> [CaseResult] {
        try LinuxTools.ensureReady(installing: options.installsMissingPackages, log: log)
        for algorithm in algorithms { try LinuxTools.ensureCongestionControl(algorithm) }
        let linux = try LinuxReference(cpus: options.cpus, workDirectory: options.workDirectory, log: log)
        defer { linux.stop() }
        let seconds = options.isSmoke ? 1 : 3
        var cases: [BenchCase] = []
        for algorithm in algorithms {
            cases.append(BenchCase(
                scenario: name, name: "Linux \(algorithm) goodput, no loss", unit: "Mbit/s", better: .higher,
                measured: nil,
                reference: BenchSide(label: "linux \(algorithm)") { _ in
                    .figure(try linux.goodput(algorithm: algorithm, lossPercent: 0, seconds: seconds))
                },
                note: "Linux only: h1–r1–h2 namespaces, veth MTU 1500, offloads off"))
        }
        let controller = LabTraffic.lossCongestion.rawValue
        if let hook = rawnet.lossCleanGoodput {
            cases.append(BenchCase(
                scenario: name, name: "RawNet \(controller) goodput, no loss", unit: "Mbit/s", better: .higher,
                measured: BenchSide(label: "rawnet tcp \(controller)") { context in .figure(try hook(context)) },
                reference: nil,
                note: "RawNet only: alice–r1–bob, \(controller) and RACK-TLP on both hosts, as in the shares below"))
        }
        for loss in lossRates {
            for (index, algorithm) in algorithms.enumerated() {
                let reference = BenchSide(label: "linux \(algorithm)") { _ in
                    let clean = try linux.goodput(algorithm: algorithm, lossPercent: 0, seconds: seconds)
                    let lossy = try linux.goodput(algorithm: algorithm, lossPercent: loss, seconds: seconds)
                    return .figure(lossy / clean)
                }
                // The goal compares RawNet with the first algorithm (bbr); other algorithms are shown alone.
                let isGoalReference = index == 0
                let hook = rawnet.lossRetained
                let measured = isGoalReference ? hook.map { retained in
                    BenchSide(label: "rawnet tcp \(controller)") { context in .figure(try retained(loss, context)) }
                } : nil
                cases.append(BenchCase(
                    scenario: name, name: "goodput retained at \(loss)% loss" + (isGoalReference ? "" : " (\(algorithm))"),
                    unit: "share", better: .higher, measured: measured, reference: reference,
                    goal: isGoalReference ? .ratioAtLeast(1.0) : nil,
                    note: isGoalReference ? (measured == nil ? pendingDaemons : nil) : "Linux \(algorithm), for comparison"))
            }
        }
        var results = runCases(cases, options: options, log: log)
        if lossRates.contains(where: { $0 > 0 }) {
            // The loss rule must have dropped something, or the figures mean nothing.
            let dropped = (try? linux.lab.droppedPackets()) ?? 0
            if dropped == 0, let last = results.indices.last, results[last].error == nil {
                results[last].error = "the nftables loss rule on r1 dropped no packets"
            }
        }
        return results
    }
}

/// latency: chat-line round trip p50/p99 against the relay's round trip, the
/// relay over the labs' default link socket type (goal p50 ≤ 3×), and TCP connect time against Linux's connect through
/// the namespace router.
public struct LatencyScenario: Scenario {
    public let name = "latency"
    public var rawnet: RawNetSides
    public var includesLinux: Bool

    public init(rawnet: RawNetSides = .referencesOnly, includesLinux: Bool = true) {
        self.rawnet = rawnet
        self.includesLinux = includesLinux
    }

    /// A chat line as it crosses a link: Ethernet, IPv4 and TCP headers with
    /// timestamps (14 + 20 + 32 bytes) and a 14-byte line of text.
    public static let chatFrameSize = 80

    public func run(options: BenchOptions, log: @escaping @Sendable (String) -> Void) throws -> [CaseResult] {
        let rounds = options.isSmoke ? 300 : 20_000
        let executable = try RelayReference.locate(explicit: options.relayPath)
        let directory = options.workDirectory
        let bounce: @Sendable (any FrameForwarder, RunContext) throws -> RunResult = { forwarder, context in
            .samples(try FrameTraffic.roundTrips(
                forward: forwarder.leftToRight, back: forwarder.rightToLeft,
                frame: forwarder.frame(size: Self.chatFrameSize, towardsRight: true),
                rounds: rounds, cpus: context.cpus.endpoints).map { $0 * 1e6 })
        }
        let relay = BenchSide(label: "rawnet-relay") { context in
            let relay = try RelayReference(executable: executable, workDirectory: directory, cpus: context.cpus.forwarder,
                                           socketKind: .default)
            defer { relay.stop() }
            return try bounce(relay, context)
        }
        let chatHook = rawnet.chatRoundTrips
        let chat = chatHook.map { hook in
            BenchSide(label: "rawnet chat") { context in .samples(try hook(context).map { $0 * 1e6 }) }
        }
        var results = runCases([BenchCase(
            scenario: name, name: "chat-line round trip (p50)", unit: "µs", better: .lower,
            measured: chat, reference: relay, goal: .ratioAtMost(3),
            note: chat == nil ? pendingDaemons + "; reference bounces an 80-byte frame through the relay" : nil)],
            options: options, log: log)
        guard includesLinux else { return results }

        let connectHook = rawnet.connectTimes
        let connect = connectHook.map { hook in
            BenchSide(label: "rawnet tcp") { context in .samples(try hook(context).map { $0 * 1e6 }) }
        }
        let connectCase = BenchCase(
            scenario: name, name: "TCP connect time through one router (p50)", unit: "µs", better: .lower,
            measured: connect, reference: nil, goal: nil,
            note: connect == nil ? pendingDaemons : nil)
        do {
            try LinuxTools.ensureReady(installing: options.installsMissingPackages, log: log)
            let linux = try LinuxReference(cpus: options.cpus, workDirectory: options.workDirectory, log: log)
            defer { linux.stop() }
            let connects = options.isSmoke ? 50 : 2_000
            var withLinux = connectCase
            withLinux.reference = BenchSide(label: "linux") { _ in
                .samples(try linux.connectTimes(count: connects).map { $0 * 1e6 })
            }
            results += runCases([withLinux], options: options, log: log)
        } catch {
            results.append(.failed(connectCase, error: "\(error)"))
        }
        return results
    }
}

/// interop: the goodput of one TCP connection through one RawNet router with
/// Linux's own stack at one end (an attached linux node), Linux → RawNet and
/// RawNet → Linux, each against RawNet → RawNet in the same lab shape, the
/// runs alternating. Needs root.
public struct InteropScenario: Scenario {
    public let name = "interop"
    public var rawnet: RawNetSides

    public init(rawnet: RawNetSides = .referencesOnly) {
        self.rawnet = rawnet
    }

    public func run(options: BenchOptions, log: @escaping @Sendable (String) -> Void) throws -> [CaseResult] {
        let hook = rawnet.interopGoodput
        let cases = [InteropPath.linuxToRawNet, .rawNetToLinux].map { path in
            BenchCase(
                scenario: name, name: "one connection \(path.rawValue) through one router", unit: "MB/s", better: .higher,
                measured: hook.map { body in BenchSide(label: path.rawValue) { .figure(try body(path, $0)) } },
                reference: hook.map { body in
                    BenchSide(label: InteropPath.rawNetToRawNet.rawValue) { .figure(try body(.rawNetToRawNet, $0)) }
                },
                note: hook == nil ? pendingDaemons
                    : "Linux: kernel TCP (CUBIC) in an attached node's namespace, TAP bridged to r1; RawNet apps: NewReno")
        }
        return runCases(cases, options: options, log: log)
    }
}
