/// The Korean of `rawnet`'s help texts (`KoreanHelp`): every command's abstract, each
/// paragraph of its discussion and each option's and argument's help, keyed by the English
/// as the parser prints it (runs of spaces as one; an option's help without the parser's
/// `(default: …)`, which `KoreanHelp` adds back as `(기본값: …)`).
///
/// The words are docs/glossary.ko.md's (실습 네트워크, 추적, 인위적 장애, 손실, 지연, 순서 바뀜 …);
/// option names, value names, file names, filters and protocol names (TCP, UDP, ARP, TTL)
/// stay as they are. The pages of the daemons' entry points (`router`, `host`, `switch`,
/// `linux`) and of `bench` and `gen` (help of `rawnet-bench`) stay English
/// (`KoreanHelp.englishOnlyCommands`); only their one-line abstracts, listed on the root
/// page, are here.
enum KoreanHelpText {
    static func korean(_ english: String) -> String? { table[english] }

    static let table: [String: String] = common
        .merging(lab, uniquingKeysWith: { first, _ in first })
        .merging(nodes, uniquingKeysWith: { first, _ in first })
        .merging(apps, uniquingKeysWith: { first, _ in first })
        .merging(impair, uniquingKeysWith: { first, _ in first })
        .merging(names, uniquingKeysWith: { first, _ in first })
        .merging(watching, uniquingKeysWith: { first, _ in first })

    /// The root page, the parser's own options, and options many commands share.
    static let common: [String: String] = [
        "A network you can watch: real Ethernet, IPv4, ICMP, UDP and TCP between daemons joined by Unix sockets.":
            "눈으로 지켜볼 수 있는 네트워크입니다: 유닉스 소켓으로 이어진 데몬들이 진짜 이더넷, IPv4, ICMP, UDP, TCP로 주고받습니다.",
        "Exit status: 0 done; 1 the command could not do its work (no lab running, a daemon not answering, a connection refused, evidence missing); 64 (EX_USAGE) the command line is wrong (an unknown command or option, a bad value, a node or port the lab does not have, a node of the wrong kind).":
            "종료 상태: 0 완료; 1 명령이 할 일을 하지 못함 (실행 중인 실습 네트워크 없음, 데몬이 답하지 않음, 연결 거부, 증거 빠짐); 64 (EX_USAGE) 명령줄이 잘못됨 (알 수 없는 명령이나 옵션, 잘못된 값, 실습 네트워크에 없는 노드나 포트, 종류가 맞지 않는 노드).",
        "Show the version.": "버전을 보여 줍니다.",
        "Show help information.": "도움말을 보여 줍니다.",
        "The lab to act on (default: $RAWNET_LAB, else the only lab running).":
            "명령을 적용할 실습 네트워크입니다 (기본값: $RAWNET_LAB, 없으면 실행 중인 유일한 실습 네트워크).",
        "Fit lines to this many columns (default: the terminal's width; 0: whole lines).":
            "줄을 이 칸 수에 맞춥니다 (기본값: 터미널의 너비; 0: 줄을 자르지 않음).",
        "Language of the command's own words: en or ko (default: RAWNET_LANG, else ko under a Korean locale such as LANG=ko_KR.UTF-8, else en).":
            "명령이 출력하는 말의 언어: en 또는 ko (기본값: RAWNET_LANG, 없으면 LANG=ko_KR.UTF-8 같은 한국어 로캘에서는 ko, 그 밖에는 en).",
        "Examples:": "예:",
        // The daemons' entry points and the benchmarks: only their lines on the root page.
        "Run one router of a lab in the foreground (rawnet up starts these for you).":
            "실습 네트워크의 라우터 하나를 포그라운드에서 실행합니다 (보통은 rawnet up이 대신 시작합니다).",
        "Run one host of a lab in the foreground, with its app API (rawnet up starts these for you).":
            "실습 네트워크의 호스트 하나를 앱 API와 함께 포그라운드에서 실행합니다 (보통은 rawnet up이 대신 시작합니다).",
        "Run one switch of a lab in the foreground (rawnet up starts these for you).":
            "실습 네트워크의 스위치 하나를 포그라운드에서 실행합니다 (보통은 rawnet up이 대신 시작합니다).",
        "Run the bridge of an attached linux node in the foreground (rawnet attach starts it).":
            "붙여 둔 linux 노드의 브리지를 포그라운드에서 실행합니다 (보통은 rawnet attach가 시작합니다).",
        "Measure RawNet's hot paths (use a release build); runs rawnet-bench.":
            "RawNet에서 가장 많이 도는 코드의 성능을 잽니다 (release 빌드로 쓰세요). rawnet-bench를 실행합니다.",
        "Generate a lab topology: routers in a chain or tree with static routes, hosts spread over them; runs rawnet-bench gen.":
            "실습 네트워크의 토폴로지를 만듭니다: 라우터를 사슬이나 트리로 잇고 정적 경로를 넣은 뒤 호스트를 나누어 붙입니다. rawnet-bench gen을 실행합니다.",
    ]

