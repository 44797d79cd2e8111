import RawNetContracts

/// Where in a topology file a problem was found.
public enum TopologyLocation: Sendable, Hashable, CustomStringConvertible {
    /// The document itself (its top-level fields).
    case document
    /// A node, by name.
    case node(String)
    /// A link, by its position in `links:` (counted from 1).
    case link(Int)

    public var description: String {
        switch self {
        case .document: return "lab"
        case .node(let name): return "node '\(name)'"
        case .link(let number): return "link \(number)"
        }
    }
}

/// One problem in a topology file, printed as
/// `FILE: node 'r1': field 'interfaces.eth1': message`.
public struct TopologyIssue: Sendable, Hashable, CustomStringConvertible {
    public var file: String
    public var location: TopologyLocation
    /// The dotted path of the field inside the node or link, e.g. `interfaces.eth1`
    /// or `routes[0].via`; empty when the problem concerns the whole node or link.
    public var field: String
    public var message: String

    public init(file: String, location: TopologyLocation, field: String, message: String) {
        self.file = file
        self.location = location
        self.field = field
        self.message = message
    }

    public var description: String {
        var text = "\(file): \(location)"
        if !field.isEmpty { text += ": field '\(field)'" }
        return text + ": " + message
    }
}

/// A topology file that cannot be used, with every problem found in it.
public struct TopologyError: Error, Sendable, CustomStringConvertible {
    public var issues: [TopologyIssue]

    public init(issues: [TopologyIssue]) { self.issues = issues }

    /// One line per problem.
    public var description: String { issues.map(\.description).joined(separator: "\n") }
}

/// Collects issues for one file while a topology is read and checked.
public struct IssueCollector: Sendable {
    public let file: String
    public var issues: [TopologyIssue] = []

    public init(file: String) { self.file = file }

    public mutating func add(_ location: TopologyLocation, _ field: String, _ message: String) {
        issues.append(TopologyIssue(file: file, location: location, field: field, message: message))
    }
}
