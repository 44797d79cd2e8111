import RawNetContracts

/// What an app's reads took from each socket and the host has not heard of
/// yet (`AppFeatures.receiveCredit`): the one rule by which both socket
/// libraries, `HostConnection` and `AsyncHostConnection`, say `consumed`.
///
/// Bytes are reported once they reach a quarter of the socket's window, or at
/// once when nothing of the socket is left unread (`isDrained`), so the host
/// always knows within that much what the app holds unread, and exactly
/// whenever it holds nothing. Each method returns the message to send now.
struct ReceiveCreditLedger {
    private var unreported: [UInt32: Int] = [:]

    /// Reads took `count` bytes of `socket`, whose window is `window` bytes.
    mutating func consumed(_ count: Int, socket: UInt32, window: Int, isDrained: Bool) -> AppMessage? {
        guard count > 0 || isDrained else { return nil }
        let total = (unreported[socket] ?? 0) + count
        guard total > 0 else { return nil }
        guard isDrained || total >= window / 4 else {
            unreported[socket] = total
            return nil
        }
        unreported[socket] = nil
        return .consumed(socket: socket, bytes: UInt32(clamping: total))
    }

    /// Reads took `count` stream bytes of `socket` (its window is `AppMessage.streamReceiveWindow`).
    mutating func streamRead(_ count: Int, socket: UInt32, isDrained: Bool) -> AppMessage? {
        consumed(count, socket: socket, window: AppMessage.streamReceiveWindow, isDrained: isDrained)
    }

    /// A read took one datagram of `payloadCount` bytes from `socket`: it costs
    /// `AppMessage.receiveCost(ofDatagram:)` of the socket's `datagramReceiveBuffer`.
    mutating func datagramTaken(payloadCount: Int, socket: UInt32, isDrained: Bool) -> AppMessage? {
        consumed(AppMessage.receiveCost(ofDatagram: payloadCount), socket: socket,
                 window: AppMessage.datagramReceiveBuffer, isDrained: isDrained)
    }

    /// Every consumed byte of `socket` not yet reported (before the socket
    /// closes, so the host resets only a connection whose bytes really were left unread).
    mutating func flush(socket: UInt32) -> AppMessage? {
        guard let total = unreported.removeValue(forKey: socket), total > 0 else { return nil }
        return .consumed(socket: socket, bytes: UInt32(clamping: total))
    }

    /// `flush` for every socket (before the app's connection closes).
    mutating func flushAll() -> [AppMessage] {
        Array(unreported.keys).compactMap { flush(socket: $0) }
    }

    /// Forgets a socket whose bytes no longer matter (closed, its report sent or moot).
    mutating func forget(socket: UInt32) {
        unreported[socket] = nil
    }
}
