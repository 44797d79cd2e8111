import Foundation

/// The results of one `rawnet bench` invocation: printed as a table, saved as
/// JSON, and merged into the results section of BENCHMARKS.md.
public struct BenchReport: Codable, Sendable {
    /// The command line that produced the figures.
    public var command: String
    /// ISO 8601 time of the run.
    public var date: String
    /// Kernel and CPU count.
    public var machine: String
    public var cpus: CPUPlan
    public var runs: Int
    public var isSmoke: Bool
    public var results: [CaseResult]

    public init(command: String, options: BenchOptions, results: [CaseResult]) {
        self.command = command
        date = ISO8601DateFormatter().string(from: Date())
        let kernel = (try? Shell.run(["uname", "-sr"]))?.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines) ?? "unknown"
        machine = "\(kernel), \(CPUs.allowedCount) CPUs"
        cpus = options.cpus
        runs = options.runs
        isSmoke = options.isSmoke
        self.results = results
    }

    /// A report saved by `json()`.
    public init(json: Data) throws {
        self = try JSONDecoder().decode(BenchReport.self, from: json)
    }

    /// Whether any case failed to run.
    public var hasFailures: Bool { results.contains { $0.error != nil } }

    /// Pretty JSON.
    public func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }

    /// A plain-text table, one line per case, then notes and errors.
    public func table() -> String {
        let header = ["scenario", "case", "RawNet", "reference", "ratio", "goal"]
        var rows = results.map { result in
            [result.scenario, result.name,
             Self.cell(result.measured, unit: result.unit),
             Self.cell(result.reference, unit: result.unit),
             result.ratio.map(Format.number) ?? "–",
             result.error.map { "FAILED: \($0)" } ?? result.goal?.detail ?? "–"]
        }
        rows.insert(header, at: 0)
        let widths = header.indices.map { column in rows.map { $0[column].count }.max() ?? 0 }
        var lines = rows.map { row in
            row.enumerated().map { column, text in
                column == row.count - 1 ? text : text.padding(toLength: widths[column], withPad: " ", startingAt: 0)
            }.joined(separator: "  ")
        }
        lines.insert(String(repeating: "-", count: min(120, widths.reduce(0, +) + 10)), at: 1)
        for result in results {
            if let note = result.note { lines.append("note: \(result.scenario)/\(result.name): \(note)") }
        }
        lines.append("\(runs) run(s) per side, \(cpus); \(machine)")
        return lines.joined(separator: "\n")
    }

    /// One cell: `median (min–max) unit`, or `p50 … p99 …` for latency sides.
    static func cell(_ side: SideResult?, unit: String) -> String {
        guard let side else { return "–" }
        let s = side.summary
        if let p50 = s.p50, let p99 = s.p99 {
            return "\(side.label): p50 \(Format.number(p50)) p99 \(Format.number(p99)) \(unit)"
        }
        let range = s.runs.count > 1 ? " (\(Format.number(s.minimum))–\(Format.number(s.maximum)))" : ""
        return "\(side.label): \(Format.number(s.median))\(range) \(unit)"
    }

    // MARK: Markdown

    public static let sectionTitle = "## Results of `rawnet bench`"
    static let begin = "<!-- rawnet-bench:begin -->"
    static let end = "<!-- rawnet-bench:end -->"
    static let tableHeader = [
        "| scenario | case | RawNet | reference | ratio | goal | runs | date | command |",
        "|---|---|---|---|---|---|---|---|---|",
    ]

    /// Markdown rows for this report, one per case.
    public func markdownRows() -> [String] {
        results.map { result in
            let cells = [result.scenario, result.name,
                         Self.cell(result.measured, unit: result.unit),
                         Self.cell(result.reference, unit: result.unit),
                         result.ratio.map(Format.number) ?? "–",
                         result.error.map { "failed: \($0)" } ?? result.goal?.detail ?? (result.note ?? "–"),
                         String(runs), String(date.prefix(10)), "`\(command)`"]
            return "| " + cells.map { $0.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: " ") }
                .joined(separator: " | ") + " |"
        }
    }

    /// `document` with this report's rows merged into the results section:
    /// a row for the same scenario and case is replaced, others are appended.
    /// The section (with its markers) is added at the end if missing.
    public func mergedMarkdown(into document: String) -> String {
        var lines = document.components(separatedBy: "\n")
        var existing: [String] = []
        if let start = lines.firstIndex(of: Self.begin), let stop = lines.firstIndex(of: Self.end), start < stop {
            existing = Array(lines[(start + 1)..<stop]).filter { $0.hasPrefix("| ") && !Self.tableHeader.contains($0) }
            lines.removeSubrange(start...stop)
            lines.insert(contentsOf: [Self.begin, Self.end], at: start)
        } else {
            if lines.last == "" { lines.removeLast() }
            lines += ["", Self.sectionTitle, "",
                      "Written by `rawnet bench` (Sources/RawNetBench); rows are replaced when the same case runs again.",
                      "RawNet and reference cells give the median run with the range of runs, or pooled p50/p99.",
                      "", Self.begin, Self.end, ""]
        }
        var merged = existing
        for row in markdownRows() {
            let key = Self.key(of: row)
            if let index = merged.firstIndex(where: { Self.key(of: $0) == key }) {
                merged[index] = row
            } else {
                merged.append(row)
            }
        }
        let insertAt = lines.firstIndex(of: Self.end)!
        lines.insert(contentsOf: Self.tableHeader + merged, at: insertAt)
        return lines.joined(separator: "\n")
    }

    private static func key(of row: String) -> String {
        row.split(separator: "|", omittingEmptySubsequences: false).prefix(3).joined(separator: "|")
    }
}
