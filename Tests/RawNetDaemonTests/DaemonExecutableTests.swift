import RawNetContracts
import RawNetDaemon
import RawNetLab
import RawNetLabModel
import RawNetPlatform
import Testing

/// Libraries a daemon must not load: any Foundation, its ICU and i18n parts, networking and XML.
private let forbiddenLibraries = [
    "libFoundation.so", "libFoundationEssentials.so", "libFoundationInternationalization.so",
    "lib_FoundationICU.so", "libFoundationNetworking.so", "libFoundationXML.so",
]

/// The output of a binutils tool (`readelf`, `nm`) run on `path`; fails loudly when the tool is missing.
private func binutils(_ tool: String, _ arguments: [String], on path: String) throws -> String {
    guard let program = ["/usr/bin/" + tool, "/bin/" + tool].first(where: FileSystem.isExecutableFile) else {
        throw HarnessError("\(tool) (binutils) is needed to check what \(path) links")
    }
    let output = "/tmp/rnt-\(tool)-\(Processes.currentPID).out"
    defer { try? FileSystem.removeFile(at: output) }
    try? FileSystem.removeFile(at: output)
    let pid = try Processes.spawn(executable: program, arguments: arguments + [path], logPath: output)
    var exit: ProcessExit?
    for _ in 0..<3000 where exit == nil {
        exit = try Processes.reap(pid)
        if exit == nil { MonotonicClock.sleep(for: .milliseconds(10)) }
    }
    guard exit == .exited(code: 0) else { throw HarnessError("\(tool) \(path) ended with \(String(describing: exit))") }
    return String(decoding: try FileSystem.readBytes(at: output), as: UTF8.self)
}

/// What `program arguments` printed (stdout and stderr) and how it ended.
private func output(of program: String, _ arguments: [String]) throws -> (exit: ProcessExit?, text: String) {
    let output = "/tmp/rnt-run-\(Processes.currentPID)-\(MonotonicClock.now() % 1_000_000_007).out"
    defer { try? FileSystem.removeFile(at: output) }
    let pid = try Processes.spawn(executable: program, arguments: arguments, logPath: output)
    var exit: ProcessExit?
    for _ in 0..<3000 where exit == nil {
        exit = try Processes.reap(pid)
        if exit == nil { MonotonicClock.sleep(for: .milliseconds(10)) }
    }
    if exit == nil { try? Processes.kill(pid, signal: SignalNumber.kill); _ = try? Processes.reap(pid) }
    return (exit, String(decoding: try FileSystem.readBytes(at: output), as: UTF8.self))
}

/// Symbols (defined or needed) of a module, by its mangled name, in an ELF file's symbol table.
private func symbolCount(ofModule module: String, in path: String) throws -> Int {
    let mangled = "\(module.utf8.count)\(module)"
    return try binutils("nm", [], on: path).split(separator: "\n").count { $0.contains(mangled) }
}

/// The shared libraries an ELF file names as NEEDED, read with `readelf -d`.
private func neededLibraries(of path: String) throws -> [String] {
    let text = try binutils("readelf", ["-d"], on: path)
    // Lines look like: 0x0000000000000001 (NEEDED)  Shared library: [libc.so.6]
    return text.split(separator: "\n").filter { $0.contains("(NEEDED)") }.compactMap { line in
        guard let open = line.lastIndex(of: "["), let close = line.lastIndex(of: "]"), open < close else { return nil }
        return String(line[line.index(after: open)..<close])
    }
}

/// The file paths a running process has mapped, from /proc/PID/maps.
private func mappedFiles(pid: Int32) throws -> Set<String> {
    let text = String(decoding: try FileSystem.readBytes(at: "/proc/\(pid)/maps"), as: UTF8.self)
    return Set(text.split(separator: "\n").compactMap { line in
        line.firstIndex(of: "/").map { String(line[$0...]) }
    })
}

private func fileName(_ path: String) -> String {
    path.split(separator: "/").last.map(String.init) ?? path
}

