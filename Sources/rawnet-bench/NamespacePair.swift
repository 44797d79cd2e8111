import Foundation
import RawNetBench
import RawNetPlatform

/// Two network namespaces joined by a veth pair, standing in for two machines
/// (`bench vxlan`, `bench split`): `one` at `SUBNET.1`, `two` at `SUBNET.2`.
/// Each namespace has its own run-directory base under `base`, so the same lab
/// name runs in both. `close` stops the labs named and removes everything.
struct NamespacePair {
    let executable: String
    let base: String
    let one: String
    let two: String

    init(prefix: String, subnet: String, executable: String) throws {
        guard getuid() == 0 else { throw BenchError("network namespaces need root") }
        self.executable = executable
        let tag = "\(prefix)\(getpid() % 100_000)"
        base = "/tmp/\(tag)"
        (one, two) = ("\(tag)-m1", "\(tag)-m2")
        try FileManager.default.createDirectory(atPath: base, withIntermediateDirectories: true)
        for namespace in [one, two] {
            try Shell.check(["ip", "netns", "add", namespace])
            try Shell.check(["ip", "-n", namespace, "link", "set", "lo", "up"])
        }
        try Shell.check(["ip", "link", "add", "\(tag)a", "netns", one, "type", "veth", "peer", "name", "\(tag)b", "netns", two])
        for (namespace, interface, address) in [(one, "\(tag)a", "\(subnet).1/24"), (two, "\(tag)b", "\(subnet).2/24")] {
            try Shell.check(["ip", "-n", namespace, "addr", "add", address, "dev", interface])
            try Shell.check(["ip", "-n", namespace, "link", "set", interface, "up"])
        }
    }

    /// Takes `labs` down in both namespaces, deletes the namespaces and the files.
    func close(labs: [String]) {
        for namespace in [one, two] {
            for lab in labs { _ = try? rawnet(namespace, "down --lab \(lab)") }
            _ = try? Shell.run(["ip", "netns", "delete", namespace])
        }
        try? FileManager.default.removeItem(atPath: base)
    }

    /// The run-directory base (`XDG_RUNTIME_DIR`) of `namespace`'s labs.
    func runBase(_ namespace: String) -> String { base + "/" + namespace }

    /// The run directory of lab `lab` in `namespace`.
    func runDirectory(_ namespace: String, lab: String) -> String { runBase(namespace) + "/rawnet/" + lab }

    /// `rawnet ARGUMENTS` inside `namespace`, waited for: its output.
    @discardableResult
    func rawnet(_ namespace: String, _ arguments: String, timeout: Double = 300) throws -> String {
        try wait(start(namespace, arguments, log: "sh-\(namespace).log"), log: "sh-\(namespace).log",
                 command: arguments, timeout: timeout)
    }

    /// Starts `rawnet ARGUMENTS` (with `extra` appended to the shell line) inside `namespace`: its pid.
    func start(_ namespace: String, _ arguments: String, extra: String = "", log: String) throws -> Int32 {
        try FileManager.default.createDirectory(atPath: runBase(namespace), withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        // Output goes to a file, not a pipe: daemons `up` starts must not hold a reader open.
        try? FileManager.default.removeItem(atPath: base + "/" + log)
        return try Shell.start(["/bin/sh", "-c", "XDG_RUNTIME_DIR='\(runBase(namespace))' exec ip netns exec \(namespace) "
                                + "'\(executable)' \(arguments) \(extra)"], logPath: base + "/" + log)
    }

    /// Waits for a process `start` began: its output, or an error naming `command` when it failed or took over `timeout` s.
    @discardableResult
    func wait(_ pid: Int32, log: String, command: String, timeout: Double = 300) throws -> String {
        let started = MonotonicClock.now()
        var exit: ProcessExit?
        while exit == nil {
            exit = try Processes.reap(pid)
            if exit == nil { usleep(2_000) }
            if exit == nil, Double(MonotonicClock.now() - started) / 1e9 > timeout {
                Shell.stop(pid: pid)
                throw BenchError("`rawnet \(command)` did not end in \(Int(timeout)) s")
            }
        }
        let output = (try? String(contentsOfFile: base + "/" + log, encoding: .utf8)) ?? ""
        guard case .exited(code: 0)? = exit else { throw BenchError("`rawnet \(command)` failed: \(output)") }
        return output
    }
}
