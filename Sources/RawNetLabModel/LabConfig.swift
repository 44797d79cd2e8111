import RawNetContracts
import RawNetCore
import RawNetPlatform

/// The lab as the daemons read it: `lab.conf` in the run directory, written by
/// `rawnet up` from the checked topology. It exists so a daemon needs no YAML
/// library (and so no Foundation): one record per line, every value resolved
/// (MAC addresses included), nothing left to default.
///
/// ```
/// rawnet-lab-config 1
/// lab name=basic link_socket=seqpacket
/// node name=alice kind=host gateway=10.0.1.1
/// node name=r1 kind=router rp_filter=strict
/// node name=bob kind=host gateway=10.0.2.1 tcp_mem=50331648
/// interface node=alice name=eth0 address=10.0.1.10/24 mac=02:5e:…
/// interface node=sw1 name=p4 mac=02:… trunk=10,20
/// route node=r1 to=10.0.3.0/24 via=10.0.2.2
/// rip node=r1 update=2s timeout=12s garbage=8s damping=200ms
/// stp node=sw1 priority=4096 hello=500ms max_age=2s forward_delay=1s
/// link a=alice:eth0 b=r1:eth0 queue=50 mtu=1000
/// remote node=bob kind=host part=m2 underlay=10.9.0.2 interface=eth0 address=10.0.2.20/24 mac=02:…
/// link a=r1:eth1 b=bob:eth0 mtu=1450 vxlan_local=10.9.0.1 vxlan_remote=10.9.0.2 vxlan_vni=2 vxlan_port=4789 vxlan_keepalive=1s vxlan_misses=3
/// impair from=r1:eth1 option=loss value=5%
/// service node=bob kind=dns zone=/labs/extra.zone
/// ```
///
/// A record is a keyword and `key=value` fields separated by spaces; a value
/// escapes backslash, space, tab, CR and LF as `\\`, `\s`, `\t`, `\r`, `\n`.
/// Lines starting with `#` and blank lines are skipped. Records refer only to
/// what earlier lines declared. `impair` sets one option on the egress of the
/// link end named by `from`. `remote` (one per interface of a node another
/// machine runs, or one without `interface` for a node with none) lets a
/// part name and reach the rest of a split lab. To add a setting, give a record a new optional key
/// (writer and `LabConfigReader`); unknown keys are refused, so a daemon never
/// silently ignores what `up` meant.
public enum LabConfig {
    /// The first line of every file; the number changes when old daemons could
    /// not read new files.
    public static let header = "rawnet-lab-config 1"

