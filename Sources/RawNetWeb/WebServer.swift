import Foundation
import Hummingbird
import HummingbirdWebSocket
import Logging
import NIOCore
import RawNetCore
import RawNetContracts
import RawNetLabModel
import RawNetView

/// What the page asks to change on a link (POST /api/impair).
public struct WebImpairRequest: Codable, Sendable {
    /// The link's index in the topology.
    public var link: Int
    /// both, out (a → b) or in (b → a), as `rawnet impair LINK --direction`.
    public var direction: String?
    /// Settings as `rawnet impair` takes them, keyed by the daemon's option names (loss, delay, …).
    public var settings: [String: String]?
    /// Start from a perfect wire (alone: back to one).
    public var clear: Bool?
    /// up or down: the link's state on both ends.
    public var state: String?
}

/// The answer to a change: the new settings of each direction, or the error `rawnet impair` prints.
public struct WebImpairAnswer: Codable, Sendable {
    public var ok: Bool
    public var error: String?
    /// The refusal in Korean (`KoreanRefusals`), when it is a form that has one.
    public var errorKo: String?
    public var changed: [String: String]?
    /// The new settings in Korean (`KoreanViews.impairmentSettings`).
    public var changedKo: [String: String]?
}

/// `rawnet web`: the page, the topology as JSON, impairment changes, and the trace over a WebSocket.
public struct WebServer: Sendable {
    /// What the page shows.
    public enum Source: Sendable {
        /// A running lab: its daemons' merged trace, live, and its impairments to change.
        case live(LabLocator.Located)
        /// A saved trace (`rawnet trace --save`) over a topology, to step through; nothing to change.
        case saved(name: String, topology: Topology, events: [TraceEvent])
    }

    public let source: Source
    public let host: String
    public let port: Int

    public init(located: LabLocator.Located, host: String = "127.0.0.1", port: Int = 8080) {
        self.init(source: .live(located), host: host, port: port)
    }

    public init(source: Source, host: String = "127.0.0.1", port: Int = 8080) {
        self.source = source
        self.host = host
        self.port = port
    }

    /// Serves until SIGINT or SIGTERM; `onListening` gets the page's address once it listens.
    public func run(onListening: @escaping @Sendable (String) -> Void) async throws {
        var pump: TracePump?
        let hub: EventHub
        let recent = RecentEvents()
        let layers = LayerStore()
        switch source {
        case .live(let located):
            hub = EventHub()
            pump = TracePump(hub: hub, recent: recent, layers: layers, located: located, topology: try located.topology())
            try pump?.start()
        case .saved(_, let topology, let events):
            hub = EventHub(historyBytes: 256 << 20)
            recent.append(events)
            TracePump.replay(events, topology: topology, to: hub)
        }
        defer { pump?.stop() }

        let source = self.source
        let router = Router(context: BasicWebSocketRequestContext.self)
        router.get("/") { _, _ in Self.response(WebPage.html, type: "text/html; charset=utf-8") }
        router.get("/app.js") { _, _ in Self.response(WebPage.script, type: "text/javascript; charset=utf-8") }
        router.get("/app.css") { _, _ in Self.response(WebPage.style, type: "text/css; charset=utf-8") }
        router.get("/api/topology") { _, _ in
            switch source {
            case .live(let located):
                switch await Self.blocking({ WebTopology.answer(located) }) {
                case .success(let view): return try Self.json(view)
                case .failure(let problem):
                    return try Self.json(problem, status: HTTPResponse.Status(code: problem.status))
                }
            case .saved(let name, let topology, _):
                return try Self.json(WebTopology(lab: name, topology: topology, statuses: [:], impairments: [:]))
            }
        }
        router.get("/api/connections") { _, _ in try Self.json(recent.connections()) }
        router.get("/api/layers") { request, _ in
            let text = request.uri.queryParameters.get("id") ?? ""
            guard let id = Int(text), id >= 0 else {
                return try Self.json(WebLayersAnswer(id: -1, error: "id=\(text): give a frame's number",
                                                     errorKo: "id=\(text): 프레임 번호를 주십시오"), status: .badRequest)
            }
            guard let boxes = await Self.blocking({ layers.layers(id: id) }) else {
                let why = layers.whyNot(id: id) ?? ("frame #\(id) was just forgotten", "프레임 #\(id)을(를) 방금 잊었습니다")
                return try Self.json(WebLayersAnswer(id: id, error: why.en, errorKo: why.ko), status: .notFound)
            }
            return try Self.json(WebLayersAnswer(id: id, layers: boxes.en, layersKo: boxes.ko))
        }
        router.get("/api/connection") { request, _ in
            let name = request.uri.queryParameters.get("key") ?? ""
            guard let view = await Self.blocking({ recent.connection(name) }) else {
                return try Self.json(WebImpairAnswer(ok: false, error: "no TCP connection '\(name)' in the events kept"), status: .notFound)
            }
            return try Self.json(view)
        }
        router.get("/api/internals") { request, _ in
            let name = request.uri.queryParameters.get("key") ?? ""
            guard let key = TCPConnectionKey(name) else {
                return try Self.json(WebImpairAnswer(ok: false, error: "'\(name)' is not a connection (A.B.C.D:P>E.F.G.H:Q)"), status: .badRequest)
            }
            guard case .live(let located) = source else {
                return try Self.json(WebTCPInternalsAnswer(name: name, ends: [], missing: ["a saved trace: no host to ask"]))
            }
            return try Self.json(await Self.blocking { WebInternals.gather(key, located: located) })
        }
        router.post("/api/impair") { request, _ in
            let body = try await request.body.collect(upTo: 64 << 10)
            guard let asked = try? JSONDecoder().decode(WebImpairRequest.self, from: Data(String(buffer: body).utf8)) else {
                return try Self.json(WebImpairAnswer(ok: false, error: "the request is not a JSON impairment change"), status: .badRequest)
            }
            guard case .live(let located) = source else {
                return try Self.json(WebImpairAnswer(ok: false, error: "a saved trace: there is no lab to change"), status: .badRequest)
            }
            let answer = await Self.blocking { WebImpairs.apply(asked, located: located) }
            return try Self.json(answer, status: answer.ok ? .ok : .badRequest)
        }
        router.ws("/events") { _, _ in .upgrade([:]) } onUpgrade: { inbound, outbound, _ in
            let (id, messages) = hub.subscribe()
            defer { hub.unsubscribe(id) }
            // Ends when the page closes (or the server shuts down and closes it), whichever side notices first.
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { for await message in messages { try await outbound.write(.text(message)) } }
                group.addTask { for try await _ in inbound {} }
                try await group.next()
                group.cancelAll()
            }
        }

