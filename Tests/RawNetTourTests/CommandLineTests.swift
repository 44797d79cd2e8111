import Foundation
import RawNetPlatform
import RawNetTestSupport
import RawNetView
import Testing

/// The command line as a new user meets it: clear failures, one exit status
/// per kind of mistake (64 for the command line, 1 for the work), Ctrl-C that
/// ends a command cleanly, and a tmux layout that finds the lab.
@Suite(.serialized) struct CommandLineTests {
    @Test func down_ofALabThatIsNotRunning_fails_likeAPlainDownWithNothingRunning() throws {
        let runner = try RawNetRunner()
        let named = try runner.run(["down", "--lab", "nosuch"])
        #expect(named.status == 1, "\(named.output)")
        #expect(named.output.contains("lab 'nosuch' is not running; nothing to stop"), "\(named.output)")
        #expect(!named.output.contains("is down"))
        let plain = try runner.run(["down"])
        #expect(plain.status == 1, "\(plain.output)")
        #expect(plain.output.contains("no lab is running"), "\(plain.output)")
        #expect(try runner.run(["up"]).status == 0)
        let other = try runner.run(["down", "--lab", "nosuch"])
        #expect(other.status == 1 && other.output.contains("(running: basic)"), "\(other.output)")
        let real = try runner.run(["down", "--lab", "basic"])
        #expect(real.status == 0 && real.output.contains("lab 'basic' is down"), "\(real.output)")
    }

    @Test func argumentMistakes_exit64_inEveryCommand_workFailures_exit1() throws {
        let runner = try RawNetRunner()
        #expect(try runner.run(["up"]).status == 0)
        let mistakes: [([String], String)] = [
            (["nc", "alice"], "give DEST PORT"),
            (["nc", "alice", "bob", "notaport"], "is not a port"),
            (["ping", "nosuch", "bob", "-c", "1"], "has no node 'nosuch'"),
            (["ping", "r1", "bob", "-c", "1"], "'r1' is a router; apps run on hosts (hosts: alice, bob)"),
            (["chat", "r1", "--connect", "bob:7000"], "'r1' is a router; apps run on hosts (hosts: alice, bob)"),
            (["chat", "alice", "--connect", "bob"], "is not DEST:PORT"),
            (["impair", "alice-nosuch", "--loss", "5%"], "nosuch"),
            (["impair", "alice-r1", "--loss", "140%"], "loss"),
            (["impair", "r1:eth1", "loss", "20%"], "write `rawnet impair r1:eth1 --loss 20%`"),
            (["impair", "r1:eth1", "lots"], "unexpected 'lots' after the target"),
            (["ladder", "--from", runner.base + "/none.jsonl", "--connection", "10.0.1.10:49152"], "put it in quotes"),
            (["demo", "--lang", "fr"], "--lang must be en or ko"),
            (["demo", "--scenes", "99"], "give the number the tour shows (1-17) or the name:"),
            (["link", "alice-r1", "dwon"], "state must be up or down, not 'dwon'; did you mean 'down'?"),
        ]
        for (arguments, message) in mistakes {
            let run = try runner.run(arguments)
            #expect(run.status == 64, "rawnet \(arguments.joined(separator: " ")) exited \(run.status): \(run.output)")
            #expect(run.output.contains(message), "rawnet \(arguments.joined(separator: " ")): \(run.output)")
        }
        let refused = try runner.run(["nc", "alice", "bob", "9999"], timeout: 20)
        #expect(refused.status == 1 && refused.output.contains("connection refused"), "\(refused.output)")
    }

