import RawNetTestSupport
import Testing

/// Runs each command line, expecting exit status 64 (EX_USAGE) and the message in what it prints.
func expectUsageMistakes(_ runner: RawNetRunner, _ cases: [([String], String)],
                         sourceLocation: SourceLocation = #_sourceLocation) throws {
    for (arguments, message) in cases {
        let run = try runner.run(arguments)
        let command = (["rawnet"] + arguments).joined(separator: " ")
        #expect(run.status == 64, "\(command) exited \(run.status): \(run.output)", sourceLocation: sourceLocation)
        #expect(run.output.contains(message), "\(command): \(run.output)", sourceLocation: sourceLocation)
    }
}