        router.ws("/chat") { _, _ in .upgrade([:]) } onUpgrade: { inbound, outbound, context in
            try await Self.chat(inbound: inbound, outbound: outbound, request: context.request, source: source)
        }

        var logger = Logger(label: "rawnet-web")
        logger.logLevel = .warning
        let app = Application(
            router: router,
            server: .http1WebSocketUpgrade(webSocketRouter: router),
            configuration: .init(address: .hostname(host, port: port), serverName: "rawnet-web"),
            onServerRunning: { [host] channel in
                onListening("http://\(host):\(channel.localAddress?.port ?? 0)/")
            },
            logger: logger)
        try await app.runService()
    }

    /// One page's chat member (`WebChatMember`): what the page sends goes to the room, what the
    /// room sends goes to the page, until either side leaves.
    static func chat(inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter, request: Request,
                     source: Source) async throws {
        let encoder = JSONEncoder()
        // Each message in both languages: the page shows the one it speaks.
        let say: @Sendable (String, WebChatText) -> String = { type, text in
            String(decoding: (try? encoder.encode(["type": type, "text": text.en, "textKo": text.ko])) ?? Data(),
                   as: UTF8.self)
        }
        guard case .live(let located) = source else {
            try await outbound.write(.text(say("error", WebChatText("a saved trace: there is no lab to chat in",
                                                                    ko: "저장된 트레이스입니다: 채팅할 실습 네트워크가 없습니다"))))
            return
        }
        var query: [String: String] = [:]
        for key in ["host", "room", "port", "proto", "name"] { query[key] = request.uri.queryParameters.get(key) }
        let member: WebChatMember
        do {
            let topology = try located.topology()
            member = try WebChatMember(request: try WebChatRequest(query: query), runDirectory: located.runDirectory,
                                       topology: topology)
        } catch let error as WebChatError {
            try await outbound.write(.text(say("error", error.text)))
            return
        } catch {
            try await outbound.write(.text(say("error", WebChatText("\(error)", ko: "오류: \(error)"))))
            return
        }
        let (lines, continuation) = AsyncStream<String>.makeStream(bufferingPolicy: .bufferingOldest(256))
        let unshown = UnshownLines()
        member.start(joined: { local in _ = continuation.yield(say("joined", WebChatText(local))) }, show: { line in
            if case .dropped = continuation.yield(say("line", line)) { unshown.add() }
        }, end: { reason in
            _ = continuation.yield(say("end", reason))
            continuation.finish()
        })
        defer { member.stop() }
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                for await message in lines {
                    let missed = unshown.take()
                    if missed > 0 {
                        try await outbound.write(.text(say("note", WebChatText(
                            "\(missed) lines not shown: the page read too slowly",
                            ko: "\(missed)줄을 보여 주지 못했습니다: 페이지가 너무 느리게 읽었습니다"))))
                    }
                    try await outbound.write(.text(message))
                }
            }
            group.addTask {
                for try await message in inbound.messages(maxSize: 4096) {
                    guard case .text(let text) = message else { continue }
                    for line in text.split(separator: "\n") where !line.isEmpty {
                        if !member.send(String(line)) {
                            try await outbound.write(.text(say("note", WebChatText(
                                "line not sent: \(member.outboxLimit) lines are already waiting",
                                ko: "보내지 못했습니다: 이미 \(member.outboxLimit)줄이 기다리고 있습니다"))))
                        }
                    }
                }
            }
            try await group.next()
            group.cancelAll()
        }
    }

    static func response(_ text: String, type: String) -> Response {
        Response(status: .ok, headers: [.contentType: type, .cacheControl: "no-store"],
                 body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    static func json<T: Encodable>(_ value: T, status: HTTPResponse.Status = .ok) throws -> Response {
        let data = try JSONEncoder().encode(value)
        return Response(status: status, headers: [.contentType: "application/json", .cacheControl: "no-store"],
                        body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// Runs blocking control-socket work off the server's event loops.
    static func blocking<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(with: Result { try work() }) }
        }
    }

    static func blocking<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(returning: work()) }
        }
    }
}

