/// The largest value seen over the last `length` rounds: one slot per round,
/// so a value leaves the window exactly `length` rounds after its round.
public struct TCPWindowedMaxFilter: Sendable, Hashable {
    public let length: Int
    private var slots: [(round: Int, value: Double)]

    public init(length: Int) {
        precondition(length > 0, "filter length must be positive")
        self.length = length
        slots = Array(repeating: (-1, 0), count: length)
    }

    /// Offers `value` measured in `round` (rounds never go backwards).
    public mutating func update(_ value: Double, round: Int) {
        let slot = round % length
        if slots[slot].round != round {
            slots[slot] = (round, value)
        } else if value > slots[slot].value {
            slots[slot].value = value
        }
    }

    /// The maximum over rounds `round − length + 1 … round`.
    public func maximum(round: Int) -> Double {
        var best = 0.0
        for slot in slots where slot.round >= 0 && slot.round > round - length && slot.value > best { best = slot.value }
        return best
    }

    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.length == rhs.length && lhs.slots.elementsEqual(rhs.slots) { $0.round == $1.round && $0.value == $1.value }
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(length)
        for slot in slots { hasher.combine(slot.round); hasher.combine(slot.value) }
    }
}

/// BBR congestion control (the model of draft-cardwell-iccrg-bbr-congestion-control,
/// version 1): the bottleneck bandwidth is the windowed maximum of delivery-rate
/// samples over 10 rounds, the propagation delay the minimum RTT over 10 s, and
/// the window is a gain times their product. Random loss is not read as
/// congestion: a loss neither cuts the window nor the bandwidth estimate.
public struct TCPBBR: Sendable, Hashable {
    public enum Mode: String, Sendable, Hashable {
        /// Doubling the sending rate each round until the bandwidth stops growing.
        case startup
        /// Emptying the queue startup built.
        case drain
        /// Cruising at the estimated bandwidth, probing up and down in an 8-phase cycle.
        case probeBandwidth
        /// Shrinking to 4 segments for 200 ms to measure the propagation delay again.
        case probeRTT
    }

    /// 2/ln 2: the smallest gain that doubles the delivery rate each round.
    public static let highGain = 2.885
    public static let drainGain = 1 / 2.885
    public static let cycleGains: [Double] = [1.25, 0.75, 1, 1, 1, 1, 1, 1]
    public static let bandwidthWindowRounds = 10
    public static let minRTTWindow: Duration = .seconds(10)
    public static let probeRTTDuration: Duration = .milliseconds(200)
    public static let minimumWindowSegments = 4

    public private(set) var mode: Mode = .startup
    public private(set) var pacingGain = highGain
    public private(set) var windowGain = highGain
    private var bandwidthFilter = TCPWindowedMaxFilter(length: bandwidthWindowRounds)
    /// Minimum RTT over the last 10 s, nil before the first sample.
    public private(set) var minRTT: Duration?
    private var minRTTStamp = Instant.zero
    public private(set) var roundCount = 0
    private var nextRoundDelivered = 0
    private var isRoundStart = false
    private var fullBandwidth = 0.0
    private var fullBandwidthRounds = 0
    /// True once startup found the bandwidth stopped growing.
    public private(set) var isPipeFilled = false
    private var cycleIndex = 0
    private var cycleStamp = Instant.zero
    private var probeRTTDoneAt: Instant?
    private var probeRTTRoundDone = false
    private var windowBeforeProbeRTT = 0
    /// The pacing rate in bytes per second, 0 until the first estimate.
    public private(set) var pacingRate = 0.0
    private let mss: Int
    private let initialWindow: Int

    public init(mss: Int, initialWindow: Int) {
        self.mss = mss
        self.initialWindow = initialWindow
    }

    /// Bottleneck bandwidth estimate in bytes per second.
    public var bandwidth: Double { bandwidthFilter.maximum(round: roundCount) }

    /// Estimated bandwidth-delay product in bytes, nil before both estimates exist.
    public var bandwidthDelayProduct: Int? {
        guard let minRTT, bandwidth > 0 else { return nil }
        return Int(bandwidth * minRTT.seconds)
    }

    /// Bytes the sender may send in one burst (the draft's send quantum).
    public var sendQuantum: Int {
        if pacingRate < 1.2e6 / 8 { return mss }
        if pacingRate < 24e6 / 8 { return 2 * mss }
        return Swift.min(Int(pacingRate / 1000), 64 * 1024)
    }

    /// Sets the first pacing rate from the initial window and a first RTT.
    public mutating func start(smoothedRTT: Duration?) {
        let rtt = smoothedRTT.flatMap { $0 > .zero ? $0 : nil } ?? .milliseconds(1)
        pacingRate = Self.highGain * Double(initialWindow) / rtt.seconds
    }

    /// Takes one ACK's rate sample and returns the new congestion window.
    /// `window` is the current one, `bytesInFlight` what is in flight after the ACK.
    public mutating func update(sample: TCPRateSample, window: Int, bytesInFlight: Int, now: Instant) -> Int {
        updateRound(sample)
        updateBandwidth(sample)
        checkCyclePhase(bytesInFlight: bytesInFlight, now: now)
        checkPipeFilled(sample)
        checkDrain(bytesInFlight: bytesInFlight, now: now)
        updateMinRTT(sample, window: window, now: now)
        checkProbeRTT(bytesInFlight: bytesInFlight, now: now)
        updatePacingRate()
        return nextWindow(current: window, acked: sample.newlyDelivered, totalDelivered: sample.priorDelivered + sample.delivered)
    }

