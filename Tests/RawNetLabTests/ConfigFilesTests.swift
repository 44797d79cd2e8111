import Foundation
import RawNetLab
import RawNetLabModel
import Testing

/// Every topology in Config/ is valid as it stands, README's example among them: a learner
/// copies these first.
@Suite struct ConfigFilesTests {
    static var configDirectory: String {
        var parts = #filePath.split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast(3)
        return parts.joined(separator: "/") + "/Config"
    }

    @Test func everyConfigFile_loads() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.configDirectory)
            .filter { $0.hasSuffix(".yaml") }.sorted()
        #expect(files.contains("example.yaml") && files.count >= 10, "\(files)")
        for file in files {
            do { _ = try TopologyLoader.load(path: Self.configDirectory + "/" + file) } catch {
                Issue.record("\(file): \(error)")
            }
        }
    }

    /// README's walk-through names what the example shows: a service of each kind, RIP, a switch,
    /// an impaired link with a queue limit.
    @Test func theExample_showsWhatTheReadmeSays() throws {
        let lab = try TopologyLoader.load(path: Self.configDirectory + "/example.yaml")
        #expect(lab.name == "example")
        #expect(Set(lab.nodes.map(\.kind.rawValue)) == ["host", "router", "switch"])
        #expect(lab.nodes.filter { $0.rip != nil }.map(\.name).sorted() == ["r1", "r2"])
        #expect(lab.node(named: "bob")?.services.count == 2)
    }
}
