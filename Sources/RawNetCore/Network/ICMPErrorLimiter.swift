import RawNetWire

/// The rate limit on ICMP errors a node sends (RFC 1812 §4.3.2.8), kept as
/// Linux keeps it: a token bucket per destination, so one busy sender cannot
/// silence the errors everybody else's traceroute needs, and one bucket for
/// the whole node, so many senders together cannot turn it into an ICMP source.
struct ICMPErrorLimiter: Sendable {
    struct Bucket: Sendable {
        var tokens: Int
        var countedAt: Instant

        /// Adds the tokens earned since `countedAt`, then takes one if there is one.
        mutating func take(now: Instant, burst: Int, interval: Duration) -> Bool {
            if tokens >= burst {
                countedAt = now
            } else if now > countedAt {
                let earned = (now - countedAt).nanoseconds / interval.nanoseconds
                if earned > 0 {
                    tokens = Int(min(Int64(burst), Int64(tokens) + earned))
                    countedAt += .nanoseconds(earned * interval.nanoseconds)
                }
            }
            guard tokens > 0 else { return false }
            tokens -= 1
            return true
        }
    }

    /// Destinations remembered at most; past that the longest idle one is forgotten.
    static let maximumDestinations = 1024
    /// The node-wide bucket: Linux's `icmp_msgs_per_sec` (1,000) and `icmp_msgs_burst` (50).
    static let nodeBurst = 50
    static let nodeInterval = Duration.milliseconds(1)

    let burst: Int
    let interval: Duration
    private(set) var perDestination: [IPv4Address: Bucket] = [:]
    private var node: Bucket

    init(burst: Int, interval: Duration) {
        self.burst = max(1, burst)
        self.interval = interval
        self.node = Bucket(tokens: Self.nodeBurst, countedAt: .zero)
    }

    /// Whether one more error to `destination` may be sent now.
    mutating func allow(to destination: IPv4Address, now: Instant) -> Bool {
        guard interval > .zero else { return true }
        var bucket = perDestination[destination] ?? Bucket(tokens: burst, countedAt: now)
        if perDestination[destination] == nil, perDestination.count >= Self.maximumDestinations {
            forgetOne(now: now)
        }
        var allowed = bucket.take(now: now, burst: burst, interval: interval)
        if allowed, !node.take(now: now, burst: Self.nodeBurst, interval: Self.nodeInterval) {
            bucket.tokens += 1  // the node-wide limit refused: this destination spent nothing
            allowed = false
        }
        perDestination[destination] = bucket
        return allowed
    }

    /// Forgets a destination whose bucket has refilled, or else the one idle longest.
    private mutating func forgetOne(now: Instant) {
        let full = perDestination.first { entry in
            var copy = entry.value
            return copy.take(now: now, burst: burst, interval: interval) && copy.tokens == burst - 1
        }
        if let key = full?.key ?? perDestination.min(by: { $0.value.countedAt < $1.value.countedAt })?.key {
            perDestination[key] = nil
        }
    }
}
