import Foundation
import RawNetLab
import RawNetPlatform
import RawNetTestSupport
import Testing

/// The 3,000-byte rows of the Linux interop suite: ping and UDP datagrams larger
/// than every link's MTU, both ways between a RawNet host and an attached Linux
/// node. linux —1400— r1 —1500— bob: each side fragments for its own link, r1
/// fragments again towards Linux, and each end reassembles.
@Suite(.serialized) struct AttachMTUTests {
    /// AttachTests' lab, the link to Linux given an MTU of 1400.
    static func yaml(lab: String) -> String {
        AttachTests.yaml(lab: lab, socket: "seqpacket")
            .replacingOccurrences(of: "[linux:eth0, r1:eth0]\n", with: "[linux:eth0, r1:eth0]\n    mtu: 1400\n")
    }

    static let udpSend = """
        import socket, sys
        data = open(sys.argv[3], "rb").read()
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.sendto(data, (sys.argv[1], int(sys.argv[2])))

        """

    static let udpReceive = """
        import socket, sys
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.bind((sys.argv[1], int(sys.argv[2])))
        s.settimeout(30)
        data, _ = s.recvfrom(65535)
        open(sys.argv[3], "wb").write(data)

        """

    /// Waits until the linux node's kernel has a UDP socket on `port`.
    static func waitForLinuxUDP(_ runner: RawNetRunner, port: Int) throws {
        for _ in 0..<200 {
            if let sockets = try? runner.run(["exec", "linux", "--", "ss", "-lunH"]), sockets.output.contains(":\(port) ") {
                return
            }
            usleep(50_000)
        }
        throw TestFailure("no Linux UDP socket on port \(port)")
    }

    @Test func pingAndUDPOf3000BytesBothWays() throws {
        try #require(Processes.isRoot, "rawnet attach needs root: run the tests as root (CI does)")
        let runner = try RawNetRunner()
        let lab = "lm\(Processes.currentPID)"
        let file = runner.base + "/lab.yaml"
        try Self.yaml(lab: lab).write(toFile: file, atomically: true, encoding: .utf8)
        let namespace = LinuxNamespaces.name(lab: lab, node: "linux")
        defer {
            _ = try? runner.run(["down", "--lab", lab])
            if LinuxNamespaces.exists(namespace) { _ = try? LinuxNamespaces.ip(["netns", "delete", namespace]) }
        }
        let up = try runner.run(["up", file])
        try #require(up.status == 0, "rawnet up failed:\n\(up.output)")
        let attach = try runner.run(["attach", "linux"])
        try #require(attach.status == 0, "attach failed:\n\(attach.output)")
        #expect(attach.output.contains("mtu 1400"), "\(attach.output)")
        // The TAP device has the link's MTU.
        let link = try LinuxNamespaces.ip(["-n", namespace, "link", "show", "dev", "eth0"])
        #expect(link.output.contains("mtu 1400"), "\(link.output)")

        // Ping: Linux → bob and bob → Linux, 3000 data bytes (3028-byte datagrams).
        let linuxPing = try runner.run(["exec", "linux", "--", "ping", "-c", "3", "-i", "0.2", "-W", "2",
                                        "-s", "3000", "10.0.2.20"])
        #expect(linuxPing.status == 0 && linuxPing.output.contains(" 0% packet loss"), "\(linuxPing.output)")
        #expect(linuxPing.output.contains("3008 bytes from 10.0.2.20"), "\(linuxPing.output)")
        let rawnetPing = try runner.run(["ping", "bob", "10.0.1.10", "-s", "3000", "-c", "3", "-i", "0.2"])
        #expect(rawnetPing.status == 0 && rawnetPing.output.contains("3 received"), "\(rawnetPing.output)")
        #expect(rawnetPing.output.contains("3008 bytes from 10.0.1.10"), "\(rawnetPing.output)")

        // UDP: one 3000-byte datagram each way.
        let datagram = Data((0..<3000).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) })
        let source = runner.base + "/datagram.bin"
        try datagram.write(to: URL(fileURLWithPath: source))
        try Self.udpSend.write(toFile: runner.base + "/udp-send.py", atomically: true, encoding: .utf8)
        try Self.udpReceive.write(toFile: runner.base + "/udp-receive.py", atomically: true, encoding: .utf8)

        let intoBob = runner.base + "/into-bob.bin"
        let bobListener = try runner.startShell("'\(runner.executable)' nc bob -l 47011 --udp < /dev/null > '\(intoBob)'",
                                                name: "nc-udp-bob")
        try MTULabTests.waitForSocket(runner, host: "bob", netid: "udp", port: 47011)
        let send = try runner.run(["exec", "linux", "--", LinuxPeer.python, runner.base + "/udp-send.py",
                                   "10.0.2.20", "47011", source])
        #expect(send.status == 0, "Linux UDP sender: \(send.output)")
        #expect(try runner.wait(bobListener, timeout: 30) == 0, "rawnet nc -l --udp did not end")
        #expect((try? Data(contentsOf: URL(fileURLWithPath: intoBob))) == datagram, "Linux → RawNet datagram differs")

        let intoLinux = runner.base + "/into-linux.bin"
        let receiver = try runner.start(["exec", "linux", "--", LinuxPeer.python, runner.base + "/udp-receive.py",
                                         "10.0.1.10", "47012", intoLinux], name: "py-udp")
        try Self.waitForLinuxUDP(runner, port: 47012)
        let sent = try runner.runShell(
            "'\(runner.executable)' nc bob 10.0.1.10 47012 --udp --datagram-size 3000 < '\(source)'", timeout: 30)
        #expect(sent == 0, "rawnet nc --udp sender failed")
        #expect(try runner.wait(receiver.pid, timeout: 30) == 0, "Linux UDP receiver did not end")
        #expect((try? Data(contentsOf: URL(fileURLWithPath: intoLinux))) == datagram, "RawNet → Linux datagram differs")

        // No node dropped a fragment or gave up a datagram.
        let status = try runner.run(["status"])
        #expect(!status.output.contains("reassembly") && !status.output.contains("fragment overlap"), "\(status.output)")
    }
}
