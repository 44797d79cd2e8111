import RawNetJSON

/// One request on a daemon's control socket: a single line of JSON,
/// e.g. `{"command":"status"}` or `{"command":"link","args":{"interface":"eth0","state":"down"}}`.
/// The daemon answers each request with one line of JSON (`ControlResponse`).
/// The command `subscribe` turns the connection into a stream of `TraceEvent` lines.
public struct ControlRequest: Codable, Sendable, Equatable {
    public var command: String
    public var args: [String: String]

    public init(command: String, args: [String: String] = [:]) {
        self.command = command
        self.args = args
    }

    enum CodingKeys: String, CodingKey { case command, args }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        command = try c.decode(String.self, forKey: .command)
        args = try c.decodeIfPresent([String: String].self, forKey: .args) ?? [:]
    }
}

/// The answer to one control request. `ok == false` carries a readable `error`.
/// `result` is command-specific JSON, kept as a generic value so old clients
/// can read new fields.
public struct ControlResponse: Codable, Sendable, Equatable {
    public var ok: Bool
    public var error: String?
    public var result: JSONValue?

    public init(ok: Bool, error: String? = nil, result: JSONValue? = nil) {
        self.ok = ok
        self.error = error
        self.result = result
    }

    public static func failure(_ message: String) -> ControlResponse {
        ControlResponse(ok: false, error: message)
    }

    public static func success<T: Encodable>(_ value: T) -> ControlResponse {
        do {
            return ControlResponse(ok: true, result: try JSONValue(encoding: value))
        } catch {
            return .failure("internal error encoding the result: \(error)")
        }
    }
}

/// A JSON value, for results whose shape depends on the command.
public enum JSONValue: Codable, Sendable, Equatable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .null }
        else if let b = try? c.decode(Bool.self) { self = .bool(b) }
        else if let n = try? c.decode(Double.self) { self = .number(n) }
        else if let s = try? c.decode(String.self) { self = .string(s) }
        else if let a = try? c.decode([JSONValue].self) { self = .array(a) }
        else { self = .object(try c.decode([String: JSONValue].self)) }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .null: try c.encodeNil()
        case .bool(let b): try c.encode(b)
        case .number(let n): try c.encode(n)
        case .string(let s): try c.encode(s)
        case .array(let a): try c.encode(a)
        case .object(let o): try c.encode(o)
        }
    }

    /// Converts any encodable value into a JSONValue (through a JSON tree).
    public init<T: Encodable>(encoding value: T) throws {
        self = try JSONNodeDecoder().decode(JSONValue.self, from: JSONNodeEncoder().encodeNode(value))
    }

    /// Decodes this value as a concrete type.
    public func decode<T: Decodable>(_ type: T.Type) throws -> T {
        try JSONNodeDecoder().decode(type, from: JSONNodeEncoder().encodeNode(self))
    }
}

/// Line codec shared by the control server and clients: compact JSON, keys
/// sorted, one value per line (RawNetJSON, so daemons need no Foundation).
public enum ControlCodec {
    public static func encodeLine<T: Encodable>(_ value: T) throws -> [UInt8] {
        var bytes = try JSONNodeEncoder().encode(value)
        bytes.append(0x0A)
        return bytes
    }

    public static func decodeLine<T: Decodable>(_ type: T.Type, from line: some Collection<UInt8>) throws -> T {
        try JSONNodeDecoder().decode(type, from: line)
    }
}
