import RawNetCore
import RawNetWire

/// A service a host runs (`services:` in a topology file): its kind and its
/// options as text, checked when the file was loaded (`TopologyService.problem`).
///
///     services: [dns]
///     services: [{dns: {zone: lab.zone}}, {http: {port: 80, root: site}}]
///     services: [{dns: {records: "www.lab. A 10.0.2.20"}}, {http: {index: "hello,world"}}]
///
/// `records` is master-file text written in the topology itself (zones, or a
/// recursive resolver's root hints); `index` is the text of an http server's `/`.
public struct TopologyService: Sendable, Equatable {
    public var kind: String
    /// Option name → value as written (paths made absolute when the file was loaded).
    public var options: [String: String]

    public init(kind: String, options: [String: String] = [:]) {
        self.kind = kind
        self.options = options
    }

    /// The kinds a topology may name and the options each takes.
    public static let knownKinds: [String: [String]] = [
        "dns": ["zone", "records", "lab", "recursive"],
        "http": ["port", "root", "index"],
    ]
    /// Options whose value is a path, resolved against the topology file's directory.
    public static let pathOptions: Set<String> = ["zone", "root"]

    /// What is wrong with this service, or nil.
    public func problem() -> String? {
        guard let allowed = Self.knownKinds[kind] else {
            return "unknown service '\(kind)' (expected \(Self.knownKinds.keys.sorted().joined(separator: " or ")))"
        }
        for (name, value) in options.sorted(by: { $0.key < $1.key }) {
            guard allowed.contains(name) else {
                return "\(kind) has no option '\(name)' (expected \(allowed.joined(separator: ", ")))"
            }
            switch name {
            case "lab", "recursive":
                guard Self.flag(value) != nil else { return "\(kind).\(name) must be yes or no, not '\(value)'" }
            case "records":
                do { _ = try DNSMasterFile.records(from: value) } catch { return "\(kind).records: \(error)" }
            case "port":
                guard let port = Int(value), (1...65_535).contains(port) else {
                    return "\(kind).port must be 1-65535, not '\(value)'"
                }
            default:
                guard !value.isEmpty else { return "\(kind).\(name) is empty" }
            }
        }
        if kind == "dns", flag("recursive") == true, flag("lab") == true {
            return "a recursive dns service cannot also serve the lab zone; give it its own host"
        }
        return nil
    }

    /// `yes`/`no` (also `true`/`false`, `on`/`off`) as a Boolean, nil for other text.
    public static func flag(_ text: String) -> Bool? {
        switch text.lowercased() {
        case "yes", "true", "on": true
        case "no", "false", "off": false
        default: nil
        }
    }

    public func flag(_ option: String) -> Bool? { options[option].flatMap(Self.flag) }

    /// A dns service serves the lab zone unless it says otherwise; by default only when it has
    /// no zone file and no records of its own.
    public var servesLabZone: Bool {
        kind == "dns" && !isRecursive && (flag("lab") ?? (options["zone"] == nil && options["records"] == nil))
    }

    public var isRecursive: Bool { kind == "dns" && flag("recursive") == true }
}

extension Topology {
    /// The hosts running a dns service, in file order.
    public var dnsServers: [(node: TopologyNode, service: TopologyService)] {
        nodes.flatMap { node in node.services.filter { $0.kind == "dns" }.map { (node, $0) } }
    }

    /// The name server a host asks (its resolv.conf): the file's `resolver:`, else the
    /// first recursive dns service's host, else the first dns service's host; nil in a lab without DNS.
    public func resolver(for node: TopologyNode) -> IPv4Address? {
        if let given = node.resolver { return given }
        let servers = dnsServers
        let chosen = servers.first { $0.service.isRecursive } ?? servers.first
        return chosen?.node.interfaces.first?.address.address
    }

    /// Whether any host runs a dns service.
    public var hasDNS: Bool { !dnsServers.isEmpty || nodes.contains { $0.resolver != nil } }
}
