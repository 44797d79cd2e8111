import RawNetContracts
import RawNetLabModel
import RawNetPlatform
import RawNetView

/// The lab as the page draws it (GET /api/topology): nodes with their interfaces and
/// addresses, links with each direction's impairment, and what is up.
public struct WebTopology: Codable, Sendable, Equatable {
    public struct Interface: Codable, Sendable, Equatable {
        public var name: String
        /// `10.0.1.10/24`; nil (no field in the JSON) for a switch's port, which has none.
        public var address: String?
        public var mac: String
        /// From the daemon's status; nil when it did not answer.
        public var up: Bool?
    }

    public struct Node: Codable, Sendable, Equatable {
        public var name: String
        /// host, router, switch or linux.
        public var kind: String
        /// The kind in Korean (`WebTopology.korean(_:)`: 호스트, 라우터, …), for the page in Korean.
        public var kindKo: String
        public var interfaces: [Interface]
        /// True when its daemon answered `status`.
        public var running: Bool
        /// Where another machine runs it (`remote, part m2, 10.9.0.2`), nil for this part's nodes.
        public var remote: String? = nil
    }

    /// One direction of a link: the egress of one interface.
    public struct Direction: Codable, Sendable, Equatable {
        /// `node:interface` whose egress this is.
        public var from: String
        /// The settings as `rawnet impair --show` prints them ("perfect wire" when none).
        public var settings: String
        /// The same settings in Korean (`KoreanViews.impairmentSettings`): the link's badge and form in Korean.
        public var settingsKo: String
        public var perfect: Bool
        /// Frames lost to impairment so far (random, burst, queue full, asked).
        public var lost: UInt64?
        /// Why the settings are unknown (the daemon did not answer).
        public var error: String?
    }

    public struct Link: Codable, Sendable, Equatable {
        public var index: Int
        /// As `rawnet impair` takes it: `alice:eth0-r1:eth0`.
        public var name: String
        public var a: String
        public var b: String
        public var aNode: String
        public var bNode: String
        public var aToB: Direction
        public var bToA: Direction
        /// False when either end's interface is down; nil when unknown.
        public var up: Bool?
    }

    /// An interface that can carry frames: up, and not NO-CARRIER.
    static func works(_ interface: InterfaceStatus) -> Bool { interface.isUp && interface.hasCarrier != false }

    public var lab: String
    public var nodes: [Node]
    public var links: [Link]

    /// Builds the view from the topology and what the daemons answered: `statuses` by node
    /// (absent: no answer), `impairments` by `node:interface` egress (a failure's text when none).
    public init(lab: String, topology: Topology, statuses: [String: NodeStatus],
                impairments: [String: Result<ImpairAnswer, ImpairChangeError>]) {
        self.lab = lab
        nodes = topology.nodes.map { node in
            let status = statuses[node.name]
            return Node(name: node.name, kind: node.kind.rawValue, kindKo: Self.korean(node.kind), interfaces: node.interfaces.map { interface in
                Interface(name: interface.name, address: node.kind.hasAddresses ? "\(interface.address)" : nil,
                          mac: "\(interface.macAddress)",
                          up: status?.interfaces.first { $0.name == interface.name }.map(Self.works))
            }, running: status != nil)
        } + topology.remoteNodes.map { remote in
            Node(name: remote.name, kind: remote.kind.rawValue, kindKo: Self.korean(remote.kind), interfaces: remote.interfaces.map { interface in
                Interface(name: interface.name, address: remote.kind.hasAddresses ? "\(interface.address)" : nil,
                          mac: "\(interface.macAddress)", up: nil)
            }, running: false, remote: remote.placeText)
        }
        func direction(_ endpoint: LinkEndpoint) -> Direction {
            switch impairments["\(endpoint)"] {
            case .success(let answer)?:
                let c = answer.counters
                let lost = c.map { $0.droppedRandomLoss + $0.droppedBurstLoss + $0.droppedQueueFull + $0.droppedOnRequest }
                return Direction(from: "\(endpoint)", settings: answer.settings, settingsKo: KoreanViews.impairmentSettings(answer.settings),
                                 perfect: answer.isPerfect, lost: lost)
            case .failure(let error)?:
                return Direction(from: "\(endpoint)", settings: "?", settingsKo: "?", perfect: true, error: error.description)
            case nil:
                return Direction(from: "\(endpoint)", settings: "?", settingsKo: "?", perfect: true, error: "not asked")
            }
        }
        // An end works when it is up and has a carrier; a node with a daemon that did not
        // answer (stopped, crashed) holds its ends down.
        func isUp(_ endpoint: LinkEndpoint) -> Bool? {
            guard let status = statuses[endpoint.node] else {
                return topology.node(named: endpoint.node)?.kind.hasDaemon == true ? false : nil
            }
            return status.interfaces.first { $0.name == endpoint.interface }.map(Self.works)
        }
        links = topology.links.enumerated().map { index, link in
            let ends = [isUp(link.a), isUp(link.b)].compactMap { $0 }
            return Link(index: index, name: link.name, a: "\(link.a)", b: "\(link.b)", aNode: link.a.node,
                        bNode: link.b.node, aToB: direction(link.a), bToA: direction(link.b),
                        up: ends.isEmpty ? nil : !ends.contains(false))
        }
    }

