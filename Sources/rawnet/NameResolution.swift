import RawNetLabModel
import RawNetSocket
import RawNetWire

/// How apps turn a destination into an address: an address as given; else, when
/// the lab has DNS, the host's resolver (from the topology, like resolv.conf,
/// searching `lab.` for a name without a dot); else the lab file's node names.
func resolveDestination(_ text: String, topology: Topology, connection: HostConnection) throws -> IPv4Address {
    if let address = IPv4Address(text) { return address }
    guard let resolver = labResolver(for: connection, topology: topology) else {
        do { return try topology.resolveAddress(text) } catch { throw UsageFailure("\(error)") }
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
