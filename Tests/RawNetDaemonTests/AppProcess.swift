import RawNetContracts
import RawNetDaemon
import RawNetLabModel
import RawNetPlatform

/// A `rawnet` app (chat, nc) running as a real process in a test lab, its
/// standard input a FIFO the test writes to (or a file, or /dev/null) and its
/// output collected in a file.
final class AppProcess {
    let pid: Int32
    let outputPath: String
    private var input: FileDescriptor?
    private(set) var exit: ProcessExit?

    /// Starts `rawnet ARGS --lab NAME`. With `feedsInput`, standard input is
    /// a FIFO kept open until `closeInput()`; else `inputPath` or /dev/null.
    /// With `executable`, that program runs with `arguments` as they are (no `--lab` added).
    init(lab: DaemonTestLab, _ arguments: [String], name: String, feedsInput: Bool = false, inputPath: String? = nil,
         outputPath: String? = nil, executable: String? = nil) throws {
        self.outputPath = outputPath ?? lab.base + "/\(name).out"
        var environment = ProcessEnvironment.all
        environment["XDG_RUNTIME_DIR"] = lab.base
        environment["RAWNET_LAB"] = nil
        var stdin = inputPath
        if feedsInput {
            let fifo = lab.base + "/\(name).in"
            try FileSystem.makeFIFO(at: fifo)
            input = try FileSystem.openFIFOForWriting(fifo)
            stdin = fifo
        }
        pid = try Processes.spawn(executable: executable ?? lab.executable,
                                  arguments: executable == nil ? arguments + ["--lab", lab.labName] : arguments,
                                  logPath: self.outputPath, environment: environment, inputPath: stdin)
    }

    deinit {
        if exit == nil {
            try? Processes.kill(pid, signal: SignalNumber.kill)
            _ = waitForExit(timeout: .seconds(2))
        }
        input?.close()
    }

    /// Types a line on the app's standard input.
    func type(_ line: String) throws {
        guard let input else { throw HarnessError("no input FIFO") }
        try input.writeAll(Array((line + "\n").utf8))
    }

    /// Sends bytes on the app's standard input as they are (keys, with no newline added).
    func typeKeys(_ text: String) throws {
        guard let input else { throw HarnessError("no input FIFO") }
        try input.writeAll(Array(text.utf8))
    }

    /// Ends the app's standard input.
    func closeInput() {
        input?.close()
        input = nil
    }

    var output: String {
        String(decoding: (try? FileSystem.readBytes(at: outputPath)) ?? [], as: UTF8.self)
    }

    /// Waits until `condition` holds for the output; throws with the output after `timeout`.
    func waitForOutput(_ what: String, timeout: Duration = .seconds(20), _ condition: (String) -> Bool) throws {
        let deadline = MonotonicClock.now() + timeout.components.seconds * 1_000_000_000
        while MonotonicClock.now() < deadline {
            if condition(output) { return }
            if exit == nil, let ended = try? Processes.reap(pid) { exit = ended }
            MonotonicClock.sleep(for: .milliseconds(20))
        }
        throw HarnessError("\(what): not seen within \(timeout) (exit: \(exit.map { "\($0)" } ?? "running")):\n\(output)")
    }

    /// Waits for the process to end.
    @discardableResult
    func waitForExit(timeout: Duration) -> ProcessExit? {
        if let exit { return exit }
        let deadline = MonotonicClock.now() + timeout.components.seconds * 1_000_000_000
            + timeout.components.attoseconds / 1_000_000_000
        while true {
            do {
                if let ended = try Processes.reap(pid) {
                    exit = ended
                    return ended
                }
            } catch {
                exit = .exited(code: -1)
                return exit
            }
            if MonotonicClock.now() >= deadline { return nil }
            MonotonicClock.sleep(for: .milliseconds(10))
        }
    }

    func kill(signal: Int32 = SignalNumber.kill) {
        try? Processes.kill(pid, signal: signal)
        waitForExit(timeout: .seconds(5))
    }
}

extension DaemonTestLab {
    /// Sets the egress impairment of NODE's INTERFACE (nil: clear) and returns its answer.
    @discardableResult
    func impair(_ node: String, _ interface: String, _ settings: String?) throws -> ImpairAnswer {
        var args = ["interface": interface]
        if let settings { args["settings"] = settings } else { args["action"] = "clear" }
        let response = try control(node, "impair", args)
        guard response.ok, let result = response.result else { throw HarnessError("impair \(node):\(interface): \(response)") }
        return try result.decode(ImpairAnswer.self)
    }

    /// The host's sockets as `sockets` lists them.
    func sockets(_ node: String) throws -> [SocketInfo] {
        let response = try control(node, "sockets")
        guard response.ok, let result = response.result else { throw HarnessError("sockets \(node): \(response)") }
        return try result.decode([SocketInfo].self)
    }
}
