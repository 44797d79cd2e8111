/// What one run of one side of a case produced.
public struct RunResult: Sendable {
    /// The run's figure (for a latency side, the median of its samples).
    public var value: Double
    /// Raw samples behind the figure (latency sides); empty otherwise.
    public var samples: [Double]

    /// A run that yields one figure, e.g. frames per second.
    public static func figure(_ value: Double) -> RunResult { RunResult(value: value, samples: []) }

    /// A run that yields many samples, e.g. round-trip times; its figure is their median.
    public static func samples(_ samples: [Double]) -> RunResult {
        RunResult(value: Statistics.median(samples) ?? .nan, samples: samples)
    }
}

/// What a side is given for one run.
public struct RunContext: Sendable {
    /// 0-based index of this run.
    public var index: Int
    /// True for the short smoke runs of the test suite.
    public var isSmoke: Bool
    /// The CPUs each role runs on, the same for both sides.
    public var cpus: CPUPlan
}

/// One side of a comparison: the RawNet system under test, or a reference
/// (the minimal relay, Linux). `measure` performs one run.
public struct BenchSide: Sendable {
    /// Who runs, e.g. `rawnet-relay` or `linux bbr`.
    public var label: String
    public var measure: @Sendable (RunContext) throws -> RunResult

    public init(label: String, measure: @escaping @Sendable (RunContext) throws -> RunResult) {
        self.label = label
        self.measure = measure
    }
}

/// Whether larger figures are better (throughput) or smaller (latency, memory).
public enum Better: String, Sendable, Codable {
    case higher, lower
}

/// A target a case should meet.
public enum Goal: Sendable, Equatable, Codable, CustomStringConvertible {
    /// measured ÷ reference ≥ x.
    case ratioAtLeast(Double)
    /// measured ÷ reference ≤ x.
    case ratioAtMost(Double)
    /// measured ≤ x, in the case's unit.
    case valueAtMost(Double)
    /// measured ≥ x, in the case's unit.
    case valueAtLeast(Double)

    public var description: String {
        switch self {
        case .ratioAtLeast(let x): return "ratio ≥ \(Format.number(x))"
        case .ratioAtMost(let x): return "ratio ≤ \(Format.number(x))"
        case .valueAtMost(let x): return "≤ \(Format.number(x))"
        case .valueAtLeast(let x): return "≥ \(Format.number(x))"
        }
    }
}

/// One comparison within a scenario: a measured side against a reference,
/// both run the same number of times, alternating, pinned the same way.
public struct BenchCase: Sendable {
    public var scenario: String
    public var name: String
    /// Unit of both sides' figures, e.g. `frames/s`, `Mbit/s`, `µs`.
    public var unit: String
    public var better: Better
    /// The RawNet side; nil until the daemons it needs exist (see `note`).
    public var measured: BenchSide?
    /// The reference side; nil when the case has none (e.g. time to `up`).
    public var reference: BenchSide?
    public var goal: Goal?
    /// Shown with the result, e.g. why the RawNet side is missing.
    public var note: String?

    public init(scenario: String, name: String, unit: String, better: Better,
                measured: BenchSide?, reference: BenchSide?, goal: Goal? = nil, note: String? = nil) {
        self.scenario = scenario
        self.name = name
        self.unit = unit
        self.better = better
        self.measured = measured
        self.reference = reference
        self.goal = goal
        self.note = note
    }
}

/// A named group of cases that share an environment (a relay process, a set
/// of Linux namespaces). `run` sets the environment up, runs every case and
/// tears it down, also when a case fails.
public protocol Scenario: Sendable {
    /// `forward`, `tcp`, `loss`, `latency`, `scale` or `sim`.
    var name: String { get }
    func run(options: BenchOptions, log: @escaping @Sendable (String) -> Void) throws -> [CaseResult]
}

/// How a bench invocation runs.
public struct BenchOptions: Sendable {
    /// Runs per side per case (at least 5 for real figures, 1 for smoke).
    public var runs: Int
    /// Short runs that only show the harness still works.
    public var isSmoke: Bool
    /// Install missing Debian packages with apt-get instead of failing.
    public var installsMissingPackages: Bool
    /// The `rawnet-relay` executable; found next to this executable when nil.
    public var relayPath: String?
    /// Where temporary sockets go.
    public var workDirectory: String
    public var cpus: CPUPlan

    public init(runs: Int, isSmoke: Bool = false, installsMissingPackages: Bool = false,
                relayPath: String? = nil, workDirectory: String = "/tmp", cpus: CPUPlan = .standard()) {
        self.runs = runs
        self.isSmoke = isSmoke
        self.installsMissingPackages = installsMissingPackages
        self.relayPath = relayPath
        self.workDirectory = workDirectory
        self.cpus = cpus
    }

    /// One short run of everything.
    public static func smoke(workDirectory: String = "/tmp") -> BenchOptions {
        BenchOptions(runs: 1, isSmoke: true, workDirectory: workDirectory)
    }
}

/// Which CPUs each role is pinned to. Both sides of a case use the same plan:
/// traffic endpoints (senders, receivers, echoers, iperf3) on `endpoints`, the
/// forwarder (relay process, router daemon) on `forwarder`.
public struct CPUPlan: Sendable, Equatable, Codable, CustomStringConvertible {
    public var endpoints: [Int]
    public var forwarder: [Int]

    public init(endpoints: [Int], forwarder: [Int]) {
        self.endpoints = endpoints
        self.forwarder = forwarder
    }

    /// Endpoints on CPU 0 and the forwarder on CPU 1 (both on CPU 0 on a one-CPU machine).
    public static func standard(cpuCount: Int = CPUs.allowedCount) -> CPUPlan {
        cpuCount >= 2 ? CPUPlan(endpoints: [0], forwarder: [1]) : CPUPlan(endpoints: [0], forwarder: [0])
    }

    public var description: String {
        "endpoints on CPU \(list(endpoints)), forwarder on CPU \(list(forwarder))"
    }

    private func list(_ cpus: [Int]) -> String { cpus.map(String.init).joined(separator: ",") }
}
