import RawNetContracts
import RawNetCore
import RawNetLabModel
import RawNetPlatform

/// A problem reading a saved trace.
public struct TraceFileError: Error, CustomStringConvertible {
    public var description: String
    init(_ description: String) { self.description = description }
}

/// Saved traces: one `TraceEvent` as JSON per line, exactly as daemons stream
/// them (`rawnet trace --save FILE.jsonl`), read back by `ladder`, `plot` and
/// `capture --from`.
public enum TraceFile {
    /// One line (with its newline) for `event`.
    public static func line(for event: TraceEvent) -> [UInt8] {
        ControlCodec.encodeTraceLine(event)
    }

    /// Reads every event of the file at `path`; blank lines are skipped, a bad line is an error naming it.
    public static func read(path: String) throws(TraceFileError) -> [TraceEvent] {
        let bytes: [UInt8]
        do { bytes = try FileSystem.readBytes(at: path) } catch { throw TraceFileError("cannot read \(path): \(error)") }
        return try parse(bytes, name: path)
    }

    /// Parses JSON lines; `name` appears in error messages.
    public static func parse(_ bytes: [UInt8], name: String) throws(TraceFileError) -> [TraceEvent] {
        var events: [TraceEvent] = []
        var number = 0
        for line in bytes.split(separator: 0x0A, omittingEmptySubsequences: false) {
            number += 1
            if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { continue }
            do {
                events.append(try ControlCodec.decodeTraceLine(from: line))
            } catch {
                throw TraceFileError("\(name) line \(number) \(problem(with: line, error)) "
                                     + "(a trace saved by `rawnet trace --save FILE.jsonl` holds one JSON event per line)")
            }
        }
        return events
    }

    /// What is wrong with a line that is no trace event, in a user's words.
    static func problem(with line: some Collection<UInt8>, _ error: any Error) -> String {
        guard line.first(where: { $0 != 0x20 && $0 != 0x09 }) == UInt8(ascii: "{") else { return "is not JSON" }
        switch error as? DecodingError {
        case .keyNotFound(let key, let context)?:
            return "is not a trace event: it has no '\((context.codingPath + [key]).map(\.stringValue).joined(separator: "."))'"
        case .typeMismatch(_, let context)?, .valueNotFound(_, let context)?:
            return "is not a trace event: '\(context.codingPath.map(\.stringValue).joined(separator: "."))' has the wrong type"
        case .dataCorrupted(let context)? where !context.codingPath.isEmpty:
            return "is not a trace event: '\(context.codingPath.map(\.stringValue).joined(separator: "."))' is not valid"
        default:
            return "is not valid JSON"
        }
    }
}

/// A file written a piece at a time (a trace or a capture that grows while the
/// tool runs, readable by others meanwhile).
public final class GrowingFile {
    public let path: String
    private let descriptor: FileDescriptor

    /// Creates or truncates `path` (mode 0644).
    public init(path: String) throws(TraceFileError) {
        self.path = path
        do {
            try FileSystem.writeBytes([], to: path, mode: 0o644)
            descriptor = try FileSystem.openForAppending(path)
        } catch {
            throw TraceFileError("cannot write \(path): \(error)")
        }
    }

    deinit { descriptor.close() }

    /// Appends `bytes` (written through to the kernel at once: readers see them).
    public func append(_ bytes: [UInt8]) throws(TraceFileError) {
        guard !bytes.isEmpty else { return }
        do { try descriptor.writeAll(bytes) } catch { throw TraceFileError("cannot write \(path): \(error)") }
    }
}
