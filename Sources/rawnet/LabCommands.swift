import ArgumentParser
import RawNetContracts
import RawNetCore
import RawNetDaemon
import RawNetLab
import RawNetLabModel
import RawNetPlatform
import RawNetView

/// Options shared by commands that act on a running lab.
struct LabOption: ParsableArguments {
    @Option(name: .long, help: "The lab to act on (default: $RAWNET_LAB, else the only lab running).")
    var lab: String?

    func locate() throws -> LabLocator.Located {
        do { return try LabLocator.locate(lab) } catch { throw Failure("\(error)") }
    }
}

/// How wide the output may be: the terminal's columns when standard output is a
/// terminal (`COLUMNS` wins), whole lines into a pipe or a file, or `--width N`.
struct WidthOption: ParsableArguments {
    @Option(name: .long, help: "Fit lines to this many columns (default: the terminal's width; 0: whole lines).")
    var width: Int?

    func validate() throws {
        if let width, width != 0 && width < 40 { throw ValidationError("--width: at least 40 columns, or 0 for whole lines") }
    }

    var columns: Int? {
        guard let width else { return Terminal.standardOutputColumns }
        return width == 0 ? nil : width
    }
}

struct Up: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Start a lab: one daemon process per node of the topology.",
        discussion: "With no file, the built-in default lab starts: alice (10.0.1.10) — r1 — bob (10.0.2.20).")

    @Argument(help: "A topology file (YAML). Examples are in Config/.")
    var topology: String?

    @Option(name: .long, help: "Start only this machine's nodes of the topology's 'machines:'; links to other machines run over VXLAN.")
    var part: String?

    func run() throws {
        let yaml: String, file: String
        if let topology {
            do {
                yaml = String(decoding: try FileSystem.readBytes(at: topology), as: UTF8.self)
            } catch {
                throw Failure("cannot read the topology file: \(error)")
            }
            file = topology
        } else {
            yaml = TopologyLoader.defaultLabYAML
            file = TopologyLoader.defaultLabFile
        }
        guard let executable = Processes.currentExecutablePath() else {
            throw Failure("cannot find the rawnet executable (/proc/self/exe)")
        }
        let supervisor = LabSupervisor(executable: executable)
        if supervisor.isUsingFallbackDaemon { try? FileDescriptor.standardError.writeAll(Array((supervisor.fallbackNote + "\n").utf8)) }
        let report: LabSupervisor.UpReport
        do {
            report = try supervisor.up(yaml: yaml, file: file, part: part)
        } catch {
            throw Failure("\(error)")
        }
        let ko = RawNet.language == .ko
        if report.cleanedCrashedLab {
            print(ko ? "죽은 실습 네트워크가 남긴 실행 디렉터리를 정리했습니다" : "cleaned up the run directory of a lab that had crashed")
        }
        print(TerminalLines.fit(ko ? "실습 네트워크 '\(report.topology.name)'의 노드를 모두 시작했습니다 (실행 디렉터리: \(report.runDirectory))"
                                   : "lab '\(report.topology.name)' is up in \(report.runDirectory)", fd: 1))
        // A big lab is summed up: a thousand lines would hide the one that matters.
        if report.topology.nodes.count > Self.listedNodes {
            print("  " + Self.summary(of: report.topology) + "; `rawnet status` lists each")
            printServices(report.topology)
            return
        }
        for node in report.topology.nodes {
            // A switch's ports have no address: their names alone.
            let addresses = node.interfaces.map { node.kind.hasAddresses ? "\($0.name) \($0.address)" : $0.name }
                .joined(separator: ", ")
            let process = report.pids[node.name].map { "pid \(String($0).padding(7))" } ?? "(rawnet attach)"
            print("  \(node.name.padding(10)) \(node.kind.rawValue.padding(7)) \(process.padding(11)) \(addresses)")
        }
        for remote in report.topology.remoteNodes {
            let addresses = remote.kind.hasAddresses ? remote.interfaces.map { "\($0.name) \($0.address)" }.joined(separator: ", ") : ""
            print("  \(remote.name.padding(10)) \(remote.kind.rawValue.padding(7)) \(("part " + remote.part).padding(11)) \(addresses)")
        }
        for link in report.topology.links {
            print((ko ? "  링크 " : "  link ") + link.name + (link.tunnel.map { " over \($0)" } ?? "")
                  + (report.topology.remoteEndName(link.b).map { " to \($0)" } ?? ""))
        }
        printServices(report.topology)
        let loose = Self.uncabled(report.topology)
        if !loose.isEmpty {
            print("note: no link in the file ends at \(loose.joined(separator: ", ")): nothing reaches \(loose.count == 1 ? "it" : "them")")
        }
    }

    /// Interfaces and ports of this machine's nodes that no link of the topology ends at.
    static func uncabled(_ topology: Topology) -> [String] {
        let ends = Set(topology.links.flatMap { [$0.a.description, $0.b.description] })
        return topology.nodes.flatMap { node in node.interfaces.map { "\(node.name):\($0.name)" } }
            .filter { !ends.contains($0) }
    }

    /// Labs with more nodes than this get a summary instead of a line per node and link.
    static let listedNodes = 40

    /// `1000 nodes (300 routers, 700 hosts), 999 links`.
    static func summary(of topology: Topology) -> String {
        let kinds = NodeKind.allCases.compactMap { kind -> String? in
            let count = topology.nodes.filter { $0.kind == kind }.count
            return count == 0 ? nil : "\(count) \(kind.rawValue)\(count == 1 ? "" : (kind == .switch ? "es" : "s"))"
        }
        let remote = topology.remoteNodes.isEmpty ? "" : ", \(topology.remoteNodes.count) on other machines"
        return "\(topology.nodes.count) nodes (\(kinds.joined(separator: ", "))\(remote)), \(topology.links.count) links"
    }

    private func printServices(_ topology: Topology) {
        for (node, service) in topology.dnsServers {
            let role = service.isRecursive ? "recursive resolver" : "name server"
            print("  dns on \(node.name): \(role) (rawnet dns serve; output in \(node.name).dns.log)")
        }
        for node in topology.nodes {
            for service in node.services where service.kind == "http" {
                print("  http on \(node.name): port \(service.options["port"] ?? "80")"
                      + " (rawnet http serve; output in \(node.name).http.log)")
            }
        }
    }
}

