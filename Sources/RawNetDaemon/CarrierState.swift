import RawNetPlatform

/// Per interface of a daemon: whether `rawnet link` took it down, and whether
/// its link's far end said it is down (no carrier, `CarrierSignal`). An
/// interface works only with neither: a cable pulled at one end is lost at both.
struct CarrierState {
    /// Interfaces taken down by command.
    private(set) var adminDown: Set<Int> = []
    /// Interfaces whose peer said "carrier off".
    private(set) var lost: Set<Int> = []

    func isAdminUp(_ index: Int) -> Bool { !adminDown.contains(index) }
    func hasCarrier(_ index: Int) -> Bool { !lost.contains(index) }
    /// Whether interface `index`, on the link of `physical` (itself, or a subinterface's parent), works.
    func works(_ index: Int, physical: Int) -> Bool { isAdminUp(index) && isAdminUp(physical) && hasCarrier(physical) }

    mutating func setAdmin(_ index: Int, isUp: Bool) {
        if isUp { adminDown.remove(index) } else { adminDown.insert(index) }
    }

    /// Records what the peer said; true when it changed the carrier.
    mutating func setCarrier(_ index: Int, isUp: Bool) -> Bool {
        isUp ? lost.remove(index) != nil : lost.insert(index).inserted
    }

    /// The note a change of carrier is logged and traced with:
    /// `eth1 carrier lost: r2:eth1 is down`, or for a cable whose peer process ended,
    /// `eth1 carrier lost: r2:eth1's cable closed (its daemon stopped)`.
    static func changeText(interface name: String, peer: String?, isUp: Bool, byCable: Bool) -> String {
        let peer = peer ?? "the peer"
        switch (isUp, byCable) {
        case (true, false): return "\(name) carrier back: \(peer) is up"
        case (false, false): return "\(name) carrier lost: \(peer) is down"
        case (true, true): return "\(name) carrier back: \(peer)'s cable connected again"
        case (false, true): return "\(name) carrier lost: \(peer)'s cable closed (its daemon stopped)"
        }
    }

    /// Tells the peer of `port` whether this end is up (not over VXLAN: its far end is another machine's daemon).
    static func tell(_ port: any FramePort, isUp: Bool) {
        guard port.linkType != "vxlan" else { return }
        port.send(CarrierSignal.message(isUp: isUp))
    }
}