    /// After a retransmission timeout the window restarts from one segment; BBR
    /// regrows it by what is acknowledged up to its target.
    public mutating func onTimeout() {
        nextRoundDelivered = 0
    }

    private mutating func updateRound(_ sample: TCPRateSample) {
        if sample.priorDelivered >= nextRoundDelivered {
            nextRoundDelivered = sample.priorDelivered + sample.delivered
            roundCount += 1
            isRoundStart = true
        } else {
            isRoundStart = false
        }
    }

    private mutating func updateBandwidth(_ sample: TCPRateSample) {
        guard let rate = sample.bytesPerSecond else { return }
        // An app-limited sample only counts when it beats the estimate.
        if !sample.isAppLimited || rate >= bandwidth { bandwidthFilter.update(rate, round: roundCount) }
    }

    private mutating func checkPipeFilled(_ sample: TCPRateSample) {
        guard !isPipeFilled, isRoundStart, !sample.isAppLimited else { return }
        if bandwidth >= fullBandwidth * 1.25 {
            fullBandwidth = bandwidth
            fullBandwidthRounds = 0
            return
        }
        fullBandwidthRounds += 1
        if fullBandwidthRounds >= 3 { isPipeFilled = true }
    }

    private mutating func checkDrain(bytesInFlight: Int, now: Instant) {
        if mode == .startup && isPipeFilled {
            mode = .drain
            pacingGain = Self.drainGain
            windowGain = Self.highGain
        }
        if mode == .drain && bytesInFlight <= inflight(gain: 1) { enterProbeBandwidth(now: now) }
    }

    private mutating func enterProbeBandwidth(now: Instant) {
        mode = .probeBandwidth
        windowGain = 2
        // Start anywhere but the draining phase, as the draft suggests (here: fixed, phase 2).
        cycleIndex = 2
        cycleStamp = now
        pacingGain = Self.cycleGains[cycleIndex]
    }

    private mutating func checkCyclePhase(bytesInFlight: Int, now: Instant) {
        guard mode == .probeBandwidth else { return }
        let rtt = minRTT ?? .zero
        var isPhaseDone = now - cycleStamp > rtt
        if pacingGain > 1 {
            isPhaseDone = isPhaseDone && bytesInFlight >= inflight(gain: pacingGain)
        } else if pacingGain < 1 {
            isPhaseDone = isPhaseDone || bytesInFlight <= inflight(gain: 1)
        }
        guard isPhaseDone else { return }
        cycleIndex = (cycleIndex + 1) % Self.cycleGains.count
        cycleStamp = now
        pacingGain = Self.cycleGains[cycleIndex]
    }

    private mutating func updateMinRTT(_ sample: TCPRateSample, window: Int, now: Instant) {
        let isExpired = minRTT != nil && now - minRTTStamp > Self.minRTTWindow
        if let rtt = sample.rtt, minRTT == nil || rtt <= minRTT! || isExpired {
            minRTT = rtt
            minRTTStamp = now
        }
        if isExpired && mode != .probeRTT {
            mode = .probeRTT
            pacingGain = 1
            windowGain = 1
            windowBeforeProbeRTT = window
            probeRTTDoneAt = nil
        }
    }

    private mutating func checkProbeRTT(bytesInFlight: Int, now: Instant) {
        guard mode == .probeRTT else { return }
        if probeRTTDoneAt == nil {
            if bytesInFlight <= Self.minimumWindowSegments * mss {
                probeRTTDoneAt = now + Self.probeRTTDuration
                probeRTTRoundDone = false
                nextRoundDelivered = 0
            }
            return
        }
        if isRoundStart { probeRTTRoundDone = true }
        if probeRTTRoundDone, let done = probeRTTDoneAt, now >= done {
            minRTTStamp = now
            probeRTTDoneAt = nil
            if isPipeFilled {
                enterProbeBandwidth(now: now)
            } else {
                mode = .startup
                pacingGain = Self.highGain
                windowGain = Self.highGain
            }
        }
    }

    private mutating func updatePacingRate() {
        let estimate = bandwidth
        guard estimate > 0 else { return }
        let rate = pacingGain * estimate
        // Before the pipe is filled the rate only grows.
        if isPipeFilled || rate > pacingRate { pacingRate = rate }
    }

    /// gain × BDP, or the initial window before there is a model.
    private func inflight(gain: Double) -> Int {
        guard let bdp = bandwidthDelayProduct else { return initialWindow }
        return Int(gain * Double(bdp))
    }

    private mutating func nextWindow(current: Int, acked: Int, totalDelivered: Int) -> Int {
        var target = inflight(gain: windowGain) + 3 * sendQuantum
        if mode == .probeBandwidth && cycleIndex == 0 { target += 2 * mss }
        var window = current
        if isPipeFilled {
            window = Swift.min(window + acked, target)
        } else if window < target || totalDelivered < initialWindow {
            window += acked
        }
        window = Swift.max(window, Self.minimumWindowSegments * mss)
        if mode == .probeRTT {
            window = Swift.min(window, Self.minimumWindowSegments * mss)
        } else if windowBeforeProbeRTT > 0 {
            window = Swift.max(window, windowBeforeProbeRTT)
            windowBeforeProbeRTT = 0
        }
        return window
    }
}