struct Down: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Stop a lab's daemons and remove its run directory.")

    @OptionGroup var labOption: LabOption

    func run() throws {
        let name: String
        if let explicit = labOption.lab {
            name = explicit
            // A name that is no lab here is a mistake to report, not a lab to call down.
            let directory: RunDirectory
            do { directory = try RunDirectory(labName: name) } catch { throw UsageFailure("\(error)") }
            // A run directory another user could change is refused before anything is said of it.
            do { try directory.checkTrusted() } catch { throw Failure("\(error)") }
            guard directory.exists else {
                let running = RunDirectory.listLabs(base: RunDirectory.baseDirectory())
                throw Failure("lab '\(name)' is not running; nothing to stop"
                              + (running.isEmpty ? " (no lab is running)" : " (running: \(running.joined(separator: ", ")))"))
            }
        } else {
            name = try labOption.locate().name
        }
        let report: LabSupervisor.DownReport
        do {
            report = try LabSupervisor(executable: "").down(labName: name)
        } catch {
            throw Failure("\(error)")
        }
        for line in report.skipped { print(line) }
        let ko = RawNet.language == .ko
        if !report.killed.isEmpty { print((ko ? "강제로 끝낸 프로세스: " : "had to kill: ") + report.killed.joined(separator: ", ")) }
        print(ko ? "실습 네트워크 '\(name)'의 노드를 모두 멈췄습니다" : "lab '\(name)' is down")
    }
}

