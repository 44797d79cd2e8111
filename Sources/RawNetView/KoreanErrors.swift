/// The `rawnet` command's errors in Korean, for `--lang ko` (or a Korean locale): the
/// mistakes a learner makes first — no lab running, a mistyped node, command, option or
/// filter word, a target that is not in the lab, a refused or unanswered connection.
/// The English is written in one place each (`LabLocator`, `Topology.noNodeMessage`,
/// `TraceFilter`, `NetworkError` …); its forms are read back here. A form this does not
/// know stays English rather than be half translated. Particles that depend on the
/// word before them (이/가, 을/를) are avoided: a name comes after a colon instead.
public enum KoreanErrors {
    /// `Error: …` and the parser's `Usage:` lines of a whole error text, line by line.
    public static func text(_ english: String) -> String {
        english.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
            if line.hasPrefix("Error: ") {
                let english = String(line.dropFirst("Error: ".count))
                return "오류: " + (message(english) ?? english)
            }
            if line.hasPrefix("Usage: ") { return "사용법: " + line.dropFirst("Usage: ".count) }
            if let match = line.wholeMatch(of: #/(\s*)See '(.+)' for more information\./#) {
                return "\(match.1)자세한 설명: '\(match.2)'"
            }
            if line.hasPrefix("commands: ") { return "명령: " + line.dropFirst("commands: ".count) }
            if line.hasPrefix("Help:  ") { return "도움말:  " + line.dropFirst("Help:  ".count) }
            return String(line)
        }.joined(separator: "\n")
    }

    /// The Korean of one error message, or nil when it is not a form this knows.
    public static func message(_ english: String) -> String? {
        // "no lab is running; start one with `rawnet up`"
        if english == "no lab is running; start one with `rawnet up`" {
            return "실행 중인 실습 네트워크가 없습니다. `rawnet up` 명령으로 시작하세요"
        }
        // "several labs are running (basic, big); choose one with --lab NAME"
        if let m = english.wholeMatch(of: #/several labs are running \((.+)\); choose one with --lab NAME/#) {
            return "실습 네트워크 여러 개가 실행 중입니다 (\(m.1)). --lab NAME으로 하나를 고르세요"
        }
        // "lab 'x' is not running; did you mean 'basic'? (running: basic)"
        if let m = english.wholeMatch(of: #/lab '([^']*)' is not running(; did you mean '[^']*'\?)? \(running: (.+)\)/#) {
            return "실행 중이 아닌 실습 네트워크: '\(m.1)'\(didYouMean(m.2)) (실행 중: \(m.3))"
        }
        // "lab 'basic' is not running; start it with `rawnet up`"
        if let m = english.wholeMatch(of: #/lab '([^']*)' is not running; start it with (`[^`]+`)(?: \(FILE: the topology with (`[^`]+`)\))?/#) {
            let file = m.3.map { " (FILE: \($0) 줄이 있는 토폴로지 파일)" } ?? ""
            return "실행 중이 아닌 실습 네트워크: '\(m.1)'. \(m.2)\(file) 명령으로 시작하세요"
        }
        // "lab 'basic' is already running (pids 1, 2, 3); run `rawnet down --lab basic` first"
        if let m = english.wholeMatch(of: #/lab '([^']*)' is already running \(pids ([\d, ]+)\); run (`[^`]+`) first/#) {
            return "이미 실행 중인 실습 네트워크: '\(m.1)' (pid \(m.2)). 먼저 \(m.3) 명령으로 멈추세요"
        }
        // "lab 'basic' is not running; nothing to stop (no lab is running)"
        if let m = english.wholeMatch(of: #/lab '([^']*)' is not running; nothing to stop \((?:no lab is running|running: (.+))\)/#) {
            return "실행 중이 아닌 실습 네트워크: '\(m.1)'. 멈출 것이 없습니다 (" + (m.2.map { "실행 중: \($0)" } ?? "실행 중인 실습 네트워크 없음") + ")"
        }
        // "r1 is already running (pid 42)"
        if let m = english.wholeMatch(of: #/(\S+) is already running \(pid (\d+)\)/#) { return "이미 실행 중인 노드: \(m.1) (pid \(m.2))" }
        // "lab 'basic' has no node 'alcie'; did you mean 'alice'? (hosts: alice, bob)"
        if let m = english.wholeMatch(of: #/lab '([^']*)' has no node '([^']*)'(; did you mean '[^']*'\?)? \((\w+): (.*)\)/#) {
            return "실습 네트워크 '\(m.1)'에 없는 노드: '\(m.2)'\(didYouMean(m.3)) (\(kindWord(m.4)): \(m.5))"
        }
        // "node 'r1' has no interface 'eht1'; did you mean 'eth1'? (has eth0, eth1)"
        if let m = english.wholeMatch(of: #/node '([^']*)' has no interface '([^']*)'(; did you mean '[^']*'\?)? \(has (.*)\)/#) {
            return "노드 '\(m.1)'에 없는 인터페이스: '\(m.2)'\(didYouMean(m.3)) (있는 것: \(m.4))"
        }
        // "'alice-bob' is not a node, NODE:INTERFACE or link of lab 'basic' (nodes: …; links: …)"
        if let m = english.wholeMatch(of: #/'([^']*)' is not a node, NODE:INTERFACE or link of lab '([^']*)'(; did you mean '[^']*'\?)? \(nodes: (.*); links: (.*)\)/#) {
            return "실습 네트워크 '\(m.2)'의 노드도, 노드:인터페이스도, 링크도 아닌 것: '\(m.1)'\(didYouMean(m.3)) (노드: \(m.4); 링크: \(m.5))"
        }
        // "r1 is not running; `rawnet start r1` starts it"
        if let m = english.wholeMatch(of: #/(\S+) is not running; `rawnet start (\S+)` starts it/#) {
            return "실행 중이 아닌 노드: \(m.1) (`rawnet start \(m.2)` 명령으로 시작합니다)"
        }
        // "unknown command 'foo'; did you mean 'up'? (see `rawnet --help`)"
        if let m = english.wholeMatch(of: #/unknown command '([^']*)'(; did you mean '[^']*'\?)? \(see `([^`]+)`\)/#) {
            return "알 수 없는 명령: '\(m.1)'\(didYouMean(m.2)) (`\(m.3)` 참고)"
        }
        // "unknown option '--delya'; did you mean '--delay'? (see `rawnet impair --help`)"
        if let m = english.wholeMatch(of: #/unknown option '([^']*)'(; did you mean '[^']*'\?)? \(see `([^`]+)`\)/#) {
            return "알 수 없는 옵션: '\(m.1)'\(didYouMean(m.2)) (`\(m.3)` 참고)"
        }
        // "unexpected 'eth9' after the target (see `rawnet impair --help`)"
        if let m = english.wholeMatch(of: #/unexpected '([^']*)' after the target \(see `([^`]+)`\)/#) {
            return "대상 뒤에 온 알 수 없는 낱말: '\(m.1)' (`\(m.2)` 참고)"
        }
        // "give either --listen PORT or --connect DEST:PORT"
        if english == "give either --listen PORT or --connect DEST:PORT" {
            return "--listen PORT와 --connect DEST:PORT 가운데 하나만 주세요"
        }
        // "--filter: bad filter (word 3): unknown word 'prt'; did you mean 'port'? expected one of …"
        if let m = english.wholeMatch(of: #/(--filter: )?bad filter( \(word (\d+)\))?: (.+)/#), let detail = filterDetail(String(m.4)) {
            let place = m.3.map { " (\($0)번째 낱말)" } ?? ""
            return "\(m.1 ?? "")잘못된 필터\(place): \(detail)"
        }
        // "'bbo' is neither an IPv4 address nor a node of lab 'basic'; did you mean 'bob'? (nodes: …)"
        if let m = english.wholeMatch(of: #/'([^']*)' is neither an IPv4 address nor a node of lab '([^']*)'(; did you mean '[^']*'\?)? \(nodes: (.*)\)/#) {
            return "IPv4 주소도 실습 네트워크 '\(m.2)'의 노드도 아닌 것: '\(m.1)'\(didYouMean(m.3)) (노드: \(m.4))"
        }
        // "lab 'basic' has no link or interface 'alice-r2'; did you mean 'alice-r1'? (links: …; or write NODE:INTERFACE)"
        if let m = english.wholeMatch(of: #/lab '([^']*)' has no link or interface '([^']*)'(; did you mean '[^']*'\?)? \(links: (.*); or write NODE:INTERFACE\)/#) {
            return "실습 네트워크 '\(m.1)'에 없는 링크 또는 인터페이스: '\(m.2)'\(didYouMean(m.3)) (링크: \(m.4); 또는 NODE:INTERFACE로 쓰세요)"
        }
        // "--direction must be out, in or both, not 'sideways'"
        if let m = english.wholeMatch(of: #/--direction must be out, in or both, not '([^']*)'/#) {
            return "--direction에는 out, in, both 가운데 하나를 쓰세요 (쓴 것: '\(m.1)')"
        }
        // "--lang must be en or ko, not 'fr'"
        if let m = english.wholeMatch(of: #/(--lang|RAWNET_LANG) must be en or ko, not '([^']*)'/#) {
            return "\(m.1)에는 en이나 ko를 쓰세요 (쓴 것: '\(m.2)')"
        }
        // The argument parser's own words.
        if let m = english.wholeMatch(of: #/Unknown option '([^']*)'(?:\. Did you mean '([^']*)'\?)?/#) {
            return "알 수 없는 옵션: '\(m.1)'" + (m.2.map { "; 혹시 '\($0)'?" } ?? "")
        }
        if let m = english.wholeMatch(of: #/Missing expected argument '([^']*)'/#) { return "빠진 인자: '\(m.1)'" }
        if let m = english.wholeMatch(of: #/Missing one of: (.+)/#) { return "다음 가운데 하나가 빠졌습니다: \(m.1)" }
        if let m = english.wholeMatch(of: #/Missing value for '([^']*)'/#) { return "값이 빠진 옵션: '\(m.1)'" }
        if let m = english.wholeMatch(of: #/Unexpected argument '([^']*)'/#) { return "알 수 없는 인자: '\(m.1)'" }
        if let m = english.wholeMatch(of: #/(\d+) unexpected arguments: (.+)/#) { return "알 수 없는 인자 \(m.1)개: \(m.2)" }
        if let m = english.wholeMatch(of: #/The value '([^']*)' is invalid for '([^']*)'(?:: (.*))?/#) {
            let why = m.3.map { ": \(message(String($0)) ?? String($0))" } ?? ""
            return "'\(m.2)'에 쓸 수 없는 값: '\(m.1)'\(why)"
        }
        // "chat: connection refused", "nc: timed out" (an app's failure, `Failure.app`)
        if let m = english.wholeMatch(of: #/(chat|nc|http|dig|ping|traceroute): (.+)/#), let failure = networkFailure(String(m.2)) {
            return "\(m.1): \(failure)"
        }
        return networkFailure(english)
    }

    /// "; did you mean 'alice'?" as "; 혹시 'alice'?" (no particle after the name).
    static func didYouMean(_ clause: Substring?) -> String {
        guard let clause, let m = clause.wholeMatch(of: #/; did you mean ('[^']*')\?/#) else { return "" }
        return "; 혹시 \(m.1)?"
    }

    static func kindWord(_ english: Substring) -> String {
        ["nodes": "노드", "hosts": "호스트", "routers": "라우터", "switches": "스위치", "linuxs": "리눅스 노드"][String(english)]
            ?? String(english)
    }

    /// What `TraceFilter` says went wrong, in Korean, or nil.
    static func filterDetail(_ english: String) -> String? {
        if let m = english.wholeMatch(of: #/unknown word '([^']*)'; (?:did you mean '([^']*)'\? )?expected one of (.+)/#) {
            let guess = m.2.map { " 혹시 '\($0)'?" } ?? ""
            return "알 수 없는 낱말: '\(m.1)';\(guess) 쓸 수 있는 것: \(m.3)"
        }
        if let m = english.wholeMatch(of: #/the filter ends where a condition was expected \((.+)\)/#) {
            return "조건이 올 자리에서 필터가 끝났습니다 (쓸 수 있는 것: \(m.1))"
        }
        if english == "')' without a matching '('" { return "짝이 되는 '(' 없는 ')'" }
        if english == "'(' is never closed" { return "닫히지 않은 '('" }
        if let m = english.wholeMatch(of: #/(port|seq) needs a number from 0 to (\d+), got '([^']*)'/#) {
            return "\(m.1) 뒤에는 0에서 \(m.2) 사이의 수를 써야 합니다 (쓴 것: '\(m.3)')"
        }
        if let m = english.wholeMatch(of: #/host needs an IPv4 address such as 10.0.1.10, got '([^']*)'/#) {
            return "host 뒤에는 10.0.1.10 같은 IPv4 주소를 써야 합니다 (쓴 것: '\(m.1)')"
        }
        if let m = english.wholeMatch(of: #/event needs one of (.+), got '([^']*)'/#) {
            return "event 뒤에는 \(m.1) 가운데 하나를 써야 합니다 (쓴 것: '\(m.2)')"
        }
        if let m = english.wholeMatch(of: #/(\S+) needs (.+)/#), let what = needs[String(m.2)] {
            return "\(m.1) 뒤에는 \(what)"
        }
        if let m = english.wholeMatch(of: #/'([^']*)' needs a condition before it/#) { return "'\(m.1)' 앞에는 조건이 있어야 합니다" }
        if let m = english.wholeMatch(of: #/(\S+) needs NODE:INTERFACE such as r1:eth0, got '([^']*)'/#) {
            return "\(m.1) 뒤에는 r1:eth0 같은 NODE:INTERFACE를 써야 합니다 (쓴 것: '\(m.2)')"
        }
        if let m = english.wholeMatch(of: #/unexpected '([^']*)' here/#) { return "여기에 올 수 없는 낱말: '\(m.1)'" }
        return nil
    }

    /// What a filter keyword still needs when the filter ends after it (`TraceFilter.needs`).
    static let needs: [String: String] = [
        "a number from 0 to 65535": "0에서 65535 사이의 수를 써야 합니다",
        "a sequence number": "순서 번호를 써야 합니다",
        "a TCP event word such as cwnd": "cwnd 같은 TCP 이벤트 이름을 써야 합니다",
        "an IPv4 address such as 10.0.1.10": "10.0.1.10 같은 IPv4 주소를 써야 합니다",
        "NODE:INTERFACE such as r1:eth0": "r1:eth0 같은 NODE:INTERFACE를 써야 합니다",
        "a node name": "노드 이름을 써야 합니다",
    ]

    /// `NetworkError`'s words, in Korean with the English a terminal tool prints kept beside
    /// them (as the chat says them, `NetworkError.koreanDescription`), or nil.
    static func networkFailure(_ english: String) -> String? {
        if let korean = networkWords[english] { return korean }
        // Failure.app's explanation of "host unreachable".
        if english.hasPrefix("host unreachable: nobody answered ARP for the next hop on the way.") {
            return "호스트에 닿을 수 없습니다 (host unreachable): 가는 길의 노드가 다음 홉을 ARP로 찾았지만 답이 없었습니다. "
                + "가는 길의 노드가 멈췄거나 케이블이 끊겼거나 (rawnet status), 그 주소의 노드가 없거나, "
                + "ARP가 인위적 장애로 손실되었습니다 (rawnet impair --show, rawnet trace --filter arp). 다시 해 보세요"
        }
        if let m = english.wholeMatch(of: #/host (\S+) is not running \(cannot connect to (.+)\)/#) {
            return "\(m.1) 데몬이 돌고 있지 않습니다 (\(m.2)에 연결할 수 없음)"
        }
        return nil
    }

    static let networkWords: [String: String] = [
        "address already in use": "이미 쓰고 있는 주소입니다 (address already in use)",
        "connection refused": "연결이 거부되었습니다 (connection refused): 그 포트에서 듣는 앱이 없습니다",
        "host unreachable": "호스트에 닿을 수 없습니다 (host unreachable)",
        "network is unreachable": "네트워크에 닿을 수 없습니다 (network is unreachable): 가는 길이 없습니다",
        "timed out": "응답이 없어 시간이 다 되었습니다 (timed out)",
        "connection reset by peer": "상대가 연결을 리셋했습니다 (connection reset by peer)",
        "the host daemon closed the connection (the lab stopped, or the host ended: see `rawnet status`)":
            "호스트 데몬이 연결을 닫았습니다 (host daemon closed the connection): 실습 네트워크가 멈췄거나 호스트가 끝났습니다. `rawnet status`로 확인하세요",
    ]
}
