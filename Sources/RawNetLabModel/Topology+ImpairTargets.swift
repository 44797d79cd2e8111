import RawNetContracts
import RawNetCore

/// Which way along a link an impairment applies, as `rawnet impair --direction` reads it.
public enum ImpairDirection: String, Sendable, CaseIterable {
    /// Frames leaving the named interface (or the link's first endpoint as written).
    case out
    /// Frames coming towards it: the egress of the peer interface.
    case `in`
    /// Both ways.
    case both
}

/// One direction of a link: frames leaving `from` (the egress whose impairment
/// engine acts on them) towards `to` (nil for an interface with no cable).
public struct LinkDirection: Sendable, Hashable, CustomStringConvertible {
    public var from: LinkEndpoint
    public var to: LinkEndpoint?

    public init(from: LinkEndpoint, to: LinkEndpoint?) {
        self.from = from
        self.to = to
    }

    /// "alice:eth0 → r1:eth0".
    public var description: String { "\(from) → \(to.map(\.description) ?? "(no cable)")" }
}

/// Why an impairment target could not be found.
public struct ImpairTargetError: Error, Sendable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

extension Topology {
    /// A link by name, in either order: `alice:eth0-r1:eth0` (as status shows
    /// it) or `alice-r1` (node names, when only one link joins them). Returns
    /// the link and its end written first, which `out` and `in` are relative to.
    public func findLink(_ text: String) throws(ImpairTargetError) -> (link: TopologyLink, first: LinkEndpoint) {
        var matches: [(link: TopologyLink, first: LinkEndpoint)] = []
        for link in links {
            if text == link.name || text == "\(link.a.node)-\(link.b.node)" {
                matches.append((link, link.a))
            } else if text == "\(link.b)-\(link.a)" || text == "\(link.b.node)-\(link.a.node)" {
                matches.append((link, link.b))
            }
        }
        if matches.count == 1 { return matches[0] }
        if matches.count > 1 {
            let names = matches.map(\.link.name).joined(separator: ", ")
            throw ImpairTargetError("'\(text)' names more than one link (\(names)): write the link in full")
        }
        throw ImpairTargetError("lab '\(name)' has no link or interface '\(text)'\(didYouMeanLink(text)) (links: \(linkNames); or write NODE:INTERFACE)")
    }

    /// The directions an impairment on `target` applies to. `target` is a link
    /// (see ``findLink(_:)``) or `NODE:INTERFACE`. For an interface, `out` (the
    /// default) is its egress, `in` the egress of its peer, `both` the two; for
    /// a link, `both` (the default), or `out`/`in` relative to the end written first.
    public func impairDirections(target: String, direction: ImpairDirection?) throws(ImpairTargetError) -> [LinkDirection] {
        let start: LinkEndpoint, peer: LinkEndpoint?
        let chosen: ImpairDirection
        if let endpoint = LinkEndpoint(target) {
            guard let node = node(named: endpoint.node) else {
                throw ImpairTargetError(noNodeMessage(endpoint.node))
            }
            guard node.interface(named: endpoint.interface) != nil else {
                throw ImpairTargetError(noInterfaceMessage(endpoint.interface, of: node))
            }
            start = endpoint
            peer = link(attachedTo: endpoint).map { $0.isEndA ? $0.link.b : $0.link.a }
            chosen = direction ?? .out
        } else {
            let found = try findLink(target)
            start = found.first
            peer = found.first == found.link.a ? found.link.b : found.link.a
            chosen = direction ?? .both
        }
        let outward = LinkDirection(from: start, to: peer)
        var result: [LinkDirection]
        switch chosen {
        case .out:
            result = [outward]
        case .in, .both:
            guard let peer else {
                throw ImpairTargetError("\(start) has no cable, so nothing comes in on it: use --direction out")
            }
            let inward = LinkDirection(from: peer, to: start)
            result = chosen == .in ? [inward] : [outward, inward]
        }
        // The far end of a VXLAN link sends from another machine: its egress is impaired there.
        let remote = result.filter { isTunnelFarEnd($0.from) }
        if let far = remote.first {
            if direction != nil || remote.count == result.count {
                throw ImpairTargetError("\(far.from) is the far end of a VXLAN link: it sends from another machine, so impair it there (here only the local end's egress)")
            }
            result.removeAll { isTunnelFarEnd($0.from) }
        }
        return result
    }

    /// Whether `endpoint` is the far end of one of this lab's VXLAN links.
    func isTunnelFarEnd(_ endpoint: LinkEndpoint) -> Bool {
        links.contains { $0.tunnel != nil && $0.b == endpoint }
    }

    /// Every direction of every link, in file order (a → b, then b → a).
    public var linkDirections: [LinkDirection] {
        // A VXLAN link's far end sends from another machine: only its local end's egress is here.
        links.flatMap { $0.tunnel != nil ? [LinkDirection(from: $0.a, to: $0.b)]
                                          : [LinkDirection(from: $0.a, to: $0.b), LinkDirection(from: $0.b, to: $0.a)] }
    }

    /// "; did you mean 'alice-r1'?" when a way of writing one of the lab's links (`alice:eth0-r1:eth0`,
    /// or `alice-r1` and `r1-alice` when one link joins the two) is near `text` by `NameSuggestion`'s rule, else "".
    public func didYouMeanLink(_ text: String) -> String {
        var spellings: [String] = []
        for link in links {
            spellings += [link.name, "\(link.b)-\(link.a)"]
            let joining = links.filter { Set([$0.a.node, $0.b.node]) == Set([link.a.node, link.b.node]) }
            if joining.count == 1 { spellings += ["\(link.a.node)-\(link.b.node)", "\(link.b.node)-\(link.a.node)"] }
        }
        // The short form first: of two equally near spellings, the one a user types.
        spellings.sort { $0.count < $1.count }
        return NameSuggestion.nearest(to: text, among: spellings).map { "; did you mean '\($0)'?" } ?? ""
    }

    private var linkNames: String {
        links.isEmpty ? "none" : links.map { "\($0.name) (\($0.a.node)-\($0.b.node))" }.joined(separator: ", ")
    }
}