struct Status: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show a lab's nodes, pids, links and per-interface counters with drops by reason.",
        usage: "rawnet status [<node> ...] [<options>]",
        discussion: """
            With nodes named (rawnet status r1 sw2), only theirs, in the topology's order. Each \
            interface shows its address, MAC, state (up, DOWN, NO-CARRIER), peer and counters.
            """)

    @Argument(help: ArgumentHelp("Nodes to show (default: every node of the lab).", valueName: "node"))
    var nodes: [String] = []
    @OptionGroup var labOption: LabOption
    @OptionGroup var width: WidthOption
    @OptionGroup var languageOption: LanguageOption

    func run() throws {
        let located = try labOption.locate()
        let topology = try located.topology()
        let columns = width.columns
        let korean = languageOption.language == .ko
        for name in nodes where topology.node(named: name) == nil {
            if let remote = topology.remoteNode(named: name) {
                throw UsageFailure("\(name) runs on another machine (part \(remote.part)): ask there, with `rawnet status \(name)`")
            }
            throw UsageFailure(topology.noNodeMessage(name))
        }
        let chosen = nodes.isEmpty ? topology.nodes : topology.nodes.filter { nodes.contains($0.name) }
        Self.show(korean ? "실습 네트워크 '\(located.name)' (\(located.runDirectory))" : "lab '\(located.name)' in \(located.runDirectory)",
                  columns: columns, continuation: "  ")
        // Nodes whose daemon is not running (a linux node not attached is not one): the command
        // ends with a line naming them and exit status 1, so a script can ask whether the lab runs.
        var notRunning: [String] = []
        for node in chosen {
            let status: NodeStatus
            do {
                let client = try ControlClient(path: located.paths.control(node: node.name))
                let response = try client.request(ControlRequest(command: "status"))
                guard response.ok, let result = response.result else {
                    Self.show("\(node.name.padding(10)) error: \(response.error ?? "no answer")", columns: columns,
                              continuation: Self.detailIndent)
                    continue
                }
                status = try result.decode(NodeStatus.self)
            } catch {
                let reason = (error as? ControlClientError).map { e -> String in
                    if case .notRunning = e { return (korean ? "실행 중 아님" : "not running") + "; rawnet start \(node.name)" }
                    return "\(e)"
                } ?? "\(error)"
                if node.kind == .linux, case .notRunning? = error as? ControlClientError {
                    Self.show("\(node.name.padding(10)) \(node.kind.rawValue.padding(7)) "
                              + (korean ? "연결 안 됨" : "not attached") + " (rawnet attach \(node.name))",
                              columns: columns, continuation: Self.detailIndent)
                } else {
                    Self.show("\(node.name.padding(10)) \(node.kind.rawValue.padding(7)) DOWN (\(reason))", columns: columns,
                              continuation: Self.detailIndent)
                    notRunning.append(node.name)
                }
                continue
            }
            var head = "\(status.node.padding(10)) \(status.kind.padding(7)) pid \(String(status.pid).padding(7)) "
                + (korean ? "가동 \(Int(status.uptimeSeconds))초" : "uptime \(Int(status.uptimeSeconds))s")
            if let namespace = status.namespace {
                head += korean ? ", 네임스페이스 \(namespace)에 연결됨" : ", attached in namespace \(namespace)"
            }
            Self.show(head, columns: columns, continuation: "           ")
            for interface in status.interfaces {
                for line in Self.interfaceLines(interface, columns: columns, language: languageOption.language) { print(line) }
            }
            for service in node.services {
                // A service's own counters (a name server's: answers, drops by reason), as it last wrote them.
                guard let bytes = try? FileSystem.readBytes(at: located.paths.serviceStatsFile(node: node.name, service: service.kind))
                else { continue }
                for (index, line) in String(decoding: bytes, as: UTF8.self).split(separator: "\n").enumerated() {
                    Self.show((index == 0 ? "    \(service.kind.padding(6)) " : Self.detailIndent) + line, columns: columns,
                              continuation: Self.detailIndent + "  ")
                }
            }
            if let drops = status.localDrops, !drops.isEmpty {
                let reasons = Self.dropReasons(drops, language: languageOption.language)
                Self.show((korean ? "    노드   버림 " : "    local  drops ") + "\(drops.values.reduce(0, +)): \(reasons)", columns: columns,
                          continuation: Self.detailIndent + "  ")
            }
            // What the daemon holds for slow clients and apps: shown once it holds much, or gave something up.
            if let budgets = status.budgets,
               budgets.controlQueuedBytes + (budgets.appQueuedBytes ?? 0) >= 64 * 1024
                || budgets.controlClientsCut + (budgets.appMessagesDropped ?? 0) + (budgets.appMessagesRefused ?? 0)
                + (budgets.tcpMemoryRefused ?? 0) > 0 {
                var line = "    held   control \(budgets.controlQueuedBytes) of \(budgets.controlBudgetBytes) B"
                if budgets.controlClientsCut > 0 { line += " (\(budgets.controlClientsCut) clients cut)" }
                if let queued = budgets.appQueuedBytes, let budget = budgets.appBudgetBytes {
                    line += ", apps \(queued) of \(budget) B"
                    if let dropped = budgets.appMessagesDropped, dropped > 0 { line += " (\(dropped) messages dropped)" }
                    if let refused = budgets.appMessagesRefused, refused > 0 { line += " (\(refused) too long refused)" }
                }
                if let tcp = budgets.tcpMemoryBytes, let budget = budgets.tcpBudgetBytes {
                    line += ", TCP \(tcp) of \(budget) B"
                    if let refused = budgets.tcpMemoryRefused, refused > 0 { line += " (\(refused) refused)" }
                }
                Self.show(line, columns: columns, continuation: Self.detailIndent)
            }
        }
        if !notRunning.isEmpty {
            Self.show(Self.notRunningLine(notRunning, of: chosen.count, lab: located.name, korean: korean),
                      columns: columns, continuation: "  ")
            throw ExitCode(1)
        }
    }

    /// The closing line when nodes are down: which, and what brings them back.
    static func notRunningLine(_ names: [String], of shown: Int, lab: String, korean: Bool) -> String {
        if names.count == shown && shown > 1 {
            return korean
                ? "실습 네트워크 '\(lab)'에 실행 중인 노드가 없습니다: `rawnet up`으로 다시 띄웁니다 (비정상 종료된 네트워크가 남긴 것은 정리합니다)"
                : "no node of lab '\(lab)' is running: `rawnet up` starts it again (it cleans up after a lab that crashed)"
        }
        let list = names.joined(separator: ", ")
        return korean
            ? "실행 중이 아닌 노드 \(names.count)개: \(list) (`rawnet start 노드`로 다시 켭니다)"
            : "\(names.count) of \(shown) nodes not running: \(list) (`rawnet start NODE` starts one again)"
    }
}

