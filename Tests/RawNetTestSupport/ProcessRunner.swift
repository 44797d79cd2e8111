import Foundation
import RawNetPlatform

/// Runs a real built executable (`rawnet` by default, or `rawnet-bench`, `rawnetd`)
/// as a user would, with a private run-directory base (`XDG_RUNTIME_DIR`), so the
/// tests never see or touch another lab. Shared by the watch, tour and bench tests.
public final class RawNetRunner {
    public let base: String
    public let executable: String
    /// Variables set (a value) or removed (nil) for the commands run after, over `environment`'s.
    public var environmentOverrides: [String: String?] = [:]

    public struct Run: Sendable {
        public var status: Int32
        public var output: String
        public var errors: String
    }

    /// - Parameter name: the executable's file name among the build products.
    public convenience init(executable name: String = "rawnet") throws {
        try self.init(executableAt: Self.builtExecutable(named: name))
    }

    /// Runs the executable at `path` (a copy placed elsewhere, for instance).
    public init(executableAt path: String) throws {
        executable = path
        Processes.tetherChildrenToThisProcess()
        // Suites run in parallel: a random part keeps their bases apart.
        base = "/tmp/rntour-\(getpid())-\(UUID().uuidString.prefix(8))"
        try? FileManager.default.removeItem(atPath: base)
        try FileManager.default.createDirectory(atPath: base, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
    }

    deinit {
        if executable.hasSuffix("/rawnet") {
            for lab in ["tour", "basic"] { _ = try? run(["down", "--lab", lab]) }
        }
        try? FileManager.default.removeItem(atPath: base)
    }

    /// A build product beside the test bundle, else in the package's `.build/debug`.
    public static func builtExecutable(named name: String = "rawnet") throws -> String {
        var candidates: [String] = []
        let bundle = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().path
        candidates.append(bundle + "/" + name)
        var source = #filePath.split(separator: "/", omittingEmptySubsequences: false)
        source.removeLast(3)
        candidates.append(source.joined(separator: "/") + "/.build/debug/" + name)
        for path in candidates where FileManager.default.isExecutableFile(atPath: path) { return path }
        throw TestFailure("the \(name) executable is missing (looked at \(candidates.joined(separator: ", "))); run `swift build` first")
    }

    public var environment: [String: String] {
        var environment = ProcessInfo.processInfo.environment
        environment["XDG_RUNTIME_DIR"] = base
        environment["RAWNET_LAB"] = nil
        environment["NO_COLOR"] = "1"
        // Views speak English unless a test asks for Korean, whatever the machine's locale.
        environment["RAWNET_LANG"] = "en"
        for (name, value) in environmentOverrides { environment[name] = value }
        return environment
    }

    /// Starts the executable with `arguments` (stdout and stderr both to `BASE/name.out`) and returns its pid.
    /// RawNetPlatform's spawn and reap are used rather than Foundation's Process, which does
    /// not always notice the end of a child that left daemons running (`rawnet up`).
    public func start(_ arguments: [String], name: String) throws -> (pid: Int32, outputPath: String) {
        let outputPath = base + "/\(name).out"
        let pid = try Processes.spawn(executable: executable, arguments: arguments, logPath: outputPath,
                                      environment: environment)
        return (pid, outputPath)
    }

    /// Waits for a started command; nil when it is still running after `timeout` seconds (then killed).
    public func wait(_ pid: Int32, timeout: Double) throws -> Int32? {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if let exit = try Processes.reap(pid) {
                if case .exited(let code) = exit { return code }
                return 128
            }
            usleep(20_000)
        }
        try? Processes.kill(pid, signal: SignalNumber.kill)
        _ = try? Processes.reap(pid)
        return nil
    }

    /// Ends a started watcher (`capture`, `trace`) as Ctrl-C does, once the frames of the
    /// work just done have had `settle` seconds to reach it, and waits for its exit status.
    public func interrupt(_ pid: Int32, settle: Double = 0.5, timeout: Double = 30) throws -> Int32? {
        usleep(UInt32(settle * 1_000_000))
        try Processes.kill(pid, signal: SignalNumber.interrupt)
        return try wait(pid, timeout: timeout)
    }

