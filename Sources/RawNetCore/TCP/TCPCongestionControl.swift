/// Which congestion controller a connection uses.
public enum TCPCongestionAlgorithm: String, Sendable, CaseIterable {
    /// Slow start and congestion avoidance (RFC 5681) with NewReno or SACK recovery.
    case newReno
    /// CUBIC (RFC 9438).
    case cubic
    /// BBR (draft-cardwell-iccrg-bbr-congestion-control): a model of bottleneck
    /// bandwidth and round-trip time; random loss does not shrink the window.
    case bbr
}

/// The congestion window and slow-start threshold, and how they react to
/// acknowledgments, fast retransmits and timeouts. All sizes in bytes.
public struct TCPCongestionControl: Sendable {
    public let algorithm: TCPCongestionAlgorithm
    public private(set) var mss: Int
    public internal(set) var window: Int
    public internal(set) var slowStartThreshold: Int
    /// Bytes acknowledged in congestion avoidance not yet turned into growth.
    private var bytesAcked = 0

    // CUBIC state (RFC 9438 §4), windows in segments.
    private var cubicWMax = 0.0
    private var cubicK = 0.0
    private var cubicEpochStart: Instant?
    private var cubicRenoEstimate = 0.0
    static let cubicC = 0.4
    static let cubicBeta = 0.7

    /// BBR's model, for `.bbr` only.
    public private(set) var bbr: TCPBBR?

    public init(algorithm: TCPCongestionAlgorithm, mss: Int, initialWindowSegments: Int) {
        self.algorithm = algorithm
        self.mss = mss
        window = initialWindowSegments * mss
        slowStartThreshold = Self.unsetThreshold
        if algorithm == .bbr { bbr = TCPBBR(mss: mss, initialWindow: window) }
    }

    /// A controller of `algorithm` that carries on from `current`'s window and
    /// threshold, as Linux does when a live socket changes TCP_CONGESTION.
    public init(switchingTo algorithm: TCPCongestionAlgorithm, from current: TCPCongestionControl) {
        self.init(algorithm: algorithm, mss: current.mss, initialWindowSegments: 1)
        window = current.window
        slowStartThreshold = current.slowStartThreshold
        if algorithm == .bbr { bbr = TCPBBR(mss: mss, initialWindow: window) }
    }

    public var isInSlowStart: Bool { window < slowStartThreshold }

    /// The slow-start threshold before the first congestion response: none yet.
    public static let unsetThreshold = Int.max / 2
    /// A congestion response has set the slow-start threshold.
    public var isThresholdSet: Bool { slowStartThreshold < Self.unsetThreshold }

    /// True when losses leave the window alone (BBR).
    public var ignoresLoss: Bool { algorithm == .bbr }

    /// The path MTU went down: segments shrink to `newMSS`, the window keeps
    /// `windowSegments` of them (Linux counts its window in segments), and the
    /// threshold its count too; but never less than `resend` bytes (what was in
    /// flight, to be sent again at once), so the resending is no loss event.
    mutating func lowerMSS(_ newMSS: Int, windowSegments: Int, resend: Int) {
        guard newMSS < mss else { return }
        if isThresholdSet {
            slowStartThreshold = Swift.max(2 * newMSS, slowStartThreshold / mss * newMSS)
        }
        window = Swift.max(newMSS, windowSegments * newMSS, Swift.min(window, resend))
        mss = newMSS
    }

    /// Called when the sender learns the peer's MSS (before any data moves).
    mutating func setMSS(_ newMSS: Int, initialWindowSegments: Int) {
        mss = newMSS
        window = initialWindowSegments * newMSS
        if algorithm == .bbr { bbr = TCPBBR(mss: newMSS, initialWindow: window) }
    }

    /// BBR: takes the rate sample of one ACK (in or out of recovery) and sets the window.
    mutating func onRateSample(_ sample: TCPRateSample, bytesInFlight: Int, smoothedRTT: Duration?, now: Instant) {
        guard var model = bbr else { return }
        if model.pacingRate == 0 { model.start(smoothedRTT: smoothedRTT) }
        window = model.update(sample: sample, window: window, bytesInFlight: bytesInFlight, now: now)
        bbr = model
    }

    /// Bytes per second to pace at, nil when the controller does not pace.
    public var pacingRate: Double? {
        guard let rate = bbr?.pacingRate, rate > 0 else { return nil }
        return rate
    }

    /// New data was acknowledged outside loss recovery.
    mutating func onAck(bytes acked: Int, now: Instant, smoothedRTT: Duration?) {
        if algorithm == .bbr { return }  // BBR grows from rate samples
        if isInSlowStart {
            // RFC 5681 §3.1 with appropriate byte counting, L = 2 (RFC 3465).
            window += Swift.min(acked, 2 * mss)
            return
        }
        switch algorithm {
        case .newReno:
            bytesAcked += acked
            if bytesAcked >= window {
                bytesAcked -= window
                window += mss
            }
        case .cubic:
            cubicAvoidance(acked: acked, now: now, rtt: smoothedRTT ?? .milliseconds(100))
        case .bbr:
            break
        }
    }