extension Status {
    /// Where the lines under an interface's first line begin.
    static let detailIndent = "           "

    /// `text` printed whole, or broken at spaces to fit `columns`, the lines after the first
    /// beginning with `continuation`.
    static func show(_ text: String, columns: Int?, continuation: String) {
        for line in fitted(text, columns: columns, continuation: continuation) { print(line) }
    }

    /// A term of several words (a Korean drop reason's) is kept on one line by its no-break
    /// spaces, which are printed as plain ones.
    static func fitted(_ text: String, columns: Int?, continuation: String) -> [String] {
        guard let columns, DisplayWidth.of(text) > columns else { return [text.replacing("\u{A0}", with: " ")] }
        return DisplayWidth.wrap(text, width: columns, continuation: continuation)
            .map { String($0.reversed().drop { $0 == " " }.reversed()).replacing("\u{A0}", with: " ") }
    }

    /// An interface's lines. Wide: name, address, MAC, state, mtu and peer on one line, the
    /// counters after them (or under them when they do not fit). Narrower than that line: name,
    /// address, state and peer first, then MAC and mtu, then the counters, each line fitted.
    static func interfaceLines(_ interface: InterfaceStatus, columns: Int?, language: ViewLanguage = .en) -> [String] {
        let korean = language == .ko
        let c = interface.counters
        let state = !interface.isUp ? "DOWN" : interface.hasCarrier == false ? "NO-CARRIER" : "up  "
        let mtu = interface.mtu.map { "  mtu \($0)" } ?? ""
        let peer = "  ↔ \((interface.peer ?? "-").padding(10))"
        let line = "    \(interface.name.padding(6)) \(interface.address.padding(16)) \(interface.mac)  " + state + mtu + peer
        var counts = korean
            ? "받음 \(c.receivedFrames)프레임/\(c.receivedBytes) B, 보냄 \(c.sentFrames)프레임/\(c.sentBytes) B"
            : "in \(frames(c.receivedFrames))/\(c.receivedBytes) B, out \(frames(c.sentFrames))/\(c.sentBytes) B"
        if interface.queuedFrames > 0 { counts += korean ? ", 대기 \(interface.queuedFrames)" : ", queued \(interface.queuedFrames)" }
        if let peer = interface.peer, interface.isLinkConnected == false {
            counts += korean ? ", 케이블 건너편(\(peer))이 연결되지 않음" : ", the cable's other end (\(peer)) is not connected"
        }
        var lines: [String] = []
        if let columns, DisplayWidth.of(line) + 1 + DisplayWidth.of(counts) > columns {
            let trimmed = String(line.reversed().drop { $0 == " " }.reversed())
            if DisplayWidth.of(trimmed) <= columns {
                // On a narrow terminal the counters go on a line of their own, under "drops".
                lines.append(trimmed)
            } else {
                let first = "    \(interface.name.padding(6)) \(interface.address.padding(16)) " + state + peer
                lines += fitted(String(first.reversed().drop { $0 == " " }.reversed()), columns: columns,
                                continuation: detailIndent)
                lines += fitted(detailIndent + interface.mac + mtu, columns: columns, continuation: detailIndent)
            }
            lines += fitted(detailIndent + counts, columns: columns, continuation: detailIndent + "  ")
        } else {
            lines.append(line + " " + counts)
        }
        if c.totalDrops > 0 {
            lines += fitted(detailIndent + (korean ? "버림" : "drops") + " \(c.totalDrops): \(dropReasons(c.drops, language: language))",
                            columns: columns,
                            continuation: detailIndent + "  ")
        }
        if let impairment = interface.impairment {
            let settings = korean ? KoreanViews.impairmentSettings(impairment) : impairment
            lines += fitted(detailIndent + (korean ? "나가는 쪽 인위적 장애: " : "impairment out: ") + settings, columns: columns,
                            continuation: detailIndent + "  ")
        }
        if let tunnel = interface.tunnel {
            lines += fitted(detailIndent + tunnelLine(tunnel), columns: columns, continuation: detailIndent + "  ")
        }
        return lines
    }