    /// Waits until the output of a started command contains `text` (a command's "ready"
    /// line), rather than guessing how long a busy machine takes to start it.
    public func waitForOutput(_ outputPath: String, containing text: String, timeout: Double = 20) throws {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if let printed = try? String(contentsOfFile: outputPath, encoding: .utf8), printed.contains(text) { return }
            usleep(10_000)
        }
        let printed = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
        throw TestFailure("no '\(text)' within \(timeout) s; printed:\n\(printed)")
    }

    /// Runs the executable with `arguments` to the end (killed after `timeout` seconds).
    /// `errors` and `output` both hold everything the command printed.
    @discardableResult
    public func run(_ arguments: [String], timeout: Double = 60) throws -> Run {
        let (pid, outputPath) = try start(arguments, name: "run-\(UUID().uuidString.prefix(8))")
        guard let status = try wait(pid, timeout: timeout) else {
            throw TestFailure("\(executable) \(arguments.joined(separator: " ")) did not finish in \(timeout) s")
        }
        let text = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
        return Run(status: status, output: text, errors: text)
    }
}

public struct TestFailure: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// tshark's verdict on a capture, with checksum validation on for IPv4, ICMP, UDP and TCP.
public struct TsharkVerdict {
    public var packets = 0
    public var malformed = 0
    public var badChecksums: [Int] = []
    /// Each malformed frame's number, protocol stack and expert messages, for a failure's message.
    public var malformedFrames: [String] = []

    public static let tshark = "/usr/bin/tshark"

    /// `--disable-protocol` for each protocol that tshark would otherwise guess at from a TCP or
    /// UDP payload's bytes (its heuristic dissectors), except the ones RawNet itself carries (DNS,
    /// HTTP, VXLAN). An app's bytes, such as a test's random file, are no protocol: now and then
    /// a few random bytes pass some dissector's guess, which then calls the segment malformed,
    /// though every header RawNet built is sound. Port-registered dissectors still run.
    public static let payloadGuessesOff: [String] = {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tshark)
        process.arguments = ["-G", "heuristic-decodes"]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return [] }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let carried: Set<String> = ["dns", "http", "vxlan"]
        // Each line: the protocol below, the guessing protocol's name, and T or F.
        let names = String(decoding: data, as: UTF8.self).split(separator: "\n").compactMap { line -> String? in
            let columns = line.split(separator: "\t").map(String.init)
            guard columns.count >= 2, columns[0] == "tcp" || columns[0] == "udp", !carried.contains(columns[1]) else { return nil }
            return columns[1]
        }
        return Set(names).sorted().flatMap { ["--disable-protocol", $0] }
    }()

    public init(file: String) throws {
        let fields = ["frame.number", "_ws.malformed", "ip.checksum.status", "icmp.checksum.status",
                      "udp.checksum.status", "tcp.checksum.status"]
        let options = ["-o", "ip.check_checksum:TRUE", "-o", "tcp.check_checksum:TRUE", "-o", "udp.check_checksum:TRUE"]
            + Self.payloadGuessesOff
        let rows = try Self.fields(file, options: options, fields: fields)
        for columns in rows {
            packets += 1
            if columns.count > 1 && !columns[1].isEmpty { malformed += 1 }
            // tshark checksum status: 0 bad, 1 good, 2 unverified (e.g. a quoted header cut short).
            let statuses = columns.dropFirst(2).flatMap { $0.split(separator: ",") }
            if statuses.contains("0") { badChecksums.append(Int(columns[0]) ?? 0) }
        }
        if malformed > 0 {
            malformedFrames = try Self.fields(file, options: options, filter: "_ws.malformed",
                                              fields: ["frame.number", "frame.len", "frame.protocols", "tcp.srcport",
                                                       "tcp.dstport", "tcp.len", "_ws.expert.message"])
                .prefix(10).map { $0.joined(separator: " ") }
        }
    }

    /// tshark's `fields` of each packet of `file` (matching the display filter `filter`, if
    /// given), one array per packet; several values of one field are joined with commas.
    public static func fields(_ file: String, options: [String] = [], filter: String? = nil,
                              fields: [String]) throws -> [[String]] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tshark)
        process.arguments = ["-r", file, "-n"] + options + (filter.map { ["-Y", $0] } ?? [])
            + ["-T", "fields", "-E", "separator=\t", "-E", "occurrence=a", "-E", "aggregator=,"]
            + fields.flatMap { ["-e", $0] }
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        let errorText = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw TestFailure("tshark failed: \(errorText)") }
        return String(decoding: data, as: UTF8.self).split(separator: "\n").map {
            $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
        }
    }
}
