import RawNetLabModel
import RawNetPlatform

/// The `forward` router with `rawnet capture r1 -w FILE` running beside it, as
/// when someone captures a busy lab: the daemon streams every frame it receives
/// and sends to the capture, which writes them to a pcapng file (and counts what
/// it falls behind on). The router runs in a lab directory `rawnet` can locate
/// (`BASE/rawnet/fwdbench`, with `XDG_RUNTIME_DIR=BASE` for the capture).
final class CapturedRouter: FrameForwarder, @unchecked Sendable {
    // Safety: immutable after init except `isStopped`, touched only by the owning scenario.
    let router: RouterForwarder
    private let base: String
    private let capture: Int32
    private var isStopped = false

    var leftToRight: FramePath { router.leftToRight }
    var rightToLeft: FramePath { router.rightToLeft }
    func frame(size: Int, towardsRight: Bool) -> [UInt8] { router.frame(size: size, towardsRight: towardsRight) }

    /// Starts the router pinned to `cpus`, then the capture (not pinned, as a user's would be),
    /// and returns once the capture says it is subscribed.
    init(workDirectory: String, cpus: [Int], socketKind: LinkSocketKind) throws {
        let rawnet = try RouterForwarder.locateRawnet()
        base = "\(workDirectory)/rncap-\(Processes.currentPID)-\(RouterForwarder.nextSerial())"
        try? FileSystem.removeTree(at: base)
        try FileSystem.makeDirectories(base + "/rawnet", mode: 0o700)
        router = try RouterForwarder(executable: rawnet, workDirectory: workDirectory, cpus: cpus, bypassImpairment: false,
                                     socketKind: socketKind, runDirectory: base + "/rawnet/" + RouterForwarder.labName)
        var environment = ProcessEnvironment.all
        environment["XDG_RUNTIME_DIR"] = base
        environment["RAWNET_LAB"] = nil
        let log = base + "/capture.log"
        do {
            capture = try Processes.spawn(executable: rawnet,
                                          arguments: ["capture", RouterForwarder.router, "-w", base + "/capture.pcapng",
                                                      "--lab", RouterForwarder.labName],
                                          logPath: log, environment: environment)
        } catch {
            router.stop()
            throw error
        }
        for _ in 0..<1_000 {
            let printed = String(decoding: (try? FileSystem.readBytes(at: log)) ?? [], as: UTF8.self)
            if printed.contains("Ctrl-C stops") { return }
            if (try? Processes.reap(capture)) != nil {
                isStopped = true
                router.stop()
                throw BenchError("rawnet capture ended before it was ready:\n\(printed)")
            }
            MonotonicClock.sleep(for: .milliseconds(10))
        }
        stop()
        throw BenchError("rawnet capture did not start within 10 s")
    }

    deinit { stop() }

    /// Ends the capture (Ctrl-C, then SIGKILL after 10 s), the router, and removes the directory.
    func stop() {
        guard !isStopped else { return }
        isStopped = true
        RouterForwarder.end(capture, with: SignalNumber.interrupt, killAfter: .seconds(10))
        router.stop()
        try? FileSystem.removeTree(at: base)
    }
}
