/// The words of the scenes where the learner breaks one chosen segment, and of the questions.
extension DemoText {
    static let pickOne = Said(en: "your guess? type 1, 2 or 3 and press Enter (Enter alone: the answer)",
                              ko: "어떻게 될까요? 1, 2, 3 중 하나를 치고 Enter (Enter만: 답 보기)")
    /// Said when what was typed is no choice.
    static func notAChoice(_ typed: String) -> Said {
        Said(en: "'\(typed)' is not a choice: type 1, 2 or 3 and press Enter (Enter alone: the answer)",
             ko: "보기에 없는 답입니다: '\(typed)'. 1, 2, 3 중 하나를 치고 Enter (Enter만: 답 보기)")
    }
    static let rightAnswer = Said(en: "right:", ko: "맞았습니다:")
    static let otherAnswer = Said(en: "not quite; the answer is", ko: "아쉽네요. 답은")
    static let theAnswer = Said(en: "answer:", ko: "답:")

    static let dropOne = SceneText(
        title: Said(en: "Kill one chosen segment and watch TCP repair it",
                    ko: "고른 세그먼트 하나를 없애고 TCP가 고치는 것을 보기"),
        story: Said(
            en: """
                Like the animations in Kurose and Ross, we pick one packet and kill it: alice's third \
                segment, the one whose first byte is number 27 (each line is 13 bytes). The rule drops \
                that one frame on alice's cable and nothing else; the segments after it still arrive.
                """,
            ko: """
                Kurose와 Ross 교재의 애니메이션처럼 패킷 하나를 골라 없앱니다. alice가 보내는 세 번째 \
                세그먼트, 곧 첫 바이트 번호가 27인 세그먼트입니다(줄마다 13바이트). 이 규칙은 alice의 \
                케이블에서 그 프레임 하나만 버리고, 뒤의 세그먼트는 그대로 도착합니다.
                """),
        commands: ["rawnet chat bob --listen 7000   # a room, unless one is open",
                   "rawnet impair alice-r1 --direction out --drop-next 'tcp and seq 7'",
                   "rawnet ladder --duration 30   # in another terminal, before the chat",
                   "rawnet chat alice --connect bob:7000 --name alice   # first line typed: seq 7",
                   "rawnet impair alice-r1"],
        notice: Said(
            en: """
                seq numbers count bytes from 1, as the ladder shows them; bob keeps asking for 27 \
                (ack=27) while SACK tells alice what else arrived. The tour's chat sends only its \
                lines, so they start at 1, 14, 27 and 40. A chat you start sends your name first: \
                'alice' and Enter are bytes 1–6, so the first line you type starts at seq 7, and \
                that is the line the rule drops. Lines typed by hand come seconds apart, too late \
                to draw a duplicate ACK, so alice resends it by herself moments later: ↻ \
                (tail-loss probe) in the ladder.
                """,
            ko: """
                seq 번호는 사다리 그림처럼 1부터 바이트를 셉니다. bob은 계속 27을 달라고 하고(ack=27), \
                SACK으로 그 밖에 무엇이 도착했는지 알려 줍니다. 둘러보기의 채팅은 줄만 보내므로 줄이 1, \
                14, 27, 40에서 시작합니다. 직접 여는 채팅은 이름을 먼저 보냅니다. 'alice'와 Enter가 \
                바이트 1–6이므로 처음 치는 줄은 seq 7에서 시작하고, 위 규칙이 버리는 것이 바로 그 \
                줄입니다. 손으로 치는 줄은 몇 초씩 떨어져 있어 중복 ACK를 끌어내기에는 늦으므로, \
                alice는 곧 스스로 그 줄을 다시 보냅니다. 사다리에는 ↻ (꼬리 손실 프로브)로 보입니다.
                """))

