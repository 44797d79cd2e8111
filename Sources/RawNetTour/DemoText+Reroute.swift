extension DemoText {
    static let reroute = SceneText(
        title: Said(en: "Routes change: a link fails, the routers find another way, the chat goes on",
                    ko: "경로가 바뀐다: 링크가 끊겨도 라우터가 다른 길을 찾고, 채팅은 이어진다"),
        story: Said(
            en: """
                The routers now run RIP: every second each tells its neighbours which networks it \
                reaches and at what distance. r2 keeps its static route to alice's network through r3 \
                (a static route is trusted more: distance 1 against RIP's 120), and RIP's route \
                through r1 waits beside it. Then the r2–r3 cable is cut while alice chats with bob: \
                the static route leads out of a dead interface, so r2 takes RIP's way, and TCP resends \
                whatever the cut swallowed.
                """,
            ko: """
                이제 라우터들이 RIP를 돌립니다. 1초마다 각 라우터가 이웃에게 자기가 닿는 네트워크와 그 거리를 \
                알려 줍니다. r2에는 r3를 거쳐 alice 쪽 네트워크로 가는 정적 경로가 그대로 있고(정적 경로를 더 \
                믿습니다: 관리 거리 1 대 RIP의 120), r1을 거치는 RIP 경로가 그 옆에서 기다립니다. alice와 bob이 \
                채팅하는 동안 r2–r3 케이블을 끊으면, 정적 경로는 죽은 인터페이스로 나가므로 r2는 RIP의 길을 \
                택하고, 끊긴 사이에 사라진 데이터가 있으면 TCP가 다시 보냅니다.
                """),
        commands: ["rawnet rip r1 on --update 1s", "rawnet rip r2 on --update 1s", "rawnet rip r3 on --update 1s",
                   "rawnet routes r2   # after a few seconds: a route learned by RIP",
                   "rawnet link r2-r3 down", "rawnet traceroute bob alice", "rawnet link r2-r3 up"],
        notice: Said(en: "the routes before and after the cut, and the chat lines all arriving in order.",
                     ko: "끊기 전과 후의 경로, 그리고 채팅 줄이 모두 순서대로 도착하는 것."))
}
