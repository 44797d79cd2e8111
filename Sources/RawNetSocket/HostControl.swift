import RawNetContracts
import RawNetJSON
import RawNetPlatform

/// A small client for a host daemon's control socket (`RUNDIR/HOST.ctl`), for
/// apps that change their own host's link while they run (chat's `/loss 20%`).
/// Blocking, one JSON line each way, over the one `ControlClient`.
public final class HostControl {
    public let host: String
    private let client: ControlClient

    /// Connects to `host`'s control socket in `runDirectory`.
    public init(runDirectory: String, host: String) throws(NetworkError) {
        self.host = host
        let path = SocketPaths(runDirectory: runDirectory).control(node: host)
        do {
            client = try ControlClient(path: path)
        } catch {
            throw .hostNotRunning(host: host, path: path, reason: "\(error)")
        }
    }

    /// The names of the host's interfaces.
    public func interfaceNames() throws(NetworkError) -> [String] {
        let status: NodeStatus = try call("status", [:])
        return status.interfaces.map(\.name)
    }

    /// Sets the egress impairment of an interface (`settings` as the lab's
    /// text, e.g. "loss 20% reorder 10%"), or clears it when `settings` is nil.
    /// Returns the settings now in force, as text.
    @discardableResult
    public func impair(interface: String, settings: String?) throws(NetworkError) -> String {
        var args = ["interface": interface]
        if let settings { args["settings"] = settings } else { args["action"] = "clear" }
        let answer: ImpairAnswer = try call("impair", args)
        return answer.settings
    }

    /// Changes only the settings `settings` names on an interface (e.g. "delay 5ms"), keeping
    /// the rest of what is in force, whoever set it; clears it when `settings` is nil.
    /// Returns the settings now in force, as text, and whether that is a perfect wire.
    public func updateImpairment(interface: String, settings: String?) throws(NetworkError) -> (settings: String, isPerfect: Bool) {
        var args = ["interface": interface]
        if let settings { args["settings"] = settings; args["action"] = "update" } else { args["action"] = "clear" }
        let answer: ImpairAnswer = try call("impair", args)
        return (answer.settings, answer.isPerfect)
    }

    /// Each interface's name and the interface at its other end ("r1:eth0"), if cabled.
    public func interfacePeers() throws(NetworkError) -> [(name: String, peer: String?)] {
        let status: NodeStatus = try call("status", [:])
        return status.interfaces.map { ($0.name, $0.peer) }
    }

    /// The egress impairment in force on an interface, as text ("perfect wire" when none),
    /// whoever set it.
    public func impairment(interface: String) throws(NetworkError) -> String {
        let answer: ImpairAnswer = try call("impair", ["interface": interface, "action": "show"])
        return answer.settings
    }

    private func call<Answer: Decodable>(_ command: String, _ args: [String: String]) throws(NetworkError) -> Answer {
        let outcome: Result<JSONValue?, ControlCallFailure>
        do {
            outcome = try client.call(command, args)
        } catch {
            switch error {
            case .timedOut: throw .timedOut
            case .closed, .notRunning: throw .hostClosedConnection
            case .badAnswer(_, let reason): throw .protocolError("bad answer to \(command): \(reason)")
            }
        }
        switch outcome {
        case .failure(let failure):
            throw .invalidArgument(failure.message)
        case .success(let value):
            guard let value, let result = try? value.decode(Answer.self) else {
                throw .protocolError("unexpected answer to \(command)")
            }
            return result
        }
    }
}
