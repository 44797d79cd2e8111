@testable import RawNetApps
import RawNetWire
import Testing

/// When ping sends, when it stops and how it exits, as Linux's iputils ping: `-c` alone
/// stops after the count's requests; `-w` (a deadline) after the count's replies, or
/// at the first ICMP error, sending more while requests go unanswered.
struct PingDeadlineTests {
    static func ping(count: Int?, deadline: Duration? = nil) -> Ping {
        var ping = Ping(destination: IPv4Address(10, 0, 2, 20))
        ping.count = count
        ping.deadline = deadline
        return ping
    }

    static func summary(transmitted: Int, received: Int, sendErrors: Int = 0, icmpErrors: Int = 0) -> PingSummary {
        var summary = PingSummary()
        summary.transmitted = transmitted
        summary.received = received
        summary.errors = sendErrors + icmpErrors
        summary.icmpErrors = icmpErrors
        return summary
    }

    @Test func withoutADeadline_theCountIsOfRequests() {
        let ping = Self.ping(count: 3)
        #expect(ping.shouldSend(after: Self.summary(transmitted: 2, received: 0)))
        #expect(!ping.shouldSend(after: Self.summary(transmitted: 3, received: 0)))
        // After the last request, its answers are waited for (up to -W), no more.
        #expect(!ping.isFinished(Self.summary(transmitted: 3, received: 2)))
        #expect(ping.isFinished(Self.summary(transmitted: 3, received: 2, icmpErrors: 1)))
        #expect(!ping.isFinished(Self.summary(transmitted: 2, received: 2)), "the third request is still due")
        #expect(Self.ping(count: nil).shouldSend(after: Self.summary(transmitted: 1000, received: 0)))
    }

    @Test func withADeadline_theCountIsOfReplies() {
        let ping = Self.ping(count: 3, deadline: .seconds(5))
        #expect(ping.shouldSend(after: Self.summary(transmitted: 3, received: 2)), "one went unanswered: send another")
        #expect(ping.shouldSend(after: Self.summary(transmitted: 7, received: 0)))
        #expect(!ping.shouldSend(after: Self.summary(transmitted: 4, received: 3)))
        #expect(ping.isFinished(Self.summary(transmitted: 4, received: 3)))
        // Requests that could not be sent count toward it, as they do in the statistics' errors.
        #expect(!ping.shouldSend(after: Self.summary(transmitted: 3, received: 0, sendErrors: 3)))
        #expect(ping.shouldSend(after: Self.summary(transmitted: 1, received: 0, sendErrors: 1)))
        // An ICMP error ends it at once ("or for some error notification from network").
        #expect(!ping.shouldSend(after: Self.summary(transmitted: 1, received: 0, icmpErrors: 1)))
        #expect(ping.isFinished(Self.summary(transmitted: 1, received: 0, icmpErrors: 1)))
        // Without -c, only the deadline (or an ICMP error) ends it.
        let untilDeadline = Self.ping(count: nil, deadline: .seconds(5))
        #expect(untilDeadline.shouldSend(after: Self.summary(transmitted: 50, received: 50)))
        #expect(!untilDeadline.isFinished(Self.summary(transmitted: 50, received: 50)))
        #expect(!untilDeadline.shouldSend(after: Self.summary(transmitted: 5, received: 4, icmpErrors: 1)))
    }

    @Test func exitStatus_isLinuxPings() {
        let plain = Self.ping(count: 3)
        #expect(plain.exitStatus(Self.summary(transmitted: 3, received: 1)) == 0, "any reply")
        #expect(plain.exitStatus(Self.summary(transmitted: 3, received: 0)) == 1, "no reply")
        #expect(plain.exitStatus(Self.summary(transmitted: 3, received: 0, icmpErrors: 3)) == 1)
        // Given -w and -c, fewer replies than the count by the deadline is a failure too.
        let deadline = Self.ping(count: 3, deadline: .seconds(1))
        #expect(deadline.exitStatus(Self.summary(transmitted: 5, received: 2)) == 1)
        #expect(deadline.exitStatus(Self.summary(transmitted: 4, received: 3)) == 0)
        let deadlineOnly = Self.ping(count: nil, deadline: .seconds(1))
        #expect(deadlineOnly.exitStatus(Self.summary(transmitted: 5, received: 1)) == 0)
        #expect(deadlineOnly.exitStatus(Self.summary(transmitted: 5, received: 0)) == 1)
    }

    @Test func summaryLines_leaveSendErrorsAndICMPErrorsTogether() {
        let summary = Self.summary(transmitted: 2, received: 0, sendErrors: 1, icmpErrors: 1)
        #expect(summary.lines == ["2 packets transmitted, 0 received, +2 errors, 100% packet loss, time 0ms"])
    }
}
