import Foundation
import RawNetLab
import RawNetTestSupport
import RawNetTour
import RawNetView
import Testing

/// Lines of `output` wider than the tour's 80 columns (Hangul counts two).
/// The end of a tour's output, where a failed check is named: a whole tour is
/// too long for a failure message, which gets cut.
func lastLines(_ output: String, _ count: Int = 40) -> String {
    output.split(separator: "\n", omittingEmptySubsequences: false).suffix(count).joined(separator: "\n")
}

func overwideLines(_ output: String) -> [String] {
    output.split(separator: "\n").map(String.init).filter { DisplayWidth.of($0) > 80 }
}

/// One line per packet of `file` that `filter` selects, the `fields` separated by tabs
/// (TCP checksums checked, sequence numbers relative).
func tsharkFields(_ file: String, filter: String, fields: [String]) throws -> [String] {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: TsharkVerdict.tshark)
    process.arguments = ["-r", file, "-n", "-o", "tcp.check_checksum:TRUE", "-o", "tcp.relative_sequence_numbers:TRUE",
                         "-Y", filter, "-T", "fields"] + fields.flatMap { ["-e", $0] }
    let output = Pipe()
    process.standardOutput = output
    process.standardError = FileHandle.nullDevice
    try process.run()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else { throw TestFailure("tshark exited \(process.terminationStatus)") }
    return String(decoding: data, as: UTF8.self).split(separator: "\n").map(String.init)
}

/// The tour end to end: real daemons, real apps, the real `rawnet demo` process.
@Suite(.serialized) struct DemoTests {
    /// The hint for a `rawnet` not on the PATH names its directory from `$PWD` when it lies
    /// below the working directory, so the line fits 80 columns however deep the checkout is.
    @Test func thePathHint_startsFromTheWorkingDirectory() {
        let deep = "/home/someone/projects/network-course/week-03/rawnet-checkout"
        #expect(Demo.shellPath(deep + "/.build/debug", from: deep) == "$PWD/.build/debug")
        #expect(Demo.shellPath("/opt/rawnet/bin", from: deep) == "/opt/rawnet/bin")
        #expect(Demo.shellPath(deep + "-other/.build/debug", from: deep) == deep + "-other/.build/debug")
        #expect(Demo.shellPath("", from: deep) == ".")
        #expect(Demo.shellPath("/usr/bin", from: "/") == "/usr/bin")
        #expect(Demo.shellPath("/x/bin", from: nil) == "/x/bin")
        let line = "  $ export PATH=\"\(Demo.shellPath(deep + "/.build/debug", from: deep)):$PATH\""
        #expect(DisplayWidth.of(line) <= 80, "\(line)")
    }

    /// The Korean tour tells the learner to trace in Korean, and a command too wide for 80
    /// columns is broken before an option the way a shell reads it.
    @Test func tourCommands_speakTheTourLanguage_andFit() {
        #expect(Demo.inLanguage("rawnet trace bob --filter udp", .ko) == "rawnet trace --lang ko bob --filter udp")
        #expect(Demo.inLanguage("rawnet trace", .ko) == "rawnet trace --lang ko")
        #expect(Demo.inLanguage("rawnet trace bob", .en) == "rawnet trace bob")
        #expect(Demo.inLanguage("rawnet traceroute bob alice", .ko) == "rawnet traceroute bob alice")
        #expect(Demo.inLanguage("rawnet ladder --duration 10", .ko) == "rawnet ladder --lang ko --duration 10")
        #expect(Demo.shellLines("rawnet sockets bob") == "  $ rawnet sockets bob")
        let long = "rawnet trace --lang ko --filter 'host 10.0.2.20 and (udp or icmp) and (node bob)'"
        let lines = Demo.shellLines(long).split(separator: "\n").map(String.init)
        #expect(lines == ["  $ rawnet trace --lang ko \\", "      --filter 'host 10.0.2.20 and (udp or icmp) and (node bob)'"])
        #expect(lines.allSatisfy { DisplayWidth.of($0) <= 80 })
    }

