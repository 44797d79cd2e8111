import RawNetPlatform

/// A seqpacket cable whose peer process ended takes the carrier with it (as a machine
/// switched off does), but only if no cable connects again within `delay`: a quick
/// hand-over, such as a tool taking a neighbour's end, is no outage. A cable that
/// connects brings the carrier back at once.
final class CableLoss {
    static let delay: Duration = .milliseconds(300)
    private let loop: EventLoop
    private var timers: [Int: TimerID] = [:]

    init(loop: EventLoop) { self.loop = loop }

    /// Has `port` (of interface `index`) report its cable as `cableChanged(isUp, index)`:
    /// at once when one connects, `delay` after one is lost if none connected since.
    func watch(_ port: any FramePort, index: Int, cableChanged: @escaping (Bool, Int) -> Void) {
        port.onCableChange = { [unowned self] isUp in
            if let timer = timers.removeValue(forKey: index) { loop.cancel(timer) }
            guard !isUp else { return cableChanged(true, index) }
            timers[index] = loop.schedule(after: Self.delay) { [unowned self] in
                timers[index] = nil
                cableChanged(false, index)
            }
        }
    }
}
