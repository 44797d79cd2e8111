import RawNetContracts
import RawNetCore
import RawNetPlatform

/// Carrier: a link end taken down tells its peer, whose interface then goes
/// down too (and RIP reacts at once), as a cable pulled at one end is lost at both.
extension NodeDaemon {
    /// The interface whose link `index` rides on: itself, or a subinterface's parent.
    func physicalIndex(of index: Int) -> Int {
        guard subinterfaceVLAN[index] != nil, let sub = node.interfaces[index].subinterface,
              let parent = node.interfaces.firstIndex(where: { $0.name == sub.parent }) else { return index }
        return parent
    }

    /// The VLAN subinterfaces riding on interface `index`.
    func subinterfaceIndices(of index: Int) -> [Int] {
        (subinterfaces[index] ?? [:]).values.sorted()
    }

    /// Puts the IP layer and RIP in line with the command and the carrier.
    func applyInterfaceState(_ index: Int) {
        let works = carrier.works(index, physical: physicalIndex(of: index))
        guard ip.interfaces[index].isUp != works else { return }
        perform(ip.setInterface(index, isUp: works))
        ripInterface(index, isUp: works)
        isTimerStale = true
    }

    /// The peer of interface `index` said its end is up or down.
    func carrierChanged(isUp: Bool, on index: Int) {
        guard carrier.setCarrier(index, isUp: isUp) else { return }
        let name = node.interfaces[index].name, peer = peers[index] ?? "the peer"
        let text = isUp ? "\(name) carrier back: \(peer) is up" : "\(name) carrier lost: \(peer) is down"
        logger.info("\(text)")
        if !subscribers.isEmpty {
            broadcast(TraceEvent(time: wallTime, node: node.name, interface: name, kind: .note, detail: text))
        }
        for affected in [index] + subinterfaceIndices(of: index) { applyInterfaceState(affected) }
    }

    /// Once a second: every cabled interface down by command says so again.
    func repeatCarrierOff() {
        for index in carrier.adminDown where peers.indices.contains(index) && peers[index] != nil
            && physicalIndex(of: index) == index {
            CarrierState.tell(ports[index], isUp: false)
        }
    }
}
