import ArgumentParser
import Foundation
import RawNetBench
import RawNetContracts
import RawNetDaemon
import RawNetLab
import RawNetLabModel

/// `rawnet gen`: writes a large generated lab topology.
struct Gen: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Generate a lab topology: routers in a chain or tree with static routes, hosts spread over them.",
        usage: "rawnet gen [<options>]"
    )

    @Option(help: "Number of routers.") var routers = 30
    @Option(help: "Number of hosts.") var hosts = 70
    @Option(help: "chain or tree.") var shape: String = "tree"
    @Option(help: "Lab name.") var name = "scale"
    @Option(name: [.short, .long], help: "Output file (default: standard output).") var output: String?

    func validate() throws {
        guard TopologyGenerator.Shape(rawValue: shape) != nil else { throw ValidationError("--shape must be chain or tree") }
        guard (1...TopologyGenerator.routerLimit).contains(routers) else {
            throw ValidationError("--routers must be 1...\(TopologyGenerator.routerLimit)")
        }
        guard (0...TopologyGenerator.hostLimit).contains(hosts) else {
            throw ValidationError("--hosts must be 0...\(TopologyGenerator.hostLimit)")
        }
    }

    func run() throws {
        let generator = try TopologyGenerator(name: name, routers: routers, hosts: hosts,
                                              shape: TopologyGenerator.Shape(rawValue: shape)!)
        let yaml = generator.yaml()
        do {
            _ = try TopologyLoader.parse(yaml: yaml, file: "generated")
        } catch {
            throw Failure("the generated lab does not validate (a bug): \(error)")
        }
        if let output {
            try yaml.write(toFile: output, atomically: true, encoding: .utf8)
            print("wrote \(output): \(routers) routers, \(hosts) hosts, \(shape)")
        } else {
            print(yaml, terminator: "")
        }
    }
}
