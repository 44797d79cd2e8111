import RawNetWire

/// Settings of a switch's spanning tree (IEEE 802.1D): the bridge priority and
/// the three timers. The timers a bridge uses are the root's, carried in its
/// BPDUs; these are this bridge's own, used while it is the root.
public struct SpanningTreeConfiguration: Sendable, Hashable {
    /// 0 to 61440 in steps of 4096; lower wins the root election (802.1D-2004 §9.2.5).
    public var priority: UInt16
    /// How often the root sends configuration BPDUs.
    public var helloTime: Duration
    /// How long a port keeps what it heard before it counts the path as gone.
    public var maxAge: Duration
    /// How long a port listens, then learns, before it forwards.
    public var forwardDelay: Duration
    /// The path cost of every port (the 802.1D-1998 value for 100 Mb/s).
    public var portCost: UInt32

    /// The standard's defaults: priority 32768, hello 2 s, max age 20 s, forward delay 15 s.
    public init(priority: UInt16 = 32768, helloTime: Duration = .seconds(2), maxAge: Duration = .seconds(20),
                forwardDelay: Duration = .seconds(15), portCost: UInt32 = 19) {
        self.priority = priority
        self.helloTime = helloTime
        self.maxAge = maxAge
        self.forwardDelay = forwardDelay
        self.portCost = portCost
    }

    public static let standard = SpanningTreeConfiguration()

    /// Priorities a bridge may have.
    public static let priorities = stride(from: 0, through: 61440, by: 4096).map { UInt16($0) }
    /// Ranges a lab may give the timers (wider than the standard's, so a lab converges in seconds).
    public static let helloRange: ClosedRange<Duration> = .milliseconds(50)...(.seconds(10))
    public static let maxAgeRange: ClosedRange<Duration> = .milliseconds(200)...(.seconds(40))
    public static let forwardDelayRange: ClosedRange<Duration> = .milliseconds(100)...(.seconds(30))

    /// What is wrong with these settings, nil when they can run: the priority a
    /// multiple of 4096, each timer in its range, max age above twice the hello
    /// time (one lost hello must not age the root out) and at most twice the
    /// forward delay (old information has aged out before a port forwards).
    public var problem: (field: String, message: String)? {
        if !Self.priorities.contains(priority) {
            return ("priority", "must be a multiple of 4096 from 0 to 61440, not \(priority)")
        }
        for (field, value, range) in [("hello", helloTime, Self.helloRange), ("max_age", maxAge, Self.maxAgeRange),
                                      ("forward_delay", forwardDelay, Self.forwardDelayRange)] where !range.contains(value) {
            return (field, "must be from \(Self.text(range.lowerBound)) to \(Self.text(range.upperBound)), not \(Self.text(value))")
        }
        if maxAge <= helloTime * 2 {
            return ("max_age", "must be longer than twice the hello time (\(Self.text(helloTime * 2))), not \(Self.text(maxAge))")
        }
        if maxAge > forwardDelay * 2 {
            return ("max_age", "must be at most twice the forward delay (\(Self.text(forwardDelay * 2))), not \(Self.text(maxAge))")
        }
        return nil
    }

    /// `2s`, `500ms`.
    public static func text(_ duration: Duration) -> String {
        let ms = duration.nanoseconds / 1_000_000
        return ms % 1000 == 0 ? "\(ms / 1000)s" : "\(ms)ms"
    }
}

/// What a port is for in the tree.
public enum SpanningTreePortRole: String, Sendable, Hashable, Codable {
    /// The port with the best path to the root.
    case root
    /// The port that serves its segment: its BPDUs are the best there.
    case designated
    /// A port with a worse path to the root than the root port: blocked.
    case alternate
    /// A port that hears this bridge's own BPDUs from another of its ports: blocked.
    case backup
    /// Down.
    case disabled
}

/// Where a port is on its way to forwarding (802.1D §8.4).
public enum SpanningTreePortState: String, Sendable, Hashable, Codable {
    /// Down: takes and sends nothing.
    case disabled
    /// Takes BPDUs only.
    case blocking
    /// Takes and sends BPDUs; neither learns nor forwards, for one forward delay.
    case listening
    /// Learns source addresses too, for one more forward delay.
    case learning
    /// Learns and forwards.
    case forwarding

