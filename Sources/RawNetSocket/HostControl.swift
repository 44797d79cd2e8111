import RawNetJSON
import RawNetPlatform

/// A small client for a host daemon's control socket (`RUNDIR/HOST.ctl`), for
/// apps that change their own host's link while they run (chat's `/loss 20%`).
/// Blocking, one JSON line each way.
public final class HostControl {
    public let host: String
    private let connection: UnixConnection
    private var buffer: [UInt8] = []

    /// Connects to `host`'s control socket in `runDirectory`.
    public init(runDirectory: String, host: String) throws(NetworkError) {
        self.host = host
        let path = (runDirectory.hasSuffix("/") ? runDirectory : runDirectory + "/") + host + ".ctl"
        do {
            connection = try UnixConnection.connect(kind: .stream, to: path)
        } catch {
            throw .hostNotRunning(host: host, path: path, reason: "\(error)")
        }
    }

    deinit { connection.close() }

    /// The names of the host's interfaces.
    public func interfaceNames() throws(NetworkError) -> [String] {
        struct Status: Decodable {
            struct Interface: Decodable { var name: String }
            var interfaces: [Interface]
        }
        let status: Status = try call("status", [:])
        return status.interfaces.map(\.name)
    }

    /// Sets the egress impairment of an interface (`settings` as the lab's
    /// text, e.g. "loss 20% reorder 10%"), or clears it when `settings` is nil.
    /// Returns the settings now in force, as text.
    @discardableResult
    public func impair(interface: String, settings: String?) throws(NetworkError) -> String {
        struct Answer: Decodable { var settings: String }
        var args = ["interface": interface]
        if let settings { args["settings"] = settings } else { args["action"] = "clear" }
        let answer: Answer = try call("impair", args)
        return answer.settings
    }

    private struct Request: Encodable { var command: String; var args: [String: String] }
    private struct Response<Result: Decodable>: Decodable { var ok: Bool; var result: Result?; var error: String? }
    private struct Failure: Decodable { var ok: Bool; var error: String? }

    private func call<Result: Decodable>(_ command: String, _ args: [String: String]) throws(NetworkError) -> Result {
        let line: [UInt8]
        do {
            line = try JSONNodeEncoder().encode(Request(command: command, args: args)) + [0x0A]
        } catch {
            throw .protocolError("cannot encode \(command)")
        }
        var sent = 0
        while sent < line.count {
            guard connection.fileDescriptor.waitWritable(timeout: .seconds(5)) else { throw .timedOut }
            let written: Int?  // nil: the socket is full for now, wait again
            do {
                written = try connection.write(Array(line[sent...]))
            } catch {
                throw .hostClosedConnection
            }
            sent += written ?? 0
        }
        while !buffer.contains(0x0A) {
            guard connection.fileDescriptor.waitReadable(timeout: .seconds(5)) else { throw .timedOut }
            let read: [UInt8]??
            do { read = try connection.read(maximumLength: 65_536) } catch { read = nil }
            guard let result = read else { throw .hostClosedConnection }
            guard let chunk = result else { continue }
            if chunk.isEmpty { throw .hostClosedConnection }
            buffer += chunk
        }
        let end = buffer.firstIndex(of: 0x0A)!
        let answer = Array(buffer[..<end])
        buffer.removeSubrange(...end)
        if let failure = try? JSONNodeDecoder().decode(Failure.self, from: answer), !failure.ok {
            throw .invalidArgument(failure.error ?? "\(command) failed")
        }
        guard let response = try? JSONNodeDecoder().decode(Response<Result>.self, from: answer),
              let result = response.result else {
            throw .protocolError("unexpected answer to \(command)")
        }
        return result
    }
}

/// Standard input and output for apps, byte-exact and unbuffered, and whether
/// they are terminals (for colours and prompts).
public enum AppTerminal {
    /// The descriptor number of standard input, for `HostConnection.wait(timeout:alsoWatching:)`.
    public static let standardInput: Int32 = 0

    /// Reads what standard input has (blocking if nothing yet). Empty at end of input.
    public static func readInput(maxCount: Int = 65_536) throws(NetworkError) -> [UInt8] {
        var buffer = [UInt8](repeating: 0, count: maxCount)
        do {
            while true {
                let count = try buffer.withUnsafeMutableBytes { try FileDescriptor.standardInput.read(into: $0) }
                if let count { return Array(buffer[..<count]) }
                _ = FileDescriptor.standardInput.waitReadable(timeout: .seconds(3600))
            }
        } catch {
            throw .protocolError("reading standard input: \(error)")
        }
    }

    /// Writes all bytes to standard output.
    public static func write(_ bytes: [UInt8]) {
        try? FileDescriptor.standardOutput.writeAll(bytes)
    }

    /// Writes text to standard output.
    public static func write(_ text: String) { write(Array(text.utf8)) }

    /// Writes text to standard error.
    public static func writeError(_ text: String) { try? FileDescriptor.standardError.writeAll(Array(text.utf8)) }

    public static var isInputTerminal: Bool { FileDescriptor.standardInput.isTerminal }
    public static var isOutputTerminal: Bool { FileDescriptor.standardOutput.isTerminal }

    /// Seconds on a monotonic clock, for rates.
    public static func monotonicSeconds() -> Double { Double(MonotonicClock.now()) / 1e9 }
}
