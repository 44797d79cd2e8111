import RawNetWire

/// Which VLANs a switch port carries and how (IEEE 802.1Q).
public enum SwitchPortMode: Sendable, Hashable, CustomStringConvertible {
    /// Untagged frames of one VLAN (a port to a host or a router's plain interface).
    case access(UInt16)
    /// Tagged frames of the VLANs listed; untagged frames are not taken (no native VLAN).
    case trunk([UInt16])

    /// The VLAN of every port a topology leaves unconfigured.
    public static let defaultVLAN: UInt16 = 1

    public func carries(_ vlan: UInt16) -> Bool {
        switch self {
        case .access(let id): return id == vlan
        case .trunk(let ids): return ids.contains(vlan)
        }
    }

    public var description: String {
        switch self {
        case .access(let id): return "access vlan \(id)"
        case .trunk(let ids): return "trunk vlans \(ids.map(String.init).joined(separator: ","))"
        }
    }
}

/// One port of an `EthernetSwitch`.
public struct SwitchPort: Sendable, Hashable {
    public var name: String
    public var mode: SwitchPortMode
    public var isUp: Bool
    /// The port's own MAC address: the source of the BPDUs it sends.
    public var address: MACAddress

    public init(name: String, mode: SwitchPortMode = .access(SwitchPortMode.defaultVLAN), isUp: Bool = true,
                address: MACAddress = .zero) {
        self.name = name
        self.mode = mode
        self.isUp = isUp
        self.address = address
    }
}

/// Limits of a switch's MAC table.
public struct SwitchConfiguration: Sendable, Hashable {
    /// How long an address stays without a frame from it (Linux's `ageing_time` default, 300 s).
    public var ageingTime: Duration
    /// The most addresses the table holds; beyond, new ones are not learned (their frames flood).
    public var tableLimit: Int

    public init(ageingTime: Duration = .seconds(300), tableLimit: Int = 4096) {
        self.ageingTime = ageingTime
        self.tableLimit = tableLimit
    }
}

/// One learned address, as `rawnet macs` lists it.
public struct MACTableEntry: Sendable, Hashable, Codable {
    public var mac: String
    public var vlan: UInt16
    /// The port's name.
    public var port: String
    /// Seconds since a frame from this address last arrived.
    public var ageSeconds: Double

    public init(mac: String, vlan: UInt16, port: String, ageSeconds: Double) {
        self.mac = mac
        self.vlan = vlan
        self.port = port
        self.ageSeconds = ageSeconds
    }
}

/// What the switch asks its daemon to do with one frame, or says about itself.
public enum SwitchOutput: Sendable, Hashable {
    /// Send these bytes out of port `port` (already tagged or untagged for it).
    case transmit(port: Int, frame: [UInt8])
    /// The frame that arrived on `port` goes nowhere, for `reason`.
    case dropped(port: Int, reason: DropReason, frame: [UInt8], detail: String)
    /// A decision worth a trace line: learned, moved, aged out, flooded, forwarded, flushed.
    case note(port: Int?, text: String)
}

/// A learning bridge (IEEE 802.1Q): a MAC table per VLAN that learns each
/// source address's port and forgets it after `ageingTime` without traffic;
/// broadcast, multicast and unknown unicast are flooded to every other up port
/// of the frame's VLAN, known unicast goes to its one port; a port going down
/// forgets what it learned. Access ports carry one VLAN untagged, trunks carry
/// their VLANs tagged. With a `SpanningTree` (one tree for every VLAN, its
/// BPDUs untagged on every port) only forwarding ports take and send frames,
/// learning ports learn, and while the root announces a topology change the
/// table ages in the forward delay. No I/O: the caller passes `now` and sends
/// what `receive` returns.
public struct EthernetSwitch: Sendable {
    public private(set) var ports: [SwitchPort]
    public let configuration: SwitchConfiguration
    /// The spanning tree, nil when the switch runs none.
    public private(set) var spanningTree: SpanningTree?

    struct Key: Hashable { var mac: MACAddress; var vlan: UInt16 }
    struct Entry { var port: Int; var lastSeen: Instant }
    private var table: [Key: Entry] = [:]

    /// `spanningTree` switches the protocol on; its bridge identifier takes `bridgeAddress`.
    public init(ports: [SwitchPort], configuration: SwitchConfiguration = SwitchConfiguration(),
                spanningTree: SpanningTreeConfiguration? = nil, bridgeAddress: MACAddress = .zero) {
        self.ports = ports
        self.configuration = configuration
        self.spanningTree = spanningTree.map {
            SpanningTree(bridgeAddress: bridgeAddress, portNames: ports.map(\.name), configuration: $0)
        }
    }

    /// Starts the spanning tree (nothing without one): ports block, then head for forwarding.
    public mutating func start(now: Instant) -> [SwitchOutput] {
        guard spanningTree != nil else { return [] }
        let portsUp = ports.map(\.isUp)
        return perform(spanningTree!.start(portsUp: portsUp, now: now))
    }

