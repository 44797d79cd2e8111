#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import RawNetContracts
import RawNetLabModel

/// Reads and checks topology files. Every problem in a file is collected and
/// reported together, each naming the file, node or link, and field.
public enum TopologyLoader {
    /// The name used in messages for the built-in lab.
    public static let defaultLabFile = "(built-in default lab)"

    /// The lab `rawnet up` starts when no file is given: two hosts and one router.
    public static let defaultLabYAML = """
        name: basic
        nodes:
          alice:  { kind: host,   ip: 10.0.1.10/24, gateway: 10.0.1.1 }
          bob:    { kind: host,   ip: 10.0.2.20/24, gateway: 10.0.2.1 }
          r1:     { kind: router, interfaces: { eth0: 10.0.1.1/24, eth1: 10.0.2.1/24 } }
        links:
          - endpoints: [alice:eth0, r1:eth0]
          - endpoints: [r1:eth1, bob:eth0]

        """

    /// The default lab under another name (its run directory follows the name),
    /// for tools and tests that start it beside a user's lab.
    public static func defaultLabYAML(named name: String) -> String {
        "name: \(name)\n" + defaultLabYAML.drop(while: { $0 != "\n" }).dropFirst()
    }

    /// Why `yaml` nests too deep to be parsed safely (flow collections more than
    /// 32 deep, or a line indented past 256 columns), or nil.
    public static func nestingProblem(in yaml: String) -> String? {
        TopologyParser.nestingProblem(in: yaml)
    }

    /// Parses and checks a topology given as YAML text. `file` names it in messages.
    /// With `part`, only what machine `part` of the file's `machines:` runs:
    /// its nodes, and each link to another machine as a VXLAN link.
    /// Relative paths in service options (`zone:`, `root:`) start at the file's directory.
    public static func parse(yaml: String, file: String, part: String? = nil) throws(TopologyError) -> Topology {
        var directory = "."
        if let slash = file.lastIndex(of: "/") { directory = slash == file.startIndex ? "/" : String(file[..<slash]) }
        let base = directory.hasPrefix("/") ? directory
            : FileManager.default.currentDirectoryPath + (directory == "." ? "" : "/" + directory)
        var parser = TopologyParser(file: file, baseDirectory: base)
        var draft = parser.parse(yaml: yaml)
        var validator = TopologyValidator(issues: parser.issues)
        validator.check(draft)
        if validator.issues.issues.isEmpty, let part {
            if let local = draft.part(named: part, issues: &validator.issues) { draft = local }
        }
        let issues = validator.issues.issues
        if !issues.isEmpty { throw TopologyError(issues: issues) }
        return draft.finished()
    }

    /// Reads, parses and checks a topology file.
    public static func load(path: String) throws(TopologyError) -> Topology {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw TopologyError(issues: [TopologyIssue(file: path, location: .document, field: "",
                                                       message: "cannot read the file (\(error.localizedDescription))")])
        }
        guard let text = String(validating: data, as: UTF8.self) else {
            throw TopologyError(issues: [TopologyIssue(file: path, location: .document, field: "",
                                                       message: "the file is not UTF-8 text")])
        }
        return try parse(yaml: text, file: path)
    }

    /// The built-in default lab, already checked.
    public static func defaultLab() -> Topology {
        do {
            return try parse(yaml: defaultLabYAML, file: defaultLabFile)
        } catch {
            preconditionFailure("the built-in lab is invalid: \(error)")
        }
    }

    /// Parses, checks, and also checks every socket path against `runDirectory`.
    public static func parse(yaml: String, file: String, runDirectory: String) throws(TopologyError) -> Topology {
        let topology = try parse(yaml: yaml, file: file)
        try SocketPaths(runDirectory: runDirectory).check(topology, file: file)
        return topology
    }
}
