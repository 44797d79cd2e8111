import RawNetPlatform

/// Runs each case of a scenario, turning a failing case into a result with
/// its error so the remaining cases still run.
func runCases(_ cases: [BenchCase], options: BenchOptions, log: @Sendable (String) -> Void) -> [CaseResult] {
    cases.map { benchCase in
        do {
            return try CaseRunner.run(benchCase, options: options, log: log)
        } catch {
            log("  \(benchCase.scenario)/\(benchCase.name) failed: \(error)")
            return CaseResult.failed(benchCase, error: "\(error)")
        }
    }
}

extension CaseResult {
    /// A scenario that could not start (e.g. missing packages), as one failed row.
    public static func setupFailure(scenario: String, error: String) -> CaseResult {
        CaseResult(scenario: scenario, name: "(setup)", unit: "", better: .higher, measured: nil, reference: nil,
                   ratio: nil, goal: nil, note: nil, error: error)
    }

    static func failed(_ benchCase: BenchCase, error: String) -> CaseResult {
        CaseResult(scenario: benchCase.scenario, name: benchCase.name, unit: benchCase.unit, better: benchCase.better,
                   measured: nil, reference: nil, ratio: nil, goal: nil, note: benchCase.note, error: error)
    }
}

/// A measured side built on a forwarder the RawNet hook starts for each run.
private func forwarderSide(_ make: (@Sendable (String, [Int], LinkSocketKind) throws -> any FrameForwarder)?,
                           socketKind: LinkSocketKind = .default, options: BenchOptions,
                           label: String = "rawnet router",
                           _ body: @escaping @Sendable (any FrameForwarder, RunContext) throws -> RunResult) -> BenchSide? {
    guard let make else { return nil }
    let directory = options.workDirectory
    return BenchSide(label: label) { context in
        let forwarder = try make(directory, context.cpus.forwarder, socketKind)
        defer { forwarder.stop() }
        return try body(forwarder, context)
    }
}

/// The relay side: a fresh relay process per run, pinned like the router.
private func relaySide(options: BenchOptions, socketKind: LinkSocketKind = .datagram, label: String = "rawnet-relay",
                       _ body: @escaping @Sendable (any FrameForwarder, RunContext) throws -> RunResult) throws -> BenchSide {
    let executable = try RelayReference.locate(explicit: options.relayPath)
    let directory = options.workDirectory
    return BenchSide(label: label) { context in
        let relay = try RelayReference(executable: executable, workDirectory: directory, cpus: context.cpus.forwarder,
                                       socketKind: socketKind)
        defer { relay.stop() }
        return try body(relay, context)
    }
}

/// One run of the forwarding cases: 1514-byte frames left to right, frames per second.
private func fullFramePump(options: BenchOptions) -> @Sendable (any FrameForwarder, RunContext) throws -> RunResult {
    let count = options.isSmoke ? 5_000 : 300_000
    return { forwarder, context in
        .figure(try FrameTraffic.throughput(through: forwarder.leftToRight,
                                            frame: forwarder.frame(size: 1514, towardsRight: true),
                                            count: count, cpus: context.cpus.endpoints))
    }
}

let pendingDaemons = "RawNet side pending: needs the router/host daemons"

/// forward: 1514-byte frames per second through one router daemon against the
/// relay over the same socket type, for both link socket types (goal ≥ 90 %
/// over seqpacket, the default, and ≥ 60 % over datagram); the router over
/// seqpacket against the router over datagram, and the relay likewise; and the
/// idle impairment engine against none (on the default socket type, goal ≥ 95 %).
public struct ForwardScenario: Scenario {
    public let name = "forward"
    public var rawnet: RawNetSides
    public init(rawnet: RawNetSides = .referencesOnly) { self.rawnet = rawnet }

    public func run(options: BenchOptions, log: @escaping @Sendable (String) -> Void) throws -> [CaseResult] {
        let pump = fullFramePump(options: options)
        let kinds = [LinkSocketKind.default] + LinkSocketKind.allCases.filter { $0 != .default }
        let perKind = try kinds.map { kind in
            let measured = forwarderSide(rawnet.makeForwarder, socketKind: kind, options: options,
                                         label: "rawnet router (\(kind))", pump)
            return BenchCase(
                scenario: name, name: "1514-byte frames through one forwarder, \(kind) links", unit: "frames/s",
                better: .higher, measured: measured,
                reference: try relaySide(options: options, socketKind: kind, label: "rawnet-relay (\(kind))", pump),
                goal: .ratioAtLeast(kind == .seqpacket ? 0.9 : 0.6), note: measured == nil ? pendingDaemons : nil)
        }
        let overSeqpacket = forwarderSide(rawnet.makeForwarder, socketKind: .seqpacket, options: options,
                                          label: "router, seqpacket links", pump)
        let overDatagram = forwarderSide(rawnet.makeForwarder, socketKind: .datagram, options: options,
                                         label: "router, datagram links", pump)
        let typeCase = BenchCase(
            scenario: name, name: "1514-byte frames, router over seqpacket vs datagram links", unit: "frames/s",
            better: .higher, measured: overSeqpacket, reference: overDatagram, goal: nil,
            note: overSeqpacket == nil ? pendingDaemons : "ratio > 1: seqpacket links are faster")
        let relayTypeCase = BenchCase(
            scenario: name, name: "1514-byte frames, relay over seqpacket vs datagram sockets", unit: "frames/s",
            better: .higher, measured: try relaySide(options: options, socketKind: .seqpacket, label: "relay, seqpacket", pump),
            reference: try relaySide(options: options, socketKind: .datagram, label: "relay, datagram", pump), goal: nil,
            note: "the same question for the relay, so both ratios come from alternating runs")
        // The idle impairment engine against none: at least 95 % of the bypassed router's rate.
        let idle = forwarderSide(rawnet.makeForwarder, options: options, label: "router, idle impairment engine", pump)
        let bypassed = forwarderSide(rawnet.makeBypassedForwarder, options: options,
                                     label: "router, engine bypassed", pump)
        let overheadCase = BenchCase(
            scenario: name, name: "1514-byte frames, idle impairment engine vs bypassed", unit: "frames/s",
            better: .higher, measured: idle, reference: bypassed, goal: .ratioAtLeast(0.95),
            note: idle == nil || bypassed == nil ? pendingDaemons : "idle engine ≥ 95 % of the bypassed router")
        return runCases(perKind + [typeCase, relayTypeCase, overheadCase], options: options, log: log)
    }
}

