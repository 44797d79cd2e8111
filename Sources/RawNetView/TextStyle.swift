import RawNetWire

/// Small text helpers shared by the renderers: ANSI colour, time stamps, hex and
/// padding that counts display columns (not bytes or characters), so box drawing lines up.

/// The colours the renderers use. `plain` emits no escape codes at all.
public struct TextPainter: Sendable {
    /// True when ANSI escape sequences are emitted (the CLI decides, e.g. by `isatty`).
    public var usesColour: Bool

    public init(usesColour: Bool) { self.usesColour = usesColour }

    public static let plain = TextPainter(usesColour: false)
    public static let colour = TextPainter(usesColour: true)

    /// ANSI SGR codes by role.
    public enum Role: String, Sendable {
        case time = "2"            // dim
        case place = "1"           // bold
        case outgoing = "32"       // green
        case incoming = "34"       // blue
        case dropped = "1;31"      // bold red
        case impaired = "33"       // yellow
        case transport = "35"      // magenta
        case note = "36"           // cyan
        case warning = "31"        // red
        case heading = "1;36"      // bold cyan
    }

    /// `text` wrapped in the role's escape codes (or unchanged when plain).
    public func paint(_ text: String, _ role: Role) -> String {
        usesColour ? "\u{1B}[\(role.rawValue)m\(text)\u{1B}[0m" : text
    }
}

enum Text {
    /// Milliseconds with three decimals, e.g. `12.345`; negative spans keep their sign.
    static func milliseconds(nanoseconds: Int64) -> String {
        let negative = nanoseconds < 0
        let magnitude = nanoseconds.magnitude
        let micros = (magnitude + 500) / 1_000
        let whole = micros / 1_000, fraction = micros % 1_000
        let digits = String(fraction)
        return (negative ? "-" : "") + "\(whole)." + String(repeating: "0", count: 3 - digits.count) + digits
    }

    /// Padding by display columns (`DisplayWidth`), so Hangul lines up too.
    static func leftPad(_ text: String, _ width: Int) -> String { DisplayWidth.leftPad(text, width) }

    static func rightPad(_ text: String, _ width: Int) -> String { DisplayWidth.rightPad(text, width) }

    /// Cuts `text` to `width` columns, ending in `…` when cut.
    static func truncate(_ text: String, _ width: Int) -> String {
        guard DisplayWidth.of(text) > width else { return text }
        guard width > 1 else { return String(text.prefix(max(width, 0))) }
        var out = ""
        var used = 0
        for character in text {
            let w = DisplayWidth.of(String(character))
            if used + w > width - 1 { break }
            out.append(character)
            used += w
        }
        return out + "…"
    }

    static func hex(_ value: UInt64, digits: Int) -> String {
        let s = String(value, radix: 16)
        return "0x" + String(repeating: "0", count: max(0, digits - s.count)) + s
    }

    static func hexByte(_ byte: UInt8) -> String {
        let s = String(byte, radix: 16)
        return s.count == 1 ? "0" + s : s
    }

    /// The last three octets of a MAC address, or `broadcast`.
    /// A MAC address in a trace line: its last three bytes (a lab's unicast addresses
    /// differ there), "broadcast", or a multicast group whole (01:80:c2:00:00:00 for
    /// the spanning tree, 01:00:5e:… for RIP), which its last bytes would misname.
    static func shortMAC(_ mac: MACAddress) -> String {
        if mac.isBroadcast { return "broadcast" }
        let bytes = mac.bytes
        return (bytes[0] & 1 == 1 ? bytes : Array(bytes.suffix(3))).map(hexByte).joined(separator: ":")
    }

    /// An app's bytes as the words they carry: UTF-8 decoded (Hangul as Hangul), a line feed
    /// as `⏎` and a carriage return as `␍`; a byte that is not UTF-8 (or a sequence cut short),
    /// a control or formatting character, a combining mark and a symbol whose terminal width
    /// `DisplayWidth` cannot be sure of (most emoji) as `.`, so every box stays aligned.
    static func readable(_ bytes: some Sequence<UInt8>) -> String {
        var text = ""
        var input = bytes.makeIterator()
        var decoder = UTF8()
        while true {
            switch decoder.decode(&input) {
            case .emptyInput:
                return text
            case .error:
                text.append(".")
            case .scalarValue(let scalar):
                switch scalar.value {
                case 0x0A: text.append("⏎")
                case 0x0D: text.append("␍")
                case 0x20...0x7E: text.unicodeScalars.append(scalar)
                default: text.append(isShownAsItself(scalar) ? Character(scalar) : ".")
                }
            }
        }
    }

    private static func isShownAsItself(_ scalar: Unicode.Scalar) -> Bool {
        let v = scalar.value
        if v < 0xA0 || (0x2600...0x27BF).contains(v) { return false }
        if v >= 0x1F000 && !DisplayWidth.isWide(v) { return false }
        switch scalar.properties.generalCategory {
        case .control, .format, .surrogate, .privateUse, .unassigned, .nonspacingMark, .spacingMark, .enclosingMark,
             .lineSeparator, .paragraphSeparator:
            return false
        default:
            return DisplayWidth.of(scalar) > 0
        }
    }

    /// Printable ASCII kept, everything else shown as `.`; a line feed as `⏎` and a carriage
    /// return as `␍`, so the CR LF that ends each line of HTTP (and SMTP, …) shows as two marks.
    static func printable(_ bytes: some Sequence<UInt8>) -> String {
        String(bytes.map { b -> Character in
            if b == 0x0A { return "⏎" }
            if b == 0x0D { return "␍" }
            return (0x20...0x7E).contains(b) ? Character(Unicode.Scalar(b)) : "."
        })
    }
}
