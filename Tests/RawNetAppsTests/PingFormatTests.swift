@testable import RawNetApps
import RawNetWire
import Testing

struct PingFormatTests {
    @Test func summary_linesReadLikeLinuxPing() {
        var summary = PingSummary()
        summary.transmitted = 3
        summary.received = 2
        summary.errors = 1
        summary.roundTripTimes = [1.0, 3.0]
        summary.elapsedMilliseconds = 2003.7
        #expect(summary.lines == [
            // Rounded to the millisecond, as iputils' "(tv_usec + 500) / 1000".
            "3 packets transmitted, 2 received, +1 errors, 33.3333% packet loss, time 2004ms",
            "rtt min/avg/max/mdev = 1.000/2.000/3.000/1.000 ms",
        ])
    }

    /// A reply's time and the summary's min and max are the same whole microseconds: 0.8769 ms
    /// shows as `time=0.876 ms` and as the max 0.876 (it said 0.877, rounded another way).
    @Test func replyTimeAndSummary_agreeToTheMicrosecond() {
        let measured = [0.8769, 0.6749, 0.7612]
        var summary = PingSummary()
        summary.transmitted = 3
        summary.received = 3
        summary.roundTripTimes = measured.map(Ping.wholeMicroseconds)
        let times = summary.roundTripTimes.map(Ping.roundTrip)
        #expect(times == ["0.876", "0.674", "0.761"])
        let rtt = summary.lines[1]
        #expect(rtt.hasPrefix("rtt min/avg/max/mdev = 0.674/") && rtt.contains("/0.876/"), "\(rtt)")
    }

    @Test func summary_withoutReplies_hasNoRTTLine() {
        var summary = PingSummary()
        summary.transmitted = 2
        #expect(summary.lines == ["2 packets transmitted, 0 received, 100% packet loss, time 0ms"])
    }

    /// A reply's `time=` has iputils ping's precision: three decimals below 1 ms, two below
    /// 10 ms, one below 100 ms, none from there; rounded but below 1 ms, where the
    /// microseconds are cut. The statistics keep three decimals.
    @Test func replyTimes_haveIputilsPrecision() {
        let cases: [(Double, String)] = [
            (0, "0.000"), (0.045, "0.045"), (0.0459, "0.045"), (0.999, "0.999"), (0.9999, "0.999"),
            (1, "1.00"), (1.7, "1.70"), (1.704, "1.70"), (1.705, "1.71"), (9.99, "9.99"), (9.995, "10.0"),
            (12.3, "12.3"), (12.34, "12.3"), (12.35, "12.4"), (99.94, "99.9"), (99.95, "100"),
            (123, "123"), (123.4, "123"), (123.5, "124"), (2500.2, "2500"),
        ]
        for (milliseconds, text) in cases {
            #expect(Ping.roundTrip(milliseconds) == text, "\(milliseconds) ms")
        }
        var summary = PingSummary()
        summary.transmitted = 2
        summary.received = 2
        summary.roundTripTimes = [0.5, 2]
        #expect(summary.lines.last == "rtt min/avg/max/mdev = 0.500/1.250/2.000/0.750 ms")
    }

    @Test func icmpErrors_useLinuxPingWords() {
        #expect(Ping.errorText(.destinationUnreachable(.host, quoted: [])) == "Destination Host Unreachable")
        #expect(Ping.errorText(.timeExceeded(.timeToLive, quoted: [])) == "Time to live exceeded")
    }

    @Test func quotedSequence_comesFromTheQuotedEchoRequest() {
        let request = Packet.ipv4(ip: IPv4Header(protocolNumber: .icmp, source: IPv4Address(10, 0, 1, 10), destination: IPv4Address(10, 0, 2, 20)),
                                  .icmp(.echoRequest(identifier: 7, sequence: 513, payload: [1, 2, 3, 4])))
        let error = ICMPMessage.timeExceeded(.timeToLive, quoted: ICMPMessage.quote(request))
        #expect(Ping.quotedSequence(error) == 513)
    }

    @Test func tracerouteHop_printsAddressOnceAndStarsForSilence() {
        let router = IPv4Address(10, 0, 12, 2)
        let hop = TracerouteHop(timeToLive: 2, probes: [
            .init(from: router, milliseconds: 0.5, annotation: nil),
            .init(from: nil, milliseconds: nil, annotation: nil),
            .init(from: router, milliseconds: 1.25, annotation: nil),
        ])
        #expect(hop.line() == " 2  10.0.12.2  0.500 ms *  1.250 ms")
        // With a name from a reverse lookup, as Linux traceroute prints it.
        #expect(hop.line(names: [router: "eth1.r2.lab"]) == " 2  eth1.r2.lab (10.0.12.2)  0.500 ms *  1.250 ms")
    }
}
