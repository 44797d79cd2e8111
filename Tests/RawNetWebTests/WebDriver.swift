import Foundation
import RawNetPlatform
import RawNetTestSupport

/// A headless Chromium driven through chromedriver's WebDriver HTTP API (plain JSON over
/// loopback, one small HTTP/1.1 request per command). Fails loudly when chromium or chromedriver is missing.
final class WebDriver {
    let pid: Int32
    let port: Int
    private(set) var session = ""

    /// Starts chromedriver on a free loopback port and opens a headless Chromium session.
    init(logDirectory: String) async throws {
        for tool in ["/usr/bin/chromium", "/usr/bin/chromedriver"] where !FileManager.default.isExecutableFile(atPath: tool) {
            throw TestFailure("\(tool) is missing: install Debian's chromium and chromium-driver (scripts/test does)")
        }
        let port = try Self.freePort()
        self.port = port
        pid = try Processes.spawn(executable: "/usr/bin/chromedriver",
                                  arguments: ["--port=\(port)", "--allowed-ips=127.0.0.1"],
                                  logPath: logDirectory + "/chromedriver.log")
        let deadline = Date().addingTimeInterval(20)
        var last = "no answer"
        while true {
            do {
                let status = try await call("GET", "/status") as? [String: Any]
                if Self.isTrue(status?["ready"]) { break }
                last = "\(String(describing: status))"
            } catch {
                last = "\(error)"
            }
            if Date() > deadline {
                await quit()
                throw TestFailure("chromedriver did not become ready on port \(port): \(last)")
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        let capabilities: [String: Any] = ["capabilities": ["alwaysMatch": [
            "browserName": "chrome",
            "goog:chromeOptions": [
                "binary": "/usr/bin/chromium",
                "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                         "--window-size=1400,900", "--no-first-run", "--user-data-dir=\(logDirectory)/chromium-profile"],
            ],
        ]]]
        let answer = try? await call("POST", "/session", capabilities) as? [String: Any]
        guard let id = answer?["sessionId"] as? String else {
            await quit()
            throw TestFailure("no WebDriver session (chromium did not start): \(String(describing: answer))")
        }
        session = id
    }

    /// Closes the browser and stops chromedriver.
    func quit() async {
        if !session.isEmpty { _ = try? await call("DELETE", "/session/\(session)") }
        try? Processes.kill(pid, signal: SignalNumber.terminate)
        for _ in 0..<50 { if (try? Processes.reap(pid)) != nil { break }; usleep(20_000) }
    }

    func open(_ url: String) async throws { _ = try await command("POST", "/url", ["url": url]) }

    /// Runs `script` (a function body; `arguments` holds `args`) and returns its value.
    func run(_ script: String, _ args: [Any] = []) async throws -> Any? {
        try await command("POST", "/execute/sync", ["script": script, "args": args])
    }

    /// The WebDriver id of the first element `css` matches.
    func element(_ css: String) async throws -> String {
        let found = try await command("POST", "/element", ["using": "css selector", "value": css]) as? [String: Any]
        guard let id = found?.values.first as? String else { throw TestFailure("no element matches \(css)") }
        return id
    }

    /// Clicks the first element `css` matches. The page redraws its canvas and panels as the
    /// lab changes, so an element found a moment before may be gone: then it is found again.
    func click(_ css: String) async throws {
        for attempt in 1...5 {
            do {
                _ = try await command("POST", "/element/\(try await element(css))/click", [:])
                return
            } catch let failure as TestFailure where failure.description.contains("stale element") && attempt < 5 {
                try await Task.sleep(for: .milliseconds(50))
            }
        }
    }

    func type(_ css: String, _ text: String) async throws {
        let id = try await element(css)
        _ = try await command("POST", "/element/\(id)/clear", [:])
        _ = try await command("POST", "/element/\(id)/value", ["text": text])
    }

    /// Drags the first element `css` matches by (`dx`, `dy`) CSS pixels with the mouse, from its centre.
    func drag(_ css: String, dx: Int, dy: Int) async throws {
        let id = try await element(css)
        let mouse: [String: Any] = ["type": "pointer", "id": "mouse", "parameters": ["pointerType": "mouse"], "actions": [
            ["type": "pointerMove", "duration": 0, "origin": ["element-6066-11e4-a52e-4f735466cecf": id], "x": 0, "y": 0],
            ["type": "pointerDown", "button": 0],
            ["type": "pointerMove", "duration": 150, "origin": "pointer", "x": dx, "y": dy],
            ["type": "pointerUp", "button": 0],
        ] as [[String: Any]]]
        _ = try await command("POST", "/actions", ["actions": [mouse]])
        _ = try await command("DELETE", "/actions")
    }

    /// Clicks with the mouse at (`x`, `y`) in the viewport's CSS pixels, whatever is there.
    func click(x: Double, y: Double) async throws {
        let mouse: [String: Any] = ["type": "pointer", "id": "mouse", "parameters": ["pointerType": "mouse"], "actions": [
            ["type": "pointerMove", "duration": 0, "origin": "viewport", "x": Int(x.rounded()), "y": Int(y.rounded())],
            ["type": "pointerDown", "button": 0],
            ["type": "pointerUp", "button": 0],
        ] as [[String: Any]]]
        _ = try await command("POST", "/actions", ["actions": [mouse]])
        _ = try await command("DELETE", "/actions")
    }

    /// Resizes the browser's window (the outer size, as `--window-size` gives it).
    func resizeWindow(width: Int, height: Int) async throws {
        _ = try await command("POST", "/window/rect", ["width": width, "height": height])
    }

    /// Saves a PNG of the window to `path`.
    func screenshot(to path: String) async throws {
        guard let text = try await command("GET", "/screenshot") as? String, let png = Data(base64Encoded: text) else {
            throw TestFailure("no screenshot")
        }
        try png.write(to: URL(fileURLWithPath: path))
    }

    /// Polls `script` until it returns true (at most `timeout` seconds).
    func waitUntil(_ what: String, timeout: Double = 10, _ script: String) async throws {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if try await run(script) as? Bool == true { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw TestFailure("not within \(timeout) s: \(what)")
    }

    private func command(_ method: String, _ path: String, _ body: [String: Any]? = nil) async throws -> Any? {
        try await call(method, "/session/\(session)" + path, body)
    }

    private func call(_ method: String, _ path: String, _ body: [String: Any]? = nil) async throws -> Any? {
        let payload = try body.map { try JSONSerialization.data(withJSONObject: $0) } ?? Data()
        let data = try Self.http(port: port, method: method, path: path, body: payload)
        let json = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]) as? [String: Any]
        if let value = json?["value"] as? [String: Any], let error = value["error"] as? String {
            throw TestFailure("WebDriver \(method) \(path): \(error): \(value["message"] ?? "")")
        }
        return json?["value"] as Any?
    }

    /// One HTTP/1.1 request on a new loopback connection (closed after it); the body of the answer.
    static func http(port: Int, method: String, path: String, body: Data) throws -> Data {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw TestFailure("socket: \(errno)") }
        defer { close(fd) }
        var timeout = timeval(tv_sec: 30, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
        guard connected else { throw TestFailure("cannot connect to 127.0.0.1:\(port): errno \(errno)") }
        var request = Data("\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nConnection: close\r\n".utf8)
        request += Data("Content-Type: application/json\r\nContent-Length: \(body.count)\r\n\r\n".utf8)
        request += body
        try request.withUnsafeBytes { raw in
            var sent = 0
            while sent < raw.count {
                let n = send(fd, raw.baseAddress! + sent, raw.count - sent, Int32(MSG_NOSIGNAL))
                guard n > 0 else { throw TestFailure("send: errno \(errno)") }
                sent += n
            }
        }
        var answer = Data()
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            // Done when the headers and Content-Length bytes of body are in (the server may keep the connection).
            if let split = answer.range(of: Data("\r\n\r\n".utf8)) {
                let head = String(decoding: answer[..<split.lowerBound], as: UTF8.self).lowercased()
                if let line = head.split(separator: "\r\n").first(where: { $0.hasPrefix("content-length:") }),
                   let length = Int(line.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)),
                   answer.count - split.upperBound >= length {
                    return Data(answer[split.upperBound..<(split.upperBound + length)])
                }
            }
            let n = recv(fd, &buffer, buffer.count, 0)
            if n == 0 { break }
            guard n > 0 else { throw TestFailure("recv: errno \(errno)") }
            answer.append(contentsOf: buffer[0..<n])
        }
        guard let split = answer.range(of: Data("\r\n\r\n".utf8)) else { throw TestFailure("no HTTP answer from port \(port)") }
        let head = String(decoding: answer[..<split.lowerBound], as: UTF8.self).lowercased()
        var content = Data(answer[split.upperBound...])
        if head.contains("transfer-encoding: chunked") { content = dechunk(content) }
        return content
    }

    /// The body of a chunked answer.
    static func dechunk(_ data: Data) -> Data {
        var out = Data()
        var rest = data[...]
        while let line = rest.range(of: Data("\r\n".utf8)) {
            let size = Int(String(decoding: rest[..<line.lowerBound], as: UTF8.self).split(separator: ";")[0], radix: 16) ?? 0
            if size == 0 { break }
            let start = line.upperBound
            out += rest[start..<min(rest.endIndex, start + size)]
            rest = rest[min(rest.endIndex, start + size + 2)...]
        }
        return out
    }

    /// A JSON true, whichever way JSONSerialization gave it.
    static func isTrue(_ value: Any?) -> Bool {
        if let flag = value as? Bool { return flag }
        if let number = value as? NSNumber { return number.boolValue }
        return false
    }

    /// A loopback port nothing listens on now.
    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(fd, pointer, length) == 0 && getsockname(fd, pointer, &length) == 0
            }
        }
        guard bound else { throw TestFailure("cannot find a free loopback port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
