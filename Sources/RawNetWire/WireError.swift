/// Errors from parsing wire formats.
///
/// Every case names the layer and the field at fault, so a dropped frame can be
/// explained precisely (`IPv4.headerChecksum`, `TCP.dataOffset`, …). Parsing
/// untrusted bytes never traps: it either yields a value or throws one of these.
///
///     do { let ip = try IPv4Header(parsing: bytes) }
///     catch let error as WireError { print(error) } // "IPv4.headerChecksum: stored 0x1234, computed 0xb861"
public enum WireError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The bytes end before the field does: `needed` bytes were required, `available` were present.
    case truncated(layer: String, field: String, needed: Int, available: Int)
    /// A field holds a value this parser cannot accept (`expected` says what would be valid).
    case badValue(layer: String, field: String, value: UInt64, expected: String)
    /// A checksum does not match. `computed` is the value the field should hold.
    case badChecksum(layer: String, field: String, stored: UInt16, computed: UInt16)

    /// The layer at fault, e.g. `IPv4`.
    public var layer: String {
        switch self {
        case .truncated(let layer, _, _, _), .badValue(let layer, _, _, _), .badChecksum(let layer, _, _, _):
            return layer
        }
    }

    /// The field at fault, e.g. `headerChecksum`.
    public var field: String {
        switch self {
        case .truncated(_, let field, _, _), .badValue(_, let field, _, _), .badChecksum(_, let field, _, _):
            return field
        }
    }

    /// `Layer.field`, e.g. `IPv4.headerChecksum`.
    public var fieldPath: String { "\(layer).\(field)" }

    public var description: String {
        switch self {
        case .truncated(_, _, let needed, let available):
            return "\(fieldPath): truncated, needs \(needed) bytes, \(available) available"
        case .badValue(_, _, let value, let expected):
            return "\(fieldPath): bad value \(value), expected \(expected)"
        case .badChecksum(_, _, let stored, let computed):
            return "\(fieldPath): bad checksum \(hex16(stored)), computed \(hex16(computed))"
        }
    }
}

func hex16(_ value: UInt16) -> String {
    let digits = String(value, radix: 16)
    return "0x" + String(repeating: "0", count: 4 - digits.count) + digits
}
