import RawNetContracts
import RawNetDaemon
import RawNetLabModel
import RawNetPlatform

// `rawnetd router|host NAME --run-dir DIR`: one node daemon and nothing else, so
// the process maps no Foundation, YAML or argument-parser code (DESIGN.md,
// "Daemon executable"). `rawnet up` starts it when it lies beside `rawnet`.

func writeError(_ text: String) {
    try? FileDescriptor.standardError.writeAll(Array((text + "\n").utf8))
}

HeapTuning.tuneForStreaming()

if DaemonArguments.asksForVersion(Array(CommandLine.arguments.dropFirst())) {
    print(DaemonArguments.versionLine)
    Processes.exit(status: 0)
}
let arguments: DaemonArguments
do {
    guard let parsed = try DaemonArguments.parse(Array(CommandLine.arguments.dropFirst())) else {
        print(DaemonArguments.usage)
        Processes.exit(status: 0)
    }
    arguments = parsed
} catch {
    writeError("rawnetd: \(error)\n" + DaemonArguments.usage)
    Processes.exit(status: 64)
}
do {
    try DaemonLaunch.run(arguments)
} catch {
    writeError("Error: \(error)")
    Processes.exit(status: 1)
}