    /// up, down, stop, start, status, attach, exec.
    static let lab: [String: String] = [
        "Start a lab: one daemon process per node of the topology.":
            "실습 네트워크를 시작합니다: 토폴로지의 노드마다 데몬 프로세스를 하나씩 띄웁니다.",
        "With no file, the built-in default lab starts: alice (10.0.1.10) — r1 — bob (10.0.2.20).":
            "파일을 주지 않으면 내장된 기본 실습 네트워크가 시작됩니다: alice (10.0.1.10) — r1 — bob (10.0.2.20).",
        "A topology file (YAML). Examples are in Config/.": "토폴로지 파일(YAML)입니다. 예시는 Config/에 있습니다.",
        "Start only this machine's nodes of the topology's 'machines:'; links to other machines run over VXLAN.":
            "토폴로지의 'machines:' 가운데 이 컴퓨터의 노드만 시작합니다. 다른 컴퓨터로 가는 링크는 VXLAN으로 이어집니다.",
        "Stop a lab's daemons and remove its run directory.": "실습 네트워크의 데몬을 멈추고 실행 디렉터리를 지웁니다.",
        "Switch nodes of a running lab off: their daemons end, the rest of the lab runs on.":
            "실행 중인 실습 네트워크의 노드를 끕니다: 그 노드의 데몬은 끝나고, 나머지는 계속 실행됩니다.",
        "As a machine switched off: over seqpacket links (the default) its neighbours lose the carrier within 0.3 s (NO-CARRIER in rawnet status), forget the ARP entries learned there, and RIP routes around it. A host's DNS or HTTP service ends with it. `rawnet start` switches the nodes on again.":
            "전원을 끈 컴퓨터와 같습니다: seqpacket 링크(기본)에서는 이웃이 0.3초 안에 캐리어를 잃고(rawnet status에 NO-CARRIER), 그 링크에서 학습한 ARP 항목을 잊으며, RIP는 그 노드를 돌아가는 경로를 찾습니다. 호스트의 DNS나 HTTP 서비스도 함께 끝납니다. 노드는 `rawnet start`로 다시 켭니다.",
        "Nodes to stop (routers, hosts, switches).": "멈출 노드입니다 (라우터, 호스트, 스위치).",
        "Switch stopped nodes of a running lab on again (after rawnet stop, or a crash).":
            "실행 중인 실습 네트워크에서 멈춘 노드를 다시 켭니다 (rawnet stop 뒤에, 또는 비정상 종료 뒤에).",
        "Each node starts from the lab's topology, as `rawnet up` started it: empty ARP cache, its static routes, RIP from the start when the topology has it, a host's services again, the topology's impairments (not those set later with rawnet impair). Its neighbours get the carrier back as soon as its cables connect.":
            "노드마다 `rawnet up`이 시작했을 때처럼 토폴로지대로 시작합니다: 빈 ARP 캐시, 정적 경로, 토폴로지에 있으면 처음부터 RIP, 호스트의 서비스, 토폴로지의 인위적 장애(나중에 rawnet impair로 설정한 것은 빠짐). 케이블이 이어지는 대로 이웃은 캐리어를 되찾습니다.",
        "Nodes to start.": "시작할 노드입니다.",
        "Show a lab's nodes, pids, links and per-interface counters with drops by reason.":
            "실습 네트워크의 노드, pid, 링크, 인터페이스별 카운터와 이유별로 버려진 수를 보여 줍니다.",
        "With nodes named (rawnet status r1 sw2), only theirs, in the topology's order. Each interface shows its address, MAC, state (up, DOWN, NO-CARRIER), peer and counters.":
            "노드 이름을 주면(rawnet status r1 sw2) 그 노드만 토폴로지의 순서대로 보여 줍니다. 인터페이스마다 주소, MAC, 상태(up, DOWN, NO-CARRIER), 상대, 카운터를 보여 줍니다.",
        "Nodes to show (default: every node of the lab).": "보여 줄 노드입니다 (기본값: 실습 네트워크의 모든 노드).",
        "Join a linux node to the lab: a network namespace with a TAP device bridged to its link (root).":
            "linux 노드를 실습 네트워크에 붙입니다: TAP 장치가 링크에 브리지된 네트워크 네임스페이스입니다 (root 권한 필요).",
        "The node must be of kind linux in the topology. Creates the namespace rawnet-LAB.NODE, a TAP device per interface inside it (named as in the topology, with its MAC, address, the link's MTU and routes) and a bridge process between the devices and the node's link sockets, managed like a daemon: `rawnet status`, `impair`, `trace` and `capture` include it, `rawnet down` stops it and removes the namespace. Then:":
            "노드는 토폴로지에서 종류가 linux여야 합니다. 네임스페이스 rawnet-LAB.NODE를 만들고, 그 안에 인터페이스마다 TAP 장치(토폴로지에 적힌 이름, MAC, 주소, 링크의 MTU, 경로 그대로)를 두고, 장치들과 노드의 링크 소켓 사이에 브리지 프로세스를 띄워 데몬처럼 관리합니다: `rawnet status`, `impair`, `trace`, `capture`가 이 노드도 다루고, `rawnet down`이 브리지를 멈추고 네임스페이스를 지웁니다. 그다음:",
        "A node of kind linux.": "종류가 linux인 노드입니다.",
        "Run a command in an attached linux node's network namespace (root).":
            "붙여 둔 linux 노드의 네트워크 네임스페이스에서 명령을 실행합니다 (root 권한 필요).",
        "The command's exit status is rawnet's. Examples:": "명령의 종료 상태가 rawnet의 종료 상태가 됩니다. 예:",
        "An attached node of kind linux.": "`rawnet attach`로 붙여 둔 linux 노드입니다.",
        "The command, after --.": "-- 뒤에 쓰는 명령입니다.",
    ]

