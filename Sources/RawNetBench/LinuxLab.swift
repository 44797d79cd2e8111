import Foundation
import RawNetPlatform
import Synchronization

/// Three Linux network namespaces, h1 — r1 — h2, joined by veth pairs, as
/// the kernel reference for RawNet's lab. Names carry this process's id, so
/// parallel runs never clash; addresses (10.213.1.0/24, 10.213.2.0/24) exist
/// only inside the namespaces, so traffic never leaves them.
///
///     h1 veth0 10.213.1.2 ── vh1 10.213.1.1  r1  10.213.2.1 vh2 ── veth0 10.213.2.2 h2
///
/// MTU 1500 with TSO, GSO and GRO off, so every frame is at most 1514 bytes.
/// Loss is an nftables rule on r1 that drops a random share of packets
/// forwarded from h1 to h2 (the data direction); ACKs go back untouched.
public final class LinuxLab: @unchecked Sendable {
    // Safety: used by one scenario thread; `isTornDown` guards double teardown.
    public let h1: String
    public let r1: String
    public let h2: String
    public static let h1Address = "10.213.1.2"
    public static let r1AddressTowardsH1 = "10.213.1.1"
    public static let r1AddressTowardsH2 = "10.213.2.1"
    public static let h2Address = "10.213.2.2"
    private static let prefix = "rnbench"
    private var isTornDown = false
    private let log: @Sendable (String) -> Void

    /// Creates the namespaces and links. On any failure everything created so far is deleted.
    public init(log: @escaping @Sendable (String) -> Void = { _ in }) throws {
        let tag = "\(Processes.currentPID)-\(Self.serial.add(1, ordering: .relaxed).newValue)"
        h1 = "\(Self.prefix)-h1-\(tag)"
        r1 = "\(Self.prefix)-r1-\(tag)"
        h2 = "\(Self.prefix)-h2-\(tag)"
        self.log = log
        Self.removeStale(log: log)
        do {
            try build()
        } catch {
            tearDown()
            throw error
        }
    }

    deinit { tearDown() }

    private func build() throws {
        for namespace in [h1, r1, h2] { try Shell.check(["ip", "netns", "add", namespace]) }
        // Created inside the namespaces directly: no interface ever appears in the root namespace.
        try Shell.check(["ip", "-n", h1, "link", "add", "veth0", "type", "veth", "peer", "name", "vh1", "netns", r1])
        try Shell.check(["ip", "-n", h2, "link", "add", "veth0", "type", "veth", "peer", "name", "vh2", "netns", r1])
        let interfaces = [(h1, "veth0", Self.h1Address), (r1, "vh1", Self.r1AddressTowardsH1),
                          (r1, "vh2", Self.r1AddressTowardsH2), (h2, "veth0", Self.h2Address)]
        for (namespace, device, address) in interfaces {
            try Shell.check(["ip", "-n", namespace, "link", "set", device, "mtu", "1500"])
            try Shell.check(["ip", "-n", namespace, "address", "add", address + "/24", "dev", device])
            try Shell.check(["ip", "netns", "exec", namespace, "ethtool", "-K", device,
                             "tso", "off", "gso", "off", "gro", "off"])
            try Shell.check(["ip", "-n", namespace, "link", "set", device, "up"])
        }
        for namespace in [h1, r1, h2] { try Shell.check(["ip", "-n", namespace, "link", "set", "lo", "up"]) }
        try Shell.check(["ip", "netns", "exec", r1, "sysctl", "-q", "-w", "net.ipv4.ip_forward=1"])
        try Shell.check(["ip", "-n", h1, "route", "add", "default", "via", Self.r1AddressTowardsH1])
        try Shell.check(["ip", "-n", h2, "route", "add", "default", "via", Self.r1AddressTowardsH2])
        try Shell.check(["ip", "netns", "exec", r1, "nft", "-f", "-"], input: """
            table inet rnbench {
                chain forward {
                    type filter hook forward priority 0; policy accept;
                }
            }

            """)
        try setLoss(percent: 0)
    }

    /// Drops `percent` % (0...100) of packets r1 forwards from h1 towards h2, at random.
    public func setLoss(percent: Int) throws {
        precondition((0...100).contains(percent), "loss is a percentage")
        try Shell.check(["ip", "netns", "exec", r1, "nft", "flush", "chain", "inet", "rnbench", "forward"])
        try Shell.check(["ip", "netns", "exec", r1, "nft", "add", "rule", "inet", "rnbench", "forward",
                         "iifname", "vh1", "numgen", "random", "mod", "100", "lt", String(percent), "counter", "drop"])
    }

    /// Packets the loss rule has dropped since it was last set.
    public func droppedPackets() throws -> Int {
        let text = try Shell.check(["ip", "netns", "exec", r1, "nft", "list", "chain", "inet", "rnbench", "forward"])
        guard let range = text.range(of: "counter packets ") else { return 0 }
        return Int(text[range.upperBound...].prefix { $0.isNumber }) ?? 0
    }

    /// The path of a namespace's handle, for `NamespaceTCPProbe.enterNetworkNamespace`.
    public func handlePath(_ namespace: String) -> String { "/run/netns/" + namespace }

    /// Deletes the namespaces (and with them their veth pairs and processes' sockets). Safe to call twice.
    public func tearDown() {
        guard !isTornDown else { return }
        isTornDown = true
        for namespace in [h1, r1, h2] {
            _ = try? Shell.run(["ip", "netns", "pids", namespace]).standardOutput
                .split(separator: "\n").compactMap { Int32($0) }.forEach { try? Processes.kill($0, signal: 9) }
            _ = try? Shell.run(["ip", "netns", "delete", namespace])
        }
    }

    /// Deletes namespaces left by bench processes that no longer exist (killed before cleanup).
    public static func removeStale(log: @Sendable (String) -> Void) {
        guard let list = try? Shell.run(["ip", "netns", "list"]).standardOutput else { return }
        for line in list.split(separator: "\n") {
            let name = String(line.split(separator: " ").first ?? "")
            guard name.hasPrefix(prefix + "-") else { continue }
            let parts = name.split(separator: "-")
            guard parts.count == 4, let pid = Int32(parts[2]), !Processes.isAlive(pid) else { continue }
            log("removing stale namespace \(name)")
            _ = try? Shell.run(["ip", "netns", "delete", name])
        }
    }

    private static let serial = Atomic<Int>(0)
}
