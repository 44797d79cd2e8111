import Foundation
import RawNetView

/// The frames whose layer boxes the page may ask for (`/api/layers?id=N`), kept up to a
/// number of bytes, oldest forgotten first. A live page gets each frame's line at once and
/// its boxes only when someone opens it: drawing both languages' boxes for every frame
/// shown cost the server more than everything else it does for the page.
public final class LayerStore: @unchecked Sendable {
    private struct Kept {
        var frame: [UInt8]
        /// What the handshake said about this frame's connection when the frame came.
        var scales: TCPWindowScales
    }

    private let lock = NSLock()
    private var kept: [Int: Kept] = [:]
    private var order: [Int] = []
    private var head = 0
    private var bytes = 0
    /// The newest event id the page may have (frames or not).
    private var newestShown = -1
    /// Bytes of frames kept at most.
    public let byteLimit: Int

    public init(byteLimit: Int = 8 << 20) { self.byteLimit = max(byteLimit, 1) }

    /// Keeps frame `id` (its bytes, and the window scales known for its connection).
    public func keep(id: Int, frame: [UInt8], scales: TCPWindowScales) {
        lock.withLock {
            kept[id] = Kept(frame: frame, scales: scales.narrowed(to: frame))
            order.append(id)
            bytes += frame.count
            while bytes > byteLimit, head < order.count {
                if let old = kept.removeValue(forKey: order[head]) { bytes -= old.frame.count }
                head += 1
            }
            if head > 4096, head * 2 > order.count {
                order.removeFirst(head)
                head = 0
            }
        }
    }

    /// Frame `id`'s boxes in English and Korean, as `trace --layers` draws them; nil when it
    /// is not kept (never a frame, or forgotten).
    public func layers(id: Int) -> (en: String, ko: String)? {
        guard let frame = lock.withLock({ kept[id] }) else { return nil }
        return (LayerView.render(frame: frame.frame, usesColour: false, windowScales: frame.scales,
                                 width: WebEventBuilder.layerColumns),
                LayerView.render(frame: frame.frame, usesColour: false, windowScales: frame.scales, language: .ko,
                                 width: WebEventBuilder.layerColumns))
    }

    /// Events up to `id` were handed to the page (a frame among them or not).
    public func shown(through id: Int) {
        lock.withLock { newestShown = max(newestShown, id) }
    }

    /// Why frame `id`'s boxes cannot be drawn (nil when they can), in English and Korean.
    public func whyNot(id: Int) -> (en: String, ko: String)? {
        lock.withLock {
            if kept[id] != nil { return nil }
            guard id <= max(newestShown, order.last ?? -1) else {
                return ("no frame #\(id) has been shown yet", "프레임 #\(id)은(는) 아직 보여 준 적이 없습니다")
            }
            // Not among the frames kept, but newer than the oldest of them (or no frame ever came): no frame.
            if order.isEmpty || (head < order.count && id >= order[head]) {
                return ("event #\(id) holds no frame", "이벤트 #\(id)에는 프레임이 없습니다")
            }
            let limit = byteLimit >> 20
            return ("frame #\(id)'s bytes are no longer kept: the server keeps the last \(limit) MiB of frames shown",
                    "프레임 #\(id)의 바이트는 더 이상 보관하지 않습니다: 서버는 보여 준 프레임의 마지막 \(limit) MiB만 보관합니다")
        }
    }

    /// How many frames are kept now.
    public var count: Int { lock.withLock { kept.count } }
}

/// The answer to `/api/layers`.
public struct WebLayersAnswer: Codable, Sendable {
    public var id: Int
    public var layers: String?
    public var layersKo: String?
    public var error: String?
    public var errorKo: String?
}
