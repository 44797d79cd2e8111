import RawNetCore
import RawNetLab
import RawNetLabModel
import RawNetSocket
import RawNetView
import RawNetWatch
import Testing

/// The command's errors in Korean, read from the English the code itself writes (so a
/// changed English form shows here as a missing translation, not as a half-Korean line).
@Suite struct KoreanErrorsTests {
    let lab = TopologyLoader.defaultLab()

    /// No English sentence left: only names, commands, options and values stay as typed.
    func isKorean(_ text: String?, _ english: String) {
        #expect(text != nil, "no Korean for: \(english)")
        for word in ["is not", "has no", "did you mean", "unknown", "expected", "start it", "start one", "running", "give either",
                     "bad filter", "nodes:", "links:"] {
            #expect(text?.contains(word) != true, "'\(word)' left in: \(text ?? "")")
        }
    }

    /// `attempt` is refused, and its error reads in Korean beginning with `start`.
    func refused(_ what: String, startsAs start: String, _ attempt: () throws -> Void) {
        do {
            try attempt()
            Issue.record("\(what) was taken")
        } catch {
            let korean = KoreanErrors.message("\(error)")
            isKorean(korean, "\(error)")
            #expect(korean?.hasPrefix(start) == true, "\(korean ?? "\(error)")")
        }
    }

    @Test func theLab_andItsNodes() {
        let cases: [(String, String)] = [
            (LabLocator.Failure.noLab.description, "실행 중인 실습 네트워크가 없습니다. `rawnet up` 명령으로 시작하세요"),
            (LabLocator.Failure.notRunning("basic").description, "실행 중이 아닌 실습 네트워크: 'basic'. `rawnet up` 명령으로 시작하세요"),
            (LabLocator.Failure.notRunning("mine").description,
             "실행 중이 아닌 실습 네트워크: 'mine'. `rawnet up FILE` (FILE: `name: mine` 줄이 있는 토폴로지 파일) 명령으로 시작하세요"),
            (LabLocator.Failure.notRunning("basci", running: ["basic"]).description, "실행 중이 아닌 실습 네트워크: 'basci'; 혹시 'basic'? (실행 중: basic)"),
            (LabLocator.Failure.severalLabs(["basic", "big"]).description, "실습 네트워크 여러 개가 실행 중입니다 (basic, big). --lab NAME으로 하나를 고르세요"),
            (lab.noNodeMessage("alcie", kind: .host), "실습 네트워크 'basic'에 없는 노드: 'alcie'; 혹시 'alice'? (호스트: alice, bob)"),
            (lab.noNodeMessage("xyzzy"), "실습 네트워크 'basic'에 없는 노드: 'xyzzy' (노드: alice, bob, r1)"),
        ]
        for (english, korean) in cases {
            #expect(KoreanErrors.message(english) == korean, "\(english)")
            isKorean(KoreanErrors.message(english), english)
        }
        let router = lab.nodes.first { $0.name == "r1" }!
        let interface = lab.noInterfaceMessage("eht1", of: router)
        #expect(KoreanErrors.message(interface) == "노드 'r1'에 없는 인터페이스: 'eht1'; 혹시 'eth1'? (있는 것: eth0, eth1)")
    }

    @Test func traceTargets_andFilters() {
        refused("alice-bob", startsAs: "'alice-bob': 실습 네트워크 'basic'의 노드도, 노드:인터페이스도, 링크도 아닙니다.") {
            _ = try TraceSelection(targets: ["alice-bob"], topology: lab)
        }
        for (filter, start) in [("udp and prt 7", "잘못된 필터 (3번째 단어): 알 수 없는 단어: 'prt'; 혹시 'port'? 쓸 수 있는 것: tcp, udp"),
                                ("udp and", "잘못된 필터: 조건이 올 자리에서 필터가 끝났습니다 (쓸 수 있는 것: tcp"),
                                ("udp )", "잘못된 필터 (2번째 단어): 짝이 되는 '(' 없는 ')'"),
                                ("zzz", "잘못된 필터 (1번째 단어): 알 수 없는 단어: 'zzz'; 쓸 수 있는 것: tcp"),
                                ("host bob", "잘못된 필터 (2번째 단어): host 뒤에는 10.0.1.10 같은 IPv4 주소를 써야 합니다 (쓴 것: 'bob');"
                                 + " 노드의 이벤트를 고르려면: 'node bob'")] {
            do {
                _ = try TraceFilter(parsing: filter)
                Issue.record("\(filter) was taken")
            } catch {
                let korean = KoreanErrors.message(error.description)
                isKorean(korean, error.description)
                #expect(korean?.hasPrefix(start) == true, "\(filter): \(korean ?? error.description)")
            }
        }
    }