    /// Whether source addresses are learned in this state.
    public var learns: Bool { self == .learning || self == .forwarding }
}

/// What the spanning tree asks its switch to do.
public enum SpanningTreeOutput: Sendable, Hashable {
    /// Send this BPDU out of `port`.
    case send(port: Int, bpdu: BPDU)
    /// Forget the addresses learned on `port`: it stopped forwarding.
    case flush(port: Int)
    /// A decision worth a trace line: a role or state change, a new root, a topology change.
    case note(port: Int?, text: String)
}

/// One port's row in `rawnet stp SWITCH`.
public struct SpanningTreePortStatus: Sendable, Hashable, Codable {
    public var name: String
    public var portID: String
    public var role: SpanningTreePortRole
    public var state: SpanningTreePortState
    public var cost: UInt32
    /// The bridge and port whose BPDUs are best on this port's segment.
    public var designatedBridge: String
    public var designatedPort: String
}

/// The bridge's view, as `rawnet stp SWITCH` shows it.
public struct SpanningTreeStatus: Sendable, Hashable, Codable {
    public var bridge: String
    public var root: String
    public var isRoot: Bool
    public var rootCost: UInt32
    public var rootPort: String?
    /// The timers in use (the root's), in seconds.
    public var helloSeconds: Double
    public var maxAgeSeconds: Double
    public var forwardDelaySeconds: Double
    public var topologyChange: Bool
    public var ports: [SpanningTreePortStatus]
}

/// The Spanning Tree Protocol of one bridge (IEEE 802.1D-1998 clause 8, as kept
/// in 802.1D-2004 for STP bridges) without I/O, on the caller's clock: BPDUs
/// come in through `receive`, time through `poll`, ports going up or down
/// through `setPort`; BPDUs to send, addresses to forget and trace notes come
/// back as `SpanningTreeOutput`s.
///
/// The bridge with the lowest identifier (priority, then MAC) is the root; each
/// other bridge's root port is its cheapest way there; on every segment the
/// port sending the best BPDU is designated; every other port blocks. A port
/// that should forward listens for one forward delay, then learns for one,
/// then forwards. The root sends a configuration BPDU every hello time, and
/// the others relay it out of their designated ports as it arrives; a port
/// that hears nothing better for max age becomes designated itself. A bridge
/// that sees a port start or stop forwarding tells the root with TCN BPDUs
/// (every hello time until acknowledged); the root then sets the topology
/// change flag for max age plus forward delay, and while it is set every
/// bridge ages its MAC table in forward delay instead of minutes.
public struct SpanningTree: Sendable {
    public let configuration: SpanningTreeConfiguration
    public let bridgeID: BridgeID
    public let portNames: [String]

    struct Port {
        var id: UInt16
        var cost: UInt32
        var state: SpanningTreePortState = .disabled
        var designatedRoot: BridgeID
        var designatedCost: UInt32 = 0
        var designatedBridge: BridgeID
        var designatedPort: UInt16
        var acknowledgeTopologyChange = false
        var configPending = false
        /// The message age the stored BPDU arrived with, and when: the age now is their sum.
        var receivedAge: Duration = .zero
        var receivedAt = Instant.zero
        var messageAgeExpiry: Instant?
        var forwardDelayExpiry: Instant?
        var holdExpiry: Instant?
        /// Role last reported in a note.
        var reportedRole: SpanningTreePortRole = .disabled
    }

    var ports: [Port]
    /// The best root known and this bridge's cost to it.
    public private(set) var designatedRoot: BridgeID
    public private(set) var rootPathCost: UInt32 = 0
    public private(set) var rootPort: Int?
    /// The timers in use: the root's (this bridge's own while it is the root).
    public private(set) var maxAge: Duration
    public private(set) var helloTime: Duration
    public private(set) var forwardDelay: Duration
    /// This bridge saw a change and has not been acknowledged (or, as root, is announcing it).
    var topologyChangeDetected = false
    /// The root's flag, as the last BPDU on the root port carried it: tables age fast while set.
    public private(set) var topologyChange = false
    var helloExpiry: Instant?
    var notificationExpiry: Instant?
    var topologyChangeExpiry: Instant?

    /// A message age grows by this much at every bridge it passes (one unit of the field).
    static let messageAgeIncrement: Duration = .nanoseconds(3_906_250)

