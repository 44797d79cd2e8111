import ArgumentParser
import RawNetContracts
import RawNetDaemon
import RawNetLabModel
import RawNetPlatform

struct Sockets: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List a host's sockets like `ss -tuanp`: protocol, state, queues, addresses, owning app.",
        discussion: "Connections the host's TCP still holds with no app (SYN-RECEIVED, FIN-WAIT-*, CLOSING, LAST-ACK, TIME-WAIT) are listed too, with no process. With -i, each TCP connection's internals follow on an indented line (times with units, cwnd and ssthresh in bytes, `-` for an unset ssthresh, retransmissions by reason: timeout, three duplicate ACKs, RACK, tail-loss probe). On a terminal narrower than a row, each socket's process goes on the line under it.")

    @Argument(help: "A host.") var host: String
    @Flag(name: .short, help: "Show TCP internals.") var info = false
    @OptionGroup var labOption: LabOption

    func run() throws {
        let result = try controlCall(try labOption.locate(), node: host, "sockets")
        guard let sockets = try? result?.decode([SocketInfo].self) else { throw Failure("\(host): bad answer") }
        print(TerminalLines.fit(SocketInfo.table(sockets, internals: info, width: Terminal.columns(of: 1)), fd: 1))
    }
}
