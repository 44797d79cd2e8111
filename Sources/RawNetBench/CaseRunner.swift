import RawNetBenchPlatform
import RawNetPlatform

/// CPU pinning for benchmark threads and processes.
public enum CPUs {
    /// CPUs this process may use.
    public static var allowedCount: Int { Processes.allowedCPUCount }

    /// Pins the calling thread; a failure (e.g. a CPU this machine lacks) is an error.
    public static func pinCurrentThread(_ cpus: [Int]) throws {
        try Processes.pinCurrentThread(cpus: cpus)
    }

    /// Pins another process by pid.
    public static func pin(pid: Int32, _ cpus: [Int]) throws {
        try Processes.pin(pid: pid, cpus: cpus)
    }
}

/// The outcome of one side of a case over all its runs.
public struct SideResult: Sendable, Codable, Equatable {
    public var label: String
    public var summary: Summary
}

/// Whether a case met its goal.
public struct GoalResult: Sendable, Codable, Equatable {
    public var goal: Goal
    /// Nil while the measured side is missing.
    public var isMet: Bool?
    /// e.g. `met (0.72 ≥ 0.6)` or `not met: 0.41, short by 32%`.
    public var detail: String
}

/// The outcome of one case.
public struct CaseResult: Sendable, Codable, Equatable {
    public var scenario: String
    public var name: String
    public var unit: String
    public var better: Better
    public var measured: SideResult?
    public var reference: SideResult?
    /// measured ÷ reference, from their headline figures (median run, or pooled p50).
    public var ratio: Double?
    public var goal: GoalResult?
    public var note: String?
    /// Why the case could not be measured, if it failed.
    public var error: String?
}

/// Runs a case: `runs` rounds, each round one run of the measured side then
/// one of the reference, so slow drift of a shared machine hits both alike.
public enum CaseRunner {
    public static func run(_ benchCase: BenchCase, options: BenchOptions,
                           log: @Sendable (String) -> Void = { _ in }) throws -> CaseResult {
        var measuredRuns: [RunResult] = []
        var referenceRuns: [RunResult] = []
        let runs = max(1, options.runs)
        for index in 0..<runs {
            let context = RunContext(index: index, isSmoke: options.isSmoke, cpus: options.cpus)
            if let side = benchCase.measured {
                let result = try side.measure(context)
                measuredRuns.append(result)
                log("  \(benchCase.scenario)/\(benchCase.name) run \(index + 1)/\(runs) \(side.label): \(Format.number(result.value)) \(benchCase.unit)")
            }
            if let side = benchCase.reference {
                let result = try side.measure(context)
                referenceRuns.append(result)
                log("  \(benchCase.scenario)/\(benchCase.name) run \(index + 1)/\(runs) \(side.label): \(Format.number(result.value)) \(benchCase.unit)")
            }
        }
        let measured = benchCase.measured.flatMap { side in summary(of: measuredRuns).map { SideResult(label: side.label, summary: $0) } }
        let reference = benchCase.reference.flatMap { side in summary(of: referenceRuns).map { SideResult(label: side.label, summary: $0) } }
        var ratio: Double?
        if let measured, let reference, reference.summary.headline != 0 {
            ratio = measured.summary.headline / reference.summary.headline
        }
        return CaseResult(
            scenario: benchCase.scenario, name: benchCase.name, unit: benchCase.unit, better: benchCase.better,
            measured: measured, reference: reference, ratio: ratio,
            goal: benchCase.goal.map { evaluate($0, measured: measured?.summary.headline, ratio: ratio, hasReference: reference != nil) },
            note: benchCase.note, error: nil)
    }

    static func summary(of runs: [RunResult]) -> Summary? {
        let samples = runs.flatMap(\.samples)
        return Summary(runs: runs.map(\.value), samples: samples.isEmpty ? nil : samples)
    }

    /// Checks a goal against the measured headline figure or the ratio.
    public static func evaluate(_ goal: Goal, measured: Double?, ratio: Double?, hasReference: Bool) -> GoalResult {
        let figure: Double?
        let target: Double
        let atLeast: Bool
        switch goal {
        case .ratioAtLeast(let x): figure = ratio; target = x; atLeast = true
        case .ratioAtMost(let x): figure = ratio; target = x; atLeast = false
        case .valueAtLeast(let x): figure = measured; target = x; atLeast = true
        case .valueAtMost(let x): figure = measured; target = x; atLeast = false
        }
        guard let figure else {
            let missing = measured == nil ? "RawNet side not measured yet" : (hasReference ? "no ratio" : "no reference")
            return GoalResult(goal: goal, isMet: nil, detail: "pending: \(missing)")
        }
        let isMet = atLeast ? figure >= target : figure <= target
        let shown = Format.number(figure)
        if isMet {
            return GoalResult(goal: goal, isMet: true, detail: "met (\(shown) \(atLeast ? "≥" : "≤") \(Format.number(target)))")
        }
        let gap = atLeast ? (target - figure) / target : (figure - target) / target
        let how = atLeast ? "short by" : "over by"
        return GoalResult(goal: goal, isMet: false, detail: "not met: \(shown), \(how) \(Format.percent(gap))")
    }
}

/// Number formatting for tables, Markdown and logs.
public enum Format {
    /// Three significant digits for small figures, grouped whole numbers for large ones.
    public static func number(_ value: Double) -> String {
        guard value.isFinite else { return "\(value)" }
        let magnitude = abs(value)
        if magnitude >= 1000 { return grouped(Int(value.rounded())) }
        if magnitude >= 100 { return String(Int(value.rounded())) }
        if magnitude == 0 { return "0" }
        let decimals = magnitude >= 10 ? 1 : (magnitude >= 1 ? 2 : 3)
        return fixed(value, decimals: decimals)
    }

    /// `0.1234` → `12.3%`.
    public static func percent(_ fraction: Double) -> String {
        fixed(fraction * 100, decimals: 1) + "%"
    }

    /// A fixed number of decimals, without Foundation.
    public static func fixed(_ value: Double, decimals: Int) -> String {
        guard value.isFinite else { return "\(value)" }
        var scale = 1.0
        for _ in 0..<decimals { scale *= 10 }
        let scaled = (abs(value) * scale).rounded()
        let whole = Int(scaled / scale)
        let fraction = Int(scaled - Double(whole) * scale)
        let sign = value < 0 && scaled != 0 ? "-" : ""
        guard decimals > 0 else { return sign + String(whole) }
        var digits = String(fraction)
        while digits.count < decimals { digits = "0" + digits }
        return "\(sign)\(whole).\(digits)"
    }

    static func grouped(_ value: Int) -> String {
        let digits = String(abs(value))
        var result = ""
        for (offset, character) in digits.enumerated() {
            if offset > 0 && (digits.count - offset) % 3 == 0 { result.append(",") }
            result.append(character)
        }
        return value < 0 ? "-" + result : result
    }
}