    /// What GET /api/topology answers: the view, or why there is none, in both languages, with the
    /// HTTP status the page gets (503 while the lab is down: it works again once the lab is back up).
    public static func answer(_ located: LabLocator.Located) -> Result<WebTopology, WebTopologyProblem> {
        do { return .success(try gather(located)) } catch {
            if !FileSystem.exists(located.paths.labConfigFile) {
                let failure = LabLocator.Failure.notRunning(located.name)
                return .failure(WebTopologyProblem(
                    status: 503, error: failure.description,
                    errorKo: "실습 네트워크 '\(located.name)': 실행 중이 아닙니다. "
                        + (located.name == LabLocator.builtInLabName ? "`rawnet up`으로 시작할 수 있습니다"
                           : "`name: \(located.name)`이 적힌 토폴로지 파일로 `rawnet up FILE`을 실행하면 시작됩니다")))
            }
            return .failure(WebTopologyProblem(status: 500, error: "lab '\(located.name)': \(error)",
                                               errorKo: "실습 네트워크 '\(located.name)': \(error)"))
        }
    }

    /// Asks every daemon of the lab for its status and every link direction for its impairment.
    public static func gather(_ located: LabLocator.Located) throws -> WebTopology {
        let topology = try located.topology()
        var statuses: [String: NodeStatus] = [:]
        for node in topology.nodes {
            guard let client = try? ControlClient(path: located.paths.control(node: node.name)),
                  let response = try? client.request(ControlRequest(command: "status")), response.ok,
                  let status = try? response.result?.decode(NodeStatus.self) else { continue }
            statuses[node.name] = status
        }
        var impairments: [String: Result<ImpairAnswer, ImpairChangeError>] = [:]
        for direction in topology.linkDirections where statuses[direction.from.node] != nil {
            do { impairments["\(direction.from)"] = .success(try ImpairChange.answer(located, direction, ["action": "show"])) } catch {
                impairments["\(direction.from)"] = .failure(error)
            }
        }
        return WebTopology(lab: located.name, topology: topology, statuses: statuses, impairments: impairments)
    }
}

/// The page's Korean for a node's kind, in the glossary's words (docs/glossary.ko.md); a link
/// direction's settings are `KoreanViews.impairmentSettings`.
extension WebTopology {
    static func korean(_ kind: NodeKind) -> String {
        switch kind {
        case .host: return "호스트"
        case .router: return "라우터"
        case .switch: return "스위치"
        case .linux: return "리눅스"
        }
    }
}

/// Why GET /api/topology has no lab to show, as the page's other errors: `{"error": …, "errorKo": …}`.
public struct WebTopologyProblem: Codable, Sendable, Equatable, Error {
    /// The HTTP status it is answered with (not part of the JSON).
    public var status: Int = 500
    public var error: String
    public var errorKo: String

    public init(status: Int, error: String, errorKo: String) {
        self.status = status
        self.error = error
        self.errorKo = errorKo
    }

    enum CodingKeys: String, CodingKey { case error, errorKo }
}