    /// The bridge with address `bridgeAddress` and these ports (numbered 1, 2, … in order).
    public init(bridgeAddress: MACAddress, portNames: [String], configuration: SpanningTreeConfiguration = .standard) {
        self.configuration = configuration
        self.portNames = portNames
        bridgeID = BridgeID(priority: configuration.priority, address: bridgeAddress)
        designatedRoot = bridgeID
        maxAge = configuration.maxAge
        helloTime = configuration.helloTime
        forwardDelay = configuration.forwardDelay
        ports = portNames.indices.map { index in
            let id = UInt16(0x8000 | ((index + 1) & 0x0FFF))
            return Port(id: id, cost: configuration.portCost, designatedRoot: BridgeID(value: 0),
                        designatedBridge: BridgeID(value: 0), designatedPort: id)
        }
    }

    // MARK: Queries

    public var isRoot: Bool { designatedRoot == bridgeID }

    public func state(of port: Int) -> SpanningTreePortState {
        ports.indices.contains(port) ? ports[port].state : .disabled
    }

    public func role(of index: Int) -> SpanningTreePortRole {
        guard ports.indices.contains(index) else { return .disabled }
        let port = ports[index]
        if port.state == .disabled { return .disabled }
        if index == rootPort { return .root }
        if isDesignated(index) { return .designated }
        return port.designatedBridge == bridgeID ? .backup : .alternate
    }

    /// The earliest timer, nil when none runs.
    public func nextDeadline() -> Instant? {
        var all = [helloExpiry, notificationExpiry, topologyChangeExpiry]
        for port in ports { all += [port.messageAgeExpiry, port.forwardDelayExpiry, port.holdExpiry] }
        return all.compactMap { $0 }.min()
    }

    public func status() -> SpanningTreeStatus {
        SpanningTreeStatus(
            bridge: bridgeID.description, root: designatedRoot.description, isRoot: isRoot, rootCost: rootPathCost,
            rootPort: rootPort.map { portNames[$0] }, helloSeconds: helloTime.seconds, maxAgeSeconds: maxAge.seconds,
            forwardDelaySeconds: forwardDelay.seconds, topologyChange: topologyChange,
            ports: ports.indices.map { index in
                let port = ports[index]
                return SpanningTreePortStatus(
                    name: portNames[index], portID: Self.hex(port.id), role: role(of: index), state: port.state,
                    cost: port.cost, designatedBridge: port.state == .disabled ? "" : port.designatedBridge.description,
                    designatedPort: port.state == .disabled ? "" : Self.hex(port.designatedPort))
            })
    }

    static func hex(_ id: UInt16) -> String {
        let text = String(id, radix: 16)
        return String(repeating: "0", count: 4 - text.count) + text
    }

    // MARK: Events

    /// Starts the protocol (802.1D §8.8.1): every up port blocks, then those that
    /// should forward start listening; as the root (every bridge thinks so at first) it says so.
    public mutating func start(portsUp: [Bool], now: Instant) -> [SpanningTreeOutput] {
        var out: [SpanningTreeOutput] = []
        designatedRoot = bridgeID
        rootPathCost = 0
        rootPort = nil
        useOwnTimers()
        topologyChangeDetected = false
        topologyChange = false
        notificationExpiry = nil
        topologyChangeExpiry = nil
        for index in ports.indices {
            initialize(index)
            ports[index].state = portsUp.indices.contains(index) && portsUp[index] ? .blocking : .disabled
        }
        out.append(.note(port: nil, text: "spanning tree on: bridge \(bridgeID), hello \(text(helloTime)), max age \(text(maxAge)), forward delay \(text(forwardDelay))"))
        selectPortStates(now: now, into: &out)
        generateConfigurations(now: now, into: &out)
        helloExpiry = now + helloTime
        return out
    }

    /// A BPDU arrived on `index`.
    public mutating func receive(_ bpdu: BPDU, on index: Int, now: Instant) -> [SpanningTreeOutput] {
        guard ports.indices.contains(index), ports[index].state != .disabled else { return [] }
        var out: [SpanningTreeOutput] = []
        switch bpdu {
        case .configuration(let config):
            receiveConfiguration(config, on: index, now: now, into: &out)
        case .topologyChangeNotification:
            guard isDesignated(index) else { return [] }
            out.append(.note(port: index, text: "topology change notification on port \(portNames[index])"))
            detectTopologyChange(now: now, into: &out)
            ports[index].acknowledgeTopologyChange = true
            transmitConfiguration(on: index, now: now, into: &out)
        }
        return out
    }