/// The daemon executable (`rawnetd`) and the fallback to `rawnet router|host`.
@Suite(.serialized)
struct DaemonExecutableTests {
    @Test func rawnetd_linksNeitherFoundationNorICU_whileRawnetDoes() throws {
        let rawnet = try DaemonTestLab.rawnetExecutable()
        let daemon = try DaemonTestLab.daemonExecutable(besideRawnet: rawnet)
        let daemonLibraries = try neededLibraries(of: daemon)
        // rawnetd carries the Swift runtime inside (-static-stdlib); libc is the control that the list was read.
        #expect(daemonLibraries.contains("libc.so.6"), "\(daemonLibraries)")
        #expect(!daemonLibraries.contains("libswiftCore.so"), "\(daemonLibraries)")
        for library in forbiddenLibraries {
            #expect(!daemonLibraries.contains(library), "rawnetd links \(library): \(daemonLibraries)")
        }
        // The same check finds Foundation in rawnet (Yams and the command line need it).
        #expect(try neededLibraries(of: rawnet).contains("libFoundation.so"))
    }

    @Test func rawnetd_holdsNoFoundationCode_evenLinkedStatically() throws {
        let rawnet = try DaemonTestLab.rawnetExecutable()
        let daemon = try DaemonTestLab.daemonExecutable(besideRawnet: rawnet)
        #expect(try symbolCount(ofModule: "FoundationEssentials", in: daemon) == 0)
        #expect(try symbolCount(ofModule: "Yams", in: daemon) == 0)
        #expect(try symbolCount(ofModule: "RawNetJSON", in: daemon) > 0, "the control protocol's own codec is there")
        // The control: rawnet uses FoundationEssentials, and nm shows it.
        #expect(try symbolCount(ofModule: "FoundationEssentials", in: rawnet) > 0)
    }

    @Test func runningDaemons_areRawnetd_andMapNoFoundation() throws {
        let lab = try DaemonTestLab(yaml: TopologyLoader.defaultLabYAML)
        defer { lab.stop() }
        for (node, pid) in lab.pids.sorted(by: { $0.key < $1.key }) {
            let files = try mappedFiles(pid: pid).map(fileName)
            #expect(files.contains("rawnetd"), "\(node): \(files.sorted())")
            #expect(files.contains("libc.so.6"), "\(node): \(files.sorted())")
            for library in forbiddenLibraries {
                #expect(!files.contains(library), "\(node) maps \(library)")
            }
            #expect(!files.contains { $0.contains("Yams") || $0.contains("icudt") }, "\(node): \(files.sorted())")
        }
        let ping = try lab.rawnet(["ping", "alice", "bob", "-c", "1"])
        #expect(ping.status == 0, "\(ping.output)")
    }

    @Test func fallback_rawnetRouterAndHost_runTheLabFromLabYAML() throws {
        let lab = try DaemonTestLab(yaml: TopologyLoader.defaultLabYAML, usingFallbackDaemon: true)
        defer { lab.stop() }
        for (node, pid) in lab.pids {
            let files = try mappedFiles(pid: pid).map(fileName)
            #expect(files.contains("rawnet") && !files.contains("rawnetd"), "\(node): \(files.sorted())")
        }
        // The daemons wrote lab.conf from lab.yaml, and commands read it.
        #expect(try LabConfig.load(path: lab.paths.labConfigFile) == lab.topology)
        let ping = try lab.rawnet(["ping", "alice", "bob", "-c", "2", "-i", "0.1"])
        #expect(ping.status == 0, "\(ping.output)")
        #expect(ping.output.contains("2 packets transmitted, 2 received, 0% packet loss"), "\(ping.output)")
    }

