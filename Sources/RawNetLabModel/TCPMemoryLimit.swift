/// A host's TCP memory budget as a lab writes it (`tcp_mem: 48MB`): what all
/// of the host's connections may take together, their buffers and a fixed
/// cost per connection, as Linux's `net.ipv4.tcp_mem` bounds a machine's.
public enum TCPMemoryLimit {
    /// A host's budget unless its node says otherwise: it keeps a host under
    /// 64 MB of memory under attack, and holds about 6,000 idle connections.
    public static let defaultBytes = 24 * 1024 * 1024
    /// The smallest and largest budget a node may give.
    public static let minimumBytes = 1024 * 1024
    public static let maximumBytes = 1024 * 1024 * 1024

    /// Bytes for `text`: a whole number of bytes, or one with a unit, `K`/`KB`/`KiB`,
    /// `M`/`MB`/`MiB` or `G`/`GB`/`GiB` (each a power of 1024, as Linux's sizes are);
    /// nil for anything else.
    public static func bytes(_ text: String) -> Int? {
        let trimmed = text.trimmingSpaces
        let digits = trimmed.prefix { $0.isASCII && $0.isNumber }
        guard !digits.isEmpty, digits.count <= 10, let number = Int(digits) else { return nil }
        let unit = trimmed.dropFirst(digits.count).trimmingSpaces
        let multiplier: Int
        switch unit.lowercased() {
        case "", "b": multiplier = 1
        case "k", "kb", "kib": multiplier = 1024
        case "m", "mb", "mib": multiplier = 1024 * 1024
        case "g", "gb", "gib": multiplier = 1024 * 1024 * 1024
        default: return nil
        }
        let (value, overflow) = number.multipliedReportingOverflow(by: multiplier)
        return overflow ? nil : value
    }

    /// `bytes` as a lab would write it: in MB or KB when it divides evenly.
    public static func text(_ bytes: Int) -> String {
        if bytes % (1024 * 1024) == 0 { return "\(bytes / (1024 * 1024))MB" }
        if bytes % 1024 == 0 { return "\(bytes / 1024)KB" }
        return "\(bytes)"
    }

    /// Why `bytes` is not a budget a node may give, or nil.
    public static func problem(with bytes: Int) -> String? {
        guard bytes >= minimumBytes, bytes <= maximumBytes else {
            return "\(text(bytes)) is out of range (1MB to 1024MB)"
        }
        return nil
    }
}

private extension StringProtocol {
    var trimmingSpaces: String {
        var view = Substring(self)
        while view.first == " " { view = view.dropFirst() }
        while view.last == " " { view = view.dropLast() }
        return String(view)
    }
}
