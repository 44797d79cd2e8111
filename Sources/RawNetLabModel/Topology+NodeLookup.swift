import RawNetCore

extension Topology {
    /// What every command says of a node name this lab does not have: the name
    /// it has nearest to it, then its nodes, or only those of `kind` (`hosts:`
    /// for an app). "lab 'basic' has no node 'alcie'; did you mean 'alice'? (hosts: alice, bob)"
    public func noNodeMessage(_ wanted: String, kind: NodeKind? = nil) -> String {
        let names = nodes.filter { kind == nil || $0.kind == kind }.map(\.name)
        return "lab '\(name)' has no node '\(wanted)'\(didYouMean(wanted, among: names))"
            + " (\(kind.map { "\($0.rawValue)s" } ?? "nodes"): \(names.joined(separator: ", ")))"
    }

    /// "; did you mean 'alice'?" when one of `names` (by default the lab's nodes) is near
    /// `wanted` by the rule a mistyped command meets (`NameSuggestion`), else "".
    public func didYouMean(_ wanted: String, among names: [String]? = nil) -> String {
        NameSuggestion.didYouMean(wanted, among: names ?? nodes.map(\.name))
    }

    /// What every command says of an interface `node` does not have, with the nearest it has:
    /// "node 'r1' has no interface 'eht1'; did you mean 'eth1'? (has eth0, eth1)".
    public func noInterfaceMessage(_ wanted: String, of node: TopologyNode) -> String {
        let names = node.interfaces.map(\.name)
        return "node '\(node.name)' has no interface '\(wanted)'\(didYouMean(wanted, among: names)) (has \(names.joined(separator: ", ")))"
    }
}