    /// How long an address lasts now: the forward delay during a topology change.
    public var currentAgeingTime: Duration {
        guard let tree = spanningTree, tree.topologyChange else { return configuration.ageingTime }
        return min(configuration.ageingTime, tree.forwardDelay)
    }

    /// Whether frames may leave or arrive through port `index` (spanning tree permitting).
    func forwards(_ index: Int) -> Bool {
        ports[index].isUp && (spanningTree.map { $0.state(of: index) == .forwarding } ?? true)
    }

    /// The spanning tree's outputs as the switch's.
    private mutating func perform(_ outputs: [SpanningTreeOutput]) -> [SwitchOutput] {
        outputs.compactMap { output in
            switch output {
            case .send(let port, let bpdu):
                return .transmit(port: port, frame: bpdu.frame(from: ports[port].address))
            case .flush(let port):
                let before = table.count
                table = table.filter { $0.value.port != port }
                // Nothing to forget (a port that went down was flushed already): no note.
                guard table.count < before else { return nil }
                return .note(port: port, text: "flushed \(Self.addresses(before - table.count)) learned on port \(ports[port].name)")
            case .note(let port, let text):
                return .note(port: port, text: text)
            }
        }
    }

    /// "1 address", "3 addresses".
    static func addresses(_ count: Int) -> String { count == 1 ? "1 address" : "\(count) addresses" }

    /// A frame to the spanning tree group: the tree's if it runs and can read it.
    private mutating func receiveBPDU(_ frame: [UInt8], on index: Int, now: Instant) -> [SwitchOutput] {
        guard spanningTree != nil else {
            return [.dropped(port: index, reason: .bpduIgnored, frame: frame, detail: "spanning tree is off on this switch")]
        }
        let bpdu: BPDU
        do { bpdu = try BPDU(frame: frame) } catch {
            return [.dropped(port: index, reason: .bpduIgnored, frame: frame, detail: error.description)]
        }
        return perform(spanningTree!.receive(bpdu, on: index, now: now))
    }

    /// Learned addresses.
    public var tableCount: Int { table.count }

    /// The port where `mac` of `vlan` was learned, if it is in the table.
    public func port(of mac: MACAddress, vlan: UInt16 = SwitchPortMode.defaultVLAN) -> Int? {
        table[Key(mac: mac, vlan: vlan)]?.port
    }

    /// The table sorted by VLAN then address, ages as of `now`.
    public func entries(now: Instant) -> [MACTableEntry] {
        table.sorted { ($0.key.vlan, $0.key.mac.value) < ($1.key.vlan, $1.key.mac.value) }.map { key, entry in
            MACTableEntry(mac: key.mac.description, vlan: key.vlan, port: ports[entry.port].name,
                          ageSeconds: (now - entry.lastSeen).seconds)
        }
    }

    /// Handles one frame that arrived on port `index`.
    public mutating func receive(frame: [UInt8], on index: Int, now: Instant) -> [SwitchOutput] {
        guard ports.indices.contains(index) else { return [] }
        guard ports[index].isUp else {
            return [.dropped(port: index, reason: .linkDown, frame: frame, detail: "port down")]
        }
        if BPDU.isAddressedToBridges(frame) { return receiveBPDU(frame, on: index, now: now) }
        let arrivalState = spanningTree?.state(of: index) ?? .forwarding
        guard arrivalState.learns || arrivalState == .forwarding else {
            return [.dropped(port: index, reason: .portBlocked, frame: frame,
                             detail: "port \(ports[index].name) is \(arrivalState.rawValue)")]
        }
        let tag: VLANTag?
        do { tag = try VLANTag.of(frame) } catch {
            return [.dropped(port: index, reason: .malformed, frame: frame, detail: error.description)]
        }
        let vlan: UInt16
        switch (ports[index].mode, tag) {
        case (.access(let id), nil):
            vlan = id
        case (.access(let id), let tag?):
            return [.dropped(port: index, reason: .vlanNotOnPort, frame: frame,
                             detail: "tagged vlan \(tag.vlan) on access port \(ports[index].name) (vlan \(id))")]
        case (.trunk, nil):
            return [.dropped(port: index, reason: .vlanNotOnPort, frame: frame,
                             detail: "untagged frame on trunk \(ports[index].name)")]
        case (.trunk(let ids), let tag?):
            guard ids.contains(tag.vlan) else {
                return [.dropped(port: index, reason: .vlanNotOnPort, frame: frame,
                                 detail: "vlan \(tag.vlan) is not on trunk \(ports[index].name)")]
            }
            vlan = tag.vlan
        }
        let plain = tag == nil ? frame : ((try? VLANTag.removed(from: frame))?.frame ?? frame)
        // `VLANTag.of` checked that the frame holds an Ethernet header.
        guard let header = try? EthernetHeader(parsing: plain) else {
            return [.dropped(port: index, reason: .malformed, frame: frame, detail: "no Ethernet header")]
        }
        let source = header.source, destination = header.destination
        var outputs: [SwitchOutput] = []
        if source.isMulticast {
            return [.dropped(port: index, reason: .badSourceAddress, frame: frame,
                             detail: "source \(source) is a group address")]
        }
        learn(source, vlan: vlan, on: index, now: now, into: &outputs)
        guard arrivalState == .forwarding else {
            outputs.append(.dropped(port: index, reason: .portBlocked, frame: frame,
                                    detail: "port \(ports[index].name) is learning, not forwarding yet"))
            return outputs
        }

        if !destination.isMulticast, let known = table[Key(mac: destination, vlan: vlan)] {
            if known.port == index {
                outputs.append(.dropped(port: index, reason: .sameSegment, frame: frame,
                                        detail: "\(destination) was learned on \(ports[index].name)"))
                return outputs
            }
            guard forwards(known.port) else {
                outputs.append(.dropped(port: index, reason: .portBlocked, frame: frame,
                                        detail: "\(destination) was learned on port \(ports[known.port].name), which does not forward"))
                return outputs
            }
            outputs.append(.transmit(port: known.port, frame: encode(plain, vlan: vlan, for: known.port)))
            outputs.append(.note(port: index, text: "forwarded to port \(ports[known.port].name) (vlan \(vlan))"))
            return outputs
        }
        var count = 0
        for out in ports.indices where out != index && forwards(out) && ports[out].mode.carries(vlan) {
            outputs.append(.transmit(port: out, frame: encode(plain, vlan: vlan, for: out)))
            count += 1
        }
        let why = destination.isBroadcast ? "broadcast" : destination.isMulticast ? "multicast" : "unknown \(destination)"
        outputs.append(.note(port: index, text: "flooded to \(count) port\(count == 1 ? "" : "s") (vlan \(vlan), \(why))"))
        return outputs
    }