    /// The file's text for a checked topology.
    public static func text(for topology: Topology) -> String {
        var lines = [
            "# RawNet lab configuration, written by `rawnet up` for the daemons (the lab as given is lab.yaml).",
            header,
            record("lab", ["name": topology.name, "link_socket": topology.linkSocket?.rawValue]),
        ]
        for node in topology.nodes {
            lines.append(record("node", ["name": node.name, "kind": node.kind.rawValue,
                                         "gateway": node.gateway?.description,
                                         "rp_filter": node.reversePathFilter == .off ? nil : node.reversePathFilter.rawValue,
                                         "resolver": node.resolver?.description,
                                         "tcp_mem": node.tcpMemory.map(String.init)]))
            for interface in node.interfaces {
                lines.append(record("interface", ["node": node.name, "name": interface.name,
                                                  "address": node.kind.hasAddresses ? interface.address.description : nil,
                                                  "mac": interface.macAddress.description,
                                                  "vlan": interface.switchPort?.accessVLAN.map(String.init),
                                                  "trunk": interface.switchPort?.trunkText]))
            }
            for route in node.routes {
                lines.append(record("route", ["node": node.name, "to": route.destination.description,
                                              "via": route.nextHop.description]))
            }
            if let rip = node.rip { lines.append(ripRecord(node: node.name, rip)) }
            if let stp = node.spanningTree {
                lines.append(record("stp", ["node": node.name, "priority": String(stp.priority),
                                            "hello": ImpairmentText.duration(stp.helloTime),
                                            "max_age": ImpairmentText.duration(stp.maxAge),
                                            "forward_delay": ImpairmentText.duration(stp.forwardDelay)]))
            }
            for service in node.services {
                // A service's options follow its kind, each as its own key.
                lines.append(record("service", ["node": node.name, "kind": service.kind])
                    + service.options.sorted { $0.key < $1.key }.map { " \($0.key)=" + escaped($0.value) }.joined())
            }
        }
        for remote in topology.remoteNodes {
            let place = record("remote", ["node": remote.name, "kind": remote.kind.rawValue, "part": remote.part,
                                          "underlay": remote.underlay.description])
            if remote.interfaces.isEmpty { lines.append(place) }
            for interface in remote.interfaces {
                lines.append(place + record("", ["interface": interface.name,
                                                 "address": remote.kind.hasAddresses ? interface.address.description : nil,
                                                 "mac": interface.macAddress.description]))
            }
        }
        for link in topology.links {
            lines.append(record("link", ["a": link.a.description, "b": link.b.description,
                                         "queue": link.queueLimit.map(String.init),
                                         "mtu": link.mtu == IPInterface.defaultMTU ? nil : String(link.mtu),
                                         "vxlan_local": link.tunnel?.local.description,
                                         "vxlan_remote": link.tunnel?.remote.description,
                                         "vxlan_vni": link.tunnel.map { String($0.vni) },
                                         "vxlan_port": link.tunnel.map { String($0.port) },
                                         "vxlan_keepalive": link.tunnel.map { $0.keepalive.map(ImpairmentText.duration) ?? "off" },
                                         "vxlan_misses": link.tunnel.map { String($0.misses) }]))
            for (end, settings) in [(link.a, link.impairmentAToB), (link.b, link.impairmentBToA)] {
                for (option, value) in settings.sorted(by: { $0.key < $1.key }) {
                    lines.append(record("impair", ["from": end.description, "option": option, "value": value]))
                }
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Reads the file's text. `file` names it in messages.
    /// With `node`, only what that node's daemon needs (`LabConfigReader.read`).
    public static func parse(_ text: String, file: String, onlyFor node: String? = nil) throws(LabConfigError) -> Topology {
        var reader = LabConfigReader(file: file)
        return try reader.read(text, onlyFor: node)
    }

    /// Reads and parses a file; with `node`, only what that node's daemon needs.
    public static func load(path: String, onlyFor node: String? = nil) throws(LabConfigError) -> Topology {
        let bytes: [UInt8]
        do { bytes = try FileSystem.readBytes(at: path) } catch {
            throw LabConfigError(file: path, line: nil, message: "cannot read the file (\(error))")
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw LabConfigError(file: path, line: nil, message: "the file is not UTF-8 text")
        }
        return try parse(text, file: path, onlyFor: node)
    }

    /// Writes `lab.conf` for `topology` into the run directory of `paths`.
    public static func write(_ topology: Topology, to paths: SocketPaths) throws(FileSystemError) {
        try FileSystem.writeBytes(Array(text(for: topology).utf8), to: paths.labConfigFile)
    }

    /// The `rip` record of a router running RIP: its timers.
    static func ripRecord(node: String, _ rip: RIPConfiguration) -> String {
        record("rip", ["node": node, "update": ImpairmentText.duration(rip.update),
                       "timeout": ImpairmentText.duration(rip.timeout),
                       "garbage": ImpairmentText.duration(rip.garbage),
                       "damping": ImpairmentText.duration(rip.damping)])
    }

    /// One line: the keyword and the fields whose value is not nil, in the given order.
    static func record(_ keyword: String, _ fields: KeyValuePairs<String, String?>) -> String {
        var line = keyword
        for (key, value) in fields {
            guard let value else { continue }
            line += " " + key + "=" + escaped(value)
        }
        return line
    }

    static func escaped(_ value: String) -> String {
        var out = ""
        for character in value {
            switch character {
            case "\\": out += "\\\\"
            case " ": out += "\\s"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            case "\n": out += "\\n"
            case "\r\n": out += "\\r\\n"
            default: out.append(character)
            }
        }
        return out
    }
}

/// A `lab.conf` that cannot be used: the file, the line (from 1) and what is wrong.
public struct LabConfigError: Error, Sendable, Equatable, CustomStringConvertible {
    public var file: String
    public var line: Int?
    public var message: String

    public init(file: String, line: Int?, message: String) {
        self.file = file
        self.line = line
        self.message = message
    }

    public var description: String {
        if let line { return "\(file) line \(line): \(message)" }
        return "\(file): \(message)"
    }
}
