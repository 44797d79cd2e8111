extension DemoText {
    static let names = SceneText(
        title: Said(en: "Names become addresses: a name walked down the DNS tree, then cached",
                    ko: "이름이 주소가 된다: DNS 트리를 따라 내려가 찾고, 캐시에 남긴다"),
        story: Said(
            en: """
                Apps ask for names; IP needs addresses. DNS is a tree of name servers, each knowing only \
                its own zone and who serves the zones below it. The root (10.0.4.11) knows who serves \
                lab.: tld (10.0.4.12); tld knows who serves example.lab.: ns1 (10.0.4.13); ns1 knows \
                www.example.lab itself. alice asks the way apps do: one question to her resolver, rec \
                (10.0.4.53; the topology names it, as /etc/resolv.conf does), which walks the tree for her \
                and keeps every answer for its TTL. Asked again, rec answers at once, from its cache. Then \
                `dig +trace` walks the tree from alice, one referral at a time, so each step shows.
                """,
            ko: """
                앱은 이름을 묻지만 IP에는 주소가 필요합니다. DNS는 네임 서버들의 트리입니다. 서버마다 자기 영역과, \
                그 아래 영역을 누가 맡는지만 압니다. 루트(10.0.4.11)는 lab.을 tld(10.0.4.12)가 맡는다는 것을, \
                tld는 example.lab.을 ns1(10.0.4.13)이 맡는다는 것을 알고, www.example.lab의 주소는 ns1이 압니다. \
                alice는 앱이 하듯이 리졸버 rec(10.0.4.53)에게 한 번만 묻습니다. 토폴로지가 /etc/resolv.conf처럼 \
                rec를 정해 줍니다. rec는 alice 대신 트리를 따라 내려가고, 받은 답을 TTL 동안 캐시에 둡니다. 다시 \
                물으면 캐시에서 바로 답합니다. 끝으로 `dig +trace`가 alice에서 트리를 한 단계씩 따라 내려가며 \
                위임을 하나하나 보여 줍니다.
                """),
        commands: ["rawnet trace rec --filter 'port 53'", "rawnet dig alice www.example.lab",
                   "rawnet dig alice www.example.lab +trace", "rawnet dig alice -x 10.0.2.20"],
        notice: Said(en: "rec asks three servers the first time and none the second; +trace shows two referrals, "
                         + "then the authoritative answer.",
                     ko: "rec는 처음에는 서버 셋에 묻고 두 번째에는 아무에게도 묻지 않습니다. +trace에는 위임 두 번 "
                         + "뒤에 권한 있는 응답이 보입니다."))

    static let web = SceneText(
        title: Said(en: "hello,world down the layers and back: an HTTP GET",
                    ko: "hello,world가 계층을 내려갔다 올라온다: HTTP GET"),
        story: Said(
            en: """
                bob runs a web server whose page is hello,world. alice's app turns www.example.lab into \
                10.0.2.20 (rec still has it cached), opens a TCP connection to port 80 and writes an HTTP \
                request: a few lines of text. Going down, TCP puts that text in a segment, IP puts the \
                segment in a packet addressed to bob, Ethernet puts the packet in a frame for the next \
                cable. Each router takes the frame apart, keeps the packet (one less TTL) and wraps it in \
                a new frame for its next cable. At bob each layer takes its header off again, up to the \
                server, whose answer makes the same journey back, by another way.
                """,
            ko: """
                bob에서는 hello,world 페이지를 내주는 웹 서버가 실행 중입니다. alice의 앱은 www.example.lab을 10.0.2.20으로 \
                바꾸고(rec의 캐시에 아직 있습니다), 포트 80으로 TCP 연결을 연 뒤 HTTP 요청을 씁니다. 요청은 몇 줄의 \
                텍스트입니다. 내려가면서 TCP가 그 텍스트를 세그먼트에, IP가 세그먼트를 bob에게 가는 패킷에, \
                이더넷이 패킷을 다음 케이블용 프레임에 담습니다. 라우터는 프레임을 풀어 패킷만 남기고(TTL은 하나 \
                줄입니다) 다음 케이블용 새 프레임에 다시 담습니다. bob에서는 계층마다 자기 헤더를 떼어 내며 서버까지 \
                올라가고, 서버의 응답도 같은 여행을 다른 길로 돌아옵니다.
                """),
        commands: ["rawnet http get alice http://www.example.lab/ -v", "rawnet trace --filter 'port 80' --layers",
                   "rawnet capture -w web.pcapng --duration 10"],
        notice: Said(en: "the IP addresses stay the same on every cable while the MAC addresses change, and the TTL drops.",
                     ko: "케이블마다 MAC 주소는 바뀌어도 IP 주소는 그대로이고, TTL은 줄어듭니다."))
}