    /// ping, traceroute, routes, arp, macs, stp, link, rip, sockets.
    static let nodes: [String: String] = [
        "Send ICMP echo requests from a host, like ping.": "호스트에서 ICMP 에코 요청을 보냅니다. ping과 같습니다.",
        "The host to ping from.": "ping을 보낼 호스트입니다.",
        "A name (bob, bob.lab, resolved by the lab's DNS when it has one), a node name or an IPv4 address.":
            "이름(bob, bob.lab: 실습 네트워크에 DNS가 있으면 그 DNS로 찾음), 노드 이름, 또는 IPv4 주소입니다.",
        "Stop after N requests (default: 4; given -w and no -c, ping runs until the deadline). With -w: after N replies, sending more while some go unanswered, as Linux's ping.":
            "요청을 N번 보내고 멈춥니다 (기본값: 4; -c 없이 -w만 주면 기한까지 보냅니다). -w와 함께 주면 응답을 N개 받았을 때 멈추고, 답이 없는 요청이 있으면 그동안 더 보냅니다. 리눅스의 ping과 같습니다.",
        "Seconds between requests.": "요청 사이의 간격(초)입니다.",
        "Seconds to wait for the last reply (default: 2, or 4 when nothing has answered, so a neighbour that never answers ARP ends in Destination Host Unreachable).":
            "마지막 응답을 기다릴 시간(초)입니다 (기본값: 2, 아무 응답도 없었으면 4. 그래서 ARP에 끝내 답하지 않는 이웃은 Destination Host Unreachable로 끝납니다).",
        "Deadline: stop after this many seconds, whatever the count (earlier at -c's replies, or at an ICMP error).":
            "기한: 횟수와 상관없이 이 시간(초)이 지나면 멈춥니다 (-c만큼 응답을 받거나 ICMP 오류가 오면 더 일찍 멈춤).",
        "Data bytes per request.": "요청마다 싣는 데이터 바이트 수입니다.",
        "TTL of the requests.": "요청의 TTL입니다.",
        "Quiet: only the first line and the statistics.": "조용히: 첫 줄과 통계만 출력합니다.",
        "Show the routers on the path from a host, like traceroute (UDP probes).":
            "호스트에서 목적지까지 가는 길의 라우터를 보여 줍니다. traceroute와 같습니다 (UDP 프로브 패킷).",
        "The host to trace from.": "경로를 찾을 출발 호스트입니다.",
        "Most hops to try.": "시도할 최대 홉 수입니다.",
        "Probes per hop.": "홉마다 보낼 프로브 패킷 수입니다.",
        "Seconds to wait for each probe's answer.": "프로브 패킷마다 응답을 기다릴 시간(초)입니다.",
        "Print addresses only: no reverse (PTR) lookup of each hop.": "주소만 출력합니다: 홉마다 역방향(PTR) 조회를 하지 않습니다.",
        "Show a node's routing table, as `ip route` does.": "노드의 라우팅 테이블을 `ip route`처럼 보여 줍니다.",
        "A router or host.": "라우터나 호스트입니다.",
        "Show a node's ARP cache, as `ip neigh` does.": "노드의 ARP 캐시를 `ip neigh`처럼 보여 줍니다.",
        "Learned entries last 60 s. --flush forgets them (as `ip neigh flush all`), so the next packet to each neighbour asks again with an ARP request; entries still waiting for an answer stay.":
            "학습한 항목은 60초 동안 남습니다. --flush는 `ip neigh flush all`처럼 이 항목들을 잊게 하므로, 이웃에게 가는 다음 패킷은 ARP 요청으로 다시 묻습니다. 아직 응답을 기다리는 항목은 남습니다.",
        "Forget the learned entries first, then show what is left.": "학습한 항목을 먼저 잊은 뒤, 남은 것을 보여 줍니다.",
        "Show a switch's MAC table, as `bridge fdb` does.": "스위치의 MAC 테이블을 `bridge fdb`처럼 보여 줍니다.",
        "A switch.": "스위치입니다.",
        "Show a switch's spanning tree: the root, its cost and each port's role and state.":
            "스위치의 스패닝 트리를 보여 줍니다: 루트, 루트까지의 비용, 포트마다 역할과 상태.",
        "A switch running a spanning tree (`stp:` in the topology).": "스패닝 트리를 돌리는 스위치입니다 (토폴로지의 `stp:`).",
        "Take an interface down (it neither sends nor receives) or bring it back up; given a link (r2-r3), both its ends, as a cut cable.":
            "인터페이스를 내리거나(보내지도 받지도 않음) 다시 올립니다. 링크(r2-r3)를 주면 케이블을 끊은 것처럼 양쪽 끝을 함께 바꿉니다.",
        "NODE:INTERFACE (one end, e.g. r1:eth1) or a link: r2-r3, or r2:eth2-r3:eth0 (both ends).":
            "NODE:INTERFACE(한쪽 끝, 예: r1:eth1) 또는 링크: r2-r3, r2:eth2-r3:eth0 (양쪽 끝).",
        "up or down.": "up 또는 down.",
        "Switch RIP on or off on a running router (the topology's `rip:` does it from the start).":
            "실행 중인 라우터에서 RIP를 켜거나 끕니다 (토폴로지의 `rip:`는 처음부터 켭니다).",
        "A router.": "라우터입니다.",
        "on or off.": "on 또는 off.",
        "Interval of full updates, e.g. 2s (default 30s).": "전체 업데이트의 간격입니다. 예: 2s (기본값 30s).",
        "A route not heard for this long is unreachable (default 6 × update).":
            "이만큼 소식이 없는 경로는 도달 불가가 됩니다 (기본값 6 × update).",
        "An unreachable route is forgotten this much later (default 4 × update).":
            "도달 불가가 된 경로는 이만큼 뒤에 잊습니다 (기본값 4 × update).",
        "Least time between triggered updates (default update / 10).": "트리거 업데이트 사이의 최소 간격입니다 (기본값 update / 10).",
        "List a host's sockets like `ss -tuanp`: protocol, state, queues, addresses, owning app.":
            "호스트의 소켓을 `ss -tuanp`처럼 나열합니다: 프로토콜, 상태, 큐, 주소, 소켓을 가진 앱.",
        "Connections the host's TCP still holds with no app (SYN-RECEIVED, FIN-WAIT-*, CLOSING, LAST-ACK, TIME-WAIT) are listed too, with no process. With -i, each TCP connection's internals follow on an indented line (times with units, cwnd and ssthresh in bytes, `-` for an unset ssthresh, retransmissions by reason: timeout, three duplicate ACKs, RACK, tail-loss probe). On a terminal narrower than a row, each socket's process goes on the line under it. With --lang ko the notes and the retransmissions' reasons are in Korean; the columns and the internals keep the names `ss` gives them.":
            "앱은 없지만 호스트의 TCP가 아직 붙들고 있는 연결(SYN-RECEIVED, FIN-WAIT-*, CLOSING, LAST-ACK, TIME-WAIT)도 프로세스 없이 나열합니다. -i를 주면 TCP 연결마다 내부 상태가 들여 쓴 줄로 뒤따릅니다(시간은 단위와 함께, cwnd와 ssthresh는 바이트로, 설정되지 않은 ssthresh는 `-`, 재전송은 이유별로: 타임아웃, 3중복 ACK, RACK, 꼬리 손실 프로브). 터미널이 한 행보다 좁으면 소켓의 프로세스는 그 아래 줄로 갑니다. --lang ko를 주면 안내와 재전송 이유가 한국어로 나오고, 열과 내부 상태는 `ss`가 쓰는 이름 그대로입니다.",
        "A host.": "호스트입니다.",
        "Show TCP internals.": "TCP 내부 상태를 보여 줍니다.",
    ]