    static let dropOneQuestion = Question(
        question: Said(en: "alice's segment 3 (seq 27) is lost. What does bob send when segment 4 (seq 40) arrives?",
                       ko: "alice의 세그먼트 3(seq 27)이 사라졌습니다. 세그먼트 4(seq 40)가 도착하면 bob은 무엇을 보낼까요?"),
        choices: [Said(en: "nothing until segment 3 comes", ko: "세그먼트 3이 올 때까지 아무것도 보내지 않는다"),
                  Said(en: "ack=27 again: a duplicate ACK, with SACK naming what did arrive",
                       ko: "다시 ack=27: 중복 ACK를 보내고, 도착한 것은 SACK으로 알린다"),
                  Say.ackEverything],
        answer: 2,
        why: Said(en: "An ACK names the next byte bob needs, and that is still 27. With SACK, alice sees that 40, sent after 27, arrived, so she resends 27 at once (RACK) instead of waiting for her timer.",
                  ko: "ACK는 bob이 다음에 받아야 할 바이트를 말하는데, 그것은 여전히 27입니다. SACK을 보고 alice는 27보다 뒤에 보낸 40이 도착한 것을 알고, 타이머를 기다리지 않고 곧바로 27을 다시 보냅니다(RACK)."))

    static let corruption = SceneText(
        title: Said(en: "A flipped bit: the checksum catches it, a retransmission repairs it",
                    ko: "뒤집힌 비트 하나: 체크섬이 잡고 재전송이 고친다"),
        story: Said(
            en: """
                This time alice's second segment (seq 14) leaves with one bit flipped in its last data \
                byte. r1 checks only the IP header, so it forwards the segment; bob's TCP adds up the \
                bytes, finds the checksum wrong and drops the segment as if it had been lost.
                """,
            ko: """
                이번에는 alice의 두 번째 세그먼트(seq 14)가 마지막 데이터 바이트의 비트 하나가 뒤집힌 채 \
                떠납니다. r1은 IP 헤더만 검사하므로 그대로 전달하고, bob의 TCP는 바이트를 더해 보고 \
                체크섬이 틀린 것을 찾아 잃어버린 세그먼트처럼 버립니다.
                """),
        commands: ["rawnet impair alice-r1 --direction out --corrupt-next 'tcp and port 7000 and seq 7'",
                   "rawnet chat bob --listen 7000   # a room, unless one is open",
                   "rawnet chat alice --connect bob:7000 --name alice   # first line typed: seq 7",
                   "rawnet trace bob --filter dropped",
                   "rawnet capture -w bad.pcapng --duration 20"],
        notice: Said(
            en: """
                the damaged bytes never reach bob's app: a checksum turns corruption into loss, and \
                TCP already knows how to repair loss. By hand the rule hits the first line you type, \
                seq 7: your chat sends your name first ('alice' and Enter, bytes 1–6), while the \
                tour's chat sends no name, so its second line starts at 14. alice resends the line \
                by herself moments later: ↻ (tail-loss probe) in the ladder.
                """,
            ko: """
                망가진 바이트는 bob의 앱까지 가지 않습니다. 체크섬이 손상을 손실로 바꾸고, 손실은 TCP가 \
                이미 고칠 줄 압니다. 직접 해 보면 규칙은 처음 치는 줄인 seq 7에 걸립니다. 채팅이 이름을 \
                먼저 보내기 때문입니다('alice'와 Enter, 바이트 1–6). 둘러보기의 채팅은 이름을 보내지 \
                않아 두 번째 줄이 14에서 시작합니다. alice는 곧 스스로 그 줄을 다시 보냅니다. 사다리에는 \
                ↻ (꼬리 손실 프로브)로 보입니다.
                """))

    static let corruptionQuestion = Question(
        question: Said(en: "bob's TCP finds segment seq 14's checksum wrong. What happens to it?",
                       ko: "bob의 TCP가 seq 14 세그먼트의 체크섬이 틀린 것을 찾았습니다. 그 세그먼트는 어떻게 될까요?"),
        choices: [Said(en: "bob's app gets the bytes with one bit wrong", ko: "bob의 앱이 비트 하나가 틀린 바이트를 받는다"),
                  Said(en: "bob asks alice to resend it (a negative acknowledgment)",
                       ko: "bob이 alice에게 다시 보내 달라고 한다 (부정 확인응답)"),
                  Said(en: "bob drops it without a word; alice resends it as if it were lost",
                       ko: "bob은 말없이 버리고, alice는 잃어버린 것처럼 다시 보낸다")],
        answer: 3,
        why: Said(en: "TCP has no negative acknowledgment: a bad segment is dropped and counted (\"bad checksum\"), bob's ACKs keep asking for 14, and alice's retransmission repairs it.",
                  ko: "TCP에는 부정 확인응답이 없습니다. 잘못된 세그먼트는 버려지고(\"잘못된 체크섬\"으로 집계), bob의 ACK는 계속 14를 달라고 하며, alice의 재전송이 고칩니다."))

