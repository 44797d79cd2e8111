import RawNetWire

/// What the server's file source answers for a path below its root.
public enum HTTPFileAnswer: Sendable, Equatable {
    case file([UInt8])
    case notFound
    /// There, but larger than the server sends (500).
    case tooLarge
}

/// The server's rules: limits on what a client sends, keep-alive, time limits.
public struct HTTPServerSettings: Sendable {
    /// Head and request-body limits; a larger head or body is answered 413 and the connection closed.
    public var limits = HTTPLimits(maximumHeadBytes: 8_192, maximumFieldCount: 100, maximumBodyBytes: 1 << 20)
    /// Requests one connection may carry; the last response says `Connection: close`.
    public var maximumRequestsPerConnection = 100
    /// Seconds a connection may stay silent between requests (and before the first).
    public var idleTimeout = 15.0
    /// Seconds a request may take to arrive whole once its first byte came (slow clients).
    public var requestTimeout = 10.0
    /// The lab host the server runs on, for the built-in page.
    public var hostName = "rawnet"

    public init() {}
}

/// One connection of the HTTP server, without sockets: bytes the client sent
/// and the time go in, response bytes and whether to close come out. Requests
/// are answered in order (pipelining works); a malformed, oversized or slow
/// request gets its error status and the connection closes after it.
public struct HTTPSession {
    public let settings: HTTPServerSettings
    /// The client, as the built-in page names it.
    public let peer: String
    private let files: (String) -> HTTPFileAnswer

    private enum Phase {
        case head
        case body(HTTPRequestHead, framing: HTTPBodyFraming, received: Int)
        case closing
    }

    private var phase = Phase.head
    private var buffer: [UInt8] = []
    private var scanner: HTTPHeadScanner
    private var chunked: HTTPChunkedDecoder
    private var served = 0
    /// When the current request's first byte came (nil between requests).
    private var requestStart: Double?
    private var lastActivity: Double
    /// True once the response that ends the connection was produced: send it, then close.
    public private(set) var isFinished = false
    /// One line per answered request (`GET /x → 200 (1234 bytes)`: the status and body bytes
    /// of the response as sent, 0 for HEAD), taken by the server's log.
    public var log: [String] = []
    /// The status and body bytes of the last response made, for its log line.
    private var lastResponse = (status: 0, bodyBytes: 0)
    /// Response bytes the server can still hold for all its clients: a file
    /// larger than this is answered 503 with `Retry-After` (the server's memory
    /// is bounded; the client may ask again once others have been served).
    public var outputAllowance = Int.max

    public init(settings: HTTPServerSettings, peer: String, now: Double, files: @escaping (String) -> HTTPFileAnswer) {
        self.settings = settings
        self.peer = peer
        self.files = files
        scanner = HTTPHeadScanner(limits: settings.limits)
        chunked = HTTPChunkedDecoder(limits: settings.limits)
        lastActivity = now
    }

    /// Bytes from the client; returns the responses they complete. Once the
    /// responses reach `outputLimit` bytes, later requests wait in the buffer
    /// (pipelined requests for large files must not pile up responses without
    /// bound): call again, with no bytes, once the output went out.
    public mutating func receive(_ bytes: [UInt8], now: Double, outputLimit: Int = .max) -> [UInt8] {
        guard !isFinished else { return [] }
        if !bytes.isEmpty {
            lastActivity = now
            if requestStart == nil { requestStart = now }
            buffer += bytes
        }
        var output: [UInt8] = []
        while !isFinished, output.count < outputLimit, let response = step(now: now) { output += response }
        return output
    }

    /// Whether bytes of a later request wait in the buffer.
    public var hasBufferedInput: Bool { !buffer.isEmpty }

    /// The client closed its side: a request cut short gets 400; then the connection ends.
    public mutating func endOfInput() -> [UInt8] {
        guard !isFinished else { return [] }
        isFinished = true
        if case .head = phase, buffer.allSatisfy({ $0 == 0x0D || $0 == 0x0A }) { return [] }
        return errorResponse(.malformed("connection closed inside a request"))
    }

    /// When `poll` has something to do (a time limit runs out).
    public var deadline: Double {
        if let requestStart { return requestStart + settings.requestTimeout }
        return lastActivity + settings.idleTimeout
    }

