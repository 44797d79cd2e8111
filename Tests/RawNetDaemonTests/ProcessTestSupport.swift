import RawNetContracts
import RawNetCore
import RawNetPlatform
import RawNetSocket
import RawNetWire

/// A TCP connection alice → bob in a test lab, both ends with their app's connection.
struct ConnectedPair {
    let alice: HostConnection
    let client: TCPStream
    let bob: HostConnection
    let server: TCPStream

    /// Connects alice to a listener of bob's on `port` (options on both ends) and accepts.
    init(_ lab: DaemonTestLab, port: UInt16, options: TCPOptions = TCPOptions(), bobApp: String = "sink") throws {
        let bobAddress = IPv4Address(10, 0, 2, 20)
        bob = try HostConnection(runDirectory: lab.runDirectory, host: "bob", appName: bobApp)
        let listener = try TCPListener(bob, port: port, options: options)
        alice = try HostConnection(runDirectory: lab.runDirectory, host: "alice", appName: "source")
        client = try TCPStream.connect(alice, to: bobAddress, port: port, options: options, timeout: .seconds(5))
        guard let accepted = try listener.accept(timeout: .seconds(5)) else {
            throw HarnessError("bob accepted no connection on port \(port)")
        }
        server = accepted
    }
}

/// A subscriber to one daemon's trace that counts the drops of one reason.
final class DropWatcher {
    private let client: ControlClient
    private let reason: DropReason
    private let check: (TraceEvent) -> Void
    /// Drops of `reason` heard so far.
    private(set) var count = 0

    init(_ lab: DaemonTestLab, node: String, reason: DropReason, check: @escaping (TraceEvent) -> Void = { _ in }) throws {
        client = try ControlClient(path: lab.paths.control(node: node))
        self.reason = reason
        self.check = check
        guard try client.request(ControlRequest(command: "subscribe")).ok else {
            throw HarnessError("\(node) refused a subscriber")
        }
    }

    /// Reads every event already here, then waits at most `timeout` for more.
    func read(timeout: Duration = .zero) throws {
        while let line = try client.nextLine(timeout: timeout) {
            let event = try ControlCodec.decodeLine(TraceEvent.self, from: line)
            if event.kind == .dropped, event.reason == reason.rawValue {
                count += 1
                check(event)
            }
        }
    }
}

/// A process's resident memory now and at its peak (`VmRSS`, `VmHWM` of /proc/PID/status), in bytes.
func residentMemory(of pid: Int32) throws -> (now: Int, peak: Int) {
    let text = String(decoding: try FileSystem.readBytes(at: "/proc/\(pid)/status"), as: UTF8.self)
    func field(_ name: String) throws -> Int {
        guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix(name + ":") }),
              let kB = Int(line.split(separator: " ").dropFirst().first ?? "") else {
            throw HarnessError("no \(name) in /proc/\(pid)/status")
        }
        return kB * 1024
    }
    return (try field("VmRSS"), try field("VmHWM"))
}
