import Foundation
import RawNetPlatform
import RawNetTestSupport
import Testing

/// The HTTP row of the interop suite: Linux's curl against `rawnet http serve` on bob.
extension InteropTests {
    @Test func linuxCurlFetchesARawNetServedPageByteExactAlsoUnderLoss() throws {
        try LinuxPeer.requireTool("curl", package: "curl")
        try withInteropLab("iw") { runner in
            let (root, big) = try HTTPLabTests.makeRoot(runner)
            let server = try HTTPLabTests.startServer(runner, root: root)
            defer { HTTPLabTests.stopServer(runner, server.pid) }

            func curl(_ url: String, to file: String, label: String) throws -> String {
                let run = try runner.run(["exec", "linux", "--", "curl", "-sS", "--max-time", "150", "-o", file,
                                          "-w", "%{http_code} %{size_download}", url], timeout: 180)
                #expect(run.status == 0, "\(label): curl: \(run.output)")
                return run.output
            }
            let page = runner.base + "/curl-index.html"
            #expect(try curl("http://10.0.2.20/", to: page, label: "index") == "200 16")
            #expect((try? String(contentsOfFile: page, encoding: .utf8)) == "<h1>RawNet</h1>\n")

            let clean = runner.base + "/curl-clean.bin"
            #expect(try curl("http://10.0.2.20/big.bin", to: clean, label: "clean") == "200 300000")
            #expect((try? Data(contentsOf: URL(fileURLWithPath: clean))) == big, "clean: curl got other bytes")

            let missing = try runner.run(["exec", "linux", "--", "curl", "-s", "-o", "/dev/null", "-w", "%{http_code}",
                                          "http://10.0.2.20/missing"])
            #expect(missing.output == "404", "\(missing.output)")

            let impair = try runner.run(["impair", "linux-r1", "--loss", "10%"])
            try #require(impair.status == 0, "\(impair.output)")
            let lossy = runner.base + "/curl-lossy.bin"
            #expect(try curl("http://10.0.2.20/big.bin", to: lossy, label: "10% loss") == "200 300000")
            #expect((try? Data(contentsOf: URL(fileURLWithPath: lossy))) == big, "10% loss: curl got other bytes")
            let lossyPage = runner.base + "/curl-lossy.html"
            #expect(try curl("http://10.0.2.20/index.html", to: lossyPage, label: "10% loss index") == "200 16")
            #expect((try? String(contentsOfFile: lossyPage, encoding: .utf8)) == "<h1>RawNet</h1>\n")
            // The loss was real: r1's egress towards Linux, which carried the file, lost frames.
            let show = try runner.run(["impair", "linux-r1", "--show"])
            let towardsLinux = show.output.split(separator: "\n").first { $0.hasPrefix("r1:eth0 → linux") }
            let lost = towardsLinux.flatMap { $0.split(separator: " ").dropFirst(4).first }.flatMap { Int($0) }
            #expect((lost ?? 0) > 0, "no frame was lost: \(show.output)")
        }
    }
}