    /// Under Korean (`--lang ko` or RAWNET_LANG=ko) the first mistakes a learner makes are
    /// told in Korean, with the parser's usage lines, and the same exit statuses.
    @Test func mistakes_inKorean_areToldInKorean() throws {
        let runner = try RawNetRunner()
        let noLab = try runner.run(["status", "--lang", "ko"])
        #expect(noLab.status == 1, "\(noLab.output)")
        #expect(noLab.output.contains("오류: 실행 중인 실습 네트워크가 없습니다. `rawnet up` 명령으로 시작하세요"), "\(noLab.output)")
        runner.environmentOverrides["RAWNET_LANG"] = "ko"
        let up = try runner.run(["up"])
        #expect(up.status == 0 && up.output.contains("실습 네트워크 'basic'의 노드를 모두 시작했습니다") && up.output.contains("  링크 alice:eth0-r1:eth0"),
                "\(up.output)")
        let again = try runner.run(["up"])
        #expect(again.status == 1 && again.output.contains("오류: 이미 실행 중인 실습 네트워크: 'basic'"), "\(again.output)")
        let cases: [([String], Int32, String)] = [
            (["ping", "alcie", "bob", "-c", "1"], 64, "오류: 실습 네트워크 'basic'에 없는 노드: 'alcie'; 혹시 'alice'? (호스트: alice, bob)"),
            (["trce"], 64, "오류: 알 수 없는 명령: 'trce'; 혹시 'trace'? (`rawnet --help` 참고)"),
            (["impair", "alice-r1", "--delya", "5ms"], 64, "오류: 알 수 없는 옵션: '--delya'; 혹시 '--delay'? (`rawnet impair --help` 참고)"),
            (["trace", "alice-bob"], 64, "오류: 'alice-bob': 실습 네트워크 'basic'의 노드도, 노드:인터페이스도, 링크도 아닙니다."),
            (["trace", "--filter", "udp and prt 7"], 64, "오류: --filter: 잘못된 필터 (3번째 단어): 알 수 없는 단어: 'prt'; 혹시 'port'?"),
            (["ping", "alice", "bbo", "-c", "1"], 64, "오류: 'bbo': IPv4 주소도, 실습 네트워크 'basic'의 노드도 아닙니다. 혹시 'bob'? (노드: alice, bob, r1)"),
            (["chat", "alice", "--connect", "bob"], 64, "오류: 'bob': DEST:PORT 형식이 아닙니다 (예: bob:7000, 10.0.2.20:7000)"),
            (["ping", "alice", "bob", "-c", "0"], 64, "오류: -c에는 1 이상의 수를 쓰세요"),
            (["traceroute", "alice", "bob", "-m", "300"], 64, "오류: -m에는 1에서 255 사이의 수를 쓰세요"),
            (["ping", "r1", "bob", "-c", "1"], 64, "오류: 'r1': 라우터입니다. 앱은 호스트에서만 실행됩니다 (호스트: alice, bob)"),
            (["sockets", "r1"], 64, "오류: r1: 라우터입니다. 앱은 호스트에서만 실행되므로 소켓도 호스트에만 있습니다 (호스트: alice, bob)"),
            (["link", "alice-r1", "dwon"], 64, "오류: 상태에는 up이나 down을 쓰세요 (쓴 것: 'dwon'); 혹시 'down'?"),
            // The parser's Help: line gives the argument's or option's help as the Korean help page does.
            (["sockets", "-i"], 64, "도움말:  <host>  호스트입니다."),
            (["ladder", "--duration", "abc"], 64, "도움말:  --duration <duration>  실행 중인 실습 네트워크를 이 시간(초) 동안 지켜봅니다"),
            (["chat", "alice"], 64, "오류: --listen PORT와 --connect DEST:PORT 가운데 하나만 주세요"),
            (["nc", "alice", "bob", "9999"], 1, "오류: nc: 연결이 거부되었습니다 (connection refused): 그 포트에서 듣는 앱이 없습니다"),
        ]
        for (arguments, status, expected) in cases {
            let run = try runner.run(arguments, timeout: 20)
            #expect(run.status == status, "\(arguments): \(run.output)")
            #expect(run.output.contains(expected), "\(arguments): \(run.output)")
            #expect(!run.output.contains("Error:"), "\(arguments): \(run.output)")
        }
        // A command that said its own words and exits 1 (ping with no reply) gets no empty error line.
        let unanswered = try runner.run(["ping", "alice", "10.0.2.99", "-c", "1", "-W", "1"], timeout: 20)
        #expect(unanswered.status == 1 && !unanswered.output.contains("오류") && !unanswered.output.hasSuffix("\n\n"),
                "\(unanswered.output)")
        let stop = try runner.run(["stop", "r1"])
        #expect(stop.output.contains("멈춘 노드: r1 (`rawnet start r1` 명령으로 다시 시작합니다)"), "\(stop.output)")
        let start = try runner.run(["start", "r1"])
        #expect(start.output.contains("다시 실행 중인 노드: r1 (pid ") && start.output.contains("토폴로지에 적힌 대로"), "\(start.output)")
        let usage = try runner.run(["chat", "alice"])
        #expect(usage.output.contains("사용법: rawnet chat") && usage.output.contains("자세한 설명: 'rawnet chat --help'"), "\(usage.output)")
        // English stays English, and help is still help (in Korean: `help_inKorean_isKorean_englishUnchanged`).
        let help = try runner.run(["chat", "--help"])
        runner.environmentOverrides["RAWNET_LANG"] = "en"
        let english = try runner.run(["ping", "alcie", "bob", "-c", "1"])
        #expect(english.output.contains("Error: lab 'basic' has no node 'alcie'"), "\(english.output)")
        #expect(help.status == 0 && help.output.contains("사용법: rawnet chat"), "\(help.output)")
        runner.environmentOverrides["RAWNET_LANG"] = "ko"
        let down = try runner.run(["down"])
        #expect(down.status == 0 && down.output.contains("실습 네트워크 'basic'의 노드를 모두 멈췄습니다"), "\(down.output)")
    }

    /// A big lab is summed up in one line by `up`; a small one is listed node by node.
    @Test func up_ofABigLab_printsASummary_notALinePerNode() throws {
        let runner = try RawNetRunner()
        let file = runner.base + "/big.yaml"
        let generated = try runner.run(["gen", "--routers", "5", "--hosts", "40", "--name", "big", "-o", file])
        #expect(generated.status == 0, "\(generated.output)")
        let up = try runner.run(["up", file], timeout: 60)
        defer { _ = try? runner.run(["down", "--lab", "big"]) }
        #expect(up.status == 0, "\(up.output)")
        let lines = up.output.split(separator: "\n")
        #expect(lines.count <= 3, "\(up.output)")
        #expect(up.output.contains("45 nodes (40 hosts, 5 routers), 44 links; `rawnet status` lists each"), "\(up.output)")
        let small = try runner.run(["up"])
        defer { _ = try? runner.run(["down", "--lab", "basic"]) }
        #expect(small.output.contains("link alice:eth0-r1:eth0"), "a small lab is listed: \(small.output)")
    }

    @Test func unknownCommand_suggestsTheNearest() throws {
        let runner = try RawNetRunner()
        for (typed, meant) in [("sokets", "sockets"), ("impiar", "impair"), ("trce", "trace"), ("dwon", "down")] {
            let run = try runner.run([typed])
            #expect(run.status == 64, "\(typed): \(run.output)")
            #expect(run.output.contains("unknown command '\(typed)'; did you mean '\(meant)'?"), "\(run.output)")
        }
        let far = try runner.run(["xyzzy"])
        #expect(far.status == 64 && far.output.contains("unknown command 'xyzzy'") && !far.output.contains("did you mean"))
    }

    /// A mistyped option is named, with the nearest real one, even where the value after it
    /// would fail a check first (`impair … --delya 5ms` said "unexpected '5ms'").
    @Test func mistypedOption_isNamed_notItsValue() throws {
        let runner = try RawNetRunner()
        let cases: [([String], String)] = [
            (["impair", "alice-r1", "--delya", "5ms"], "unknown option '--delya'; did you mean '--delay'? (see `rawnet impair --help`)"),
            (["impair", "--los", "20%", "alice-r1"], "unknown option '--los'; did you mean '--loss'?"),
            (["chat", "alice", "--conect", "bob:7000"], "unknown option '--conect'; did you mean '--connect'? (see `rawnet chat --help`)"),
            (["http", "get", "alice", "http://bob/", "--verbos"], "(see `rawnet http get --help`)"),
            (["ping", "alice", "bob", "--count", "1"], "unknown option '--count'; did you mean '-c'? (see `rawnet ping --help`)"),
            (["traceroute", "alice", "bob", "--max-hops", "3"], "unknown option '--max-hops'; did you mean '-m'?"),
            // The parser's own words begin in lower case, as RawNet's do.
            (["impair", "alice-r1", "--loss"], "Error: missing value for '--loss <loss>'"),
            (["ping", "alice", "bob", "-x"], "Error: unknown option '-x'"),
        ]
        for (arguments, expected) in cases {
            let run = try runner.run(arguments)
            #expect(run.status == 64, "\(arguments): \(run.output)")
            #expect(run.output.contains(expected), "\(arguments): \(run.output)")
        }
        // A real option with a bad value still gets the value's own message.
        let bad = try runner.run(["impair", "alice-r1", "--delay", "fast"])
        #expect(bad.status == 64 && !bad.output.contains("unknown option"), "\(bad.output)")
        // The list of commands after an unknown one fits 80 columns.
        let unknown = try runner.run(["xyzzy"])
        #expect(unknown.output.split(separator: "\n").allSatisfy { $0.count <= 80 }, "\(unknown.output)")
        #expect(unknown.output.contains("impair") && unknown.output.contains("ladder"), "\(unknown.output)")
    }

    /// `ping -q`, as iputils': the first line and the statistics, no line per reply.
    @Test func quietPing_printsOnlyItsFirstLineAndTheStatistics() throws {
        let runner = try RawNetRunner()
        try #require(try runner.run(["up"]).status == 0)
        defer { _ = try? runner.run(["down"]) }
        let ping = try runner.run(["ping", "alice", "bob", "-q", "-c", "2", "-i", "0.2"])
        #expect(ping.status == 0, "\(ping.output)")
        #expect(ping.output.contains("PING bob (10.0.2.20) 56(84) bytes of data."), "\(ping.output)")
        #expect(ping.output.contains("2 packets transmitted, 2 received, 0% packet loss"), "\(ping.output)")
        #expect(ping.output.contains("rtt min/avg/max/mdev = "), "\(ping.output)")
        #expect(!ping.output.contains("bytes from"), "\(ping.output)")
        // tc's bytes units are kept, and said: 2mbps is 16 megabits a second.
        let rate = try runner.run(["impair", "alice-r1", "--rate", "2mbps"])
        #expect(rate.status == 0 && rate.output.contains("rate 16mbit"), "\(rate.output)")
        #expect(rate.output.contains("note: as in tc, 2mbps counts bytes per second (bits: write mbit, kbit or bit)"), "\(rate.output)")
        let bits = try runner.run(["impair", "alice-r1", "--rate", "2mbit"])
        #expect(bits.status == 0 && !bits.output.contains("note:"), "\(bits.output)")
    }

    /// A UDP chat told by ICMP that the room is unreachable (bob's cable down, ARP unanswered)
    /// says so and goes on, as a UDP app should: it was news of one datagram.
    @Test func udpChat_goesOnAfterHostUnreachable() throws {
        let runner = try RawNetRunner()
        try #require(try runner.run(["up"]).status == 0)
        defer { _ = try? runner.run(["down"]) }
        let (room, _) = try runner.start(["chat", "bob", "--listen", "7000"], name: "udp-room")
        defer { kill(room, SIGINT); _ = try? runner.wait(room, timeout: 10) }
        #expect(try runner.run(["link", "bob:eth0", "down"]).status == 0)
        let output = runner.base + "/udp-al.out"
        let chat = try Processes.spawn(executable: "/bin/sh", arguments: ["-c",
            "(echo one; sleep 5; echo two; sleep 1) | \(runner.executable) chat alice --connect bob:7000 --udp --name al"],
            logPath: output, environment: runner.environment)
        let status = try runner.wait(chat, timeout: 30)
        let printed = (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
        #expect(status == 0, "\(printed)")
        #expect(printed.contains("* 10.0.2.20 unreachable (ICMP host unreachable): a node on the way, this host or a router, asked ARP for its next hop and got no answer"), "\(printed)")
        #expect(printed.contains("udp summary:"), "the chat went on to its end: \(printed)")
    }

    /// Help says what is true and reads in 80 columns (the parser's one-line USAGE aside).
    @Test func helpTexts_areTrue_andFit80Columns() throws {
        let runner = try RawNetRunner()
        for command in ["chat", "nc", "impair", "plot", "ladder", "demo", "ping", "down"] {
            let help = try runner.run([command, "--help"])
            #expect(help.status == 0, "\(command): \(help.output)")
            let wide = help.output.split(separator: "\n").filter { !$0.hasPrefix("USAGE:") && DisplayWidth.of($0) > 80 }
            #expect(wide.isEmpty, "\(command) --help, lines over 80 columns: \(wide)")
            #expect(!help.output.contains("see below"), "\(command): nothing is below")
            #expect(!help.output.contains("10.0.1.10:49152>10.0.2.20:7000 ")
                    && !help.output.contains("--connection 10.0.1.10"), "\(command): an unquoted > example")
        }
        let plot = try runner.run(["plot", "--help"])
        #expect(!plot.output.contains("see --list"), "plot has no --list")
        let root = try runner.run(["--help"])
        #expect(root.output.contains("64 (EX_USAGE)"), "the exit statuses are documented")
    }

    /// Under Korean every help request prints the Korean page (`KoreanHelp`), at the terminal's
    /// width; the daemons' pages and the version stay as the parser prints them, and without
    /// the Korean setting the English page is the parser's, unchanged.
    @Test func help_inKorean_isKorean_englishUnchanged() throws {
        let runner = try RawNetRunner()
        runner.environmentOverrides = ["RAWNET_LANG": "ko", "COLUMNS": "80"]
        let cases: [([String], [String])] = [
            (["ping", "--help"], ["사용법: rawnet ping <host> <destination> [<options>]",
                                  "  -c <count>              요청을 N번 보내고 멈춥니다 (기본값: 4; -c 없이 -w만",
                                  "  -s <bytes>              요청마다 싣는 데이터 바이트 수입니다. (기본값: 56)"]),
            (["help", "chat"], ["개요: 실습 네트워크의 호스트끼리 TCP나 UDP로 나누는 터미널 채팅입니다.",
                                "사용법: rawnet chat <host> (--listen <port> | --connect <dest:port>) [<options>]",
                                "  --listen <port>         이 포트에서 대화방을 엽니다."]),
            (["-h"], ["하위 명령:", "  ping                    호스트에서 ICMP 에코 요청을 보냅니다. ping과 같습니다.",
                      "  하위 명령의 자세한 도움말: 'rawnet help <subcommand>'"]),
            (["help"], ["사용법: rawnet <subcommand>"]),
            (["chat", "-h"], ["사용법: rawnet chat <host> (--listen <port> | --connect <dest:port>) [<options>]"]),
            (["trace", "--help"], ["  rawnet trace r1 --filter 'icmp'     # r1이 본 ICMP"]),
            (["help", "http", "get"], ["사용법: rawnet http get <host> <urls> ... [<options>]", "  -f, --fail              상태 코드가 400 이상이면 본문 없이 표준 오류에 오류를"]),
            (["dns"], ["  serve                   호스트에서 권한 있는 네임 서버를 돌립니다 (UDP와 TCP"]),
            (["impair", "alice-r1", "--loss", "5%", "--help"], ["옵션:", "  --loss <loss>           무작위 손실입니다. 예: 20%."]),
        ]
        for (arguments, expected) in cases {
            let run = try runner.run(arguments)
            #expect(run.status == 0, "rawnet \(arguments.joined(separator: " ")): \(run.output)")
            let lines = run.output.split(separator: "\n", omittingEmptySubsequences: false)
            for line in expected {
                #expect(lines.contains(Substring(line)), "rawnet \(arguments.joined(separator: " ")): '\(line)' in:\n\(run.output)")
            }
            #expect(!run.output.contains("USAGE:") && !run.output.contains("OPTIONS:"), "\(run.output)")
            #expect(lines.allSatisfy { DisplayWidth.of($0) <= 80 }, "rawnet \(arguments.joined(separator: " ")): \(run.output)")
        }
        // The daemons' own pages and the version stay the parser's.
        let daemon = try runner.run(["router", "--help"])
        #expect(daemon.status == 0 && daemon.output.contains("USAGE: rawnet router <name>"), "\(daemon.output)")
        let version = try runner.run(["--version"])
        #expect(version.status == 0 && version.output.hasPrefix("rawnet "), "\(version.output)")
        // --lang chooses as well as the environment does.
        let chosen = try runner.run(["chat", "--lang", "en", "--help"])
        #expect(chosen.output.contains("USAGE: rawnet chat") && !chosen.output.contains("사용법"), "\(chosen.output)")
        runner.environmentOverrides = ["RAWNET_LANG": "en", "COLUMNS": "80"]
        let korean = try runner.run(["ping", "--lang", "ko", "--help"])
        #expect(korean.output.contains("사용법: rawnet ping"), "\(korean.output)")
        // English: the parser's page, the same for --help and help, without a Hangul syllable.
        let english = try runner.run(["ping", "--help"])
        let helpPing = try runner.run(["help", "ping"])
        #expect(english.status == 0 && english.output == helpPing.output, "\(english.output)\n---\n\(helpPing.output)")
        #expect(english.output.hasPrefix("OVERVIEW: Send ICMP echo requests from a host, like ping.\n\nUSAGE: rawnet ping <host> <destination> [<options>]\n"),
                "\(english.output)")
        #expect(english.output.contains("\nOPTIONS:\n  -c <count>              Stop after N requests (default: 4; given -w and no\n"), "\(english.output)")
        #expect(!english.output.unicodeScalars.contains { (0xAC00...0xD7A3).contains($0.value) }, "\(english.output)")
        let englishChat = try runner.run(["help", "chat"])
        #expect(englishChat.output.contains("USAGE: rawnet chat") && !englishChat.output.contains("사용법"), "\(englishChat.output)")
    }

    @Test func ctrlCOnPing_printsTheStatistics() throws {
        let runner = try RawNetRunner()
        #expect(try runner.run(["up"]).status == 0)
        let (pid, output) = try runner.start(["ping", "alice", "bob", "-c", "100", "-i", "0.2"], name: "ping")
        try runner.waitForOutput(output, containing: "icmp_seq=2")
        try Processes.kill(pid, signal: SignalNumber.interrupt)
        let status = try runner.wait(pid, timeout: 10)
        let printed = (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
        #expect(status == 0, "\(printed)")
        #expect(printed.contains("--- bob ping statistics ---"), "\(printed)")
        #expect(printed.contains("packets transmitted"), "\(printed)")
    }

    /// With another lab up, the tour's bare commands would ask which lab: the tour names the
    /// others and says how to point the shell at its own, instead of the general hint.
    @Test func withAnotherLabUp_theTourSaysHowToPointTheShellAtItsLab() throws {
        let runner = try RawNetRunner()
        #expect(try runner.run(["up"]).status == 0)
        defer { _ = try? runner.run(["down", "--lab", "basic"]) }
        let demo = try runner.run(["demo", "--scenes", "ports"], timeout: 120)
        #expect(demo.status == 0, "\(demo.output.suffix(1500))")
        #expect(demo.output.contains("Other labs are running too (basic)"), "\(demo.output.prefix(1500))")
        #expect(demo.output.contains("export RAWNET_LAB=tour"), "\(demo.output.prefix(1500))")
        #expect(!demo.output.contains("The commands act on the only lab running"))
    }

    @Test func ctrlCAtTheStepPrompt_endsTheTourAndStopsItsLab() throws {
        let runner = try RawNetRunner()
        // Standard input stays open and silent (a FIFO nobody writes), like a terminal nobody types in.
        let fifo = runner.base + "/keyboard"
        try FileSystem.makeFIFO(at: fifo)
        let keyboard = try FileSystem.openFIFOForWriting(fifo)
        defer { keyboard.close() }
        let output = runner.base + "/step.out"
        let pid = try Processes.spawn(executable: runner.executable, arguments: ["demo", "--step", "--scenes", "ports,handshake"],
                                      logPath: output, environment: runner.environment, inputPath: fifo)
        try runner.waitForOutput(output, containing: "press Enter for the next scene", timeout: 40)
        MonotonicClock.sleep(for: .milliseconds(300))
        try Processes.kill(pid, signal: SignalNumber.interrupt)
        let status = try runner.wait(pid, timeout: 15)
        let printed = (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
        #expect(status != nil && status != 0, "the tour ends on Ctrl-C: \(String(describing: status))\n\(printed)")
        #expect(printed.contains("lab stopped"), "\(printed)")
        #expect(!printed.contains("TCP connects first"), "the next scene did not start")
        #expect(!FileManager.default.fileExists(atPath: runner.base + "/rawnet/tour"), "the lab's run directory is gone")
    }

    /// The panes run in the tmux server's environment, which need not be the
    /// caller's: each must still find the lab under the caller's XDG_RUNTIME_DIR.
    @Test func demoTmux_panesFindTheLabUnderTheCallersRuntimeDirectory() throws {
        let runner = try RawNetRunner()
        let own = try OwnTmux(runner)
        let (tmux, environment, tmuxRun) = (OwnTmux.path, own.environment, own.run)
        // The server starts first, without the caller's runtime directory.
        var serverEnvironment = environment
        serverEnvironment["XDG_RUNTIME_DIR"] = nil
        let serverPid = try Processes.spawn(executable: tmux, arguments: ["new-session", "-d", "-s", "other"],
                                            logPath: runner.base + "/server.out", environment: serverEnvironment)
        _ = try runner.wait(serverPid, timeout: 10)
        defer { _ = try? tmuxRun(["kill-server"]) }
        let demoOut = runner.base + "/demo.out"
        let demo = try Processes.spawn(executable: runner.executable, arguments: ["demo", "--tmux", "--scenes", "ports"],
                                       logPath: demoOut, environment: environment)
        let status = try runner.wait(demo, timeout: 60)
        let printed = (try? String(contentsOfFile: demoOut, encoding: .utf8)) ?? ""
        #expect(status == 0, "\(printed)")
        let commands = try tmuxRun(["list-panes", "-s", "-t", "rawnet-tour", "-F", "#{pane_start_command}"])
        #expect(commands.contains("XDG_RUNTIME_DIR=\(runner.base)") || commands.contains("XDG_RUNTIME_DIR='\(runner.base)'"),
                "\(commands)")
        // The room pane reached the lab: it opened its room.
        let deadline = Date().addingTimeInterval(20)
        var pane = ""
        while Date() < deadline {
            pane = try (0..<4).map { try tmuxRun(["capture-pane", "-p", "-t", "rawnet-tour:0.\($0)"]) }.joined(separator: "\n")
            if pane.contains("room open") { break }
            usleep(200_000)
        }
        #expect(pane.contains("room open on bob"), "the chat room pane: \(pane)")
    }

    /// A quiz on a terminal: an answer that is no choice is asked again, saying
    /// what was typed; a choice then gets its verdict. Run in a tmux pane, so
    /// the tour reads a real terminal.
    @Test func quizOnATerminal_asksAgainAfterAnAnswerThatIsNoChoice() throws {
        let runner = try RawNetRunner()
        let tmux = try OwnTmux(runner), tmuxRun = tmux.run
        func waitForPane(_ text: String) -> String { tmux.waitForPane("quiz", containing: text, seconds: 40) }
        try tmux.startSession("quiz", rawnet: "demo --step --scenes dropOne", rows: 50)
        defer { _ = try? tmuxRun(["kill-server"]) }
        let asked = waitForPane("your guess?")
        try #require(asked.contains("your guess?"), "the question: \(asked)")
        _ = try tmuxRun(["send-keys", "-t", "quiz", "maybe", "Enter"])
        let again = waitForPane("'maybe' is not a choice")
        #expect(again.contains("'maybe' is not a choice: type 1, 2 or 3"), "asked again: \(again)")
        #expect(!again.contains("→ "), "no verdict before a choice: \(again)")
        _ = try tmuxRun(["send-keys", "-t", "quiz", "2", "Enter"])
        let verdict = waitForPane("→ ")
        #expect(verdict.contains("→ right:") || verdict.contains("→ not quite; the answer is"), "\(verdict)")
    }

    /// A chat room's own terminal sends nothing: a line typed there is answered with how to
    /// join the room, and the room goes on (a member still joins and speaks).
    @Test func chatRoomTerminal_answersATypedLineWithHowToJoin() throws {
        let runner = try RawNetRunner()
        let up = try runner.run(["up"])
        try #require(up.status == 0, "\(up.output)")
        defer { _ = try? runner.run(["down"]) }
        let tmux = try OwnTmux(runner), tmuxRun = tmux.run
        func waitForPane(_ text: String) -> String { tmux.waitForPane("room", containing: text, seconds: 20) }
        try tmux.startSession("room", rawnet: "chat bob --listen 7010", rows: 40)
        defer { _ = try? tmuxRun(["kill-server"]) }
        let opened = waitForPane("room open on bob")
        try #require(opened.contains("room open on bob port 7010"), "the room: \(opened)")
        #expect(!opened.contains("what you type here is not sent"), "no hint before anything is typed: \(opened)")
        _ = try tmuxRun(["send-keys", "-t", "room", "hello everyone", "Enter"])
        let hinted = waitForPane("what you type here is not sent")
        #expect(hinted.contains("what you type here is not sent"), "the hint: \(hinted)")
        #expect(hinted.contains("rawnet chat HOST --connect bob:7010 --name NAME"), "how to join: \(hinted)")
        let member = try Processes.spawn(executable: "/bin/sh",
                                         arguments: ["-c", "printf 'hi room\\n' | '\(runner.executable)' chat alice --connect bob:7010 --name ann"],
                                         logPath: runner.base + "/ann.out", environment: runner.environment)
        #expect(try runner.wait(member, timeout: 30) == 0, "ann's chat ends cleanly")
        let spoke = waitForPane("ann: hi room")
        #expect(spoke.contains("ann: hi room"), "the room goes on: \(spoke)")
        // Ctrl-C closes the room with a line that says so, not a bare ^C.
        _ = try tmuxRun(["send-keys", "-t", "room", "C-c"])
        let closed = waitForPane("room closed (Ctrl-C)")
        #expect(closed.contains("room closed (Ctrl-C): its members see their connection end"), "\(closed)")
    }
}

