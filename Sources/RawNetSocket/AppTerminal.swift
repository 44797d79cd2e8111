import RawNetPlatform

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
    /// True when standard input is the terminal of a shell that runs this app in the background.
    public static var isInputBackgroundTerminal: Bool { Terminal.standardInputIsBackgroundTerminal }

    /// Columns of the terminal standard output is (nil: not a terminal).
    public static var outputColumns: Int? { Terminal.standardOutputColumns }

    /// Standard input's terminal in character mode (`Terminal.enterCharacterMode`): nil when
    /// it is not a terminal. `restoreMode` gives it back.
    public static func enterCharacterMode() -> Terminal.SavedMode? { Terminal.enterCharacterMode() }

    /// The terminal's settings as they were before `enterCharacterMode`.
    public static func restoreMode(_ mode: Terminal.SavedMode) { Terminal.restore(mode) }

    /// Seconds on a monotonic clock, for rates.
    public static func monotonicSeconds() -> Double { Double(MonotonicClock.now()) / 1e9 }
}