    /// chat, nc, http.
    static let apps: [String: String] = [
        "A terminal chat over TCP or UDP between hosts of the lab.": "실습 네트워크의 호스트끼리 TCP나 UDP로 나누는 터미널 채팅입니다.",
        "Run a room with --listen PORT (TCP and UDP on that port), then join it from any host with --connect DEST:PORT. Every line reaches every member; lines that crossed between TCP and UDP members are marked (udp #N) or (tcp).":
            "--listen PORT로 대화방을 열고(그 포트의 TCP와 UDP), 어느 호스트에서든 --connect DEST:PORT로 들어오세요. 모든 줄이 모든 멤버에게 갑니다. TCP 멤버와 UDP 멤버 사이를 건넌 줄에는 (udp #N)이나 (tcp) 표시가 붙습니다.",
        "Inside the chat: /loss 20%, /reorder 20%, /delay 50ms, /duplicate 5% impair the link of the host the chat runs on (a refused value changes nothing); /clear gives the perfect wire back; /stats shows the connection's TCP internals; /quit leaves. An impairment still set at the end stays on the link, and the chat says so.":
            "채팅 안에서: /loss 20%, /reorder 20%, /delay 50ms, /duplicate 5%는 채팅이 도는 호스트의 링크에 인위적 장애를 겁니다(거부된 값은 아무것도 바꾸지 않음). /clear는 장애 없는 상태로 되돌리고, /stats는 연결의 TCP 내부 상태를 보여 주며, /quit으로 나갑니다. 끝날 때 남아 있는 인위적 장애는 링크에 그대로 남고, 채팅이 그렇다고 알려 줍니다.",
        "With --lang ko (or a Korean locale) the chat's own words and the room's notices and marks are in Korean; what members type is shown as typed, and the wire keeps the protocol's words.":
            "--lang ko를 주면(또는 한국어 로캘에서는) 채팅 자체의 말과 대화방의 알림과 표시가 한국어로 나옵니다. 멤버가 입력한 것은 입력한 그대로 보이고, 네트워크로 오가는 메시지는 프로토콜의 (영어) 낱말 그대로입니다.",
        "The host to run on.": "실행할 호스트입니다.",
        "Run a room on this port.": "이 포트에서 대화방을 엽니다.",
        "Join the room at DEST:PORT (DEST: node name or address).": "DEST:PORT의 대화방에 들어갑니다 (DEST: 노드 이름 또는 주소).",
        "Your name in the room (default: the host's name).": "대화방에서 쓸 이름입니다 (기본값: 호스트의 이름).",
        "Chat over UDP: lines carry sequence numbers; lost and late lines are marked.":
            "UDP로 채팅합니다: 줄마다 순서 번호가 붙고, 잃어버린 줄과 늦게 온 줄에는 표시가 붙습니다.",
        "Plain text even on a terminal.": "터미널에서도 색 없이 보통 글자로 출력합니다.",
        "Standard input to a TCP or UDP socket and the socket to standard output, like netcat.":
            "표준 입력을 TCP나 UDP 소켓으로 보내고, 소켓에서 받은 것을 표준 출력으로 냅니다. netcat과 같습니다.",
        "  rawnet nc bob -l 9000 > received.bin &        (one connection on bob)":
            "  rawnet nc bob -l 9000 > received.bin &        (bob에서 연결 하나를 받음)",
        "  rawnet nc alice bob 9000 --stats < file.bin   (send a file from alice)":
            "  rawnet nc alice bob 9000 --stats < file.bin   (alice에서 파일을 보냄)",
        "The sender ends when bob acknowledged every byte and both sides are done. A listener that would read a terminal it does not own (started with & in an interactive shell), or one given -d, reads no input: it only receives. With --stats a summary goes to standard error at the end; a sender's time and rate run until the peer acknowledged every byte, and nc exits non-zero when that did not happen (connection reset, peer gone).":
            "보내는 쪽은 bob이 모든 바이트를 확인응답하고 양쪽이 다 끝나면 끝납니다. 자기 것이 아닌 터미널을 읽게 될 리스너(대화형 셸에서 &로 시작한 것)나 -d를 준 리스너는 입력을 읽지 않고 받기만 합니다. --stats를 주면 끝에 요약이 표준 오류로 나옵니다. 보내는 쪽의 시간과 속도는 상대가 모든 바이트를 확인응답할 때까지 재며, 그러지 못하면(연결 리셋, 상대가 사라짐) nc는 0이 아닌 상태로 끝납니다.",
        "DEST PORT to connect to (DEST: node name or address).": "연결할 DEST PORT입니다 (DEST: 노드 이름 또는 주소).",
        "Listen on this port instead.": "연결하는 대신 이 포트에서 기다립니다.",
        "UDP instead of TCP.": "TCP 대신 UDP를 씁니다.",
        "UDP: most bytes of standard input per datagram (larger than the link's MTU: sent in fragments).":
            "UDP: 데이터그램 하나에 담을 표준 입력의 최대 바이트 수입니다 (링크의 MTU보다 크면 조각으로 나뉘어 갑니다).",
        "Print bytes sent and received and bytes/s to standard error at the end.":
            "끝에 보내고 받은 바이트 수와 초당 바이트 수를 표준 오류로 출력합니다.",
        "Turn Nagle's algorithm off (TCP_NODELAY).": "Nagle 알고리즘을 끕니다 (TCP_NODELAY).",
        "Congestion control: newreno, cubic or bbr.": "혼잡 제어 알고리즘: newreno, cubic 또는 bbr.",
        "Say what happens on standard error.": "일어나는 일을 표준 오류로 알려 줍니다.",
        "Do not read standard input: only receive (TCP: send the FIN at once).":
            "표준 입력을 읽지 않고 받기만 합니다 (TCP: FIN을 바로 보냄).",
        "An HTTP/1.1 server and a curl-like client on hosts of the lab.":
            "실습 네트워크의 호스트에서 돌리는 HTTP/1.1 서버와 curl 같은 클라이언트입니다.",
        "Serve files (GET and HEAD) from a host.": "호스트에서 파일을 제공합니다 (GET과 HEAD).",
        "Files come from --root; / is index.html there, or the built-in page, which shows the request it received (also at /_request, always). Connections stay open for up to --max-requests requests; a silent connection ends after --idle-timeout seconds and a request still arriving after --request-timeout seconds gets 408. Malformed requests get 400, other methods 405, oversized heads and bodies 413; each is logged.":
            "파일은 --root에서 가져옵니다. /는 그곳의 index.html이고, 없으면 받은 요청을 보여 주는 내장 페이지입니다(/_request에서는 언제나 내장 페이지). 연결은 요청을 --max-requests개까지 받는 동안 열려 있습니다. 조용한 연결은 --idle-timeout초 뒤에 끝나고, --request-timeout초가 지나도 다 오지 않은 요청은 408을 받습니다. 형식이 잘못된 요청은 400, 다른 메서드는 405, 너무 큰 헤더와 본문은 413을 받으며, 모두 로그에 남습니다.",
        "The host to serve from.": "서버를 돌릴 호스트입니다.",
        "The TCP port.": "TCP 포트입니다.",
        "The text of / (index.html), when --root has none.": "--root에 index.html이 없을 때 /의 내용으로 쓸 글입니다.",
        "The directory whose files are served (none: only the built-in page).": "파일을 제공할 디렉터리입니다 (없으면 내장 페이지만).",
        "Requests per connection before the server closes it.": "서버가 연결을 닫기 전까지 연결 하나에서 받는 요청 수입니다.",
        "Seconds a connection may stay silent.": "연결이 아무것도 보내지 않고 있어도 되는 시간(초)입니다.",
        "Seconds a request may take to arrive whole.": "요청 하나가 다 도착하기까지 기다리는 시간(초)입니다.",
        "Fetch URLs from a host, like curl.": "호스트에서 URL을 가져옵니다. curl과 같습니다.",
        "URL is http://DEST[:PORT]/PATH with DEST a node name or an address. Several URLs to the same server share one connection while the server keeps it open (keep-alive). The body goes to standard output (or -o FILE); -v prints the request and response heads on standard error. Exits 0 when every response came whole, whatever its status, as curl does. With --fail, as curl's, a response with a status of 400 or more leaves no body on standard output (or in FILE) but a line on standard error, the other URLs are still fetched, and the exit status is 22.":
            "URL은 http://DEST[:PORT]/PATH이고, DEST는 노드 이름이나 주소입니다. 같은 서버로 가는 URL 여러 개는 서버가 연결을 열어 두는 동안(keep-alive) 연결 하나를 함께 씁니다. 본문은 표준 출력(또는 -o FILE)으로 가고, -v는 요청과 응답의 헤더를 표준 오류로 출력합니다. curl처럼, 상태 코드와 상관없이 모든 응답을 다 받으면 0으로 끝납니다. --fail을 주면 curl의 --fail처럼, 상태 코드가 400 이상인 응답은 표준 출력(또는 FILE)에 본문을 남기지 않고 표준 오류에 한 줄을 쓰며, 나머지 URL은 그대로 가져오고, 종료 상태는 22입니다.",
        "The host to fetch from.": "요청을 보낼 호스트입니다.",
        "The URLs to fetch.": "가져올 URL입니다.",
        "Print the request and response heads on standard error.": "요청과 응답의 헤더를 표준 오류로 출력합니다.",
        "Write the bodies to FILE instead of standard output.": "본문을 표준 출력 대신 FILE에 씁니다.",
        "The request method (GET, HEAD, or any other, to see 405).": "요청 메서드입니다 (GET, HEAD, 또는 405를 보려면 그 밖의 아무것).",
        "An extra request field, 'Name: value' (repeatable).": "요청에 더할 필드 'Name: value'입니다 (여러 번 줄 수 있음).",
        "On a status of 400 or more: no body, an error on standard error, exit 22 (curl's --fail).":
            "상태 코드가 400 이상이면 본문 없이 표준 오류에 오류를 쓰고 22로 끝납니다 (curl의 --fail).",
        "Seconds to wait for each response.": "응답마다 기다릴 시간(초)입니다.",
    ]

