import RawNetSocket

/// The room's lines on a Korean screen. On the wire the room's notices stay as the protocol
/// spells them (members read them: who left after how many lines, where a numbering stands);
/// a member or a room that shows Korean reads each known notice and mark in Korean, and shows
/// any other line, above all what members typed, as it came.
extension ChatProtocol {
    /// `line` (a notice, a mark the room added, or a member's line) for a Korean screen.
    public static func korean(_ line: String) -> String {
        if let match = line.wholeMatch(of: #/\* (\S+) joined from (\S+)/#) {
            return "* \(match.1) 들어옴 (\(match.2)에서)"
        }
        if let match = line.wholeMatch(of: #/\* (\S+) joined over udp from (\S+)/#) {
            return "* \(match.1) 들어옴 (UDP, \(match.2)에서)"
        }
        if let match = line.wholeMatch(of: #/\* (\S+) left( \(udp\))?/#) {
            return "* \(match.1) 나감" + (match.2 == nil ? "" : " (UDP)")
        }
        if let match = line.wholeMatch(
            of: #/\* (\S+) left after (\d+) lines?(?: \(the last(?: (\d+))?, (#[0-9-]+), never reached the room\))?( \(udp\))?/#) {
            var text = "* \(match.1) 나감" + (match.5 == nil ? "" : " (UDP)") + ": \(match.2)줄 보냄"
            if let lines = match.4 {
                text += ", 마지막 \(match.3 ?? "1")줄(\(lines))은 대화방에 오지 못함"
            }
            return text
        }
        if let match = line.wholeMatch(of: #/\* (.+) had sent (\d+) lines? before you joined/#) {
            return "* 들어오기 전에 보낸 \(match.1)의 줄: \(match.2)줄"
        }
        if let match = line.wholeMatch(of: #/\* the room is full \((\d+) members over udp\)/#) {
            return "* 방이 꽉 참 (UDP 멤버 \(match.1)명)"
        }
        if let match = line.wholeMatch(of: #/(\[[^\]]*\]) \(from (\S+), as the room saw it\)/#),
           let mark = ChatSequenceTracker.koreanMark(String(match.1)) {
            return "\(mark) (\(match.2)에게서, 대화방 기준)"
        }
        // A UDP member's line bridged to TCP members, with the mark the room added at its end.
        if line.wholeMatch(of: #/\S+ \(udp #\d+\): .*/#) != nil,
           let markStart = line.lastIndex(of: "["), line.last == "]",
           markStart > line.startIndex, line[line.index(before: markStart)] == " ",
           let mark = ChatSequenceTracker.koreanMark(String(line[markStart...])) {
            return String(line[..<markStart]) + mark
        }
        return line
    }
}

extension ChatSequenceTracker {
    /// A mark that `mark(_:sequence:from:)` made, as `markKorean` makes it; nil for any other text.
    public static func koreanMark(_ mark: String) -> String? {
        if mark == "[duplicate]" { return "[중복]" }
        if let match = mark.wholeMatch(of: #/\[out of order: after (#\d+)\]/#) {
            return "[순서 어긋남: \(match.1) 다음에 옴]"
        }
        if let match = mark.wholeMatch(of: #/\[missing (#\d+(?:–#\d+)?): lost or late\]/#) {
            return "[\(match.1) 빠짐: 잃었거나 늦음]"
        }
        if let match = mark.wholeMatch(of: #/\[(#\d+(?:–#\d+)?) not seen here: sent before you joined, or lost\]/#) {
            return "[\(match.1) 여기서 못 봄: 참여 전에 보냈거나 잃음]"
        }
        return nil
    }
}

extension NetworkError {
    /// The error for a Korean screen (the page's, the terminal chat's), with the words a terminal tool prints kept beside it.
    public var koreanDescription: String {
        switch self {
        case .addressInUse: return "이미 쓰고 있는 주소입니다 (address already in use)"
        case .connectionRefused: return "연결이 거부되었습니다 (connection refused): 그 포트에 대화방이 없습니다"
        case .connectionReset: return "상대가 연결을 리셋했습니다 (connection reset by peer)"
        case .timedOut: return "응답이 없어 시간이 다 되었습니다 (timed out)"
        case .hostUnreachable:
            // As `AppFailure.hostUnreachableHint` says it in English.
            return "호스트에 닿을 수 없습니다 (host unreachable): 가는 길의 노드가 다음 홉을 ARP로 찾았지만 답이 없었습니다. "
                + "가는 길의 노드가 멈췄거나 케이블이 끊겼거나 (rawnet status), 그 주소의 노드가 없거나, "
                + "ARP가 인위적 장애로 손실되었습니다 (rawnet impair --show, rawnet trace --filter arp). 다시 해 보세요"
        case .networkUnreachable: return "네트워크에 닿을 수 없습니다 (network is unreachable)"
        case .hostNotRunning(let host, _, _): return "\(host) 데몬이 돌고 있지 않습니다 (\(description))"
        case .hostClosedConnection:
            return "호스트 데몬이 연결을 닫았습니다 (host daemon closed the connection): 실습 네트워크가 멈췄거나 호스트가 끝났습니다. `rawnet status`로 확인하세요"
        default: return "오류: \(description)"
        }
    }
}