    /// A port went down (its link or carrier) or came back up.
    public mutating func setPort(_ index: Int, isUp: Bool, now: Instant) -> [SpanningTreeOutput] {
        guard ports.indices.contains(index), (ports[index].state != .disabled) != isUp else { return [] }
        var out: [SpanningTreeOutput] = []
        if isUp {
            initialize(index)
            ports[index].state = .blocking
            out.append(.note(port: index, text: "port \(portNames[index]) enabled"))
            selectPortStates(now: now, into: &out)
        } else {
            let wasRoot = isRoot
            let wasLearning = ports[index].state.learns
            initialize(index)
            ports[index].state = .disabled
            ports[index].reportedRole = .disabled
            out.append(.note(port: index, text: "port \(portNames[index]) disabled"))
            out.append(.flush(port: index))
            updateConfiguration(now: now, into: &out)
            selectPortStates(now: now, into: &out)
            if isRoot && !wasRoot {
                becameRoot(now: now, into: &out)
            } else if wasLearning {
                // Told once the new root port is known.
                detectTopologyChange(now: now, into: &out)
            }
        }
        return out
    }

    /// Runs the timers that are due.
    public mutating func poll(now: Instant) -> [SpanningTreeOutput] {
        var out: [SpanningTreeOutput] = []
        // A fired timer restarts later than the deadline it fired at, so this ends;
        // the bound only caps a clock that jumped very far.
        for _ in 0..<100_000 {
            guard let due = nextDeadline(), due <= now else { break }
            fireTimers(due: due, now: now, into: &out)
        }
        return out
    }

    private mutating func fireTimers(due: Instant, now: Instant, into out: inout [SpanningTreeOutput]) {
        if let at = helloExpiry, at <= due {
            generateConfigurations(now: now, into: &out)
            helloExpiry = at + helloTime > now ? at + helloTime : now + helloTime
        }
        if let at = notificationExpiry, at <= due {
            transmitNotification(into: &out)
            notificationExpiry = now + helloTime
        }
        if let at = topologyChangeExpiry, at <= due {
            topologyChangeExpiry = nil
            topologyChangeDetected = false
            if topologyChange { out.append(.note(port: nil, text: "topology change over: MAC ageing back to normal")) }
            topologyChange = false
        }
        for index in ports.indices {
            if let at = ports[index].messageAgeExpiry, at <= due {
                ports[index].messageAgeExpiry = nil
                messageAgeExpired(index, now: now, into: &out)
            }
            if let at = ports[index].forwardDelayExpiry, at <= due {
                ports[index].forwardDelayExpiry = nil
                forwardDelayExpired(index, now: now, into: &out)
            }
            if let at = ports[index].holdExpiry, at <= due {
                ports[index].holdExpiry = nil
                if ports[index].configPending { transmitConfiguration(on: index, now: now, into: &out) }
            }
        }
    }

    // MARK: Clause 8 procedures

    private mutating func receiveConfiguration(_ config: BPDU.Configuration, on index: Int, now: Instant,
                                               into out: inout [SpanningTreeOutput]) {
        if supersedes(config, index) {
            let wasRoot = isRoot
            record(config, on: index, now: now)
            updateConfiguration(now: now, into: &out)
            selectPortStates(now: now, into: &out)
            if wasRoot && !isRoot {
                helloExpiry = nil
                if topologyChangeDetected {
                    topologyChangeExpiry = nil
                    transmitNotification(into: &out)
                    notificationExpiry = now + helloTime
                }
            }
            if index == rootPort {
                // The root's timers, kept inside the ranges a bridge may be given: a hello
                // time of 0 would restart timers at the same instant forever (found by fuzzing).
                maxAge = Self.duration(config.maxAge).clamped(to: SpanningTreeConfiguration.maxAgeRange)
                helloTime = Self.duration(config.helloTime).clamped(to: SpanningTreeConfiguration.helloRange)
                forwardDelay = Self.duration(config.forwardDelay).clamped(to: SpanningTreeConfiguration.forwardDelayRange)
                if config.topologyChange != topologyChange {
                    out.append(.note(port: nil, text: config.topologyChange
                        ? "topology change: MAC ageing shortened to \(text(forwardDelay))"
                        : "topology change over: MAC ageing back to normal"))
                }
                topologyChange = config.topologyChange
                generateConfigurations(now: now, into: &out)
                if config.topologyChangeAcknowledgment, topologyChangeDetected {
                    topologyChangeDetected = false
                    notificationExpiry = nil
                    out.append(.note(port: index, text: "topology change acknowledged by the root"))
                }
            }
        } else if isDesignated(index) {
            // A worse BPDU on a segment this port serves: answer with the better one.
            transmitConfiguration(on: index, now: now, into: &out)
        }
    }

