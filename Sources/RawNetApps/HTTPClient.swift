import RawNetContracts
import RawNetSocket
import RawNetWire

/// `http://HOST[:PORT][/PATH]` (the scheme may be left out, as curl allows).
public struct HTTPURL: Sendable, Equatable {
    public var host: String
    public var port: UInt16
    /// The origin-form request target: the path and query, `/` at least.
    public var target: String

    public init(host: String, port: UInt16 = 80, target: String = "/") {
        self.host = host
        self.port = port
        self.target = target
    }

    public init?(parsing text: String) {
        try? self.init(reading: text)
    }

    /// Reads a URL as ``init(parsing:)`` does, or says what is wrong with it: a port
    /// (read as every app reads one, `DestinationPort`), or the URL as a whole.
    public init(reading text: String) throws(HTTPURLError) {
        var rest = Substring(text)
        if rest.lowercased().hasPrefix("http://") { rest = rest.dropFirst(7) } else if rest.contains("://") { throw .notHTTP(text) }
        let authorityEnd = rest.firstIndex { $0 == "/" || $0 == "?" } ?? rest.endIndex
        let authority = String(rest[..<authorityEnd])
        var target = String(rest[authorityEnd...])
        if target.isEmpty || target.hasPrefix("?") { target = "/" + target }
        guard target.utf8.allSatisfy({ (0x21...0x7E).contains($0) }) else { throw .notHTTP(text) }
        var endpoint = DestinationPort(destination: authority, port: 80)
        if authority.contains(":") {
            do { endpoint = try DestinationPort(parsing: authority) } catch {
                if case .notDestinationPort = error { throw .notHTTP(text) }
                throw .port(text, error)
            }
        }
        guard !endpoint.destination.isEmpty, !endpoint.destination.contains("@") else { throw .notHTTP(text) }
        self.init(host: endpoint.destination, port: endpoint.port, target: target)
    }

    /// The Host field: the host, and the port unless it is 80.
    public var authority: String { port == 80 ? host : "\(host):\(port)" }
}

/// Why a URL cannot be fetched.
public enum HTTPURLError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Not `http://HOST[:PORT][/PATH]`.
    case notHTTP(String)
    /// The URL's port cannot be read.
    case port(String, PortTextError)

    public var description: String {
        switch self {
        case .notHTTP(let text): return "'\(text)' is not an http:// URL"
        case let .port(text, error): return error.described(in: text)
        }
    }
}

public struct HTTPResponse: Sendable, Equatable {
    public var head: HTTPResponseHead
    public var body: [UInt8]
    /// Whether the server keeps the connection open for another request.
    public var keepsAlive: Bool
}

public enum HTTPClientError: Error, Equatable, CustomStringConvertible {
    case network(NetworkError)
    case http(HTTPError)
    /// The server closed the connection before the response was whole.
    case closedEarly
    case timedOut

    public var description: String {
        switch self {
        case .network(let error): return "\(error)"
        case .http(let error): return "bad response: \(error)"
        case .closedEarly: return "the server closed the connection before the response was complete"
        case .timedOut: return "no complete response in time"
        }
    }
}

/// One client connection to an HTTP server: requests go out, responses are
/// read whole (Content-Length, chunked or until the close), and the
/// connection is kept for the next request when both sides allow it.
public final class HTTPClientConnection {
    public let stream: TCPStream
    public var limits = HTTPLimits(maximumHeadBytes: 65_536, maximumFieldCount: 200, maximumBodyBytes: 1 << 30)
    private var buffer: [UInt8] = []

    public init(host: HostConnection, address: IPv4Address, port: UInt16, timeout: Duration = .seconds(30))
        throws(HTTPClientError) {
        do {
            stream = try TCPStream.connect(host, to: address, port: port, options: TCPOptions(isNagleEnabled: false),
                                           timeout: timeout)
        } catch {
            throw .network(error)
        }
    }

    /// A GET (or other method) of `url` with the usual fields and any `extra` ones.
    public static func request(_ method: String, _ url: HTTPURL, extra: HTTPHeaders = HTTPHeaders(),
                               closes: Bool = false) -> HTTPRequestHead {
        var headers: HTTPHeaders = ["Host": url.authority, "User-Agent": "rawnet-http", "Accept": "*/*"]
        headers.fields += extra.fields
        if closes { headers.append("Connection", "close") }
        return HTTPRequestHead(method: method, target: url.target, headers: headers)
    }

    public func send(_ request: HTTPRequestHead) throws(HTTPClientError) {
        do { try stream.write(request.encoded) } catch { throw .network(error) }
    }

    /// Reads the response to a request made with `method`, within `timeout`.
    public func readResponse(method: String, timeout: Duration = .seconds(60)) throws(HTTPClientError) -> HTTPResponse {
        let deadline = AppTerminal.monotonicSeconds() + Double(timeout.components.seconds)
        var scanner = HTTPHeadScanner(limits: limits)
        var head: HTTPResponseHead
        while true {
            let range: Range<Int>?
            do { range = try scanner.scan(buffer) } catch { throw .http(error) }
            if let range {
                do { head = try HTTPResponseHead(parsing: buffer[range], limits: limits) } catch { throw .http(error) }
                buffer.removeFirst(range.upperBound)
                scanner.reset()
                if (100..<200).contains(head.status) { continue }  // an interim response: the real one follows
                break
            }
            guard try fill(until: deadline) else { throw .closedEarly }
        }
        let framing: HTTPBodyFraming
        do { framing = try HTTPBodyFraming.response(head.headers, status: head.status, requestMethod: method) } catch {
            throw .http(error)
        }
        var body: [UInt8] = []
        switch framing {
        case .none:
            break
        case .length(let length):
            guard length <= limits.maximumBodyBytes else { throw .http(.bodyTooLarge) }
            while buffer.count < length { guard try fill(until: deadline) else { throw .closedEarly } }
            body = Array(buffer[..<length])
            buffer.removeFirst(length)
        case .chunked:
            var decoder = HTTPChunkedDecoder(limits: limits)
            while true {
                do { buffer.removeFirst(try decoder.decode(buffer[...], into: &body)) } catch { throw .http(error) }
                if decoder.isComplete { break }
                guard try fill(until: deadline) else { throw .closedEarly }
            }
        case .untilClose:
            while try fill(until: deadline) {
                guard buffer.count <= limits.maximumBodyBytes else { throw .http(.bodyTooLarge) }
            }
            body = buffer
            buffer = []
        }
        let keepsAlive = framing != .untilClose && head.headers.keepsAlive(head.version)
        return HTTPResponse(head: head, body: body, keepsAlive: keepsAlive)
    }

    /// Appends what arrives to the buffer; false at the end of the stream.
    private func fill(until deadline: Double) throws(HTTPClientError) -> Bool {
        while true {
            let remaining = deadline - AppTerminal.monotonicSeconds()
            guard remaining > 0 else { throw .timedOut }
            let bytes: [UInt8]?
            do { bytes = try stream.read(timeout: .milliseconds(Int64(remaining * 1000))) } catch { throw .network(error) }
            guard let bytes else { continue }
            if bytes.isEmpty { return false }
            buffer += bytes
            return true
        }
    }

    public func close() { stream.close() }
}
