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

    /// Puts the IP layer and RIP in line with the command and the carrier. An interface
    /// without a carrier stays up in the IP layer (its routes stay, `linkdown`, as in Linux)
    /// but sends nothing; RIP treats it as down and routes around it.
    func applyInterfaceState(_ index: Int) {
        let physical = physicalIndex(of: index)
        let isUp = carrier.isAdminUp(index) && carrier.isAdminUp(physical)
        let hasCarrier = carrier.hasCarrier(physical)
        let wasWorking = ip.interfaces[index].isUp && ip.interfaces[index].hasCarrier
        perform(ip.setInterface(index, isUp: isUp))
        perform(ip.setCarrier(index, hasCarrier: hasCarrier))
        guard wasWorking != (isUp && hasCarrier) else { return }
        ripInterface(index, isUp: isUp && hasCarrier)
        isTimerStale = true
    }

    /// The peer of interface `index` said its end is up or down (or its cable closed,
    /// `byCable`: its process ended, or it connected again).
    func carrierChanged(isUp: Bool, on index: Int, byCable: Bool = false) {
        guard carrier.setCarrier(index, isUp: isUp) else { return }
        let name = node.interfaces[index].name
        let text = CarrierState.changeText(interface: name, peer: peers[index], isUp: isUp, byCable: byCable)
        logger.info("\(text)")
        if !subscribers.isEmpty {
            broadcast(TraceEvent(time: wallTime, node: node.name, interface: name, kind: .note, detail: text))
        }
        for affected in [index] + subinterfaceIndices(of: index) { applyInterfaceState(affected) }
    }

    /// A seqpacket cable connected (the carrier is back at once; an end down by command
    /// says so to the new peer now) or was lost for `CableLoss.delay` (no carrier).
    func cableChanged(isUp: Bool, on index: Int) {
        if isUp, !carrier.isAdminUp(index) { CarrierState.tell(ports[index], isUp: false) }
        carrierChanged(isUp: isUp, on: index, byCable: true)
    }

    /// Once a second: every cabled interface down by command says so again.
    func repeatCarrierOff() {
        for index in carrier.adminDown where peers.indices.contains(index) && peers[index] != nil
            && physicalIndex(of: index) == index {
            CarrierState.tell(ports[index], isUp: false)
        }
    }
}
