import RawNetContracts
import RawNetCore
import RawNetPlatform

/// Finds the running lab a command acts on: `--lab NAME`, else `$RAWNET_LAB`,
/// else the only lab under the run-directory base.
public enum LabLocator {
    public struct Located: Sendable {
        public var name: String
        public var runDirectory: String
        public var paths: SocketPaths { SocketPaths(runDirectory: runDirectory) }

        /// The lab's topology, as the daemons read it (`lab.conf`).
        public func topology() throws -> Topology {
            try LabConfig.load(path: paths.labConfigFile)
        }
    }

    public enum Failure: Error, CustomStringConvertible {
        case noLab
        case severalLabs([String])
        /// The lab named is not running; `running` are the labs that are.
        case notRunning(String, running: [String] = [])

        public var description: String {
            switch self {
            case .noLab: return "no lab is running; start one with `rawnet up`"
            case let .severalLabs(names):
                return "several labs are running (\(names.joined(separator: ", "))); choose one with --lab NAME"
            case let .notRunning(name, running) where !running.isEmpty:
                return "lab '\(name)' is not running" + NameSuggestion.didYouMean(name, among: running)
                    + " (running: \(running.joined(separator: ", ")))"
            case let .notRunning(name, _): return "lab '\(name)' is not running; start it with \(LabLocator.startCommand(name))"
            }
        }
    }

    /// How lab `name` is started: `rawnet up` for the built-in lab, else from the topology file naming it.
    public static func startCommand(_ name: String) -> String {
        name == builtInLabName ? "`rawnet up`" : "`rawnet up FILE` (FILE: the topology with `name: \(name)`)"
    }

    /// The name of the lab `rawnet up` starts without a file (TopologyLoader.defaultLabYAML).
    public static let builtInLabName = "basic"

    public static func locate(_ explicit: String?, base: String? = nil,
                              environment: [String: String] = ProcessEnvironment.all) throws -> Located {
        let base = base ?? RunDirectory.baseDirectory()
        let name: String
        if let explicit, !explicit.isEmpty {
            name = explicit
        } else if let fromEnvironment = environment["RAWNET_LAB"], !fromEnvironment.isEmpty {
            name = fromEnvironment
        } else {
            let labs = RunDirectory.listLabs(base: base)
            guard !labs.isEmpty else { throw Failure.noLab }
            guard labs.count == 1 else { throw Failure.severalLabs(labs) }
            name = labs[0]
        }
        let directory = try RunDirectory(labName: name, base: base)
        guard FileSystem.exists(SocketPaths(runDirectory: directory.path).labConfigFile) else {
            let running = RunDirectory.listLabs(base: base).filter { other in
                guard other != name, let directory = try? RunDirectory(labName: other, base: base) else { return false }
                return FileSystem.exists(SocketPaths(runDirectory: directory.path).labConfigFile)
            }
            throw Failure.notRunning(name, running: running.sorted())
        }
        return Located(name: name, runDirectory: directory.path)
    }
}