/// A tmux server of a test's own (its socket under the test's directory), and
/// a way to run tmux commands against it and read what they print.
struct OwnTmux {
    static let path = "/usr/bin/tmux"
    let runner: RawNetRunner
    let environment: [String: String]

    init(_ runner: RawNetRunner) throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.path), "tmux is needed (scripts/test installs it)")
        self.runner = runner
        var environment = runner.environment
        environment["TMUX_TMPDIR"] = runner.base
        environment["TMUX"] = nil
        self.environment = environment
    }

    func run(_ arguments: [String]) throws -> String {
        let out = runner.base + "/tmux-\(UUID().uuidString.prefix(6)).out"
        let pid = try Processes.spawn(executable: Self.path, arguments: arguments, logPath: out, environment: environment)
        _ = try runner.wait(pid, timeout: 10)
        return (try? String(contentsOfFile: out, encoding: .utf8)) ?? ""
    }

    /// Starts session `name`, 100 columns by `rows`, running the built rawnet with `arguments`
    /// (words for the shell) against the runner's lab, without colour; the pane stays 30 s after.
    func startSession(_ name: String, rawnet arguments: String, rows: Int) throws {
        let command = "env XDG_RUNTIME_DIR='\(runner.base)' NO_COLOR=1 '\(runner.executable)' \(arguments)"
        _ = try run(["new-session", "-d", "-s", name, "-x", "100", "-y", "\(rows)", command + "; sleep 30"])
    }

    /// The text of session `target`'s pane (its last 200 lines, wrapped lines joined) once it
    /// contains `text`, or as it is after `seconds`.
    func waitForPane(_ target: String, containing text: String, seconds: Double) -> String {
        let deadline = Date().addingTimeInterval(seconds)
        var pane = ""
        while Date() < deadline {
            pane = (try? run(["capture-pane", "-p", "-J", "-S", "-200", "-t", target])) ?? ""
            if pane.contains(text) { break }
            usleep(100_000)
        }
        return pane
    }
}