    @Test func destinations_links_andEveryFilterMistake() throws {
        refused("bbo", startsAs: "'bbo': IPv4 주소도, 실습 네트워크 'basic'의 노드도 아닙니다. 혹시 'bob'? (노드: ") { _ = try lab.resolveAddress("bbo") }
        refused("alcie", startsAs: "'alcie': 실습 네트워크 'basic'의 노드도, 노드:인터페이스도, 링크도 아닙니다. 혹시 'alice'? (노드: ") {
            _ = try TraceSelection(targets: ["alcie"], topology: lab)
        }
        refused("alice-r2", startsAs: "실습 네트워크 'basic'에 없는 링크 또는 인터페이스: 'alice-r2'; 혹시 'alice-r1'?") {
            _ = try lab.findLink("alice-r2")
        }
        for filter in ["udp and port", "tcp and (port 7000", "port x", "seq -1", "host 1.2", "event zzz", "on r1", "node", "seq",
                       "event", "host", "on", "and udp", "udp )"] {
            do {
                _ = try TraceFilter(parsing: filter)
                Issue.record("\(filter) was taken")
            } catch {
                let korean = KoreanErrors.message(error.description)
                isKorean(korean, error.description)
                for word in ["needs", "never closed", "got '", "without a matching"] {
                    #expect(korean?.contains(word) != true, "\(filter): \(korean ?? error.description)")
                }
            }
        }
        #expect(KoreanErrors.message("--direction must be out, in or both, not 'sideways'") == "--direction에는 out, in, both 가운데 하나를 쓰세요 (쓴 것: 'sideways')")
        // The argument parser's words, as it writes them.
        #expect(KoreanErrors.message("Unknown option '-x'") == "알 수 없는 옵션: '-x'")
        #expect(KoreanErrors.message("Missing expected argument '<node> ...'") == "빠진 인자: '<node> ...'")
        #expect(KoreanErrors.message("Missing value for '--loss <loss>'") == "값이 빠진 옵션: '--loss <loss>'")
        #expect(KoreanErrors.message("Unexpected argument 'x'") == "알 수 없는 인자: 'x'")
        #expect(KoreanErrors.message("The value 'abc' is invalid for '-c <count>'") == "'-c <count>'에 쓸 수 없는 값: 'abc'")
        #expect(KoreanErrors.text("Error: Missing expected argument '<node> ...'\nHelp:  <node>  Nodes to start.\nUsage: rawnet start <node> ...")
                == "오류: 빠진 인자: '<node> ...'\n도움말:  <node>  시작할 노드입니다.\n사용법: rawnet start <node> ...")
    }

    @Test func appFailures_andTheParsersLines() {
        #expect(KoreanErrors.message("nc: \(NetworkError.connectionRefused)") == "nc: 연결이 거부되었습니다 (connection refused): 그 포트에서 듣는 앱이 없습니다")
        #expect(KoreanErrors.message("chat: \(NetworkError.timedOut)") == "채팅: 응답이 없어 시간이 다 되었습니다 (timed out)")
        for error in [NetworkError.connectionReset, .networkUnreachable, .hostUnreachable, .addressInUse, .hostClosedConnection] {
            let korean = KoreanErrors.message("chat: \(error)")
            isKorean(korean, "\(error)")
            #expect(korean?.contains(" (") == true, "the English kept beside: \(korean ?? "")")
        }
        #expect(KoreanErrors.message("a sentence nobody wrote") == nil, "a form it does not know stays English")
        let parser = "Error: give either --listen PORT or --connect DEST:PORT\nUsage: rawnet chat <host> (--listen <port> | --connect <dest:port>)\n  See 'rawnet chat --help' for more information.\n"
        #expect(KoreanErrors.text(parser) == "오류: --listen PORT와 --connect DEST:PORT 가운데 하나만 주세요\n사용법: rawnet chat <host> (--listen <port> | --connect <dest:port>)\n  자세한 설명: 'rawnet chat --help'\n")
        #expect(KoreanErrors.text("Error: a sentence nobody wrote") == "오류: a sentence nobody wrote")
    }

    /// The parser's `Help:` line shows the argument's or option's help as the Korean help page
    /// does; a help the table does not have stays English, whole.
    @Test func theParsersHelpLine_isTheKoreanHelp() {
        #expect(KoreanErrors.text("Error: Missing expected argument '<host>'\nHelp:  <host>  A host.\nUsage: rawnet sockets <host> [-i]")
                == "오류: 빠진 인자: '<host>'\n도움말:  <host>  호스트입니다.\n사용법: rawnet sockets <host> [-i]")
        let duration = "Error: The value 'abc' is invalid for '--duration <duration>'\n"
            + "Help:  --duration <duration>  Watch the running lab for this many seconds (without --from or --duration: until Ctrl-C).\n"
        #expect(KoreanErrors.text(duration) == "오류: '--duration <duration>'에 쓸 수 없는 값: 'abc'\n"
                + "도움말:  --duration <duration>  실행 중인 실습 네트워크를 이 시간(초) 동안 지켜봅니다 (--from도 --duration도 없으면 Ctrl-C까지).\n")
        #expect(KoreanErrors.text("Help:  -x <x>  A help nobody wrote.") == "도움말:  -x <x>  A help nobody wrote.")
    }

    /// A node of the wrong kind, as `notAHost` and the commands' refusals say it (`rawnet ping r1 bob`,
    /// `rawnet sockets r1`, `rawnet routes sw1`, `rawnet macs r1`, `rawnet rip alice on`).
    @Test func aNodeOfTheWrongKind() {
        let cases: [(String, String)] = [
            ("'r1' is a router; apps run on hosts (hosts: alice, bob)", "'r1': 라우터입니다. 앱은 호스트에서만 실행됩니다 (호스트: alice, bob)"),
            ("r1 is a router: only hosts run apps, so only hosts have sockets (hosts: alice, bob)",
             "r1: 라우터입니다. 앱은 호스트에서만 실행되므로 소켓도 호스트에만 있습니다 (호스트: alice, bob)"),
            ("sw1 is a switch: it has no IP layer, so no sockets (lab 'x' has no host)",
             "sw1: 스위치입니다. IP 계층이 없으므로 소켓도 없습니다 (실습 네트워크 'x'에는 호스트가 없습니다)"),
            ("sw1 is a switch: it has no IP layer, so no routes; `rawnet macs sw1` shows what it learned",
             "sw1: 스위치입니다. IP 계층이 없으므로 경로도 없습니다. 스위치가 학습한 MAC 주소는 `rawnet macs sw1`로 봅니다"),
            ("pc is a linux node: its kernel keeps its ARP cache: run `rawnet exec pc -- ip neigh`",
             "pc: 리눅스 노드입니다. ARP 캐시는 그 노드의 커널이 관리합니다. `rawnet exec pc -- ip neigh` 명령으로 보세요"),
            ("r1 is a router: only switches learn MAC addresses (switches: sw1)", "r1: 라우터입니다. MAC 주소를 학습하는 것은 스위치뿐입니다 (스위치: sw1)"),
            ("alice is a host: only switches run a spanning tree (no switch of lab 'basic' runs one)",
             "alice: 호스트입니다. 스패닝 트리는 스위치만 돌립니다 (실습 네트워크 'basic'에는 스패닝 트리를 돌리는 스위치가 없습니다)"),
            ("sw2 runs no spanning tree: give it 'stp: on' in the topology (running one: sw1)",
             "sw2: 스패닝 트리를 돌리지 않는 스위치입니다. 토폴로지에서 'stp: on'을 주세요 (돌리는 스위치: sw1)"),
            ("alice is a host: only routers run RIP (routers: r1)", "alice: 호스트입니다. RIP는 라우터만 돌립니다 (라우터: r1)"),
        ]
        for (english, korean) in cases {
            #expect(KoreanErrors.message(english) == korean, "\(english)")
            isKorean(KoreanErrors.message(english), english)
        }
    }

    /// A value `validate()` refuses (`ping -c 0`, `traceroute -m 300`, `link alice-r1 dwon`) and a
    /// port or DEST:PORT that cannot be read (`PortTextError`).
    @Test func refusedValues_andPorts() {
        let cases: [(String, String)] = [
            ("-c needs a positive count", "-c에는 1 이상의 수를 쓰세요"),
            ("-W needs positive seconds", "-W에는 0보다 큰 초를 쓰세요"),
            ("--duration needs a positive number of seconds", "--duration에는 0보다 큰 초를 쓰세요"),
            ("--count needs a positive number", "--count에는 1 이상의 수를 쓰세요"),
            ("-s must be 0-65000", "-s에는 0에서 65000 사이의 수를 쓰세요"),
            ("-m must be 1-255", "-m에는 1에서 255 사이의 수를 쓰세요"),
            ("--count must be from 1 to 1000", "--count에는 1에서 1000 사이의 수를 쓰세요"),
            ("state must be up or down, not 'dwon'; did you mean 'down'?", "상태에는 up이나 down을 쓰세요 (쓴 것: 'dwon'); 혹시 'down'?"),
            ("state must be on or off, not 'x'", "상태에는 on이나 off를 쓰세요 (쓴 것: 'x')"),
            ("give --from FILE.jsonl (a saved trace) or --duration SECONDS (watch the lab now), not both",
             "--from FILE.jsonl(저장한 추적)과 --duration SECONDS(지금 실습 네트워크 지켜보기) 가운데 하나만 주세요"),
            ("'bob' is not DEST:PORT (e.g. bob:7000 or 10.0.2.20:7000)", "'bob': DEST:PORT 형식이 아닙니다 (예: bob:7000, 10.0.2.20:7000)"),
            ("'x' is not a port (a number from 1 to 65535)", "포트 번호는 1에서 65535 사이의 수여야 합니다 (쓴 것: 'x')"),
            ("'bob:99999': port 99999 is out of range (1–65535)", "'bob:99999': 포트 번호는 1–65535 범위여야 합니다 (쓴 것: 99999)"),
        ]
        for (english, korean) in cases {
            #expect(KoreanErrors.message(english) == korean, "\(english)")
        }
        // Inside the parser's own sentence, as `--listen 99999` gets it.
        #expect(KoreanErrors.message("The value '99999' is invalid for '--listen <port>': port 99999 is out of range (1–65535)")
                == "'--listen <port>'에 쓸 수 없는 값: '99999': 포트 번호는 1–65535 범위여야 합니다 (쓴 것: 99999)")
    }
}
