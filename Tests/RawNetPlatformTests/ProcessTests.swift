import Glibc
import Testing
@testable import RawNetPlatform

@Suite struct ProcessTests {
    @Test func spawnedChildExitsAndWritesItsLog() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let log = dir.file("child.log")
        let pid = try Processes.spawn(executable: "/bin/sh", arguments: ["-c", "echo hi; echo oops >&2; exit 3"], logPath: log)
        #expect(pid > 0)
        var exit: ProcessExit?
        let limit = MonotonicClock.now() + 5_000_000_000
        while exit == nil && MonotonicClock.now() < limit {
            exit = try Processes.reap(pid)
            if exit == nil { usleep(5_000) }
        }
        #expect(exit == .exited(code: 3))
        #expect(String(decoding: try FileSystem.readBytes(at: log), as: UTF8.self) == "hi\noops\n")
        #expect(!Processes.isAlive(pid))
    }

    @Test func childReadsStandardInputFromAFIFO() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let log = dir.file("child.log")
        let fifo = dir.file("input")
        try FileSystem.makeFIFO(at: fifo)
        let writer = try FileSystem.openFIFOForWriting(fifo)
        let pid = try Processes.spawn(executable: "/bin/sh", arguments: ["-c", "read a; read b; echo \"$b $a\""],
                                      logPath: log, inputPath: fifo)
        try writer.writeAll(Array("first\n".utf8))
        try writer.writeAll(Array("second\n".utf8))
        writer.close()
        var exit: ProcessExit?
        let limit = MonotonicClock.now() + 5_000_000_000
        while exit == nil && MonotonicClock.now() < limit {
            exit = try Processes.reap(pid)
            if exit == nil { usleep(5_000) }
        }
        #expect(exit == .exited(code: 0))
        #expect(String(decoding: try FileSystem.readBytes(at: log), as: UTF8.self) == "second first\n")
    }

    @Test func killedChildReportsTheSignal() throws {
        let pid = try Processes.spawn(executable: "/bin/sleep", arguments: ["30"])
        #expect(Processes.isAlive(pid))
        #expect(try Processes.reap(pid) == nil)
        try Processes.kill(pid, signal: SIGTERM)
        var exit: ProcessExit?
        while exit == nil { exit = try Processes.reap(pid); usleep(2_000) }
        #expect(exit == .signaled(signal: SIGTERM))
    }

    @Test func childRunsInItsOwnSession() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let log = dir.file("sid.log")
        let pid = try Processes.spawn(executable: "/bin/sh", arguments: ["-c", "cut -d' ' -f6 /proc/$$/stat"], logPath: log)
        while try Processes.reap(pid) == nil { usleep(2_000) }
        let sid = String(decoding: try FileSystem.readBytes(at: log), as: UTF8.self).trimmingWhitespace
        #expect(sid == "\(pid)")
    }

    @Test func reapChildren_leavesNoZombies_andNamesTheOnesStillRunning() throws {
        let quick = try (0..<3).map { _ in try Processes.spawn(executable: "/bin/true", arguments: []) }
        let slow = try Processes.spawn(executable: "/bin/sleep", arguments: ["5"])
        defer { try? Processes.kill(slow, signal: 9); Processes.reapChildren([slow], within: .seconds(2)) }
        let left = Processes.reapChildren(quick + [slow, getpid()], within: .milliseconds(800))
        #expect(left == [slow], "the sleeping child is still running; this process is nobody's child here")
        for pid in quick {
            #expect(!Processes.isZombie(pid))
            #expect(waitpid(pid, nil, WNOHANG) == -1, "reaped already: waitpid finds no such child")
        }
    }

    @Test func currentExecutableIsAnAbsolutePath() {
        let path = Processes.currentExecutablePath()
        #expect(path?.hasPrefix("/") == true)
    }
}

@Suite struct RunDirectoryTests {
    @Test func createsPrivateDirectoriesAndCleansUp() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let run = try RunDirectory(labName: "basic", base: dir.file("deep/rawnet"))
        try run.create()
        var info = stat()
        #expect(stat(run.path, &info) == 0 && info.st_mode & 0o777 == 0o700)
        #expect(stat(dir.file("deep"), &info) == 0 && info.st_mode & 0o777 == 0o700)
        try FileSystem.writeBytes(Array("{\"a\":1}".utf8), to: run.file("state.json"))
        #expect(try FileSystem.readBytes(at: run.file("state.json")) == Array("{\"a\":1}".utf8))
        try run.pidFile(for: "r1").write(1234)
        #expect(run.pidFile(for: "r1").read() == 1234)
        #expect(try run.list() == ["r1.pid", "state.json"])
        #expect(RunDirectory.listLabs(base: dir.file("deep/rawnet")) == ["basic"])
        try run.remove()
        #expect(!run.exists)
    }

    @Test func rejectsBadLabNames() {
        #expect(throws: RunDirectoryError.invalidLabName("../x")) { _ = try RunDirectory(labName: "../x") }
        #expect(throws: RunDirectoryError.invalidLabName("")) { _ = try RunDirectory(labName: "") }
    }

    @Test func defaultBaseIsPerUser() {
        let base = RunDirectory.baseDirectory()
        #expect(base.hasSuffix("/rawnet") || base == "/tmp/rawnet-\(getuid())")
    }
}