    @Test func demo_runsToCompletion_everySceneShowsItsEvidence_captureIsClean() throws {
        let runner = try RawNetRunner()
        let capture = runner.base + "/tour.pcapng"
        let started = Date()
        let run = try runner.run(["demo", "--capture", capture], timeout: 90)
        let seconds = Date().timeIntervalSince(started)
        #expect(run.status == 0, "demo exited \(run.status); its last lines:\n\(lastLines(run.output))\n\(run.errors)")
        #expect(seconds < 60, "the tour took \(Int(seconds)) s")
        #expect(!run.output.contains("✗ missing"), "\(run.output)")
        #expect(overwideLines(run.output).isEmpty, "lines over 80 columns:\n\(overwideLines(run.output).joined(separator: "\n"))")
        // One expected piece of evidence per idea of the notes.
        let evidence = [
            "the TCP segment carrying \"hello, bob\" as it left alice:eth0",     // encapsulation
            "alice heard back only from a router: ICMP host unreachable",        // connectionless
            "datagrams arrived out of order",                                    // unreliable
            "each app on 10.0.2.20 got only the datagram for its port",          // ports
            "carol sent one ARP request; every other node on the LAN heard it",  // LAN
            "only dave answered, and the switch sent the answer to carol alone",
            "the waiter's receive returned only when its datagram came",         // blocking
            "the first three segments: SYN, SYN-ACK, ACK",                       // handshake
            "all 10 lines arrived, in order",                                    // delivery
            "bob's app read all 10 lines in the order sent",                     // ordering
            "alice:eth0 dropped exactly the chosen frame, on request: seq 27",   // drop one
            "alice sent seq 27 again and it reached bob",
            "bob found the TCP checksum wrong and dropped seq 14 (bad checksum)", // corruption
            "alice sent seq 14 again, intact, and bob took it",
            "two FINs (one per direction), each acknowledged",                   // close
            "ICMP time exceeded from r1 (10.0.1.1) and r2 (10.0.12.2)",          // TTL
            "bob → alice: 4 hops (r2, r3, r1, alice)",                           // way back
            "bob read all 10 lines in order across the cut",                     // reroute
            "bob → alice now crosses r2, r1: RIP's way",
            "cable back: bob → alice crosses r2, r3, r1 again",
            "the walk: root (10.0.4.11) referred to lab.'s server",               // names
            "asked again, rec answered from its cache",
            "the GET crossed three cables in one IP packet",                     // web
            "bob answered 200 OK and alice's app read the body hello,world",
        ]
        for line in evidence { #expect(run.output.contains(line), "missing: \(line)") }
        #expect(run.output.contains("↻ retransmission"), "the delivery ladder shows a retransmission")
        // Both kinds of retransmission, provoked on purpose and named.
        #expect(run.output.contains("line 4 was sent again right after an ACK whose SACK"))
        #expect(run.output.contains("line 10 was sent again when the retransmission timer ran out"))
        #expect(run.output.contains("↻ retransmission (timeout)"), "the ladder names the timeout")
        #expect(run.output.contains("↻ retransmission (RACK)") || run.output.contains("↻ retransmission (three duplicate ACKs)"),
                "the ladder names the fast retransmission")
        #expect(run.output.contains("alice's /stats:") && run.output.contains("tail-loss probe"))
        // Every retransmission the engine announced is drawn on the segment it sent (the
        // event is stamped before the frames of its pass), not as a row of its own.
        let strayRows = run.output.split(separator: "\n").filter { $0.contains("│ retransmit seq=") }
        #expect(strayRows.isEmpty, "retransmit events left without their segment:\n\(strayRows.joined(separator: "\n"))")
        // The ordering scene says what an ACK is (cumulative, with SACK), not "send segment 2 again".
        #expect(run.output.contains("an ACK while a line was missing:"))
        // The ports scene shows `rawnet sockets` as it prints, with the apps' names.
        #expect(run.output.contains("Netid") && run.output.contains("(\"app-7000\",pid="))
        #expect(run.output.contains("TCP segment = TCP header"), "the encapsulation staircase")
        // The window as the receiver reads it (field × scale), never the bare field as if in bytes.
        let plain = run.output.replacing("\u{A0}", with: " ")
        #expect(plain.contains("(×128 = 262144 bytes)"), "the staircase states the scaled window")
        #expect(!plain.contains("window 2048"))
        // Every scene numbered as the tour numbers it; the ports scene traces at bob.
        #expect(run.output.contains("━━ 4/17 · Ports: many apps share one IP address"))
        #expect(run.output.contains("$ rawnet trace bob --filter 'host 10.0.2.20 and (udp or icmp)'"))
        #expect(run.output.contains("all three datagrams reached bob:eth0"))
        #expect(run.output.contains("metric 16 is RIP's infinity"), "the withdrawn routes explained")
        #expect(run.output.contains("the udp rows are this scene's two apps"), "the ports scene's table explained")
        #expect(run.output.contains("lab stopped"))
        #expect(!FileManager.default.fileExists(atPath: runner.base + "/rawnet/tour"), "the lab's run directory is gone")

        // The demo's own frames pass tshark with checksum validation on, in a file per link
        // (tour.alice-r1.pcapng, …). The tour corrupts one segment on purpose (seq 14),
        // captured once on each of the three links on its way, at each link's recording
        // point (r1:eth0, r2:eth1, r2:eth0): those copies, and nothing else, have a bad checksum.
        let files = try FileManager.default.contentsOfDirectory(atPath: runner.base)
            .filter { $0.hasPrefix("tour.") && $0.hasSuffix(".pcapng") }.sorted()
        let tourLinks = try TopologyLoader.parse(yaml: DemoLab.yaml, file: "tour").links.count
        #expect(files.count == tourLinks, "a file per link of the tour lab (\(tourLinks) links): \(files)")
        #expect(run.output.contains("one per link"), "the tour names its capture files")
        var packets = 0, badCopies: [String] = []
        for name in files {
            let file = runner.base + "/" + name
            let verdict = try TsharkVerdict(file: file)
            packets += verdict.packets
            #expect(verdict.malformed == 0, "\(name)")
            let interfaces = try tsharkFields(file, filter: "frame", fields: ["frame.interface_name"])
            #expect(Set(interfaces).count <= 1, "\(name) holds one tap on one cable: \(Set(interfaces))")
            let bad = try tsharkFields(file, filter: "tcp.checksum.status == 0", fields: ["frame.interface_name", "tcp.seq"])
            #expect(verdict.badChecksums.count == bad.count, "\(name): only TCP's checksum is wrong, \(verdict.badChecksums)")
            badCopies += bad
        }
        #expect(packets > 100)
        #expect(badCopies.sorted() == ["r1:eth0", "r2:eth1", "r2:eth0"].map { "\($0)\t14" }.sorted(), "\(badCopies)")
    }

