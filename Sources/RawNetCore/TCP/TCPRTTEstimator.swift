/// Round-trip time estimation and the retransmission timeout, RFC 6298.
public struct TCPRTTEstimator: Sendable {
    public let minimum: Duration
    public let maximum: Duration
    public let initial: Duration
    /// Smoothed round-trip time, nil before the first sample.
    public private(set) var smoothed: Duration?
    /// Round-trip time variation.
    public private(set) var variation: Duration = .zero
    /// Timer granularity G of RFC 6298 §2.
    public static let granularity: Duration = .milliseconds(1)
    /// How many times the timeout has been doubled since the last fresh value (§5.5).
    public private(set) var backoffCount = 0
    private var baseTimeout: Duration

    public init(minimum: Duration, maximum: Duration, initial: Duration) {
        self.minimum = minimum
        self.maximum = maximum
        self.initial = initial
        baseTimeout = Swift.min(Swift.max(initial, minimum), maximum)
    }

    /// The current retransmission timeout, backoff included.
    public var timeout: Duration {
        var value = baseTimeout
        for _ in 0..<backoffCount {
            value = value * 2
            if value >= maximum { return maximum }
        }
        return value
    }

    /// Takes one round-trip measurement (§2.2, §2.3). Callers apply Karn's rule:
    /// never a sample from a retransmitted segment.
    public mutating func addSample(_ rtt: Duration) {
        let r = Swift.max(rtt, .zero)
        if let srtt = smoothed {
            let delta = srtt > r ? srtt - r : r - srtt
            variation = variation * 3 / 4 + delta / 4
            smoothed = srtt * 7 / 8 + r / 8
        } else {
            smoothed = r
            variation = r / 2
        }
        let value = smoothed! + Swift.max(Self.granularity, variation * 4)
        baseTimeout = Swift.min(Swift.max(value, minimum), maximum)
        backoffCount = 0
    }

    /// Doubles the timeout after an expiry (§5.5), up to the maximum.
    public mutating func backOff() { if timeout < maximum { backoffCount += 1 } }

    /// The handshake ended after its SYN or SYN-ACK timed out, and gave no sample (Karn's
    /// rule): data starts with a timeout of 3 s, or the initial one if larger, without the
    /// handshake's backoff (RFC 6298 §5.7; Linux does the same), not with a timer backed
    /// off to tens of seconds.
    public mutating func restartAfterHandshakeTimeout() {
        backoffCount = 0
        guard smoothed == nil else { return }
        baseTimeout = Swift.min(Swift.max(Swift.max(initial, Self.afterHandshakeTimeout), minimum), maximum)
    }

    /// The timeout data starts with after a handshake that timed out (RFC 6298 §5.7).
    public static let afterHandshakeTimeout: Duration = .seconds(3)

    /// Drops the backoff once the peer acknowledges new data again.
    public mutating func resetBackoff() { backoffCount = 0 }
}