    /// Whether `config` is better than what port `index` holds, or a refresh of it
    /// from the same designated bridge (§8.6.2.2).
    private func supersedes(_ config: BPDU.Configuration, _ index: Int) -> Bool {
        let port = ports[index]
        if config.rootID != port.designatedRoot { return config.rootID < port.designatedRoot }
        if config.rootPathCost != port.designatedCost { return config.rootPathCost < port.designatedCost }
        if config.bridgeID != port.designatedBridge { return config.bridgeID < port.designatedBridge }
        if config.bridgeID != bridgeID { return true }
        return config.portID <= port.designatedPort
    }

    private mutating func record(_ config: BPDU.Configuration, on index: Int, now: Instant) {
        ports[index].designatedRoot = config.rootID
        ports[index].designatedCost = config.rootPathCost
        ports[index].designatedBridge = config.bridgeID
        ports[index].designatedPort = config.portID
        let age = Self.duration(config.messageAge)
        ports[index].receivedAge = age
        ports[index].receivedAt = now
        let left = Self.duration(config.maxAge) - age
        ports[index].messageAgeExpiry = now + (left > .zero ? left : .zero)
    }

    private func isDesignated(_ index: Int) -> Bool {
        ports[index].designatedBridge == bridgeID && ports[index].designatedPort == ports[index].id
    }

    private mutating func initialize(_ index: Int) {
        becomeDesignated(index)
        ports[index].acknowledgeTopologyChange = false
        ports[index].configPending = false
        ports[index].messageAgeExpiry = nil
        ports[index].forwardDelayExpiry = nil
        ports[index].holdExpiry = nil
    }

    private mutating func becomeDesignated(_ index: Int) {
        ports[index].designatedRoot = designatedRoot
        ports[index].designatedCost = rootPathCost
        ports[index].designatedBridge = bridgeID
        ports[index].designatedPort = ports[index].id
    }

    /// Root selection, then designated port selection (§8.6.8, §8.6.9).
    private mutating func updateConfiguration(now: Instant, into out: inout [SpanningTreeOutput]) {
        let oldRoot = designatedRoot, oldCost = rootPathCost, oldPort = rootPort
        var best: Int?
        for index in ports.indices where ports[index].state != .disabled && !isDesignated(index)
            && ports[index].designatedRoot < bridgeID {
            guard let current = best else {
                best = index
                continue
            }
            if rank(index) < rank(current) { best = index }
        }
        rootPort = best
        if let best {
            designatedRoot = ports[best].designatedRoot
            rootPathCost = ports[best].designatedCost &+ ports[best].cost
        } else {
            designatedRoot = bridgeID
            rootPathCost = 0
        }
        for index in ports.indices where ports[index].state != .disabled {
            let port = ports[index]
            if isDesignated(index) || port.designatedRoot != designatedRoot || rootPathCost < port.designatedCost
                || (rootPathCost == port.designatedCost
                    && (bridgeID < port.designatedBridge
                        || (bridgeID == port.designatedBridge && port.id <= port.designatedPort))) {
                becomeDesignated(index)
            }
        }
        if designatedRoot != oldRoot || rootPathCost != oldCost || rootPort != oldPort {
            if let best {
                out.append(.note(port: best, text: "root bridge \(designatedRoot), cost \(rootPathCost) via port \(portNames[best])"))
            } else {
                out.append(.note(port: nil, text: "this bridge is the root (\(bridgeID))"))
            }
        }
    }

    /// The order root ports are chosen in: root, cost through the port, designated bridge and port, own port id.
    private func rank(_ index: Int) -> (UInt64, UInt32, UInt64, UInt16, UInt16) {
        let port = ports[index]
        return (port.designatedRoot.value, port.designatedCost &+ port.cost, port.designatedBridge.value,
                port.designatedPort, port.id)
    }