    /// Choices shared by more than one question.
    enum Say {
        static let ackEverything = Said(en: "ack=53, acknowledging every byte it has", ko: "받은 바이트를 모두 확인하는 ack=53")
    }
}

/// The words of the scene on blocking and non-blocking sockets.
extension DemoText {
    static let waiting = SceneText(
        title: Said(en: "Waiting for the network: a blocking app and a polling one",
                    ko: "네트워크 기다리기: 블로킹 앱과 폴링하는 앱"),
        story: Said(
            en: """
                Two apps run on bob. The waiter calls receive and blocks: its thread sleeps inside the \
                call until a datagram comes. The poller asks with a timeout of zero (non-blocking): \
                when nothing is there the call returns at once, and the app does other work before \
                asking again. After 0.3 s alice sends one datagram to each.
                """,
            ko: """
                bob에서 앱 두 개가 돌고 있습니다. 기다리는 앱은 receive를 부르고 블로킹됩니다. 데이터그램이 올 \
                때까지 그 스레드는 호출 안에서 잠듭니다. 폴링하는 앱은 타임아웃 0으로(논블로킹) 묻습니다. \
                아무것도 없으면 호출이 곧바로 돌아오고, 앱은 다른 일을 한 뒤 다시 묻습니다. 0.3초 뒤 \
                alice가 두 앱에 데이터그램을 하나씩 보냅니다.
                """),
        commands: ["rawnet nc bob -l 7100 --udp -d", "rawnet sockets bob   # while nc waits",
                   "echo hi | rawnet nc alice bob 7100 --udp"],
        notice: Said(
            en: "the network is the same for both; only the app decides whether to wait or to go on.",
            ko: "네트워크는 두 앱에 똑같습니다. 기다릴지, 하던 일을 계속할지는 앱이 정합니다."))

    static let waitingQuestion = Question(
        question: Said(en: "For 0.3 s nothing arrives. What is the waiter doing meanwhile?",
                       ko: "0.3초 동안 아무것도 오지 않습니다. 그동안 기다리는 앱은 무엇을 할까요?"),
        choices: [Said(en: "asking the network again and again", ko: "네트워크에 묻고 또 묻는다"),
                  Said(en: "nothing: its thread sleeps inside receive until the datagram comes",
                       ko: "아무것도: 데이터그램이 올 때까지 스레드가 receive 안에서 잠든다"),
                  Said(en: "it gets an error at once and gives up", ko: "곧바로 오류를 받고 포기한다")],
        answer: 2,
        why: Said(en: "A blocking call hands the wait to the system. Asking again and again is what the poller does, by choice, so it can work in between.",
                  ko: "블로킹 호출은 기다림을 시스템에 맡깁니다. 묻고 또 묻는 것은 폴링하는 앱이 사이사이 다른 일을 하려고 스스로 고른 방식입니다."))

    static let waiterPrinted = Said(en: "the waiter printed:", ko: "기다리는 앱의 출력:")
    static let pollerPrinted = Said(en: "the poller printed:", ko: "폴링하는 앱의 출력:")
    static func waiterLine(_ seconds: String, _ text: String) -> Said {
        Said(en: "receive returned after \(seconds) s: '\(text)'", ko: "\(seconds)초 뒤 receive가 돌아옴: '\(text)'")
    }
    static func pollerLine(_ polls: Int, _ work: Int, _ text: String) -> Said {
        Said(en: "\(polls) polls, \(work) steps of other work, then '\(text)'",
             ko: "폴링 \(polls)번, 다른 일 \(work)단계, 그다음 '\(text)'")
    }
}