/// Impairment changes from the page, through `ImpairChange` exactly as `rawnet impair`.
enum WebImpairs {
    static func apply(_ asked: WebImpairRequest, located: LabLocator.Located) -> WebImpairAnswer {
        let topology: Topology
        do { topology = try located.topology() } catch { return WebImpairAnswer(ok: false, error: "\(error)") }
        guard topology.links.indices.contains(asked.link) else {
            return WebImpairAnswer(ok: false, error: "lab '\(located.name)' has no link number \(asked.link)")
        }
        let link = topology.links[asked.link]
        if let state = asked.state { return setState(state, link: link, located: located) }
        var chosen: ImpairDirection?
        if let direction = asked.direction {
            guard let parsed = ImpairDirection(rawValue: direction.lowercased()) else {
                return WebImpairAnswer(ok: false, error: "--direction must be out, in or both, not '\(direction)'")
            }
            chosen = parsed
        }
        let directions: [LinkDirection]
        do { directions = try topology.impairDirections(target: link.name, direction: chosen) } catch {
            return WebImpairAnswer(ok: false, error: "\(error)")
        }
        let change = ImpairChange(options: asked.settings ?? [:], clear: asked.clear ?? false)
        do {
            let done = try change.apply(located, directions)
            return WebImpairAnswer(ok: true, changed: Dictionary(done.map { ("\($0.0)", $0.1.settings) }) { first, _ in first },
                                   changedKo: Dictionary(done.map { ("\($0.0)", KoreanViews.impairmentSettings($0.1.settings)
                                       .replacing("\u{A0}", with: " ")) }) { first, _ in first })
        } catch {
            return WebImpairAnswer(ok: false, error: error.description, errorKo: KoreanRefusals.impairment(error.description))
        }
    }

    /// `link` on both ends, as `rawnet link` would.
    static func setState(_ state: String, link: TopologyLink, located: LabLocator.Located) -> WebImpairAnswer {
        guard ["up", "down"].contains(state) else { return WebImpairAnswer(ok: false, error: "state must be up or down, not '\(state)'") }
        for end in [link.a, link.b] {
            do {
                let client = try ControlClient(path: located.paths.control(node: end.node))
                let response = try client.request(ControlRequest(command: "link", args: ["interface": end.interface, "state": state]))
                guard response.ok else { return WebImpairAnswer(ok: false, error: "\(end.node): \(response.error ?? "error")") }
            } catch {
                return WebImpairAnswer(ok: false, error: "\(end.node): \(error)")
            }
        }
        return WebImpairAnswer(ok: true, changed: ["\(link.name)": state])
    }
}

extension WebServer {
    /// Runs the server until SIGINT or SIGTERM, blocking the calling thread (for a
    /// synchronous command line).
    public func runBlocking(onListening: @escaping @Sendable (String) -> Void) throws {
        let done = DispatchSemaphore(value: 0)
        let failure = FailureBox()
        let server = self
        Task {
            do { try await server.run(onListening: onListening) } catch { failure.set(error) }
            done.signal()
        }
        done.wait()
        if let error = failure.error { throw error }
    }
}

/// Room lines a page's chat could not queue (it read too slowly), told to it later.
private final class UnshownLines: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    func add() { lock.withLock { count += 1 } }
    func take() -> Int { lock.withLock { defer { count = 0 }; return count } }
}

/// The error a background task ended with.
private final class FailureBox: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: Error?
    func set(_ error: Error) { lock.withLock { stored = error } }
    var error: Error? { lock.withLock { stored } }
}