/// switch: 1514-byte frames per second through one switch daemon (known
/// unicast, port to port) against the relay over the same socket type, and
/// against one router (the same frames routed). Not part of `all`.
public struct SwitchScenario: Scenario {
    public let name = "switch"
    public var rawnet: RawNetSides
    public init(rawnet: RawNetSides = .referencesOnly) { self.rawnet = rawnet }

    public func run(options: BenchOptions, log: @escaping @Sendable (String) -> Void) throws -> [CaseResult] {
        let pump = fullFramePump(options: options)
        let pending = "RawNet side pending: needs the switch daemon"
        let cases = try LinkSocketKind.allCases.map { kind in
            let measured = forwarderSide(rawnet.makeSwitchForwarder, socketKind: kind, options: options,
                                         label: "rawnet switch (\(kind))", pump)
            return BenchCase(
                scenario: name, name: "1514-byte frames through one switch, \(kind) links", unit: "frames/s",
                better: .higher, measured: measured,
                reference: try relaySide(options: options, socketKind: kind, label: "rawnet-relay (\(kind))", pump),
                goal: nil, note: measured == nil ? pending : nil)
        }
        let switched = forwarderSide(rawnet.makeSwitchForwarder, options: options, label: "switch", pump)
        let routed = forwarderSide(rawnet.makeForwarder, options: options, label: "router", pump)
        let versusRouter = BenchCase(
            scenario: name, name: "1514-byte frames, switch vs router", unit: "frames/s", better: .higher,
            measured: switched, reference: routed, goal: nil,
            note: switched == nil || routed == nil ? pending : "ratio > 1: switching costs less than routing")
        return runCases(cases + [versusRouter], options: options, log: log)
    }
}

/// capture: 1514-byte frames per second through one router while `rawnet capture`
/// records it, against the same router unwatched (what watching costs the lab).
/// Not part of `all`.
public struct CaptureScenario: Scenario {
    public let name = "capture"
    public var rawnet: RawNetSides
    public init(rawnet: RawNetSides = .referencesOnly) { self.rawnet = rawnet }

    public func run(options: BenchOptions, log: @escaping @Sendable (String) -> Void) throws -> [CaseResult] {
        let pump = fullFramePump(options: options)
        let captured = forwarderSide(rawnet.makeCapturedForwarder, options: options,
                                     label: "router, rawnet capture running", pump)
        let plain = forwarderSide(rawnet.makeForwarder, options: options, label: "router, no capture", pump)
        let captureCase = BenchCase(
            scenario: name, name: "1514-byte frames, router with rawnet capture running vs without", unit: "frames/s",
            better: .higher, measured: captured, reference: plain, goal: nil,
            note: captured == nil ? pendingDaemons : "ratio = share of forwarding speed kept while capturing")
        return runCases([captureCase], options: options, log: log)
    }
}

/// tcp: app-to-app goodput through one router (1, 10 and 100 connections)
/// against the relay's bytes/s for 1514-byte frames, the relay running over
/// the labs' default link socket type (seqpacket), as the router's links do.
/// Goal ≥ 1/2 (issue 21; it was 1/3 before).
public struct TCPScenario: Scenario {
    public let name = "tcp"
    public var rawnet: RawNetSides
    public var connectionCounts: [Int]
    public init(rawnet: RawNetSides = .referencesOnly, connectionCounts: [Int] = [1, 10, 100]) {
        self.rawnet = rawnet
        self.connectionCounts = connectionCounts
    }

    public func run(options: BenchOptions, log: @escaping @Sendable (String) -> Void) throws -> [CaseResult] {
        let count = options.isSmoke ? 5_000 : 300_000
        let reference = try relaySide(options: options, socketKind: .default) { relay, context in
            let frames = try FrameTraffic.throughput(through: relay.leftToRight,
                                                     frame: relay.frame(size: 1514, towardsRight: true),
                                                     count: count, cpus: context.cpus.endpoints)
            return .figure(frames * 1514 / 1e6)
        }
        let cases = connectionCounts.map { connections in
            let hook = rawnet.tcpGoodput
            let measured = hook.map { goodput in
                BenchSide(label: "rawnet tcp") { context in .figure(try goodput(connections, context)) }
            }
            return BenchCase(
                scenario: name, name: "goodput, \(connections) connection\(connections == 1 ? "" : "s") (aggregate)",
                unit: "MB/s", better: .higher, measured: measured, reference: reference,
                goal: .ratioAtLeast(0.5), note: measured == nil ? pendingDaemons : nil)
        }
        return runCases(cases, options: options, log: log)
    }
}
