import ArgumentParser
import RawNetContracts
import RawNetDaemon
import RawNetLabModel
import RawNetPlatform

struct Sockets: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List a host's sockets like `ss -tuanp`: protocol, state, queues, addresses, owning app.",
        discussion: "Connections the host's TCP still holds with no app (SYN-RECEIVED, FIN-WAIT-*, CLOSING, LAST-ACK, TIME-WAIT) are listed too, with no process. With -i, each TCP connection's internals follow on an indented line (times with units, cwnd and ssthresh in bytes, `-` for an unset ssthresh, retransmissions by reason: timeout, three duplicate ACKs, RACK, tail-loss probe). On a terminal narrower than a row, each socket's process goes on the line under it. With --lang ko the notes and the retransmissions' reasons are in Korean; the columns and the internals keep the names `ss` gives them.")

    @Argument(help: "A host.") var host: String
    @Flag(name: .short, help: "Show TCP internals.") var info = false
    @OptionGroup var languageOption: LanguageOption
    @OptionGroup var labOption: LabOption

    func run() throws {
        let located = try labOption.locate()
        let topology = try located.topology()
        try requireNode(host, in: located, kinds: [.host]) { node in
            switch node.kind {
            case .linux: "\(node.name) is a linux node: its kernel keeps its sockets: run `rawnet exec \(node.name) -- ss -tuanp`"
            case .switch: "\(node.name) is a switch: it has no IP layer, so no sockets \(topology.nodesOfKind(.host))"
            default: "\(node.name) is a \(node.kind.rawValue): only hosts run apps, so only hosts have sockets \(topology.nodesOfKind(.host))"
            }
        }
        let result = try controlCall(located, node: host, "sockets")
        guard let sockets = try? result?.decode([SocketInfo].self) else { throw Failure("\(host): bad answer") }
        let language = languageOption.language == .ko ? "ko" : "en"
        print(TerminalLines.fit(SocketInfo.table(sockets, internals: info, width: Terminal.columns(of: 1), language: language), fd: 1))
    }
}