    private mutating func cubicAvoidance(acked: Int, now: Instant, rtt: Duration) {
        let segmentSize = Double(mss)
        var cwnd = Double(window) / segmentSize
        if cubicEpochStart == nil {
            cubicEpochStart = now
            if cwnd < cubicWMax {
                cubicK = cubeRoot((cubicWMax - cwnd) / Self.cubicC)
            } else {
                cubicK = 0
                cubicWMax = cwnd
            }
            cubicRenoEstimate = cwnd
        }
        let t = (now - cubicEpochStart!).seconds
        let target = Self.cubicC * cube(t + rtt.seconds - cubicK) + cubicWMax
        // Reno-friendly region (§4.3).
        let alpha = 3 * (1 - Self.cubicBeta) / (1 + Self.cubicBeta)
        cubicRenoEstimate += alpha * (Double(acked) / segmentSize) / cwnd
        if cubicRenoEstimate > target {
            cwnd = Swift.max(cwnd, cubicRenoEstimate)
        } else {
            let capped = Swift.min(target, 1.5 * cwnd)
            if capped > cwnd { cwnd += (capped - cwnd) / cwnd * (Double(acked) / segmentSize) }
        }
        window = Swift.max(Int(cwnd * segmentSize), window)
    }

    /// Loss detected by duplicate ACKs or SACK: returns the new threshold. The
    /// caller then sets the window as its recovery algorithm prescribes.
    mutating func onCongestionEvent(flightSize: Int, now: Instant) {
        bytesAcked = 0
        switch algorithm {
        case .newReno:
            slowStartThreshold = Swift.max(flightSize / 2, 2 * mss)
        case .cubic:
            let cwnd = Double(window) / Double(mss)
            // Fast convergence (§4.7).
            cubicWMax = cwnd < cubicWMax ? cwnd * (1 + Self.cubicBeta) / 2 : cwnd
            cubicEpochStart = nil
            slowStartThreshold = Swift.max(Int(Double(window) * Self.cubicBeta), 2 * mss)
        case .bbr:
            break  // loss is not congestion to BBR
        }
    }

    /// The retransmission timer expired (RFC 5681 §3.1 equation 4; RFC 9438 §4.8).
    mutating func onTimeout(flightSize: Int) {
        onCongestionEvent(flightSize: flightSize, now: .zero)
        if algorithm == .cubic { cubicEpochStart = nil }
        bbr?.onTimeout()
        window = mss
    }

    /// A congestion response proved spurious (every retransmission it made was
    /// D-SACKed, or timestamps showed the originals arrived): the window and
    /// threshold go back to `prior`'s, the controller as it was before, unless
    /// they have grown past them since (Linux's undo). CUBIC takes back its
    /// curve too; BBR, which loss does not steer, only its window.
    ///
    /// A response made in the first slow start had no threshold to go back
    /// to. Linux restores that unset threshold and leaves ending slow start to
    /// HyStart; RawNet has no HyStart, so slow start would go on until a real
    /// loss, the window doubling each round trip. The threshold becomes the
    /// window the episode began with instead: the window is restored, and
    /// grows on in congestion avoidance.
    mutating func undo(to prior: TCPCongestionControl) {
        guard prior.algorithm == algorithm else { return }
        if algorithm == .cubic && prior.window >= window {
            cubicWMax = prior.cubicWMax
            cubicK = prior.cubicK
            cubicEpochStart = prior.cubicEpochStart
            cubicRenoEstimate = prior.cubicRenoEstimate
        }
        if algorithm == .newReno && prior.window >= window { bytesAcked = prior.bytesAcked }
        window = Swift.max(window, prior.window)
        let priorThreshold = prior.isThresholdSet ? prior.slowStartThreshold : prior.window
        slowStartThreshold = Swift.max(slowStartThreshold, priorThreshold)
    }

    /// Loss recovery ended with a full acknowledgment.
    mutating func onRecoveryExit(flightSize: Int) {
        if algorithm == .bbr { return }
        window = Swift.min(slowStartThreshold, Swift.max(flightSize, mss) + mss)
        if algorithm == .newReno { window = Swift.max(window, 2 * mss) }
    }
}

@inline(__always) private func cube(_ x: Double) -> Double { x * x * x }

/// Real cube root by Newton's method (the core uses no libm).
func cubeRoot(_ x: Double) -> Double {
    if x == 0 { return 0 }
    let sign = x < 0 ? -1.0 : 1.0
    let a = x * sign
    var y = a > 1 ? a / 3 : 1.0
    for _ in 0..<100 {
        let next = y - (y * y * y - a) / (3 * y * y)
        if abs(next - y) <= 1e-12 * next { y = next; break }
        y = next
    }
    return sign * y
}
