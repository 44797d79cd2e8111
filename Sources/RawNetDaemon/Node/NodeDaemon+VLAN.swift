import RawNetCore
import RawNetLabModel
import RawNetWire

/// VLAN subinterfaces (`eth0.10`, router-on-a-stick): each is an IP interface
/// of its own (address, ARP, counters, impairment) whose frames travel tagged
/// with its VLAN through its parent's link port.
extension NodeDaemon {
    /// Makes interface `index`, a subinterface, share its parent's link port.
    func setUpSubinterface(_ index: Int) throws {
        let interface = node.interfaces[index]
        guard let sub = interface.subinterface,
              let parent = node.interfaces.firstIndex(where: { $0.name == sub.parent }), parent < index else {
            throw NodeDaemonError("subinterface \(interface.name) must come after its parent interface")
        }
        ports.append(ports[parent])
        peers.append(nil)
        tunnelNames.append(nil)
        var engine = ImpairmentEngine(seed: Self.seed(for: LinkEndpoint(node: node.name, interface: interface.name)))
        engine.update(.perfect, now: now)
        impairments.append(engine)
        subinterfaces[parent, default: [:]][sub.vlan] = index
        subinterfaceVLAN[index] = sub.vlan
    }

    /// A tagged frame on a parent interface for one of its subinterfaces: that
    /// subinterface and the frame untagged; nil for any other frame.
    func subinterfaceFrame(_ frame: [UInt8], on index: Int) -> (Int, [UInt8])? {
        guard let byVLAN = subinterfaces[index], let tag = try? VLANTag.of(frame), let sub = byVLAN[tag.vlan],
              let removed = try? VLANTag.removed(from: frame) else { return nil }
        return (sub, removed.frame)
    }

    func sendingInterface(of frame: [UInt8], port index: Int) -> Int {
        subinterfaces.isEmpty ? index : subinterfaceFrame(frame, on: index)?.0 ?? index
    }

    /// The frame as interface `index` puts it on the wire: tagged when it is a subinterface.
    func tagged(_ frame: [UInt8], for index: Int) -> [UInt8] {
        guard let vlan = subinterfaceVLAN[index] else { return frame }
        return VLANTag(vlan: vlan).inserted(into: frame)
    }
}
