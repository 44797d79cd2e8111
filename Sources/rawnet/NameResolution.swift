import RawNetContracts
import RawNetLabModel
import RawNetSocket
import RawNetWire

/// How apps turn a destination into an address: an address as given; else, when
/// the lab has DNS, the host's resolver (from the topology, like resolv.conf,
/// searching `lab.` for a name without a dot); else the lab file's node names.
func resolveDestination(_ text: String, topology: Topology, connection: HostConnection,
                        runDirectory: String) throws -> IPv4Address {
    if let address = IPv4Address(text) { return address }
    guard let resolver = labResolver(for: connection, topology: topology) else {
        do { return try topology.resolveAddress(text) } catch {
            let message = "\(error)" + noResolverNote(for: text, host: connection.host, topology: topology,
                                                      runDirectory: runDirectory)
            // A node the lab file lacks is a mistyped command line (64, with did-you-mean); a
            // DNS name nobody can resolve here is a lookup that failed (1), as `dig` says too.
            if text.contains(".") { throw Failure(message) }
            throw UsageFailure(message)
        }
    }
    let server = resolver.server
    do {
        return try resolver.addresses(of: text)[0]
    } catch {
        throw Failure("cannot resolve \(error) (asked \(server) from \(connection.host))")
    }
}

/// The host's resolver when the lab has DNS (its server from the topology, searching `lab.`), else nil.
func labResolver(for connection: HostConnection, topology: Topology) -> DNSResolver? {
    guard let node = topology.node(named: connection.host), let server = topology.resolver(for: node) else { return nil }
    return DNSResolver(connection: connection, server: server, searchDomain: Topology.labDomain)
}

func labResolver(for connection: HostConnection, labOption: LabOption) throws -> DNSResolver? {
    labResolver(for: connection, topology: try labOption.locate().topology())
}

/// For a name with a dot that a lab without a resolver cannot turn into an address
/// (`ping alice bob.lab`): why no DNS was asked and, when a name server runs by hand,
/// how to ask it. Empty for a plain name, which only the lab file could have known.
func noResolverNote(for text: String, host: String, topology: Topology, runDirectory: String) -> String {
    guard text.contains(".") else { return "" }
    var note = ". \(noResolverText(host: host, topology: topology)), so apps know only the lab file's node names"
    let servers = handStartedNameServers(topology: topology, runDirectory: runDirectory)
    if let server = servers.first { note += ". " + handStartedNote(servers) + " `rawnet dig \(host) \(text) @\(server)` asks it." }
    return note
}

/// "alice has no resolver: no host of lab 'basic' has `services: [dns]` and alice names no `resolver:` in the topology".
func noResolverText(host: String, topology: Topology) -> String {
    "\(host) has no resolver: no host of lab '\(topology.name)' has `services: [dns]`"
        + " and \(host) names no `resolver:` in the topology"
}

/// "bob runs a name server started by hand (rawnet dns serve), which no host asks unless told
/// to: starting a server changes no other machine's resolv.conf."
func handStartedNote(_ servers: [String]) -> String {
    let who = servers.count == 1 ? "\(servers[0]) runs a name server" : "\(servers.joined(separator: ", ")) run name servers"
    return "\(who) started by hand (rawnet dns serve), which no host asks unless told to:"
        + " starting a server changes no other machine's resolv.conf."
}

/// The hosts where an app serves DNS although the topology starts none there (a
/// `rawnet dns serve HOST` run by hand): a UDP socket bound to port 53, as each host's
/// daemon lists its sockets. Asked only to explain a failure; a host not answering is skipped.
func handStartedNameServers(topology: Topology, runDirectory: String) -> [String] {
    let paths = SocketPaths(runDirectory: runDirectory)
    return topology.nodes.filter { $0.kind == .host && !$0.services.contains { $0.kind == "dns" } }.compactMap { node in
        guard let client = try? ControlClient(path: paths.control(node: node.name)),
              let response = try? client.request(ControlRequest(command: "sockets")), response.ok,
              let sockets = try? response.result?.decode([SocketInfo].self) else { return nil }
        let serves = sockets.contains { $0.protocolName == "udp" && $0.local.hasSuffix(":53") }
        return serves ? node.name : nil
    }
}
