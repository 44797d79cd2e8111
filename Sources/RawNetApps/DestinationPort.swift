/// `DEST:PORT` as apps are given it (chat's `--connect bob:7000`, the host part of an
/// http:// URL) and a port alone (nc's PORT): DEST a node name, a name or an address,
/// PORT a number from 1 to 65535. The one reader of both, so every app says the same
/// of a bad one.
public struct DestinationPort: Sendable, Equatable {
    public var destination: String
    public var port: UInt16

    public init(destination: String, port: UInt16) {
        self.destination = destination
        self.port = port
    }

    /// Reads `DEST:PORT`; the last colon splits it.
    public init(parsing text: String) throws(PortTextError) {
        guard let colon = text.lastIndex(of: ":"), colon != text.startIndex, text.index(after: colon) != text.endIndex else {
            throw .notDestinationPort(text)
        }
        port = try Self.port(text[text.index(after: colon)...])
        destination = String(text[..<colon])
    }

    /// Reads a port: decimal digits, from 1 to 65535.
    public static func port(_ text: some StringProtocol) throws(PortTextError) -> UInt16 {
        guard !text.isEmpty, text.allSatisfy({ $0.isASCII && $0.isNumber }) else { throw .notANumber(String(text)) }
        // Digits too many for an Int are out of range too.
        guard let value = Int(text), (1...65_535).contains(value) else { throw .outOfRange(String(text)) }
        return UInt16(value)
    }
}

/// Why a port or `DEST:PORT` cannot be read.
public enum PortTextError: Error, Equatable, Sendable, CustomStringConvertible {
    /// No colon, nothing before it or nothing after it.
    case notDestinationPort(String)
    /// The port is not a number.
    case notANumber(String)
    /// A number outside 1–65535.
    case outOfRange(String)

    public var description: String {
        switch self {
        case .notDestinationPort(let text): return "'\(text)' is not DEST:PORT (e.g. bob:7000 or 10.0.2.20:7000)"
        case .notANumber(let text): return "'\(text)' is not a port (a number from 1 to 65535)"
        case .outOfRange(let text): return "port \(text) is out of range (1–65535)"
        }
    }

    /// The error as said of `text`, the whole DEST:PORT or URL the port was read from:
    /// "'bob:99999': port 99999 is out of range (1–65535)".
    public func described(in text: String) -> String {
        if case .notDestinationPort = self { return description }
        return "'\(text)': \(description)"
    }
}