    /// Root and designated ports head for forwarding; every other port blocks (§8.6.11).
    private mutating func selectPortStates(now: Instant, into out: inout [SpanningTreeOutput]) {
        for index in ports.indices where ports[index].state != .disabled {
            let role = role(of: index)
            switch role {
            case .root, .designated:
                if role == .root {
                    ports[index].configPending = false
                    ports[index].acknowledgeTopologyChange = false
                } else {
                    ports[index].messageAgeExpiry = nil
                }
                if ports[index].state == .blocking {
                    ports[index].state = .listening
                    ports[index].forwardDelayExpiry = now + forwardDelay
                    out.append(.note(port: index, text: "port \(portNames[index]) listening: \(role.rawValue) port"))
                } else if ports[index].reportedRole != role {
                    out.append(.note(port: index, text: "port \(portNames[index]) \(ports[index].state.rawValue): now the \(role.rawValue) port"))
                }
            case .alternate, .backup, .disabled:
                ports[index].configPending = false
                ports[index].acknowledgeTopologyChange = false
                let wasState = ports[index].state
                if wasState != .blocking {
                    ports[index].state = .blocking
                    ports[index].forwardDelayExpiry = nil
                    if wasState.learns {
                        out.append(.flush(port: index))
                        detectTopologyChange(now: now, into: &out)
                    }
                }
                if wasState != .blocking || ports[index].reportedRole != role {
                    out.append(.note(port: index, text: "port \(portNames[index]) blocking: \(blockedWhy(index, role))"))
                }
            }
            ports[index].reportedRole = role
        }
    }

    private func blockedWhy(_ index: Int, _ role: SpanningTreePortRole) -> String {
        let designated = "\(ports[index].designatedBridge) port \(Self.hex(ports[index].designatedPort))"
        if role == .backup { return "backup for this bridge's port \(Self.hex(ports[index].designatedPort))" }
        guard let rootPort else { return "alternate, \(designated) serves the segment" }
        return "alternate to root via port \(portNames[rootPort]) (\(designated) serves the segment)"
    }

    private mutating func forwardDelayExpired(_ index: Int, now: Instant, into out: inout [SpanningTreeOutput]) {
        switch ports[index].state {
        case .listening:
            ports[index].state = .learning
            ports[index].forwardDelayExpiry = now + forwardDelay
            out.append(.note(port: index, text: "port \(portNames[index]) learning"))
        case .learning:
            ports[index].state = .forwarding
            out.append(.note(port: index, text: "port \(portNames[index]) forwarding: \(role(of: index).rawValue) port"))
            if ports.indices.contains(where: { ports[$0].state != .disabled && isDesignated($0) }) {
                detectTopologyChange(now: now, into: &out)
            }
        default:
            break
        }
    }

    private mutating func messageAgeExpired(_ index: Int, now: Instant, into out: inout [SpanningTreeOutput]) {
        let wasRoot = isRoot
        out.append(.note(port: index, text: "port \(portNames[index]): nothing heard from \(ports[index].designatedBridge) for max age"))
        becomeDesignated(index)
        updateConfiguration(now: now, into: &out)
        selectPortStates(now: now, into: &out)
        if isRoot && !wasRoot { becameRoot(now: now, into: &out) }
    }

    /// This bridge has just become the root: it uses its own timers, announces
    /// a topology change and starts sending hellos.
    private mutating func becameRoot(now: Instant, into out: inout [SpanningTreeOutput]) {
        useOwnTimers()
        detectTopologyChange(now: now, into: &out)
        notificationExpiry = nil
        generateConfigurations(now: now, into: &out)
        helloExpiry = now + helloTime
    }

    private mutating func useOwnTimers() {
        maxAge = configuration.maxAge
        helloTime = configuration.helloTime
        forwardDelay = configuration.forwardDelay
    }

    private mutating func detectTopologyChange(now: Instant, into out: inout [SpanningTreeOutput]) {
        if isRoot {
            if !topologyChange {
                out.append(.note(port: nil, text: "topology change: MAC ageing shortened to \(text(forwardDelay)) for \(text(maxAge + forwardDelay))"))
            }
            topologyChange = true
            topologyChangeExpiry = now + maxAge + forwardDelay
        } else if !topologyChangeDetected {
            transmitNotification(into: &out)
            notificationExpiry = now + helloTime
        }
        topologyChangeDetected = true
    }