    /// Drops by reason, most first: `3 injected loss, 1 no route`; in Korean the reason's
    /// glossary words before the count, `인위적 손실 3, 경로 없음 1`.
    static func dropReasons(_ drops: [DropReason: Int], language: ViewLanguage) -> String {
        drops.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key.rawValue < $1.key.rawValue }.map { reason, count in
            language == .ko ? "\(KoreanViews.translate(reason.rawValue)) \(count)" : "\(count) \(reason.rawValue)"
        }.joined(separator: ", ")
    }

    /// `1 frame`, `2 frames`.
    static func frames(_ count: Int) -> String {
        count == 1 ? "1 frame" : "\(count) frames"
    }

    /// `vxlan vni 2 A:4789 > B:4789: up, last frame 0.4 s ago; keepalive 1 s, down after 3 s, keepalives 12 sent/11 heard`.
    static func tunnelLine(_ tunnel: TunnelStatus) -> String {
        var text = "\(tunnel.tunnel): \(tunnel.state)"
        if let ago = tunnel.lastHeardSecondsAgo {
            text += ", last frame \(String(format: "%.1f", ago)) s ago"
        } else if tunnel.state == "down" {
            text += ", nothing heard yet"
        }
        if tunnel.recoveries > 0 { text += ", back \(tunnel.recoveries) time(s) after down" }
        if let error = tunnel.lastError { text += ", last error \(error)" }
        if let down = tunnel.downAfterSeconds {
            let keepalive = tunnel.keepaliveSeconds.map { "keepalive \(seconds($0))" } ?? "keepalive off"
            text += "; \(keepalive), down after \(seconds(down))"
            if let sent = tunnel.keepalivesSent, let heard = tunnel.keepalivesHeard {
                text += ", keepalives \(sent) sent/\(heard) heard"
            }
        }
        return text
    }

    private static func seconds(_ value: Double) -> String {
        value == value.rounded() ? "\(Int(value)) s" : String(format: "%.2g s", value)
    }
}

extension String {
    /// Pads with spaces on the right to at least `width` characters.
    func padding(_ width: Int) -> String {
        count >= width ? self : self + String(repeating: " ", count: width - count)
    }
}
