import RawNetApps
import RawNetWire
import Testing

/// The server's protocol without sockets: requests in, responses out, on a clock the test sets.
@Suite struct HTTPSessionTests {
    static let index = Array("<h1>hello</h1>\n".utf8)

    func session(_ settings: HTTPServerSettings = HTTPServerSettings()) -> HTTPSession {
        HTTPSession(settings: settings, peer: "10.0.1.10:40000", now: 0) { path in
            switch path {
            case "/index.html", "/sub/index.html": return .file(Self.index)
            case "/big.bin": return .tooLarge
            case "/data.bin": return .file([0, 1, 2, 255])
            default: return .notFound
            }
        }
    }

    /// Parses every response in `bytes` (answers to `methods`, in order).
    func responses(_ bytes: [UInt8], methods: [String]) throws -> [(HTTPResponseHead, [UInt8])] {
        var rest = bytes
        var result: [(HTTPResponseHead, [UInt8])] = []
        for method in methods {
            var scanner = HTTPHeadScanner()
            let range = try #require(try scanner.scan(rest))
            let head = try HTTPResponseHead(parsing: rest[range])
            rest.removeFirst(range.upperBound)
            var body: [UInt8] = []
            switch try HTTPBodyFraming.response(head.headers, status: head.status, requestMethod: method) {
            case .none: break
            case .length(let n):
                body = Array(rest[..<n])
                rest.removeFirst(n)
            case .chunked:
                var decoder = HTTPChunkedDecoder()
                rest.removeFirst(try decoder.decode(rest[...], into: &body))
                #expect(decoder.isComplete)
            case .untilClose:
                body = rest
                rest = []
            }
            result.append((head, body))
        }
        #expect(rest.isEmpty, "bytes after the responses")
        return result
    }

    func get(_ target: String, method: String = "GET", extra: String = "") -> [UInt8] {
        Array("\(method) \(target) HTTP/1.1\r\nHost: bob\r\n\(extra)\r\n".utf8)
    }

    @Test func servesFilesAndKeepsTheConnection() throws {
        var session = session()
        let out = session.receive(get("/index.html"), now: 1)
        let (head, body) = try #require(try responses(out, methods: ["GET"]).first)
        #expect(head.status == 200)
        #expect(body == Self.index)
        #expect(head.headers["Content-Type"] == "text/html; charset=utf-8")
        #expect(head.headers["Content-Length"] == "\(Self.index.count)")
        #expect(!session.isFinished)
        #expect(session.log == ["GET /index.html from 10.0.1.10:40000 → 200 (15 bytes)"])
        let directory = session.receive(get("/sub/"), now: 2)
        let (indexHead, indexBody) = try #require(try responses(directory, methods: ["GET"]).first)
        #expect(indexBody == Self.index && indexHead.headers["Content-Type"] == "text/html; charset=utf-8")
    }

    @Test func headHasTheHeadersOfGetAndNoBody() throws {
        var session = session()
        let out = session.receive(get("/data.bin", method: "HEAD"), now: 1)
        let (head, body) = try #require(try responses(out, methods: ["HEAD"]).first)
        #expect(head.status == 200 && head.headers["Content-Length"] == "4" && body.isEmpty)
        #expect(head.headers["Content-Type"] == "application/octet-stream")
    }

    @Test func pipelinedRequestsSplitAnywhereGetTheSameAnswers() throws {
        let requests = get("/index.html") + get("/missing") + get("/data.bin", method: "HEAD") + get("/_request")
        var whole = session()
        let expected = whole.receive(requests, now: 1)
        let parsed = try responses(expected, methods: ["GET", "GET", "HEAD", "GET"])
        #expect(parsed.map(\.0.status) == [200, 404, 200, 200])
        #expect(parsed[3].0.headers["Transfer-Encoding"] == "chunked")
        for split in 0...requests.count {
            var split1 = session()
            let out = split1.receive(Array(requests[..<split]), now: 1) + split1.receive(Array(requests[split...]), now: 1)
            #expect(out == expected, "split at \(split)")
        }
    }

