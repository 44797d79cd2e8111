import ArgumentParser
import RawNetBenchPlatform
import RawNetPlatform

/// `rawnet bench sockets`: frames/s of Unix datagram vs seqpacket sockets for links.
struct BenchSockets: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sockets",
        abstract: "Measure Unix datagram against seqpacket sockets for link frames (two threads, median of runs).", usage: "rawnet bench sockets [<options>]"
    )

    @Option(help: "Frames per run.") var frames = 200_000
    @Option(help: "Frame size in bytes.") var size = 1514
    @Option(help: "Runs per socket type (the median is reported).") var runs = 5
    @Option(help: "Directory for the temporary sockets.") var directory = "/tmp"

    func validate() throws {
        guard frames > 0, runs > 0 else { throw ValidationError("--frames and --runs must be positive") }
        guard (1...65_000).contains(size) else { throw ValidationError("--size must be 1...65000") }
    }

    func run() throws {
        print("frames per run: \(frames), frame size: \(size) bytes, runs: \(runs)")
        for (kind, median, all) in try SocketBenchmark.compare(frames: frames, frameSize: size, runs: runs, directory: directory) {
            let list = all.map { String(Int($0)) }.joined(separator: " ")
            print("\(kind): median \(Int(median)) frames/s  (runs: \(list))")
        }
    }
}
