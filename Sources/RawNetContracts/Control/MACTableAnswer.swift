import RawNetCore

/// The answer of a switch's `macs` command: its MAC table, as `rawnet macs` prints it.
public struct MACTableAnswer: Codable, Sendable, Equatable {
    public var node: String
    public var entries: [MACTableEntry]

    public init(node: String, entries: [MACTableEntry]) {
        self.node = node
        self.entries = entries
    }

    /// One line per address in the shape of Linux's `bridge fdb`, with the age:
    /// `02:5e:…:01 dev p1 vlan 1 master sw1 age 3s`.
    public var text: String {
        entries.map { entry in
            "\(entry.mac) dev \(entry.port) vlan \(entry.vlan) master \(node) age \(Int(entry.ageSeconds.rounded(.down)))s"
        }.joined(separator: "\n")
    }
}