    /// impair.
    static let impair: [String: String] = [
        "Add loss, delay, reordering, duplication, corruption or a rate limit to a link, like netem.":
            "링크에 손실, 지연, 순서 바뀜, 복제, 손상, 속도 제한을 더합니다. netem과 같습니다.",
        "TARGET is a link as status shows it (alice:eth0-r1:eth0, or alice-r1 when only one link joins the two nodes) or an interface NODE:IF.":
            "TARGET은 status가 보여 주는 링크(alice:eth0-r1:eth0, 두 노드를 잇는 링크가 하나뿐이면 alice-r1)나 인터페이스 NODE:IF입니다.",
        "Direction: for NODE:IF, out (default) is frames leaving the interface, in is frames coming to it (the peer's egress), both is both. For a link, both is the default; out and in are relative to the end written first.":
            "방향: NODE:IF에서 out(기본)은 인터페이스를 떠나는 프레임, in은 인터페이스로 들어오는 프레임(상대가 내보내는 프레임), both는 둘 다입니다. 링크에서는 both가 기본이고, out과 in은 먼저 쓴 끝을 기준으로 합니다.",
        "Options given change only those settings and keep the others; --clear alone returns to a perfect wire; --clear with options starts from a perfect wire. --seed N restarts the random choices from N, so the same traffic meets the same fates again.":
            "준 옵션의 설정만 바꾸고 나머지는 그대로 둡니다. --clear만 주면 장애 없는 상태로 돌아가고, 다른 옵션과 함께 주면 장애 없는 상태에서 새로 시작합니다. --seed N은 무작위 선택을 N에서 다시 시작하므로, 같은 트래픽이 다시 같은 운명을 맞습니다.",
        "--drop-next FILTER drops the next frame (--count N: the next N) that the trace filter picks; --corrupt-next flips one bit at the end of its IP packet instead. In FILTER, seq N is relative, as the ladder shows it, when the rule saw the connection's SYN leave. A new rule replaces the old; --clear removes rules.":
            "--drop-next FILTER는 추적 필터가 고르는 다음 프레임(--count N이면 다음 N개)을 버립니다. --corrupt-next는 버리는 대신 그 IP 패킷의 끝에서 비트 하나를 뒤집습니다. 규칙이 연결의 SYN이 떠나는 것을 보았다면 FILTER의 seq N은 ladder가 보여 주는 것처럼 상대 번호입니다. 새 규칙은 이전 규칙을 대신하고, --clear는 규칙을 지웁니다.",
        "Values use tc's units: 20% or 0.2, 50ms, 2mbit, 1500kbit.": "값은 tc의 단위로 씁니다: 20% 또는 0.2, 50ms, 2mbit, 1500kbit.",
        "A link (alice:eth0-r1:eth0 or alice-r1) or an interface (NODE:IF).":
            "링크(alice:eth0-r1:eth0 또는 alice-r1)나 인터페이스(NODE:IF)입니다.",
        "Random loss, e.g. 20%.": "무작위 손실입니다. 예: 20%.",
        "Gilbert–Elliott loss P,R,1-H,1-K, e.g. 1%,30%,100%,0%.": "Gilbert–Elliott 모델의 버스트 손실 P,R,1-H,1-K입니다. 예: 1%,30%,100%,0%.",
        "Share of frames sent ahead of earlier ones, e.g. 10%.": "앞선 프레임보다 먼저 보내는 프레임의 비율입니다. 예: 10%.",
        "Reorder gap N: after a reordered frame, the next N-1 are never reordered.":
            "순서 바뀜 간격 N: 순서를 바꾼 프레임 뒤의 N-1개는 순서를 바꾸지 않습니다.",
        "Hold a reordered frame until N later frames left.": "순서를 바꿀 프레임을 뒤의 프레임 N개가 떠날 때까지 붙잡아 둡니다.",
        "One-way delay, e.g. 20ms.": "한 방향 지연입니다. 예: 20ms.",
        "Jitter around the delay, e.g. 5ms.": "지연을 중심으로 흔들리는 지터입니다. 예: 5ms.",
        "Jitter shape: uniform or normal.": "지터의 분포: uniform(균등분포) 또는 normal(정규분포).",
        "Share of frames sent twice, e.g. 1%.": "두 번 보내는 프레임의 비율입니다. 예: 1%.",
        "Share of frames with one bit flipped, e.g. 1%.": "비트 하나를 뒤집는 프레임의 비율입니다. 예: 1%.",
        "Line rate, e.g. 2mbit.": "회선 속도입니다. 예: 2mbit.",
        "Most frames the impairment holds (netem's limit), e.g. 100.": "인위적 장애가 붙잡아 둘 수 있는 최대 프레임 수입니다(netem의 limit). 예: 100.",
        "Seed for every random choice.": "모든 무작위 선택의 시드입니다.",
        "Drop the next frame this trace filter picks, e.g. 'tcp and seq 27'.": "이 추적 필터가 고르는 다음 프레임을 버립니다. 예: 'tcp and seq 27'.",
        "Flip one bit at the end of the next frame this filter picks.": "이 필터가 고르는 다음 프레임의 끝에서 비트 하나를 뒤집습니다.",
        "How many frames --drop-next or --corrupt-next acts on (default 1).": "--drop-next나 --corrupt-next가 다룰 프레임 수입니다 (기본값 1).",
        "out, in or both (default: out for NODE:IF, both for a link; see the overview above).":
            "out, in 또는 both (기본값: NODE:IF는 out, 링크는 both; 위의 개요 참고).",
        "Back to a perfect wire (with options: start from one).": "장애 없는 상태로 되돌립니다 (다른 옵션과 함께: 장애 없는 상태에서 새로 시작).",
        "Show every link direction's settings and counters (or TARGET's only).":
            "모든 링크의 방향마다 설정과 카운터를 보여 줍니다 (TARGET을 주면 그것만).",
    ]