    @Test func pipelinedRequestsWaitOnceTheOutputReachesItsLimit() throws {
        var session = session()
        let requests = (0..<10).flatMap { _ in get("/index.html") }
        let first = session.receive(requests, now: 1, outputLimit: 200)
        let answered = try responses(first, methods: ["GET", "GET"])  // two responses pass 200 bytes
        #expect(answered.count == 2 && session.hasBufferedInput)
        var rest: [UInt8] = []
        while session.hasBufferedInput { rest += session.receive([], now: 2, outputLimit: 200) }
        #expect(try responses(rest, methods: Array(repeating: "GET", count: 8)).allSatisfy { $0.1 == Self.index })
        #expect(session.deadline == 1 + HTTPServerSettings().idleTimeout, "continuing is not activity")
    }

    @Test func builtInPageShowsTheRequestChunkedOrWithLengthFor10() throws {
        var session = session()
        let out = session.receive(get("/_request", extra: "X-Test: yes\r\n"), now: 1)
        let (head, body) = try #require(try responses(out, methods: ["GET"]).first)
        let text = String(decoding: body, as: UTF8.self)
        #expect(head.headers["Transfer-Encoding"] == "chunked")
        #expect(text.contains("GET /_request HTTP/1.1\nHost: bob\nX-Test: yes\n"), "\(text)")
        #expect(text.contains("10.0.1.10:40000"))
        var old = self.session()
        let old10 = old.receive(Array("GET / HTTP/1.0\r\n\r\n".utf8), now: 1)
        let (head10, body10) = try #require(try responses(old10, methods: ["GET"]).first)
        #expect(head10.headers["Content-Length"] == "\(body10.count)")
        #expect(head10.headers["Connection"] == "close")
        #expect(old.isFinished)
    }

    /// obs-text (0x80–0xFF) in field values: a request is served, its built-in page (UTF-8
    /// text) shows each byte that is not UTF-8 as U+FFFD; a head of 3,000 such bytes near the
    /// limit is still answered; in Transfer-Encoding it is an unknown coding (400 or 501).
    @Test func obsTextInFieldValuesIsServedAndCodingsOfItRefused() throws {
        var session = session()
        let note = Array("X-Note: caf".utf8) + [0xE9] + Array("\r\n".utf8)
        let big = Array("X-Big: ".utf8) + [UInt8](repeating: 0xFF, count: 3_000) + Array("\r\n".utf8)
        let request = Array("GET /_request HTTP/1.1\r\nHost: bob\r\n".utf8) + note + big + Array("\r\n".utf8)
        let (head, body) = try #require(try responses(session.receive(request, now: 1), methods: ["GET"]).first)
        let text = String(decoding: body, as: UTF8.self)
        #expect(head.status == 200 && !session.isFinished)
        #expect(text.contains("X-Note: caf\u{FFFD}\nX-Big: " + String(repeating: "\u{FFFD}", count: 3_000) + "\n"))
        #expect(try responses(session.receive(get("/index.html"), now: 2), methods: ["GET"]).first?.1 == Self.index)

        for (coding, status) in [([UInt8]([0xFF, 0xE1]), 400), (Array("\u{FF}".utf8) + Array(", chunked".utf8), 501),
                                 ([0x80] + Array(", chunked".utf8), 501)] {
            var refusing = self.session()
            let bad = Array("POST / HTTP/1.1\r\nHost: bob\r\nTransfer-Encoding: ".utf8) + coding + Array("\r\n\r\n".utf8)
            let answer = try #require(try responses(refusing.receive(bad, now: 1), methods: ["POST"]).first)
            #expect(answer.0.status == status && answer.0.headers["Connection"] == "close")
            #expect(refusing.isFinished)
        }
    }