    /// Scenes chosen by the numbers the whole tour shows them under keep those numbers
    /// (ports is 4/17, TTL 13/17). The ports scene traces at bob, so the datagrams his apps
    /// got show as lines too, not only the refused one; the TTL filter reads with parentheses.
    @Test func demo_inKorean_chosenScenes_keepTheTourNumbers() throws {
        let runner = try RawNetRunner()
        let run = try runner.run(["demo", "--lang", "ko", "--scenes", "4,13"], timeout: 60)
        #expect(run.status == 0, "\(run.output)\n\(run.errors)")
        #expect(run.output.contains("━━ 4/17 · 포트: 여러 앱이 IP 주소 하나를 함께 쓴다"), "\(run.output)")
        #expect(run.output.contains("━━ 13/17 · TTL: "), "\(run.output)")
        #expect(!run.output.contains("━━ 1/2") && !run.output.contains("━━ 2/2"))
        #expect(run.output.contains("직접 해 보기"))
        #expect(run.output.contains("✓ 10.0.2.20의 각 앱은 자기 포트로 온 데이터그램만 받았습니다"))
        #expect(!run.output.contains("each app on 10.0.2.20"), "an English check line in the Korean tour")
        // A trace line is wrapped under its time: join each with its continuation lines.
        let traceLines = run.output.replacing("\n" + String(repeating: " ", count: 16), with: " ").split(separator: "\n")
        #expect(run.output.contains("$ rawnet trace --lang ko bob --filter 'host 10.0.2.20 and (udp or icmp)'"))
        for (port, length) in [(7000, 19), (7001, 19), (7002, 13)] {
            #expect(traceLines.contains { $0.contains(" bob:eth0    ← ") && $0.contains(" > \(port) len \(length)") },
                    "no trace line of the datagram bob took in for port \(port):\n\(run.output)")
        }
        #expect(run.output.contains("✓ 데이터그램 세 개가 모두 bob:eth0에 도착했고,"), "\(run.output)")
        #expect(run.output.contains("--filter '(on alice:eth0 and udp) or (icmp and not dropped)'"), "\(run.output)")
        #expect(overwideLines(run.output).isEmpty, "lines over 80 columns:\n\(overwideLines(run.output).joined(separator: "\n"))")
    }

    /// The application layer in both languages: a name walked down the DNS tree and then
    /// answered from rec's cache, and hello,world followed down the layers, across each
    /// cable and back up, every claim checked live and printed with its evidence.
    @Test(arguments: ["en", "ko"])
    func demo_namesAndWeb_walkCacheAndLayers(language: String) throws {
        let runner = try RawNetRunner()
        var run = try runner.run(["demo", "--lang", language, "--scenes", "names,web"], timeout: 60)
        run.output = run.output.replacing("\u{A0}", with: " ")
        #expect(run.status == 0, "\(run.output)\n\(run.errors)")
        let ko = language == "ko"
        #expect(!run.output.contains(ko ? "✗ 빠짐" : "✗ missing"), "\(run.output)")
        #expect(overwideLines(run.output).isEmpty, "lines over 80 columns:\n\(overwideLines(run.output).joined(separator: "\n"))")
        // Evidence printed whatever the language: dig's walk, rec's steps, the HTTP exchange and the bytes.
        for line in ["$ rawnet dig alice www.example.lab +trace", "lab.  3600  IN  NS  tld.lab.",
                     "example.lab.  300  IN  NS  ns1.lab.", "www.example.lab.  300  IN  A  10.0.2.20",
                     "#53", ko ? "$ rawnet trace --lang ko rec --filter 'port 53'" : "$ rawnet trace rec --filter 'port 53'",
                     ko ? "DNS 질의 A www.example.lab" : "DNS query A www.example.lab",
                     "> GET / HTTP/1.1", "> Host: www.example.lab", "< HTTP/1.1 200 OK", "hello,world⏎",
                     "alice:eth0 ", "r1:eth1 ", "r2:eth0 ", "TTL 64", "TTL 63", "TTL 62", "r3:eth1 ", "TTL 61",
                     "45 00 ", "HTTP     HTTP/1.1 200 OK␍⏎"] {
            #expect(run.output.contains(line), "missing: \(line)\n\(run.output)")
        }
        #expect(run.output.contains(ko ? "␍는 CR(0d), ⏎는 LF(0a)입니다" : "␍ is CR (0d) and ⏎ is LF (0a)"), "\(run.output)")
        let checks = ko ? [
            "✓ 단계별 조회: 루트(10.0.4.11)가 lab. 서버로", "✓ alice가 묻자 rec가 같은 트리를 직접 따라 내려갔고",
            "✓ 다시 묻자 rec는 캐시에서 답했습니다", "✓ GET은 IP 패킷 하나로 케이블 셋을 건넜습니다",
            "✓ 응답은 r2, r3, r1을 거쳐 돌아왔습니다", "✓ bob이 200 OK로 답했고",
            "이름이 주소가 된다", "hello,world가 계층을 내려갔다 올라온다", ";; 받음: ",
        ] : [
            "✓ the walk: root (10.0.4.11) referred to lab.'s server",
            "✓ asked by alice, rec walked the same tree itself: root, tld, ns1",
            "✓ asked again, rec answered from its cache: it asked no server",
            "✓ the GET crossed three cables in one IP packet", "✓ the response came back through r2, r3, r1",
            "✓ bob answered 200 OK and alice's app read the body hello,world",
            "Names become addresses", "hello,world down the layers and back", ";; Received ",
        ]
        for line in checks { #expect(run.output.contains(line), "missing: \(line)\n\(run.output)") }
        if ko {
            for english in ["the walk", "asked again", "crossed three cables", "down the layers", "unwrapped",
                            ";; Received", "bytes from", "no answer"] {
                #expect(!run.output.contains(english), "English left in the Korean tour: '\(english)'")
            }
        }
    }

    @Test func demo_inKorean_theLANScene() throws {
        let runner = try RawNetRunner()
        let run = try runner.run(["demo", "--lang", "ko", "--scenes", "lan"], timeout: 40)
        #expect(run.status == 0, "\(run.output)\n\(run.errors)")
        #expect(run.output.contains("LAN: ARP 요청 하나를 모든 호스트가 듣고, 하나만 답한다"))
        #expect(run.output.contains("✓ dave만 답했고, 스위치는 그 응답을 carol에게만 보냈습니다"))
        #expect(run.output.contains("sw1: 플러딩: 2개 포트"), "\(run.output)")
        #expect(!run.output.contains("only dave answered"), "an English check line in the Korean tour")
        #expect(overwideLines(run.output).isEmpty, "lines over 80 columns:\n\(overwideLines(run.output).joined(separator: "\n"))")
    }

    /// The scenes that break one chosen segment, and the blocking/polling apps, in both
    /// languages: the question is asked and answered without waiting (no terminal), and
    /// each claim is in the output, with what each app printed.
    @Test(arguments: ["en", "ko"])
    func demo_breakOneSegment_asksThenShowsTheEvidence(language: String) throws {
        let runner = try RawNetRunner()
        var run = try runner.run(["demo", "--step", "--lang", language, "--scenes", "dropOne,corruption,waiting"], timeout: 60)
        run.output = run.output.replacing("\u{A0}", with: " ")
        #expect(run.status == 0, "\(run.output)\n\(run.errors)")
        #expect(!run.output.contains(language == "ko" ? "✗ 빠짐" : "✗ missing"), "\(run.output)")
        #expect(overwideLines(run.output).isEmpty, "lines over 80 columns:\n\(overwideLines(run.output).joined(separator: "\n"))")
        let ko = language == "ko"
        let expected = ko ? [
            "? alice의 세그먼트 3(seq 27)이 사라졌습니다", "→ 답: 2) 다시 ack=27: 중복 ACK",
            "✓ alice:eth0은 고른 프레임 하나만 요청대로 버렸습니다: seq 27,",
            "✓ bob은 세그먼트 4에 중복 ACK로 답했습니다", "✓ alice가 seq 27을 다시 보냈고", "✓ bob의 앱은 6줄을 모두 순서대로 읽었습니다",
            "→ 답: 3) bob은 말없이 버리고", "잘못된 체크섬", "✓ bob이 TCP 체크섬이 틀린 것을 찾아 seq 14를 버렸습니다",
            "✓ alice가 seq 14를 성한 채로 다시 보냈고",
            "→ 답: 2) 아무것도: 데이터그램이 올 때까지", "기다리는 앱의 출력: 0.", "초 뒤 receive가 돌아옴: 'for the waiter'",
            "✓ 기다리는 앱의 receive는 데이터그램이 온 뒤에야", "그다음 'for the poller'", "✓ 폴링하는 앱은",
        ] : [
            "? alice's segment 3 (seq 27) is lost", "→ answer: 2) ack=27 again: a duplicate ACK",
            "✓ alice:eth0 dropped exactly the chosen frame, on request: seq 27,",
            "✓ bob answered segment 4 with a duplicate ACK, ack=27 again", "✓ alice sent seq 27 again and it reached bob",
            "✓ bob's app read all 6 lines, in order", "→ answer: 3) bob drops it without a word",
            "bad checksum", "✓ alice sent seq 14 again, intact, and bob took it",
            "✓ bob's app read all 6 lines unchanged, in order",
            "→ answer: 2) nothing: its thread sleeps inside receive", "the waiter printed: receive returned after 0.",
            "steps of other work, then 'for the poller'", "✓ the waiter's receive returned only when its datagram came",
            "✓ the poller found nothing",
        ]
        for line in expected { #expect(run.output.contains(line), "missing: \(line)\n\(run.output)") }
        if ko {
            for english in ["dropped on request", "bad checksum", "duplicate ACK", "answer:", "lost at", "retransmission",
                            "printed", "polls", "steps of other work", "returned after"] {
                #expect(!run.output.contains(english), "English left in the Korean tour: '\(english)'")
            }
        }
    }

    /// The whole tour in Korean: every line fits 80 columns, no label or evidence
    /// line is left in English, and each idea has one Korean word (docs/glossary.ko.md).
    @Test func demo_inKorean_everyLineFits80Columns_noEnglishLabelsLeft() throws {
        let runner = try RawNetRunner()
        var run = try runner.run(["demo", "--lang", "ko"], timeout: 90)
        run.output = run.output.replacing("\u{A0}", with: " ")  // terms hold no-break spaces
        #expect(run.status == 0, "demo exited \(run.status); its last lines:\n\(lastLines(run.output))\n\(run.errors)")
        let overwide = overwideLines(run.output)
        #expect(overwide.isEmpty, "lines over 80 columns:\n\(overwide.joined(separator: "\n"))")
        // The English labels and evidence the tour prints, none of which may remain.
        let english = [
            "alice sent:", "bob received:", "lost:", "arrived after a later one", "bob's app read", "app on port",
            "segments reached bob", "# terminal 1", "# terminal 2", "join as", "a room on", "then open it", "more rows", " more",
            "reusing the running lab", "time (ms)", "client alice", "server bob", "enters TIME-WAIT",
            "retransmission", "duplicate ACK", "lost at", "DROPPED", "injected loss", "no ARP answer", "no socket on port",
            "Application data", "TCP segment =", "IP packet =", "Ethernet frame =", "header adds", " bytes",
            "s later", "lab stopped", "missing", "evidence", "→ ok", "sendto failed", "none",
            "timeout", "tail-loss probe", "three duplicate ACKs", "spurious retransmission", "before line",
            "reached bob more than once", "an ACK while", "delayed ", "reordered", "(seen in the IP layer: no Ethernet header)", "frame #",
        ]
        // Each failure names the line it found, so a failure in CI explains itself.
        func line(containing text: String) -> String {
            run.output.split(separator: "\n").first { $0.contains(text) }.map(String.init) ?? ""
        }
        for label in english {
            #expect(!run.output.contains(label), "English left in the Korean tour: '\(label)' in: \(line(containing: label))")
        }
        // One word per idea: 실습 네트워크 (not 랩), 추적 (not 트레이스), 둘러보기 (not 투어).
        for word in ["랩", "트레이스", "투어", "탐침", "비연결성", "비신뢰성", "돕니다"] {
            #expect(!run.output.contains(word), "'\(word)' is not the glossary's word, in: \(line(containing: word))")
        }
        // The window is 윈도우 (as in the layer boxes), never 윈도, and stated in bytes.
        var rest = Substring(run.output)
        while let found = rest.range(of: "윈도") {
            #expect(rest[found.upperBound...].hasPrefix("우"), "윈도 without 우 in: \(line(containing: String(rest[found.lowerBound...].prefix(8))))")
            rest = rest[found.upperBound...]
        }
        #expect(run.output.contains("(×128 = 262144바이트)"), "the staircase states the scaled window")
        for term in ["캡슐화", "역다중화", "확인응답 번호", "연결 종료", "4-way handshake", "비연결형",
                     "신뢰성을 보장하지 않는다", "프로브 패킷", "↻ 재전송", "모든 장면이 증거를 보여 주었습니다",
                     "↻ 재전송 (타임아웃)", "10번 줄은 재전송 타이머가 끝났을 때 다시 보내졌습니다",
                     "4번 줄은 타이머가 아니라, 뒤의 줄이 도착했음을", "꼬리 손실 프로브",
                     "줄이 빠져 있을 때의 ACK:", "bob → alice는 이제 r2, r1을 지납니다"] {
            #expect(run.output.contains(term), "missing the term '\(term)'; the tour's last lines:\n\(lastLines(run.output, 15))")
        }
    }

    @Test func demo_refusesUnknownScenesAndLanguages() throws {
        let runner = try RawNetRunner()
        let scene = try runner.run(["demo", "--scenes", "nosuch"])
        #expect(scene.status != 0)
        #expect(scene.errors.contains("unknown scene 'nosuch'"))
        let language = try runner.run(["demo", "--lang", "fr"])
        #expect(language.status != 0)
        #expect(language.errors.contains("--lang must be en or ko"))
        // Usage errors (64) that name what is allowed and suggest what was meant.
        let korea = try runner.run(["demo", "--lang", "kr"])
        #expect(korea.status == 64, "\(korea.output)")
        #expect(korea.errors.contains("--lang must be en or ko (English or Korean), not 'kr'; did you mean ko (Korean)?"),
                "\(korea.errors)")
        let typo = try runner.run(["demo", "--scenes", "4,handshke"])
        #expect(typo.status == 64, "\(typo.output)")
        #expect(typo.errors.contains("unknown scene 'handshke' (did you mean handshake?)"), "\(typo.errors)")
        #expect(typo.errors.contains("  7 handshake"), "the list of scenes follows")
    }
}