    /// At `deadline`: a request still arriving gets 408; a silent connection just ends.
    public mutating func poll(now: Double) -> [UInt8] {
        guard !isFinished, now >= deadline else { return [] }
        isFinished = true
        guard requestStart != nil else { return [] }
        log.append("request from \(peer) too slow → 408")
        return response(status: 408, body: Array("408 Request Timeout\n".utf8), closes: true)
    }

    /// Moves one step: a head taken, a body read, or a response made. Nil when more bytes are needed.
    private mutating func step(now: Double) -> [UInt8]? {
        switch phase {
        case .closing:
            return nil
        case .head:
            let range: Range<Int>
            do {
                guard let found = try scanner.scan(buffer) else { return nil }
                range = found
            } catch {
                return errorResponse(error)
            }
            do {
                let head = try HTTPRequestHead(parsing: buffer[range], limits: settings.limits)
                buffer.removeFirst(range.upperBound)
                scanner.reset()
                let framing = try HTTPBodyFraming.request(head.headers, limits: settings.limits)
                chunked = HTTPChunkedDecoder(limits: settings.limits)
                phase = .body(head, framing: framing, received: 0)
                // A client waiting to send its body (RFC 9110 §10.1.1) is told to go on.
                if framing != .none && head.version >= .http11 && head.headers.tokens("Expect") == ["100-continue"] {
                    return HTTPResponseHead(status: 100).encoded
                }
                return step(now: now)
            } catch {
                return errorResponse(error)
            }
        case .body(let head, let framing, let received):
            var count = received
            switch framing {
            case .none, .untilClose:
                break
            case .length(let length):
                let taken = min(length - received, buffer.count)
                buffer.removeFirst(taken)
                count += taken
                if count < length {
                    phase = .body(head, framing: framing, received: count)
                    return nil
                }
            case .chunked:
                var discarded: [UInt8] = []
                do {
                    let taken = try chunked.decode(buffer[...], into: &discarded)
                    buffer.removeFirst(taken)
                } catch {
                    return errorResponse(error)
                }
                count += discarded.count
                if !chunked.isComplete {
                    phase = .body(head, framing: framing, received: count)
                    return nil
                }
            }
            phase = .head
            requestStart = buffer.isEmpty ? nil : now
            return answer(head, bodyBytes: count)
        }
    }

    private mutating func errorResponse(_ error: HTTPError) -> [UInt8] {
        isFinished = true
        phase = .closing
        log.append("bad request from \(peer): \(error) → \(error.status)")
        let status = error.status
        return response(status: status, body: Array("\(status) \(HTTPResponseHead.reason(for: status))\n\(error)\n".utf8),
                        closes: true)
    }

    /// The response to a whole request.
    private mutating func answer(_ request: HTTPRequestHead, bodyBytes: Int) -> [UInt8] {
        served += 1
        let closes = !request.keepsAlive || served >= settings.maximumRequestsPerConnection
        if closes { isFinished = true; phase = .closing }
        let isHead = request.method == "HEAD"
        var output: [UInt8]
        defer {
            log.append("\(request.method) \(request.target) from \(peer) → \(lastResponse.status) (\(lastResponse.bodyBytes) bytes)")
        }
        guard request.method == "GET" || isHead else {
            var headers: HTTPHeaders = ["Allow": "GET, HEAD"]
            output = response(status: 405, extra: &headers, body: Array("405 Method Not Allowed\n".utf8),
                              closes: closes, version: request.version)
            return output
        }
        guard let path = HTTPTarget.path(of: request.target) else {
            isFinished = true
            phase = .closing
            return response(status: 400, body: Array("400 Bad Request\nbad request target\n".utf8), closes: true)
        }
        var answer = HTTPFileAnswer.notFound
        var isBuiltIn = path == "/_request"
        let filePath = path.hasSuffix("/") ? path + "index.html" : path
        if !isBuiltIn {
            answer = files(filePath)
            isBuiltIn = path == "/" && answer == .notFound  // the built-in page stands in for a missing index
        }
        if isBuiltIn {
            let page = builtInPage(request, bodyBytes: bodyBytes)
            return builtInResponse(page, request: request, omitsBody: isHead, closes: closes)
        }
        switch answer {
        case .file(let bytes) where bytes.count > outputAllowance:
            var headers: HTTPHeaders = ["Retry-After": "1"]
            output = response(status: 503, extra: &headers, body: Array("503 Service Unavailable\nbusy sending other responses\n".utf8),
                              omitsBody: isHead, closes: closes, version: request.version)
        case .file(let bytes):
            var headers: HTTPHeaders = ["Content-Type": HTTPSession.contentType(of: filePath)]
            output = response(status: 200, extra: &headers, body: bytes, omitsBody: isHead, closes: closes,
                              version: request.version)
        case .notFound:
            output = response(status: 404, body: Array("404 Not Found\n".utf8), omitsBody: isHead, closes: closes,
                              version: request.version)
        case .tooLarge:
            output = response(status: 500, body: Array("500 Internal Server Error\nfile too large to serve\n".utf8),
                              omitsBody: isHead, closes: closes, version: request.version)
        }
        return output
    }