    private mutating func learn(_ source: MACAddress, vlan: UInt16, on index: Int, now: Instant,
                                into outputs: inout [SwitchOutput]) {
        let key = Key(mac: source, vlan: vlan)
        if let old = table[key] {
            table[key] = Entry(port: index, lastSeen: now)
            if old.port != index {
                outputs.append(.note(port: index, text: "moved \(source) from port \(ports[old.port].name) to port \(ports[index].name) (vlan \(vlan))"))
            }
            return
        }
        guard table.count < configuration.tableLimit else {
            outputs.append(.note(port: index, text: "table full (\(configuration.tableLimit)): \(source) not learned"))
            return
        }
        table[key] = Entry(port: index, lastSeen: now)
        outputs.append(.note(port: index, text: "learned \(source) on port \(ports[index].name) (vlan \(vlan))"))
    }

    /// The frame as port `index` sends it: tagged on a trunk, untagged on an access port.
    private func encode(_ plain: [UInt8], vlan: UInt16, for index: Int) -> [UInt8] {
        if case .trunk = ports[index].mode { return VLANTag(vlan: vlan).inserted(into: plain) }
        return plain
    }

    /// Brings port `index` up or down; going down forgets every address learned on it.
    public mutating func setPort(_ index: Int, isUp: Bool, now: Instant = .zero) -> [SwitchOutput] {
        guard ports.indices.contains(index), ports[index].isUp != isUp else { return [] }
        ports[index].isUp = isUp
        var outputs: [SwitchOutput]
        if isUp {
            outputs = [.note(port: index, text: "port \(ports[index].name) up")]
        } else {
            let before = table.count
            table = table.filter { $0.value.port != index }
            outputs = [.note(port: index, text: "port \(ports[index].name) down: flushed \(Self.addresses(before - table.count))")]
        }
        if spanningTree != nil { outputs += perform(spanningTree!.setPort(index, isUp: isUp, now: now)) }
        return outputs
    }

    /// Runs the spanning tree's timers and forgets addresses not heard from for
    /// `ageingTime` (the forward delay during a topology change).
    public mutating func poll(now: Instant) -> [SwitchOutput] {
        var outputs: [SwitchOutput] = []
        if spanningTree != nil { outputs += perform(spanningTree!.poll(now: now)) }
        let limit = currentAgeingTime
        for (key, entry) in table where now - entry.lastSeen >= limit {
            table[key] = nil
            outputs.append(.note(port: entry.port, text: "aged out \(key.mac) on port \(ports[entry.port].name) (vlan \(key.vlan))"))
        }
        return outputs
    }

    /// When the oldest entry ages out or a spanning tree timer runs out, nil with neither.
    public func nextDeadline() -> Instant? {
        let ageing = table.values.map(\.lastSeen).min().map { $0 + currentAgeingTime }
        return [ageing, spanningTree?.nextDeadline()].compactMap { $0 }.min()
    }
}
