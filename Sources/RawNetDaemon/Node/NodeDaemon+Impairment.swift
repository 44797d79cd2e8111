import RawNetContracts
import RawNetCore
import RawNetLabModel
import RawNetPlatform
import RawNetView
import RawNetWire

extension NodeDaemon {
    /// Name of the environment variable that, set to `1`, makes a node daemon
    /// bypass its impairment engines entirely: frames go straight to the link,
    /// topology impairments are ignored and `impair` refuses to set any. For
    /// measuring what the engine costs when idle (`rawnet bench forward`).
    public static let bypassEnvironmentVariable = ImpairChange.bypassEnvironmentVariable

    /// True when the environment asks for the impairment engine to be bypassed.
    public static var isBypassRequestedByEnvironment: Bool {
        guard let value = ProcessEnvironment.value(bypassEnvironmentVariable)?.lowercased() else { return false }
        return ["1", "yes", "true", "on"].contains(value)
    }

    /// `impair` interface=eth0 …: the egress of one interface (see `ImpairedEgress.impair`).
    func impair(_ args: [String: String]) -> ControlResponse {
        guard let name = args["interface"] else { return .failure("impair needs interface=NAME") }
        guard let index = ip.interfaceIndex(named: name) else {
            return .failure("\(node.name) has no interface '\(name)' (has \(interfaceNames.joined(separator: ", ")))")
        }
        return impair(args, interface: index)
    }
}

extension NodeDaemon: ImpairedEgress {
    var isTracing: Bool { !subscribers.isEmpty }

    func countDrop(_ reason: DropReason, interface index: Int) {
        ip.countDrop(reason, interface: index)
    }

    /// Counted here, not when the IP layer sent it: a frame lost to the impairment
    /// or a full queue never left (`IPNode.countsTransmits`). A VLAN subinterface's
    /// frame counts on it untagged and on its parent as it crossed the cable, tagged,
    /// as Linux counts `eth0.10` and `eth0`.
    func frameLeft(_ frame: [UInt8], interface index: Int, time: Int64?) {
        countSent(frame, interface: index, leaving: true)
        if let time { trace(.sent, interface: index, bytes: frame, detail: tunnelNames[index], time: time) }
    }

    func frameNeverLeft(_ frame: [UInt8], interface index: Int) {
        countSent(frame, interface: index, leaving: false)
    }

    /// Per frame: no closure, and no dictionary lookup on a node without subinterfaces.
    private func countSent(_ frame: [UInt8], interface index: Int, leaving: Bool) {
        let isSubinterface = !subinterfaceVLAN.isEmpty && subinterfaceVLAN[index] != nil
        countSent(bytes: isSubinterface ? frame.count - VLANTag.length : frame.count, interface: index, leaving: leaving)
        if isSubinterface { countSent(bytes: frame.count, interface: physicalIndex(of: index), leaving: leaving) }
    }

    private func countSent(bytes: Int, interface index: Int, leaving: Bool) {
        if leaving { ip.countSent(bytes: bytes, interface: index) } else { ip.uncountSent(bytes: bytes, interface: index) }
    }

    func traceEgress(_ kind: TraceEvent.Kind, interface index: Int, bytes: [UInt8], reason: String, detail: String?) {
        trace(kind, interface: index, bytes: bytes, reason: reason, detail: detail)
    }
}