    /// The built-in page: sent chunked (two chunks) to HTTP/1.1, with a Content-Length to HTTP/1.0.
    private mutating func builtInResponse(_ page: [UInt8], request: HTTPRequestHead, omitsBody: Bool, closes: Bool) -> [UInt8] {
        guard request.version >= .http11 else {
            var headers: HTTPHeaders = ["Content-Type": "text/plain; charset=utf-8"]
            return response(status: 200, extra: &headers, body: page, omitsBody: omitsBody, closes: closes,
                            version: request.version)
        }
        var head = HTTPResponseHead(status: 200, headers: ["Server": "rawnet-http",
                                                           "Content-Type": "text/plain; charset=utf-8",
                                                           "Transfer-Encoding": "chunked"])
        if closes { head.headers.append("Connection", "close") }
        lastResponse = (200, omitsBody ? 0 : page.count)
        guard !omitsBody else { return head.encoded }
        let half = page.count / 2
        return head.encoded + HTTPChunkedDecoder.chunk(page[..<half]) + HTTPChunkedDecoder.chunk(page[half...])
            + HTTPChunkedDecoder.lastChunk
    }

    private func builtInPage(_ request: HTTPRequestHead, bodyBytes: Int) -> [UInt8] {
        var text = "RawNet HTTP server on \(settings.hostName)\n"
        text += "Request from \(peer):\n\n"
        text += "\(request.method) \(request.target) \(request.version)\n"
        for field in request.headers.fields { text += "\(field.name): \(field.value)\n" }
        text += "\n(\(bodyBytes) body bytes)\n"
        return Array(text.utf8)
    }

    private mutating func response(status: Int, body: [UInt8], omitsBody: Bool = false, closes: Bool,
                          version: HTTPVersion = .http11) -> [UInt8] {
        var headers = HTTPHeaders()
        if status >= 400 { headers.append("Content-Type", "text/plain; charset=utf-8") }
        return response(status: status, extra: &headers, body: body, omitsBody: omitsBody, closes: closes, version: version)
    }

    private mutating func response(status: Int, extra: inout HTTPHeaders, body: [UInt8], omitsBody: Bool = false, closes: Bool,
                                   version: HTTPVersion = .http11) -> [UInt8] {
        lastResponse = (status, omitsBody ? 0 : body.count)
        var head = HTTPResponseHead(status: status, headers: ["Server": "rawnet-http"])
        head.headers.fields += extra.fields
        head.headers.append("Content-Length", "\(body.count)")
        if closes { head.headers.append("Connection", "close") }
        else if version < .http11 { head.headers.append("Connection", "keep-alive") }
        return head.encoded + (omitsBody ? [] : body)
    }

    static func contentType(of path: String) -> String {
        let name = path.split(separator: "/").last ?? ""
        let suffix = name.contains(".") ? String(name.split(separator: ".").last!).lowercased() : ""
        switch suffix {
        case "html", "htm": return "text/html; charset=utf-8"
        case "txt", "md": return "text/plain; charset=utf-8"
        case "css": return "text/css"
        case "js": return "text/javascript"
        case "json": return "application/json"
        case "png": return "image/png"
        case "jpg", "jpeg": return "image/jpeg"
        case "gif": return "image/gif"
        case "svg": return "image/svg+xml"
        default: return "application/octet-stream"
        }
    }
}
