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
        refused("alice-bob", startsAs: "실습 네트워크 'basic'의 노드도, 노드:인터페이스도, 링크도 아닌 것: 'alice-bob'") {
            _ = try TraceSelection(targets: ["alice-bob"], topology: lab)
        }
        for (filter, start) in [("udp and prt 7", "잘못된 필터 (3번째 낱말): 알 수 없는 낱말: 'prt'; 혹시 'port'? 쓸 수 있는 것: tcp, udp"),
                                ("udp and", "잘못된 필터: 조건이 올 자리에서 필터가 끝났습니다 (쓸 수 있는 것: tcp"),
                                ("udp )", "잘못된 필터 (2번째 낱말): 짝이 되는 '(' 없는 ')'"),
                                ("zzz", "잘못된 필터 (1번째 낱말): 알 수 없는 낱말: 'zzz'; 쓸 수 있는 것: tcp")] {
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
        refused("bbo", startsAs: "IPv4 주소도 실습 네트워크 'basic'의 노드도 아닌 것: 'bbo'; 혹시 'bob'? (노드: ") { _ = try lab.resolveAddress("bbo") }
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
                == "오류: 빠진 인자: '<node> ...'\n도움말:  <node>  Nodes to start.\n사용법: rawnet start <node> ...")
    }

    @Test func appFailures_andTheParsersLines() {
        #expect(KoreanErrors.message("nc: \(NetworkError.connectionRefused)") == "nc: 연결이 거부되었습니다 (connection refused): 그 포트에서 듣는 앱이 없습니다")
        #expect(KoreanErrors.message("chat: \(NetworkError.timedOut)") == "chat: 응답이 없어 시간이 다 되었습니다 (timed out)")
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
}