    /// dns, dig.
    static let names: [String: String] = [
        "Name servers on the lab's hosts.": "실습 네트워크의 호스트에서 돌리는 네임 서버입니다.",
        "Run an authoritative name server on a host (UDP and TCP port 53).": "호스트에서 권한 있는 네임 서버를 돌립니다 (UDP와 TCP 포트 53).",
        "Without --zone it serves the lab zone `lab.`: every node (NODE.lab), every interface (IF.NODE.lab) and a PTR record for every address. --zone FILE serves the zones of a master file instead (RFC 1035 format: $ORIGIN, $TTL, SOA, NS, A, CNAME, PTR, MX, TXT); --lab-zone serves the lab zone too. A topology starts one with `services: [dns]`.":
            "--zone이 없으면 실습 네트워크의 존(`lab.`)을 제공합니다: 모든 노드(NODE.lab), 모든 인터페이스(IF.NODE.lab), 그리고 주소마다 PTR 레코드. --zone FILE을 주면 대신 마스터 파일의 존을 제공합니다(RFC 1035 형식: $ORIGIN, $TTL, SOA, NS, A, CNAME, PTR, MX, TXT). --lab-zone을 함께 주면 실습 네트워크의 존도 제공합니다. 토폴로지에서는 `services: [dns]`로 시작합니다.",
        "The host to serve on.": "네임 서버를 돌릴 호스트입니다.",
        "A master (zone) file to serve; may be given more than once.": "제공할 마스터(존) 파일입니다. 여러 번 줄 수 있습니다.",
        "Master-file text to serve, as a topology's `records:` gives it; records inside the lab zone join it.":
            "제공할 마스터 파일 형식의 글입니다. 토폴로지의 `records:`와 같으며, 실습 네트워크의 존 안에 드는 레코드는 그 존에 더해집니다.",
        "Serve the lab zone (default: only without --zone).": "실습 네트워크의 존을 제공합니다 (기본값: --zone이 없을 때만).",
        "Print nothing per query (what `rawnet up` runs).": "질의마다 아무것도 출력하지 않습니다 (`rawnet up`이 이렇게 실행합니다).",
        "Ask a name server from a host, printed like dig.": "호스트에서 네임 서버에 묻고, dig처럼 출력합니다.",
        "SERVER is an address or a node name; by default the host's resolver from the topology (a name server started by hand, `rawnet dns serve HOST`, is asked only as @HOST). +trace walks down one referral at a time, from SERVER, else from a root server the resolver names (as dig). Questions carry an EDNS OPT (1232 bytes) unless +noedns.":
            "SERVER는 주소나 노드 이름입니다. 주지 않으면 토폴로지에 적힌 호스트의 리졸버에 묻습니다(손으로 시작한 네임 서버, `rawnet dns serve HOST`에는 @HOST로만 묻습니다). +trace는 SERVER부터, 없으면 리졸버가 알려 주는 루트 서버부터 위임을 한 번에 하나씩 따라 내려갑니다(dig처럼). +noedns가 없으면 질문에 EDNS OPT(1232바이트)가 붙습니다.",
        "The host to ask from.": "질의를 보낼 호스트입니다.",
        // Notation only: the same in both languages.
        "NAME [TYPE] [@SERVER] [+trace] [+short] [+norecurse] [+noedns] [-x ADDRESS]":
            "NAME [TYPE] [@SERVER] [+trace] [+short] [+norecurse] [+noedns] [-x ADDRESS]",
    ]

