import RawNetContracts
import RawNetWire

/// Why a destination typed on the command line means no address.
public struct DestinationError: Error, CustomStringConvertible {
    public var description: String
}

extension Topology {
    /// The address a command means by `text`: an IPv4 address as written, or
    /// a node's name (its first interface's address), this part's or, in a lab
    /// split over machines, another part's.
    public func resolveAddress(_ text: String) throws(DestinationError) -> IPv4Address {
        if let address = IPv4Address(text) { return address }
        let interfaces: [TopologyInterface]
        if let node = node(named: text) {
            interfaces = node.interfaces
        } else if let remote = remoteNode(named: text) {
            interfaces = remote.kind.hasAddresses ? remote.interfaces : []
        } else {
            let names = (nodes.map(\.name) + remoteNodes.map { "\($0.name) (part \($0.part))" }).joined(separator: ", ")
            // `bob.lab` is the lab zone's name of node bob: the node is what was meant.
            let suggestion = nodeNamed(inLabZone: text).map { "; did you mean '\($0.name)'?" } ?? didYouMean(text)
            throw DestinationError(description: "'\(text)' is neither an IPv4 address nor a node of lab '\(name)'\(suggestion) (nodes: \(names))")
        }
        guard let first = interfaces.first else {
            throw DestinationError(description: "node '\(text)' has no interface address")
        }
        return first.address.address
    }
}