    @Test func otherMethodsAre405WithAllow() throws {
        var session = session()
        let out = session.receive(Array("POST /index.html HTTP/1.1\r\nHost: b\r\nContent-Length: 3\r\n\r\nabc".utf8), now: 1)
        let (head, _) = try #require(try responses(out, methods: ["POST"]).first)
        #expect(head.status == 405 && head.headers["Allow"] == "GET, HEAD")
        #expect(!session.isFinished)  // the body was read: the connection can go on
        #expect(try responses(session.receive(get("/index.html"), now: 2), methods: ["GET"]).first?.0.status == 200)
    }

    @Test func requestBodiesAreReadChunkedOrByLength() throws {
        var session = session()
        let chunked = Array("GET /_request HTTP/1.1\r\nHost: b\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n".utf8)
        let out = session.receive(chunked + get("/index.html"), now: 1)
        let parsed = try responses(out, methods: ["GET", "GET"])
        #expect(String(decoding: parsed[0].1, as: UTF8.self).contains("(3 body bytes)"))
        #expect(parsed[1].1 == Self.index)
    }

    @Test func expectContinueGets100BeforeTheBody() throws {
        var session = session()
        let head = Array("POST /x HTTP/1.1\r\nHost: b\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\n".utf8)
        #expect(session.receive(head, now: 1) == Array("HTTP/1.1 100 Continue\r\n\r\n".utf8))
        #expect(try responses(session.receive(Array("abc".utf8), now: 1), methods: ["POST"]).first?.0.status == 405)
    }

    @Test func malformedRequestGets400AndTheConnectionEnds() throws {
        var session = session()
        let out = session.receive(Array("GET / HTTP/1.1\r\nHost : b\r\n\r\n".utf8) + get("/index.html"), now: 1)
        let (head, _) = try #require(try responses(out, methods: ["GET"]).first)
        #expect(head.status == 400 && head.headers["Connection"] == "close")
        #expect(session.isFinished)
        #expect(session.receive(get("/index.html"), now: 2).isEmpty)
    }

    @Test func oversizedHeadGets413() throws {
        var session = session()
        let out = session.receive(get("/", extra: "X-Big: " + String(repeating: "a", count: 9_000) + "\r\n"), now: 1)
        #expect(try responses(out, methods: ["GET"]).first?.0.status == 413)
        #expect(session.isFinished)
        var body = self.session()
        let tooLong = body.receive(Array("GET / HTTP/1.1\r\nHost: b\r\nContent-Length: 2000000\r\n\r\n".utf8), now: 1)
        #expect(try responses(tooLong, methods: ["GET"]).first?.0.status == 413)
    }

    @Test func missingFileIs404AndTooLargeIs500() throws {
        var session = session()
        let out = session.receive(get("/nothing/here") + get("/big.bin"), now: 1)
        #expect(try responses(out, methods: ["GET", "GET"]).map(\.0.status) == [404, 500])
    }