    @Test func supervisor_picksRawnetdBesideRawnet_elseFallsBack() throws {
        let directory = "/tmp/rnt-exe-\(Processes.currentPID)-\(MonotonicClock.now() % 1_000_000_007)"
        try FileSystem.makeDirectories(directory)
        defer { try? FileSystem.removeTree(at: directory) }
        let rawnet = directory + "/rawnet"
        try FileSystem.writeBytes(Array("#!/bin/sh\n".utf8), to: rawnet, mode: 0o755)

        let alone = LabSupervisor(executable: rawnet)
        #expect(alone.daemonExecutable == rawnet)
        #expect(alone.isUsingFallbackDaemon)
        #expect(alone.fallbackNote.contains("rawnet router|host"))

        try FileSystem.writeBytes(Array("not a program\n".utf8), to: directory + "/rawnetd", mode: 0o644)
        #expect(LabSupervisor(executable: rawnet).isUsingFallbackDaemon, "a rawnetd that cannot run is not used")

        try FileSystem.writeBytes(Array("#!/bin/sh\n".utf8), to: directory + "/rawnetd", mode: 0o755)
        let paired = LabSupervisor(executable: rawnet)
        #expect(paired.daemonExecutable == directory + "/rawnetd")
        #expect(!paired.isUsingFallbackDaemon)
        #expect(LabSupervisor(executable: rawnet, daemonExecutable: rawnet).isUsingFallbackDaemon)
    }

    @Test func daemonArguments_readTheDaemonCommandLine() throws {
        #expect(try DaemonArguments.parse(["router", "r1", "--run-dir", "/tmp/x"])
            == DaemonArguments(kind: .router, name: "r1", runDirectory: "/tmp/x"))
        #expect(try DaemonArguments.parse(["host", "--verbose", "alice", "--run-dir=/run/lab"])
            == DaemonArguments(kind: .host, name: "alice", runDirectory: "/run/lab", isVerbose: true))
        #expect(try DaemonArguments.parse(["host", "alice", "--help"]) == nil)
        #expect(try DaemonArguments.parse(["switch", "sw1", "--run-dir", "/x"])
            == DaemonArguments(kind: .switch, name: "sw1", runDirectory: "/x"))
        let bad: [([String], String)] = [
            (["hub", "s1", "--run-dir", "/x"], "unknown kind 'hub' (expected router, host, switch or linux)"),
            (["router", "--run-dir", "/x"], "expected a kind and a node name, found 1 word(s)"),
            (["router", "r1"], "missing --run-dir DIR"),
            (["router", "r1", "--run-dir"], "--run-dir needs a directory"),
            (["router", "r1", "--run-dir", "/x", "--fast"], "unknown option '--fast'"),
        ]
        for (arguments, message) in bad {
            #expect(throws: DaemonUsageError.self) { try DaemonArguments.parse(arguments) }
            do { _ = try DaemonArguments.parse(arguments) } catch { #expect("\(error)" == message) }
        }
    }

    @Test func rawnetAndRawnetd_printTheVersion() throws {
        let rawnet = try DaemonTestLab.rawnetExecutable()
        let daemon = try DaemonTestLab.daemonExecutable(besideRawnet: rawnet)
        let cli = try output(of: rawnet, ["--version"])
        #expect(cli.exit == .exited(code: 0))
        #expect(cli.text == "rawnet \(RawNetVersion.current)\n", "\(cli.text)")
        let node = try output(of: daemon, ["--version"])
        #expect(node.exit == .exited(code: 0))
        #expect(node.text == "rawnetd \(RawNetVersion.current)\n", "\(node.text)")
        #expect(DaemonArguments.usage.contains("rawnetd --version"))
    }

    @Test func rawnetAndRawnetd_holdNoBenchmarkOrSimulationCode() throws {
        let rawnet = try DaemonTestLab.rawnetExecutable()
        let daemon = try DaemonTestLab.daemonExecutable(besideRawnet: rawnet)
        for path in [rawnet, daemon] {
            for module in ["RawNetBench", "RawNetBenchPlatform", "RawNetSim", "rawnet_bench"] {
                #expect(try symbolCount(ofModule: module, in: path) == 0, "\(path) holds \(module) code")
            }
        }
        // The control: rawnet's own modules are there, and nm shows them.
        #expect(try symbolCount(ofModule: "RawNetWatch", in: rawnet) > 0)
    }
}
