import RawNetBenchPlatform
import RawNetPlatform
import Testing

/// The benchmark-only platform code: the process CPU clock, CPU affinity and
/// the Unix-socket throughput probe behind `rawnet bench sockets`.
@Suite(.serialized) struct BenchPlatformTests {
    @Test func processCPUClock_advancesWithWork() {
        let before = ProcessCPUClock.now()
        var x: UInt64 = 1
        for i in 0..<2_000_000 { x = x &* 6364136223846793005 &+ UInt64(i) }
        #expect(x != 0)
        #expect(ProcessCPUClock.now() > before)
    }

    @Test func affinity_reportsTheCPUsThisProcessMayUse() {
        #expect(Processes.allowedCPUCount >= 1)
    }

    @Test(arguments: [UnixSocketKind.datagram, .seqpacket])
    func socketBenchmark_movesEveryFrame(kind: UnixSocketKind) throws {
        let directory = "/tmp/rawnet-bench-platform-\(UInt32.random(in: 0 ... .max))"
        try FileSystem.makeDirectories(directory)
        defer { try? FileSystem.removeTree(at: directory) }
        let result = try SocketBenchmark.run(kind: kind, frames: 2000, frameSize: 1514, directory: directory)
        #expect(result.frames == 2000 && result.frameSize == 1514)
        #expect(result.seconds > 0 && result.framesPerSecond > 0)
    }
}
