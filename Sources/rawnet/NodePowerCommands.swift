import ArgumentParser
import RawNetLab
import RawNetLabModel
import RawNetPlatform

/// `rawnet stop NODE...` and `rawnet start NODE...`: one machine of a running lab
/// switched off and on again, the rest left running.
struct StopNodes: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stop",
        abstract: "Switch nodes of a running lab off: their daemons end, the rest of the lab runs on.",
        usage: "rawnet stop <node> ... [<options>]",
        discussion: """
            As a machine switched off: over seqpacket links (the default) its neighbours lose the \
            carrier within 0.3 s (NO-CARRIER in rawnet status), forget the ARP entries learned \
            there, and RIP routes around it. A host's DNS or HTTP service ends with it. \
            `rawnet start` switches the nodes on again.
            """)

    @Argument(help: ArgumentHelp("Nodes to stop (routers, hosts, switches).", valueName: "node"))
    var nodes: [String]
    @OptionGroup var labOption: LabOption

    func validate() throws {
        guard !nodes.isEmpty else { throw ValidationError("name at least one node to stop") }
    }

    func run() throws {
        let located = try labOption.locate()
        let topology = try located.topology()
        let killed: [String]
        do {
            killed = try LabSupervisor(executable: "").stop(nodes: nodes, of: topology, labName: located.name)
        } catch let failure as LabSupervisor.NodeFailure {
            throw NodePower.failure(failure)
        } catch {
            throw Failure("\(error)")
        }
        let ko = RawNet.language == .ko
        if !killed.isEmpty { print((ko ? "강제로 끝낸 프로세스: " : "had to kill: ") + killed.joined(separator: ", ")) }
        for node in nodes.uniqued() {
            print(ko ? "멈춘 노드: \(node) (`rawnet start \(node)` 명령으로 다시 시작합니다)"
                     : "\(node) is stopped; `rawnet start \(node)` starts it again")
        }
    }
}

struct StartNodes: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "start",
        abstract: "Switch stopped nodes of a running lab on again (after rawnet stop, or a crash).",
        usage: "rawnet start <node> ... [<options>]",
        discussion: """
            Each node starts from the lab's topology, as `rawnet up` started it: empty ARP cache, \
            its static routes, RIP from the start when the topology has it, a host's services \
            again, the topology's impairments (not those set later with rawnet impair). Its neighbours get the carrier back as soon as its cables connect.
            """)

    @Argument(help: ArgumentHelp("Nodes to start.", valueName: "node"))
    var nodes: [String]
    @OptionGroup var labOption: LabOption

    func validate() throws {
        guard !nodes.isEmpty else { throw ValidationError("name at least one node to start") }
    }

    func run() throws {
        let located = try labOption.locate()
        let topology = try located.topology()
        guard let executable = Processes.currentExecutablePath() else {
            throw Failure("cannot find the rawnet executable (/proc/self/exe)")
        }
        let pids: [String: Int32]
        do {
            pids = try LabSupervisor(executable: executable).start(nodes: nodes, of: topology, labName: located.name)
        } catch let failure as LabSupervisor.NodeFailure {
            throw NodePower.failure(failure)
        } catch {
            throw Failure("\(error)")
        }
        let ko = RawNet.language == .ko
        for node in nodes.uniqued() {
            guard let pid = pids[node] else { continue }
            print(ko ? "다시 실행 중인 노드: \(node) (pid \(pid))" : "\(node) is running again (pid \(pid))")
        }
        // As a machine that rebooted: what was changed while it ran is gone, which should not surprise.
        if !pids.isEmpty {
            print(TerminalLines.fit(ko ? "(토폴로지에 적힌 대로 시작했습니다. 실행 중에 바꾼 것, 예를 들어 `rawnet impair` 설정은 남지 않습니다)"
                                       : "(started as the topology describes it: changes made while it ran, such as `rawnet impair` settings, are not kept)", fd: 1))
        }
    }
}

enum NodePower {
    /// A node the lab does not have, or of the wrong kind, is a mistake in the command line (64).
    static func failure(_ failure: LabSupervisor.NodeFailure) -> Error {
        switch failure {
        case .unknown, .linux: return UsageFailure(failure.description)
        case .alreadyRunning, .notRunning, .notOurs: return Failure(failure.description)
        }
    }
}

extension Array where Element == String {
    /// The names in their first order, each once.
    func uniqued() -> [String] {
        var seen: Set<String> = []
        return filter { seen.insert($0).inserted }
    }
}
