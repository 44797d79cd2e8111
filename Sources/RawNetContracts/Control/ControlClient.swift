import RawNetPlatform

/// Why a control request could not be answered.
public enum ControlClientError: Error, CustomStringConvertible {
    case notRunning(path: String, reason: String)
    case timedOut(path: String)
    case closed(path: String)
    case badAnswer(path: String, reason: String)

    public var description: String {
        switch self {
        case let .notRunning(path, reason): return "no daemon answers at \(path) (\(reason))"
        case let .timedOut(path): return "the daemon at \(path) did not answer in time"
        case let .closed(path): return "the daemon at \(path) closed the connection"
        case let .badAnswer(path, reason): return "the daemon at \(path) sent a bad answer: \(reason)"
        }
    }
}

/// A blocking client for one daemon's control socket, for the CLI and tests.
public final class ControlClient {
    public let path: String
    private let connection: UnixConnection
    private var buffer: [UInt8] = []
    /// Where the unread part of `buffer` begins (lines are taken from the front).
    private var start = 0

    /// The connection's descriptor, for waiting on several daemons at once
    /// (then read with `nextLine(timeout: .zero)` until it returns nil).
    public var fileDescriptor: FileDescriptor { connection.fileDescriptor }

    public init(path: String) throws(ControlClientError) {
        self.path = path
        do {
            connection = try UnixConnection.connect(kind: .stream, to: path)
        } catch {
            throw .notRunning(path: path, reason: "\(error)")
        }
    }

    /// Sends one request and waits for its answer.
    public func request(_ request: ControlRequest, timeout: Duration = .seconds(5)) throws(ControlClientError) -> ControlResponse {
        do {
            let line = try ControlCodec.encodeLine(request)
            var sent = 0
            while sent < line.count {
                guard connection.fileDescriptor.waitWritable(timeout: timeout) else { throw ControlClientError.timedOut(path: path) }
                if let n = try connection.write(Array(line[sent...])) { sent += n }
            }
        } catch let error as ControlClientError {
            throw error
        } catch {
            throw .closed(path: path)
        }
        guard let line = try nextLine(timeout: timeout) else { throw .timedOut(path: path) }
        do {
            return try ControlCodec.decodeLine(ControlResponse.self, from: line)
        } catch {
            throw .badAnswer(path: path, reason: "\(error)")
        }
    }

    /// Convenience: sends `command` and returns the result, turning an error answer into `failure`.
    public func call(_ command: String, _ args: [String: String] = [:], timeout: Duration = .seconds(5)) throws(ControlClientError) -> Result<JSONValue?, ControlCallFailure> {
        let response = try request(ControlRequest(command: command, args: args), timeout: timeout)
        return response.ok ? .success(response.result) : .failure(ControlCallFailure(message: response.error ?? "unknown error"))
    }

    /// Reads the next line (without its newline); nil on timeout.
    public func nextLine(timeout: Duration) throws(ControlClientError) -> [UInt8]? {
        while true {
            if let line = bufferedLine() { return line }
            guard connection.fileDescriptor.waitReadable(timeout: timeout) else { return nil }
            _ = try readAvailable()
        }
    }

    /// The next whole line already read (without its newline), without touching the socket.
    public func bufferedLine() -> [UInt8]? {
        guard let newline = ByteSearch.firstIndex(of: 0x0A, in: buffer, from: start) else { return nil }
        let line = Array(buffer[start..<newline])
        start = newline + 1
        if start == buffer.count {
            buffer.removeAll(keepingCapacity: true)
            start = 0
        }
        return line
    }

    /// One read of what the socket holds (at most `maximumLength` bytes), without waiting:
    /// false when nothing was there. Throws `closed` when the daemon closed the connection.
    public func readAvailable(maximumLength: Int = 65_536) throws(ControlClientError) -> Bool {
        let chunk: [UInt8]?
        do { chunk = try connection.read(maximumLength: maximumLength) } catch { throw .closed(path: path) }
        guard let chunk else { return false }
        if chunk.isEmpty { throw .closed(path: path) }
        if start > 0 {
            buffer.removeFirst(start)
            start = 0
        }
        buffer += chunk
        return true
    }
}

/// An error answer from a daemon.
public struct ControlCallFailure: Error, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}
