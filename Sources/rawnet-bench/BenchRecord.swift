import ArgumentParser
import Foundation
import RawNetBench

/// `rawnet bench record FILE…`: merges the rows of reports saved with `--json`
/// (typically run with `--no-markdown`) into BENCHMARKS.md, so figures can be
/// recorded after they were looked at, without running them again. Each row keeps
/// the command and date of the run that produced it.
struct BenchRecord: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "record",
        abstract: "Merge the rows of saved JSON reports into BENCHMARKS.md.")

    @Argument(help: "JSON reports written by `rawnet bench … --json FILE`.") var reports: [String]
    @Option(help: "The Markdown file whose results section is updated.") var markdown = "BENCHMARKS.md"

    func validate() throws {
        if reports.isEmpty { throw ValidationError("name at least one JSON report") }
    }

    func run() throws {
        var document = (try? String(contentsOfFile: markdown, encoding: .utf8)) ?? "# Benchmarks\n"
        for path in reports {
            let report: BenchReport
            do {
                report = try BenchReport(json: try Data(contentsOf: URL(fileURLWithPath: path)))
            } catch {
                throw Failure("\(path): not a saved bench report (\(error))")
            }
            guard !report.isSmoke else { throw Failure("\(path): a --smoke report; its figures are not kept") }
            document = report.mergedMarkdown(into: document)
            print("\(path): \(report.results.count) rows from `\(report.command)` (\(report.date.prefix(10)))")
        }
        try document.write(toFile: markdown, atomically: true, encoding: .utf8)
        print("Markdown rows: \(markdown)")
    }
}
