import RawNetBenchPlatform
import RawNetContracts
import RawNetPlatform
import RawNetSocket
import RawNetWire
import Synchronization

/// Which way one connection's bytes go in the interop case.
public enum InteropPath: String, Sendable, CaseIterable {
    case linuxToRawNet = "Linux → RawNet"
    case rawNetToLinux = "RawNet → Linux"
    case rawNetToRawNet = "RawNet → RawNet"
}

/// interop: the goodput of one TCP connection through one RawNet router with
/// Linux's own stack at one end (an attached linux node: a namespace whose TAP
/// device the bridge joins to r1), or RawNet at both ends, in the same lab:
///
///     alice 10.0.1.10 ── r1 ── bob 10.0.2.20
///                        │
///                      linux 10.0.3.30 (kernel TCP, defaults: CUBIC, SACK, timestamps)
///
/// Linux → RawNet: linux sends to bob; RawNet → Linux: alice sends to linux;
/// RawNet → RawNet: alice sends to bob. Goodput counts at the receiver from
/// the accept. Needs root (`attach`).
enum InteropTraffic {
    static let linuxAddress = "10.0.3.30"

    static func yaml(name: String) -> String {
        """
        name: \(name)
        nodes:
          alice: { kind: host,  ip: 10.0.1.10/24, gateway: 10.0.1.1 }
          bob:   { kind: host,  ip: 10.0.2.20/24, gateway: 10.0.2.1 }
          linux: { kind: linux, ip: \(linuxAddress)/24, gateway: 10.0.3.1 }
          r1:    { kind: router, interfaces: { eth0: 10.0.1.1/24, eth1: 10.0.2.1/24, eth2: 10.0.3.1/24 } }
        links:
          - endpoints: [alice:eth0, r1:eth0]
          - endpoints: [r1:eth1, bob:eth0]
          - endpoints: [linux:eth0, r1:eth2]

        """
    }

    /// Bytes per second of one connection along `path`, in a lab of its own.
    static func goodput(_ settings: LabSettings, path: InteropPath, context: RunContext) throws -> Double {
        guard Processes.isRoot else { throw BenchError("interop attaches a linux node: run as root") }
        // The namespace name is global: the lab's name carries this process and a serial.
        let name = "bi\(Processes.currentPID)x\(serial.add(1, ordering: .relaxed).newValue)"
        let lab = try BenchLab(yaml: yaml(name: name), executable: try settings.executable(),
                               routerCPUs: context.cpus.forwarder, hostCPUs: context.cpus.endpoints)
        defer { lab.stop() }
        let seconds: Double = context.isSmoke ? 0.5 : 3
        let cpus = context.cpus.endpoints
        switch path {
        case .rawNetToRawNet:
            return try LabTraffic.bulkGoodput(lab: lab, connections: 1, port: 5001, seconds: seconds, cpus: cpus)
        case .linuxToRawNet:
            let namespace = try lab.attach("linux", cpus: cpus)
            return try fromLinux(lab: lab, namespace: namespace, seconds: seconds, cpus: cpus)
        case .rawNetToLinux:
            let namespace = try lab.attach("linux", cpus: cpus)
            return try toLinux(lab: lab, namespace: namespace, seconds: seconds, cpus: cpus)
        }
    }

    /// Linux's kernel sends from the namespace, bob's app receives.
    private static func fromLinux(lab: BenchLab, namespace: String, seconds: Double, cpus: [Int]) throws -> Double {
        let flags = TransferFlags()
        let sender = try PlatformThread.start {
            try? CPUs.pinCurrentThread(cpus)
            do {
                try NamespaceTCPProbe.enterNetworkNamespace(path: namespace)
                while !flags.listening.load(ordering: .acquiring) {
                    if flags.stop.load(ordering: .acquiring) { return }
                    MonotonicClock.sleep(for: .milliseconds(1))
                }
                _ = try NamespaceTCPProbe.sendBulk(to: LabTraffic.bobAddress.description, port: 5001) {
                    !flags.stop.load(ordering: .acquiring)
                }
            } catch {
                if !flags.stop.load(ordering: .acquiring) { flags.fail("linux sender: \(error)") }
            }
            flags.stop.store(true, ordering: .releasing)
        }
        let runDirectory = lab.runDirectory
        let received = try PinnedThread.run(cpus: cpus) { () -> Result<(Int, Double), BenchError> in
            defer { flags.stop.store(true, ordering: .releasing) }
            do {
                return .success(try LabTraffic.receiveBulk(runDirectory: runDirectory, host: LabTraffic.bob, connections: 1,
                                                           port: 5001, seconds: seconds, options: TCPOptions(), flags: flags))
            } catch {
                return .failure(BenchError("bob's receiver: \(error)"))
            }
        }
        sender.join()
        return try rate(received.get(), flags: flags, seconds: seconds)
    }

    /// alice's app sends, Linux's kernel receives in the namespace.
    private static func toLinux(lab: BenchLab, namespace: String, seconds: Double, cpus: [Int]) throws -> Double {
        let flags = TransferFlags()
        let runDirectory = lab.runDirectory
        let sender = try PlatformThread.start {
            try? CPUs.pinCurrentThread(cpus)
            do {
                try LabTraffic.sendBulk(runDirectory: runDirectory, host: LabTraffic.alice,
                                        to: IPv4Address(linuxAddress)!, connections: 1, port: 5002,
                                        options: TCPOptions(), flags: flags)
            } catch {
                if !flags.stop.load(ordering: .acquiring) { flags.fail("alice's sender: \(error)") }
            }
            flags.stop.store(true, ordering: .releasing)
        }
        let received = try PinnedThread.run(cpus: cpus) { () -> Result<(Int, Double), BenchError> in
            defer { flags.stop.store(true, ordering: .releasing) }
            do {
                try NamespaceTCPProbe.enterNetworkNamespace(path: namespace)
                let listener = try NamespaceTCPProbe.Listener(address: linuxAddress, port: 5002)
                // The kernel completes handshakes on its own: the sender may start at once.
                flags.accepted.store(true, ordering: .releasing)
                flags.listening.store(true, ordering: .releasing)
                let result = try listener.receiveBulk(seconds: seconds)
                listener.close()
                return .success((result.bytes, result.seconds))
            } catch {
                flags.listening.store(true, ordering: .releasing)
                return .failure(BenchError("linux receiver: \(error)"))
            }
        }
        sender.join()
        return try rate(received.get(), flags: flags, seconds: seconds)
    }

    private static func rate(_ received: (Int, Double), flags: TransferFlags, seconds: Double) throws -> Double {
        if let failure = flags.failure { throw BenchError(failure) }
        guard received.0 > 0, received.1 > 0 else { throw BenchError("no bytes arrived in \(seconds) s") }
        return Double(received.0) / received.1
    }

    private static let serial = Atomic<Int>(0)
}
