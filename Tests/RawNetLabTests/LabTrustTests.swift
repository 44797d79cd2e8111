import Glibc
import RawNetLab
import RawNetPlatform
import RawNetTestSupport
import Testing

/// `down` signals only the lab's own daemons, and `up` uses only a run
/// directory no other user can change (issue 15, items 1 and 2).
@Suite(.serialized)
struct LabTrustTests {
    /// An unprivileged uid for the "other user" of these tests (nobody).
    static let otherUser: UInt32 = 65534

    private static func waitUntilGone(_ pid: Int32) {
        for _ in 0..<300 where Processes.isAlive(pid) { MonotonicClock.sleep(for: .milliseconds(10)) }
    }

    @Test func down_signalsOnlyTheLabsDaemons_andNamesThePidsItLeftAlone() throws {
        let rawnet = try CommandRunner()
        let up = try rawnet.run(["up"])
        #expect(up.status == 0, "\(up.output)")
        let directory = rawnet.base + "/rawnet/basic"
        let victim = try Processes.spawn(executable: "/bin/sleep", arguments: ["60"])
        defer { try? Processes.kill(victim, signal: SignalNumber.kill); _ = try? Processes.reap(victim) }

        // alice's daemon crashes and its pid is reused by an unrelated process;
        // a pid file is planted for a node the lab does not have.
        let alice = try #require(PIDFile(path: directory + "/alice.pid").read())
        try Processes.kill(alice, signal: SignalNumber.kill)
        Self.waitUntilGone(alice)
        try PIDFile(path: directory + "/alice.pid").write(victim)
        try PIDFile(path: directory + "/ghost.pid").write(victim)
        let r1 = try #require(PIDFile(path: directory + "/r1.pid").read())

        let down = try rawnet.run(["down"])
        #expect(down.status == 0, "\(down.output)")
        #expect(down.output.contains("alice: pid \(victim) is not this lab's daemon "
                                     + "(nothing holds the lock on alice.pid, as a running daemon would); not signalled"),
                "\(down.output)")
        #expect(down.output.contains("ghost: pid \(victim) is not this lab's daemon"), "\(down.output)")
        #expect(down.output.contains("lab 'basic' is down"))
        #expect(try Processes.reap(victim) == nil, "the unrelated process was not signalled")
        #expect(Processes.isAlive(victim))
        Self.waitUntilGone(r1)
        #expect(!Processes.isAlive(r1), "the lab's own daemons were stopped")
        #expect(!FileSystem.exists(directory))
    }

    @Test func daemonProof_isTheLockOnThePidFile_andTheDaemonsCommandLine() throws {
        let rawnet = try CommandRunner()
        #expect(try rawnet.run(["up"]).status == 0)
        defer { _ = try? rawnet.run(["down"]) }
        let run = try RunDirectory(labName: "basic", base: rawnet.base + "/rawnet")
        let r1 = try #require(run.pidFile(for: "r1").read())
        #expect(run.pidFile(for: "r1").lockHolder() == r1)
        #expect(LabSupervisor.nodeProcess(node: "r1", in: run) == .daemon(pid: r1))
        #expect(LabSupervisor(executable: rawnet.executable).runningPIDs(in: run).count == 3)

        let sleeper = try Processes.spawn(executable: "/bin/sleep", arguments: ["60"])
        defer { try? Processes.kill(sleeper, signal: SignalNumber.kill); _ = try? Processes.reap(sleeper) }
        // Until the child has exec'd, its command line is the test's or none: wait for sleep's.
        for _ in 0..<200 where Processes.commandLine(of: sleeper)?.first?.hasSuffix("sleep") != true { usleep(10_000) }
        let notDaemon = try #require(LabSupervisor.daemonMismatch(pid: sleeper, node: "r1", runDirectory: run))
        #expect(notDaemon.contains("sleep, not rawnetd"), "\(notDaemon)")
        let otherNode = try #require(LabSupervisor.daemonMismatch(pid: r1, node: "bob", runDirectory: run))
        #expect(otherNode.contains("is not the daemon of bob in \(run.path)"), "\(otherNode)")

        // A second daemon for a running node cannot take its pid file.
        let rawnetd = try RawNetRunner.builtExecutable(named: "rawnetd")
        let log = rawnet.base + "/second-r1.log"
        let second = try Processes.spawn(executable: rawnetd, arguments: ["router", "r1", "--run-dir", run.path],
                                         logPath: log)
        var exit: ProcessExit?
        for _ in 0..<500 where exit == nil {
            exit = try Processes.reap(second)
            MonotonicClock.sleep(for: .milliseconds(10))
        }
        #expect(exit != nil && exit != .exited(code: 0), "the second r1 must give up")
        if exit == nil { try? Processes.kill(second, signal: SignalNumber.kill); _ = try? Processes.reap(second) }
        let text = String(decoding: (try? FileSystem.readBytes(at: log)) ?? [], as: UTF8.self)
        #expect(text.contains("held by another process"), "\(text)")
        #expect(run.pidFile(for: "r1").lockHolder() == r1)
    }

    @Test func up_refusesARuntimeDirectoryWritableByOthersWithoutTheStickyBit() throws {
        let rawnet = try CommandRunner()
        let open = rawnet.base + "/open"
        try FileSystem.makeDirectories(open, mode: 0o700)
        #expect(chmod(open, 0o777) == 0)
        let up = try rawnet.run(["up"], runtimeDirectory: open)
        #expect(up.status != 0)
        #expect(up.output.contains("\(open) is writable by others and not sticky"), "\(up.output)")
        #expect(!FileSystem.exists(open + "/rawnet"), "nothing was created there")
    }

    @Test func up_refusesARawnetDirectoryAnotherUserCreated() throws {
        let rawnet = try CommandRunner()
        let shared = rawnet.base + "/shared"
        try FileSystem.makeDirectories(shared + "/rawnet", mode: 0o755)
        #expect(chmod(shared, 0o1777) == 0, "sticky and world-writable, as /tmp")
        #expect(chown(shared + "/rawnet", Self.otherUser, Self.otherUser) == 0)
        let up = try rawnet.run(["up"], runtimeDirectory: shared)
        #expect(up.status != 0)
        #expect(up.output.contains("\(shared)/rawnet is owned by uid \(Self.otherUser)"), "\(up.output)")
        #expect(try FileSystem.listDirectory(shared + "/rawnet").isEmpty)
        let down = try rawnet.run(["down", "--lab", "basic"], runtimeDirectory: shared)
        #expect(down.status != 0 && down.output.contains("is owned by uid \(Self.otherUser)"), "\(down.output)")
    }

    @Test func up_andDown_neverFollowASymlinkedLabDirectory() throws {
        let rawnet = try CommandRunner()
        let runtime = rawnet.base + "/runtime"
        let target = rawnet.base + "/target"
        try FileSystem.makeDirectories(runtime + "/rawnet", mode: 0o700)
        try FileSystem.makeDirectories(target, mode: 0o700)
        try FileSystem.writeBytes(Array("keep\n".utf8), to: target + "/keep")
        #expect(symlink(target, runtime + "/rawnet/basic") == 0)
        let up = try rawnet.run(["up"], runtimeDirectory: runtime)
        #expect(up.status != 0)
        #expect(up.output.contains("\(runtime)/rawnet/basic is a symbolic link"), "\(up.output)")
        let down = try rawnet.run(["down", "--lab", "basic"], runtimeDirectory: runtime)
        #expect(down.status != 0, "\(down.output)")
        #expect(try FileSystem.listDirectory(target) == ["keep"], "nothing was written or removed through the link")
    }

    @Test func anotherUser_isRefusedADirectoryNotItsOwn_andUsesItsOwn() throws {
        let rawnet = try CommandRunner()
        // Outside the test's private base, which the other user cannot enter.
        let home = "/tmp/rns-uid-\(Processes.currentPID)"
        try? FileSystem.removeTree(at: home)
        defer { _ = try? rawnet.run(["down", "--lab", "basic"], runtimeDirectory: home, user: Self.otherUser)
                try? FileSystem.removeTree(at: home) }
        try FileSystem.makeDirectories(home + "/rawnet", mode: 0o700)
        #expect(chown(home, Self.otherUser, Self.otherUser) == 0)
        #expect(chown(home + "/rawnet", 1, 1) == 0, "made by yet another user (uid 1)")

        let refused = try rawnet.run(["up"], runtimeDirectory: home, user: Self.otherUser)
        #expect(refused.status != 0)
        #expect(refused.output.contains("\(home)/rawnet is owned by uid 1"), "\(refused.output)")

        #expect(rmdir(home + "/rawnet") == 0)
        let up = try rawnet.run(["up"], runtimeDirectory: home, user: Self.otherUser)
        #expect(up.status == 0, "\(up.output)")
        var info = stat()
        #expect(lstat(home + "/rawnet/basic", &info) == 0 && info.st_uid == Self.otherUser)
        let down = try rawnet.run(["down", "--lab", "basic"], runtimeDirectory: home, user: Self.otherUser)
        #expect(down.status == 0, "\(down.output)")
    }
}