    /// trace, capture, ladder, plot, web, demo.
    static let watching: [String: String] = [
        "Show every frame the lab's daemons send, receive or drop, one line each, live.":
            "실습 네트워크의 데몬이 보내고 받고 버리는 프레임을 모두, 한 줄에 하나씩 실시간으로 보여 줍니다.",
        "Each frame appears once per cable it crosses (its sending end's line; the receiving end's twin is left out unless --both-ends). A frame carrying a TCP retransmission ends in ↻ retransmission, with its sender's reason when that host is watched. Ctrl-C stops. Examples:":
            "프레임은 지나는 케이블마다 한 번씩 나옵니다(보내는 끝의 줄. 받는 끝의 같은 줄은 --both-ends가 없으면 빠집니다). TCP 재전송을 실은 프레임은 ↻ 재전송으로 끝나고, 보낸 호스트를 지켜보고 있으면 보낸 이유도 붙습니다. Ctrl-C로 멈춥니다. 예:",
        "  rawnet trace                        # everything": "  rawnet trace                        # 모든 것",
        "  rawnet trace r1 --filter 'icmp'     # ICMP seen by r1": "  rawnet trace r1 --filter 'icmp'     # r1이 본 ICMP",
        "  rawnet trace alice-r1 --layers      # every header of frames on that link":
            "  rawnet trace alice-r1 --layers      # 그 링크를 지나는 프레임의 모든 헤더",
        "  rawnet trace --save run.jsonl --duration 10   # for ladder, plot, capture":
            "  rawnet trace --save run.jsonl --duration 10   # ladder, plot, capture에 쓸 것",
        "What to watch: NODE, NODE:INTERFACE, or a link (A-B or A:IF-B:IF). Default: every node.":
            "지켜볼 대상: NODE, NODE:INTERFACE, 또는 링크(A-B 또는 A:IF-B:IF). 기본값: 모든 노드.",
        "Keep only matching events, e.g. 'udp and port 7000', 'host 10.0.1.10', 'on r1:eth1', 'dropped', 'not arp', 'tcp and not event cwnd'.":
            "맞는 이벤트만 남깁니다. 예: 'udp and port 7000', 'host 10.0.1.10', 'on r1:eth1', 'dropped', 'not arp', 'tcp and not event cwnd'.",
        "Stop after this many seconds.": "이 시간(초)이 지나면 멈춥니다.",
        "Stop after this many events (capture: packets).": "이벤트를 이만큼 보면 멈춥니다 (capture에서는 패킷 수).",
        "Show every header of each frame in boxes.": "프레임마다 모든 헤더를 상자로 보여 줍니다.",
        "Also show the receiving end's line for each frame.": "프레임마다 받는 끝의 줄도 보여 줍니다.",
        "TCP sequence and acknowledgment numbers as on the wire (by default they count from each side's SYN when it was seen, as tcpdump shows them, and so does a 'seq N' filter; a number shown as on the wire because the SYN was not seen is marked (abs)).":
            "TCP 순서 번호와 확인응답 번호를 헤더에 실린 값 그대로 보여 줍니다 (기본은 tcpdump처럼 각 쪽의 SYN을 보았으면 그 SYN부터 세고, 'seq N' 필터도 그렇게 셉니다. SYN을 보지 못해 헤더에 실린 값 그대로 보이는 번호에는 (abs)가 붙습니다).",
        "Also write the events (selected, filtered) as JSON lines to this file.": "(고르고 거른) 이벤트를 이 파일에도 JSON lines로 씁니다.",
        "Write the frames crossing the lab's cables to a pcapng file for Wireshark.":
            "실습 네트워크의 케이블을 지나는 프레임을 Wireshark용 pcapng 파일에 씁니다.",
        "With no target, each link is recorded at one point (its second end as the topology names it, sending and receiving) into a file of its own beside the one named: -w lab.pcapng writes lab.alice-r1.pcapng, lab.r1-bob.pcapng, … (a lab of one link, lab.pcapng itself). Each file is one tap on one cable, so Wireshark's TCP analysis flags only what really happened on it; a segment routed over three links is one packet in each of three files. --one-file puts those points in one file (a routed segment then appears once per link it crossed, and Wireshark takes the later copies for retransmissions); --every-interface stores each frame once per interface it crosses (one pcapng interface per NODE:INTERFACE), as do node or interface targets; a link target is recorded at one end, each frame once. Files grow while the capture runs (Wireshark can open them meanwhile); Ctrl-C stops. With no target or one link target, and no --filter or --count, the daemons write the files themselves, so no frame is lost however busy the lab. Otherwise the frames stream to this command, and frames a daemon could not stream because the capture fell behind are counted, said on screen and marked in the file (drop counts on the next packet and in interface statistics). With --from, converts a trace saved by `rawnet trace --save` instead of watching the lab.":
            "대상을 주지 않으면 링크마다 한 지점(토폴로지가 두 번째로 적은 끝, 보내기와 받기 모두)에서 기록해, 지정한 파일 옆에 링크마다 파일을 하나씩 씁니다: -w lab.pcapng는 lab.alice-r1.pcapng, lab.r1-bob.pcapng, …를 씁니다(링크가 하나뿐인 실습 네트워크라면 lab.pcapng 그 자체). 파일 하나는 케이블 하나에 댄 탭 하나이므로, Wireshark의 TCP 분석은 그 케이블에서 실제로 일어난 일만 표시합니다. 링크 세 개를 거쳐 라우팅된 세그먼트는 세 파일에 한 패킷씩 있습니다. --one-file은 그 지점들을 파일 하나에 넣습니다(라우팅된 세그먼트는 거친 링크마다 한 번씩 나오고, Wireshark는 뒤의 사본을 재전송으로 봅니다). --every-interface는 프레임을 지나는 인터페이스마다 한 번씩 저장하며(NODE:INTERFACE마다 pcapng 인터페이스 하나), 노드나 인터페이스를 대상으로 주어도 그렇습니다. 링크를 대상으로 주면 한쪽 끝에서 프레임마다 한 번 기록합니다. 캡처가 도는 동안 파일이 커지고(그동안에도 Wireshark로 열 수 있음), Ctrl-C로 멈춥니다. 대상이 없거나 링크 대상 하나이고 --filter와 --count가 없으면 데몬이 파일을 직접 쓰므로, 실습 네트워크가 아무리 바빠도 프레임을 잃지 않습니다. 그 밖에는 프레임이 이 명령으로 흘러오고, 캡처가 뒤처져서 데몬이 보내지 못한 프레임은 세어서 화면에 알리고 파일에도 표시합니다(다음 패킷과 인터페이스 통계의 drop 수). --from을 주면 실습 네트워크를 지켜보는 대신 `rawnet trace --save`로 저장한 추적을 변환합니다.",
        "The pcapng file to write (with no target: the name its per-link files are made from).":
            "쓸 pcapng 파일입니다 (대상이 없으면 링크별 파일 이름의 바탕).",
        "Store each frame once per interface it crosses (every node's view), not once per link.":
            "프레임을 링크마다 한 번이 아니라 지나는 인터페이스마다 한 번씩 저장합니다 (모든 노드의 시점).",
        "With no target, write the one point per link into one file instead of a file per link.":
            "대상이 없을 때, 링크마다 한 지점씩을 링크별 파일 대신 파일 하나에 씁니다.",
        "Convert this saved trace (JSON lines) instead of capturing live.": "실시간으로 캡처하는 대신 저장한 이 추적(JSON lines)을 변환합니다.",
        "Draw a TCP connection as a ladder (sequence) diagram: handshake, data, losses, retransmissions, close.":
            "TCP 연결을 사다리(시퀀스) 다이어그램으로 그립니다: 3-way handshake, 데이터, 손실, 재전송, 연결 종료.",
        "Save a trace while a connection runs (chat in another terminal), then draw it:":
            "연결이 도는 동안(다른 터미널에서 chat) 추적을 저장한 뒤 그립니다:",
        "Read a trace saved by `rawnet trace --save`.": "`rawnet trace --save`로 저장한 추적을 읽습니다.",
        "Watch the running lab for this many seconds (without --from or --duration: until Ctrl-C).":
            "실행 중인 실습 네트워크를 이 시간(초) 동안 지켜봅니다 (--from도 --duration도 없으면 Ctrl-C까지).",
        "The connection, as 'CLIENT:PORT>SERVER:PORT' in quotes (the shell reads a bare > as a redirect); default: the first one seen (`rawnet ladder --list` lists them).":
            "연결입니다. 'CLIENT:PORT>SERVER:PORT'처럼 따옴표로 감싸 쓰세요(따옴표 없는 >는 셸이 리다이렉트로 읽습니다). 기본값: 처음 본 연결 (`rawnet ladder --list`가 나열합니다).",
        "Write Mermaid (sequenceDiagram) text instead of the terminal drawing.": "터미널 그림 대신 Mermaid(sequenceDiagram) 텍스트를 씁니다.",
        "List the TCP connections in the events and stop.": "이벤트 속의 TCP 연결을 나열하고 멈춥니다.",
        "Write an SVG time-sequence and congestion-window graph of one TCP connection.":
            "TCP 연결 하나의 시간-순서 번호 그래프와 혼잡 윈도우 그래프를 SVG로 씁니다.",
        "The SVG file to write.": "쓸 SVG 파일입니다.",
        "Serve the running lab as a page on this machine: topology, frames moving, layers, impairments.":
            "실행 중인 실습 네트워크를 이 컴퓨터에서 웹 페이지로 보여 줍니다: 토폴로지, 움직이는 프레임, 계층, 인위적 장애.",
        "Listens on 127.0.0.1 only and prints the address to open. The page draws the topology, animates each frame along the link it crossed (the same merged trace as `rawnet trace`), shows a frame's layers on a click, changes a link's impairments as `rawnet impair` does, and can pause and step through what it recorded. --port 0 picks a free port. Ctrl-C stops.":
            "127.0.0.1에서만 기다리고, 열 주소를 출력합니다. 페이지는 토폴로지를 그리고, 프레임마다 지난 링크를 따라 움직이는 모습을 보여 주며(`rawnet trace`와 같은, 합친 추적), 프레임을 클릭하면 계층을 보여 주고, `rawnet impair`처럼 링크의 인위적 장애를 바꾸며, 기록한 것을 멈추고 한 단계씩 볼 수 있습니다. --port 0은 빈 포트를 고릅니다. Ctrl-C로 멈춥니다.",
        "With --from, the page steps through a saved trace (`rawnet trace --save`) instead, drawn over --topology FILE, else the running lab's topology, else the default lab's.":
            "--from을 주면 페이지는 그 대신 `rawnet trace --save`로 저장한 추적을 한 단계씩 보여 줍니다. --topology FILE 위에, 없으면 실행 중인 실습 네트워크의 토폴로지, 그것도 없으면 기본 실습 네트워크의 토폴로지 위에 그립니다.",
        "The page is in Korean with ?lang=ko after the address (?lang=en: English); without it, in the language last chosen with its button, else the browser's.":
            "주소 뒤에 ?lang=ko를 붙이면 페이지가 한국어로 나옵니다(?lang=en: 영어). 붙이지 않으면 페이지의 버튼으로 마지막에 고른 언어, 그것도 없으면 브라우저의 언어로 나옵니다.",
        "TCP port on 127.0.0.1 (0: any free one).": "127.0.0.1의 TCP 포트입니다 (0: 아무 빈 포트).",
        "Step through this saved trace (JSON lines from `rawnet trace --save`) instead of a running lab.":
            "`rawnet trace --save`로 저장한 이 추적(JSON lines)을 실행 중인 실습 네트워크 대신 한 단계씩 봅니다.",
        "With --from: the topology file the trace was recorded on.": "--from과 함께: 추적을 기록한 토폴로지 파일입니다.",
        "A guided tour of RawNet: every idea (layers, IP, UDP, ports, TCP, TTL, routes) shown on a live lab.":
            "RawNet 둘러보기: 계층, IP, UDP, 포트, TCP, TTL, 경로 같은 개념을 하나하나 실행 중인 실습 네트워크에서 보여 줍니다.",
        "Starts its own lab 'tour' (three routers in a triangle, two switches, eight hosts: alice, bob with a web server, carol, dave, and the DNS servers rec, root, tld and ns1), runs one scene per idea, prints the commands to do each by hand and the evidence from the trace, then stops the lab. Exits non-zero when a scene's evidence is missing.":
            "자기 실습 네트워크 'tour'를 시작하고(삼각형으로 이은 라우터 셋, 스위치 둘, 호스트 여덟: alice, 웹 서버가 있는 bob, carol, dave, 그리고 DNS 서버 rec, root, tld, ns1), 개념마다 장면을 하나씩 실행하며 직접 해 볼 명령과 추적에서 나온 증거를 출력한 뒤, 실습 네트워크를 멈춥니다. 장면의 증거가 빠지면 0이 아닌 상태로 끝납니다.",
        "Language of the narration: en or ko (default: RAWNET_LANG, else ko under a Korean locale such as LANG=ko_KR.UTF-8, else en).":
            "설명의 언어: en 또는 ko (기본값: RAWNET_LANG, 없으면 LANG=ko_KR.UTF-8 같은 한국어 로캘에서는 ko, 그 밖에는 en).",
        "Wait for Enter between scenes.": "장면 사이마다 Enter를 기다립니다.",
        "Open a tmux layout (trace, two chats, status) on the lab and leave it running.":
            "실습 네트워크에 tmux 화면 배치(trace, 채팅 둘, status)를 열고 실행 중인 채로 둡니다.",
        "Leave the lab running at the end.": "끝난 뒤에도 실습 네트워크를 실행 중인 채로 둡니다.",
        "Also write every frame of the tour to this pcapng file.": "둘러보기의 모든 프레임을 이 pcapng 파일에도 씁니다.",
        "Only these scenes, comma-separated, by number (1-17, as the tour numbers them), a range of numbers (9-17) or name (encapsulation, connectionless, unreliable, ports, lan, waiting, handshake, delivery, ordering, drop-one, corruption, close, time-to-live, way-back, reroute, names, web).":
            "이 장면만 실행합니다. 쉼표로 나누어 번호(둘러보기가 매긴 1-17), 번호 범위(9-17), 또는 이름(encapsulation, connectionless, unreliable, ports, lan, waiting, handshake, delivery, ordering, drop-one, corruption, close, time-to-live, way-back, reroute, names, web)으로 줍니다.",
    ]
}