    @Test func aFileLargerThanWhatTheServerCanStillHoldIs503WithRetryAfter() throws {
        var session = session()
        session.outputAllowance = 3
        let busy = try responses(session.receive(get("/data.bin") + get("/data.bin", method: "HEAD"), now: 1),
                                 methods: ["GET", "HEAD"])
        #expect(busy.map(\.0.status) == [503, 503])
        #expect(busy[0].0.headers["Retry-After"] == "1" && busy[1].1.isEmpty)
        #expect(!session.isFinished, "the connection stays: the client may ask again")
        session.outputAllowance = 4
        let served = try responses(session.receive(get("/data.bin"), now: 2), methods: ["GET"])
        #expect(served.map(\.0.status) == [200] && served[0].1 == [0, 1, 2, 255])
        #expect(session.log.contains { $0.hasSuffix("→ 503 (0 bytes)") }, "\(session.log)")
        #expect(busy[0].1.count == 53 && busy[0].0.headers["Content-Length"] == "53")
        #expect(session.log.prefix(2) == ["GET /data.bin from 10.0.1.10:40000 → 503 (53 bytes)",
                                          "HEAD /data.bin from 10.0.1.10:40000 → 503 (0 bytes)"], "\(session.log)")
    }

    /// The log counts the body bytes each response carried, as its Content-Length says:
    /// an error page's too, none for HEAD, the built-in page's before chunking.
    @Test func logCountsTheBodyBytesSent() throws {
        var session = session()
        let requests = get("/missing") + get("/data.bin", method: "HEAD") + get("/big.bin") + get("/", method: "POST")
            + get("/_request")
        let parsed = try responses(session.receive(requests, now: 1), methods: ["GET", "HEAD", "GET", "POST", "GET"])
        #expect(parsed.map(\.0.status) == [404, 200, 500, 405, 200])
        let counts = session.log.map { line in line.split(separator: "(").last.map { String($0.dropLast(" bytes)".count)) } ?? "" }
        #expect(session.log[0] == "GET /missing from 10.0.1.10:40000 → 404 (14 bytes)", "\(session.log)")
        #expect(parsed[0].0.headers["Content-Length"] == "14" && parsed[0].1.count == 14)
        #expect(counts == ["14", "0", "\(parsed[2].1.count)", "\(parsed[3].1.count)", "\(parsed[4].1.count)"], "\(session.log)")
        #expect(parsed[2].1.count > 0 && parsed[3].1.count > 0 && parsed[4].1.count > 0)
    }

    @Test func keepAliveEndsAfterTheLimit() throws {
        var settings = HTTPServerSettings()
        settings.maximumRequestsPerConnection = 3
        var session = session(settings)
        let out = session.receive(get("/index.html") + get("/index.html") + get("/index.html") + get("/index.html"), now: 1)
        let parsed = try responses(out, methods: ["GET", "GET", "GET"])  // the fourth is not answered
        #expect(parsed.map { $0.0.headers["Connection"] } == [nil, nil, "close"])
        #expect(session.isFinished)
    }

    @Test func slowRequestGets408AndSilentConnectionJustEnds() throws {
        var settings = HTTPServerSettings()
        settings.requestTimeout = 5
        settings.idleTimeout = 20
        var slow = session(settings)
        #expect(slow.receive(Array("GET / HT".utf8), now: 1).isEmpty)
        #expect(slow.deadline == 6)
        #expect(slow.poll(now: 5.9).isEmpty && !slow.isFinished)
        _ = slow.receive(Array("T".utf8), now: 5.5)  // dripping bytes does not move the limit
        #expect(try responses(slow.poll(now: 6), methods: ["GET"]).first?.0.status == 408)
        #expect(slow.isFinished)

        var idle = session(settings)
        _ = idle.receive(get("/index.html"), now: 1)
        #expect(idle.deadline == 21)
        #expect(idle.poll(now: 21).isEmpty)
        #expect(idle.isFinished)
    }

    @Test func endOfInputInsideARequestGets400() throws {
        var cut = session()
        _ = cut.receive(Array("GET / HTTP/1.1\r\nHo".utf8), now: 1)
        #expect(try responses(cut.endOfInput(), methods: ["GET"]).first?.0.status == 400)
        var clean = session()
        _ = clean.receive(get("/index.html"), now: 1)
        #expect(clean.endOfInput().isEmpty && clean.isFinished)
    }

    @Test func urlsParseLikeCurl() {
        #expect(HTTPURL(parsing: "http://bob/index.html") == HTTPURL(host: "bob", port: 80, target: "/index.html"))
        #expect(HTTPURL(parsing: "bob:8080") == HTTPURL(host: "bob", port: 8080, target: "/"))
        #expect(HTTPURL(parsing: "http://10.0.2.20?q") == HTTPURL(host: "10.0.2.20", port: 80, target: "/?q"))
        #expect(HTTPURL(parsing: "https://bob/") == nil)
        #expect(HTTPURL(parsing: "http://bob:0/") == nil)
        #expect(HTTPURL(parsing: "http://bob/a b") == nil)
        #expect(HTTPURL(parsing: "http:///x") == nil)
    }
}
