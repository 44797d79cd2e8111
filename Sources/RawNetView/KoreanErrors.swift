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
            if line.hasPrefix("Help:  ") { return "도움말:  " + help(String(line.dropFirst("Help:  ".count))) }
            return String(line)
        }.joined(separator: "\n")
    }

    /// The parser's `Help:` line after its label: `<host>  A host.`, `--duration <duration>  Watch …`;
    /// the help in Korean when `KoreanHelpText` has it (as the Korean help page shows it), else as it is.
    static func help(_ english: String) -> String {
        guard let gap = english.firstRange(of: "  ") else { return english }
        let text = english[gap.upperBound...].drop { $0 == " " }
        guard let korean = KoreanHelp.elementKorean(String(text)) else { return english }
        return String(english[..<gap.upperBound]) + korean
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
            return "'\(m.1)': 실습 네트워크 '\(m.2)'의 노드도, 노드:인터페이스도, 링크도 아닙니다.\(guessSentence(m.3)) (노드: \(m.4); 링크: \(m.5))"
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
            return "대상 뒤에 온 알 수 없는 단어: '\(m.1)' (`\(m.2)` 참고)"
        }
        // "give either --listen PORT or --connect DEST:PORT"
        if english == "give either --listen PORT or --connect DEST:PORT" {
            return "--listen PORT와 --connect DEST:PORT 가운데 하나만 주세요"
        }
        // "--filter: bad filter (word 3): unknown word 'prt'; did you mean 'port'? expected one of …"
        if let m = english.wholeMatch(of: #/(--filter: )?bad filter( \(word (\d+)\))?: (.+)/#), let detail = filterDetail(String(m.4)) {
            let place = m.3.map { " (\($0)번째 단어)" } ?? ""
            return "\(m.1 ?? "")잘못된 필터\(place): \(detail)"
        }
        // "'bbo' is neither an IPv4 address nor a node of lab 'basic'; did you mean 'bob'? (nodes: …)"
        if let m = english.wholeMatch(of: #/'([^']*)' is neither an IPv4 address nor a node of lab '([^']*)'(; did you mean '[^']*'\?)? \(nodes: (.*)\)/#) {
            return "'\(m.1)': IPv4 주소도, 실습 네트워크 '\(m.2)'의 노드도 아닙니다.\(guessSentence(m.3)) (노드: \(m.4))"
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
        if let korean = nodeKindMessage(english) ?? optionValueMessage(english) ?? portMessage(english) { return korean }
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
        // "chat: connection refused", "nc: timed out" (an app's failure, `Failure.app`): the chat
        // is 채팅 as its own Korean failures name it (`AppFailure.chat`); the tools keep their names.
        if let m = english.wholeMatch(of: #/(chat|nc|http|dig|ping|traceroute): (.+)/#), let failure = networkFailure(String(m.2)) {
            return "\(m.1 == "chat" ? "채팅" : String(m.1)): \(failure)"
        }
        return networkFailure(english)
    }

    /// "; did you mean 'alice'?" as "; 혹시 'alice'?" (no particle after the name).
    static func didYouMean(_ clause: Substring?) -> String {
        guard let clause, let m = clause.wholeMatch(of: #/; did you mean ('[^']*')\?/#) else { return "" }
        return "; 혹시 \(m.1)?"
    }

    /// "; did you mean 'alice'?" as " 혹시 'alice'?", after a sentence that ended with a full stop.
    static func guessSentence(_ clause: Substring?) -> String {
        guard let clause, let m = clause.wholeMatch(of: #/; did you mean ('[^']*')\?/#) else { return "" }
        return " 혹시 \(m.1)?"
    }

    /// A node of the wrong kind for a command (`rawnet sockets r1`, `rawnet ping r1 bob`, `rawnet macs r1` …),
    /// as `notAHost` and the commands' `requireNode` refusals say it, or nil.
    static func nodeKindMessage(_ english: String) -> String? {
        // "'r1' is a router; apps run on hosts (hosts: alice, bob)"
        if let m = english.wholeMatch(of: #/'([^']*)' is a (\w+); apps run on hosts \(hosts: (.*)\)/#), let kind = kindName[String(m.2)] {
            return "'\(m.1)': \(kind)입니다. 앱은 호스트에서만 실행됩니다 (호스트: \(m.3))"
        }
        // "'r1' is a router; only linux nodes have a namespace (apps on RawNet hosts: rawnet nc, ping, chat)"
        if let m = english.wholeMatch(of: #/'([^']*)' is a (\w+); only linux nodes have a namespace \(apps on RawNet hosts: (.*)\)/#),
           let kind = kindName[String(m.2)] {
            return "'\(m.1)': \(kind)입니다. 네트워크 네임스페이스는 linux 노드에만 있습니다 (RawNet 호스트의 앱: \(m.3))"
        }
        // "r1 is a router: only hosts run apps, so only hosts have sockets (hosts: alice, bob)"
        if let m = english.wholeMatch(of: #/(\S+) is a (\w+): only hosts run apps, so only hosts have sockets (.+)/#),
           let kind = kindName[String(m.2)], let list = nodeList(String(m.3)) {
            return "\(m.1): \(kind)입니다. 앱은 호스트에서만 실행되므로 소켓도 호스트에만 있습니다 \(list)"
        }
        // "sw1 is a switch: it has no IP layer, so no sockets (hosts: alice, bob)",
        // "sw1 is a switch: it has no IP layer, so no routes; `rawnet macs sw1` shows what it learned"
        if let m = english.wholeMatch(of: #/(\S+) is a switch: it has no IP layer, so no (sockets|routes|ARP cache)(?: (\(.+\)))?(?:; (`[^`]+`) shows what it learned)?/#),
           let what = ipLayerThings[String(m.2)] {
            var text = "\(m.1): 스위치입니다. IP 계층이 없으므로 \(what)도 없습니다"
            if let list = m.3 {
                guard let korean = nodeList(String(list)) else { return nil }
                text += " " + korean
            }
            if let macs = m.4 { text += ". 스위치가 학습한 MAC 주소는 \(macs)로 봅니다" }
            return text
        }
        // "x is a linux node: its kernel keeps its sockets: run `rawnet exec x -- ss -tuanp`"
        if let m = english.wholeMatch(of: #/(\S+) is a linux node: its kernel keeps its (sockets|routes|ARP cache): run (`[^`]+`)/#),
           let what = ipLayerThings[String(m.2)] {
            return "\(m.1): 리눅스 노드입니다. \(kernelKeeps[String(m.2)] ?? "") 그 노드의 커널이 관리합니다. \(m.3) 명령으로 보세요"
        }
        // "r1 is a router: only switches learn MAC addresses (switches: sw1)"
        if let m = english.wholeMatch(of: #/(\S+) is a (\w+): only switches learn MAC addresses (.+)/#),
           let kind = kindName[String(m.2)], let list = nodeList(String(m.3)) {
            return "\(m.1): \(kind)입니다. MAC 주소를 학습하는 것은 스위치뿐입니다 \(list)"
        }
        // "alice is a host: only switches run a spanning tree (running one: sw1)" or "(no switch of lab 'x' runs one)"
        if let m = english.wholeMatch(of: #/(\S+) is a (\w+): only switches run a spanning tree \((.+)\)/#),
           let kind = kindName[String(m.2)], let list = spanningTreeSwitches(String(m.3)) {
            return "\(m.1): \(kind)입니다. 스패닝 트리는 스위치만 돌립니다 (\(list))"
        }
        // "sw2 runs no spanning tree: give it 'stp: on' in the topology (running one: sw1)"
        if let m = english.wholeMatch(of: #/(\S+) runs no spanning tree: give it 'stp: on' in the topology \((.+)\)/#),
           let list = spanningTreeSwitches(String(m.2)) {
            return "\(m.1): 스패닝 트리를 돌리지 않는 스위치입니다. 토폴로지에서 'stp: on'을 주세요 (\(list))"
        }
        // "alice is a host: only routers run RIP (routers: r1)"
        if let m = english.wholeMatch(of: #/(\S+) is a (\w+): only routers run RIP (.+)/#),
           let kind = kindName[String(m.2)], let list = nodeList(String(m.3)) {
            return "\(m.1): \(kind)입니다. RIP는 라우터만 돌립니다 \(list)"
        }
        return nil
    }

    /// A node kind as `NodeKind.rawValue` spells it, in Korean.
    static let kindName = ["host": "호스트", "router": "라우터", "switch": "스위치", "linux": "리눅스 노드"]

    /// What a node with no RawNet IP layer has none of.
    static let ipLayerThings = ["sockets": "소켓", "routes": "경로", "ARP cache": "ARP 캐시"]
    /// The same as the subject of a sentence (the particle after each written out).
    static let kernelKeeps = ["sockets": "소켓은", "routes": "경로는", "ARP cache": "ARP 캐시는"]

    /// "(hosts: alice, bob)" or "(lab 'basic' has no host)" (`Topology.nodesOfKind`), in Korean.
    static func nodeList(_ english: String) -> String? {
        if let m = english.wholeMatch(of: #/\((\w+): (.*)\)/#) { return "(\(kindWord(m.1)): \(m.2))" }
        if let m = english.wholeMatch(of: #/\(lab '([^']*)' has no (\w+)\)/#), let kind = kindName[String(m.2)] {
            return "(실습 네트워크 '\(m.1)'에는 \(kind)가 없습니다)"
        }
        return nil
    }

    /// "running one: sw1" or "no switch of lab 'x' runs one", in Korean.
    static func spanningTreeSwitches(_ english: String) -> String? {
        if let m = english.wholeMatch(of: #/running one: (.*)/#) { return "돌리는 스위치: \(m.1)" }
        if let m = english.wholeMatch(of: #/no switch of lab '([^']*)' runs one/#) {
            return "실습 네트워크 '\(m.1)'에는 스패닝 트리를 돌리는 스위치가 없습니다"
        }
        return nil
    }

    /// A value an option or argument does not take (`ping -c 0`, `link alice-r1 dwon`,
    /// `traceroute -m 300`), as the commands' `validate()` says it, or nil.
    static func optionValueMessage(_ english: String) -> String? {
        // "-c needs a positive count", "--count needs a positive number"
        if let m = english.wholeMatch(of: #/(-{1,2}[\w-]+) needs a positive (?:count|number)/#) { return "\(m.1)에는 1 이상의 수를 쓰세요" }
        // "-i needs positive seconds", "--duration needs a positive number of seconds"
        if let m = english.wholeMatch(of: #/(-{1,2}[\w-]+) needs (?:positive seconds|a positive number of seconds)/#) {
            return "\(m.1)에는 0보다 큰 초를 쓰세요"
        }
        // "-s must be 0-65000", "--count must be from 1 to 1000"
        if let m = english.wholeMatch(of: #/(-{1,2}[\w-]+) must be (?:(\d+)-(\d+)|from (\d+) to (\d+))/#),
           let low = m.2 ?? m.4, let high = m.3 ?? m.5 {
            return "\(m.1)에는 \(low)에서 \(high) 사이의 수를 쓰세요"
        }
        // "--max-requests must be positive"
        if let m = english.wholeMatch(of: #/(-{1,2}[\w-]+) must be positive/#) { return "\(m.1)에는 0보다 큰 값을 쓰세요" }
        if english == "time limits must be positive" { return "시간 제한에는 0보다 큰 값을 쓰세요" }
        if english == "give --from FILE.jsonl (a saved trace) or --duration SECONDS (watch the lab now), not both" {
            return "--from FILE.jsonl(저장한 추적)과 --duration SECONDS(지금 실습 네트워크 지켜보기) 가운데 하나만 주세요"
        }
        // "state must be up or down, not 'dwon'; did you mean 'down'?" (link), "… on or off …" (rip)
        if let m = english.wholeMatch(of: #/state must be (up or down|on or off)(?:, not '([^']*)')?(; did you mean '[^']*'\?)?/#) {
            let states = m.1 == "up or down" ? "up이나 down을" : "on이나 off를"
            return "상태에는 \(states) 쓰세요" + (m.2.map { " (쓴 것: '\($0)')" } ?? "") + didYouMean(m.3)
        }
        return nil
    }

    /// A port or DEST:PORT that cannot be read (`PortTextError`), or nil.
    static func portMessage(_ english: String) -> String? {
        // "'bob' is not DEST:PORT (e.g. bob:7000 or 10.0.2.20:7000)"
        if let m = english.wholeMatch(of: #/'(.*)' is not DEST:PORT \(e\.g\. (\S+) or (\S+)\)/#) {
            return "'\(m.1)': DEST:PORT 형식이 아닙니다 (예: \(m.2), \(m.3))"
        }
        // "'bob:99999': port 99999 is out of range (1–65535)", "'x' is not a port (…)" (a URL's or DEST:PORT's port)
        var text = english[...]
        var place = ""
        if let m = english.wholeMatch(of: #/('[^']*'): (.+)/#) {
            place = "\(m.1): "
            text = m.2
        }
        if let m = text.wholeMatch(of: #/'(.*)' is not a port \(a number from (\d+) to (\d+)\)/#) {
            return place + "포트 번호는 \(m.2)에서 \(m.3) 사이의 수여야 합니다 (쓴 것: '\(m.1)')"
        }
        if let m = text.wholeMatch(of: #/port (\S+) is out of range \((\d+)–(\d+)\)/#) {
            return place + "포트 번호는 \(m.2)–\(m.3) 범위여야 합니다 (쓴 것: \(m.1))"
        }
        return nil
    }

    static func kindWord(_ english: Substring) -> String {
        ["nodes": "노드", "hosts": "호스트", "routers": "라우터", "switches": "스위치", "linuxs": "리눅스 노드"][String(english)]
            ?? String(english)
    }

    /// What `TraceFilter` says went wrong, in Korean, or nil.
    static func filterDetail(_ english: String) -> String? {
        if let m = english.wholeMatch(of: #/unknown word '([^']*)'; (?:did you mean '([^']*)'\? )?expected one of (.+)/#) {
            let guess = m.2.map { " 혹시 '\($0)'?" } ?? ""
            return "알 수 없는 단어: '\(m.1)';\(guess) 쓸 수 있는 것: \(m.3)"
        }
        if let m = english.wholeMatch(of: #/the filter ends where a condition was expected \((.+)\)/#) {
            return "조건이 올 자리에서 필터가 끝났습니다 (쓸 수 있는 것: \(m.1))"
        }
        if english == "')' without a matching '('" { return "짝이 되는 '(' 없는 ')'" }
        if english == "'(' is never closed" { return "닫히지 않은 '('" }
        if let m = english.wholeMatch(of: #/(port|seq) needs a number from 0 to (\d+), got '([^']*)'/#) {
            return "\(m.1) 뒤에는 0에서 \(m.2) 사이의 수를 써야 합니다 (쓴 것: '\(m.3)')"
        }
        if let m = english.wholeMatch(of: #/host needs an IPv4 address such as 10.0.1.10, got '([^']*)'(?:; a node's events: 'node ([^']*)')?/#) {
            return "host 뒤에는 10.0.1.10 같은 IPv4 주소를 써야 합니다 (쓴 것: '\(m.1)')"
                + (m.2.map { "; 노드의 이벤트를 고르려면: 'node \($0)'" } ?? "")
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
        if let m = english.wholeMatch(of: #/unexpected '([^']*)' here/#) { return "여기에 올 수 없는 단어: '\(m.1)'" }
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
