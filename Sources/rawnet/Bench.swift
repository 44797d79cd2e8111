import ArgumentParser

/// `rawnet bench …`: measurements, one subcommand per area. Run release builds.
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure RawNet's hot paths (use a release build).",
        subcommands: benchScenarioCommands + [BenchRecord.self, BenchWire.self, BenchSockets.self, BenchEngine.self]
    )
}