    private mutating func generateConfigurations(now: Instant, into out: inout [SpanningTreeOutput]) {
        for index in ports.indices where ports[index].state != .disabled && isDesignated(index) {
            transmitConfiguration(on: index, now: now, into: &out)
        }
    }

    private mutating func transmitConfiguration(on index: Int, now: Instant, into out: inout [SpanningTreeOutput]) {
        if ports[index].holdExpiry != nil {
            ports[index].configPending = true
            return
        }
        var age = Duration.zero
        if let rootPort {
            age = ports[rootPort].receivedAge + (now - ports[rootPort].receivedAt) + Self.messageAgeIncrement
        }
        guard age < maxAge else { return }
        let config = BPDU.Configuration(
            topologyChange: topologyChange, topologyChangeAcknowledgment: ports[index].acknowledgeTopologyChange,
            rootID: designatedRoot, rootPathCost: rootPathCost, bridgeID: bridgeID, portID: ports[index].id,
            messageAge: Self.units(age), maxAge: Self.units(maxAge), helloTime: Self.units(helloTime),
            forwardDelay: Self.units(forwardDelay))
        out.append(.send(port: index, bpdu: .configuration(config)))
        ports[index].acknowledgeTopologyChange = false
        ports[index].configPending = false
        ports[index].holdExpiry = now + holdTime
    }

    /// Least time between two configuration BPDUs on one port: the standard's
    /// 1 s, or half the hello time when that is shorter.
    var holdTime: Duration { min(.seconds(1), configuration.helloTime / 2) }

    private mutating func transmitNotification(into out: inout [SpanningTreeOutput]) {
        guard let rootPort else { return }
        out.append(.send(port: rootPort, bpdu: .topologyChangeNotification))
        out.append(.note(port: rootPort, text: "topology change notified towards the root via port \(portNames[rootPort])"))
    }

    // MARK: Units

    /// A time in the BPDU's units of 1/256 s (saturating).
    static func units(_ duration: Duration) -> UInt16 {
        let value = duration.nanoseconds / 3_906_250
        return UInt16(clamping: max(0, value))
    }

    static func duration(_ units: UInt16) -> Duration {
        .nanoseconds(Int64(units) * 3_906_250)
    }

    private func text(_ duration: Duration) -> String { SpanningTreeConfiguration.text(duration) }
}

/// `rawnet stp SWITCH` as text, in the manner of `brctl showstp`.
public enum SpanningTreeText {
    public static func render(_ status: SpanningTreeStatus, node: String) -> String {
        var lines: [String] = []
        let root = status.isRoot ? "this bridge is the root" : "root \(status.root), cost \(status.rootCost) via \(status.rootPort ?? "-")"
        lines.append("\(node): bridge \(status.bridge), \(root)")
        lines.append("timers: hello \(seconds(status.helloSeconds)), max age \(seconds(status.maxAgeSeconds)), forward delay \(seconds(status.forwardDelaySeconds))"
                     + (status.topologyChange ? "; topology change (MAC ageing shortened)" : ""))
        let header = ["port", "id", "role", "state", "cost", "designated bridge", "port"]
        let rows = status.ports.map { [$0.name, $0.portID, $0.role.rawValue, $0.state.rawValue, String($0.cost),
                                       $0.designatedBridge, $0.designatedPort] }
        let widths = header.indices.map { column in ([header] + rows).map { $0[column].count }.max() ?? 0 }
        for row in [header] + rows {
            lines.append(row.indices.map { column in
                column == row.count - 1 ? row[column] : row[column] + String(repeating: " ", count: widths[column] - row[column].count)
            }.joined(separator: "  "))
        }
        return lines.joined(separator: "\n")
    }

    private static func seconds(_ value: Double) -> String {
        let ms = Int((value * 1000).rounded())
        return ms % 1000 == 0 ? "\(ms / 1000)s" : "\(ms)ms"
    }
}

extension Duration {
    fileprivate func clamped(to range: ClosedRange<Duration>) -> Duration {
        Swift.min(Swift.max(self, range.lowerBound), range.upperBound)
    }
}
