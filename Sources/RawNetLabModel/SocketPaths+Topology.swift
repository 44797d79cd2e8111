import RawNetContracts

extension SocketPaths {
    /// Problems with socket paths that would not fit in `sun_path`.
    public func issues(for topology: Topology, file: String) -> [TopologyIssue] {
        var issues = IssueCollector(file: file)
        func check(_ path: String, _ location: TopologyLocation, _ field: String) {
            let length = path.utf8.count
            if length > Self.maximumLength {
                issues.add(location, field,
                           "socket path '\(path)' is \(length) bytes, more than the \(Self.maximumLength) a Unix socket allows; use a shorter run directory or name")
            }
        }
        for node in topology.nodes {
            check(control(node: node.name), .node(node.name), "")
            if node.kind == .host { check(appAPI(node: node.name), .node(node.name), "") }
            for interface in node.interfaces {
                check(link(node: node.name, interface: interface.name), .node(node.name),
                      "interfaces.\(interface.name)")
            }
        }
        return issues.issues
    }

    /// Throws when any socket path of the lab would not fit in `sun_path`.
    public func check(_ topology: Topology, file: String) throws(TopologyError) {
        let found = issues(for: topology, file: file)
        if !found.isEmpty { throw TopologyError(issues: found) }
    }
}
