import RawNetWire

/// Options of a TCP socket, applied when its connection is made (set them
/// before `connect`, or on the listener for the connections it accepts).
/// nil leaves the host's default.
public struct TCPOptions: Sendable, Equatable {
    /// false turns Nagle's algorithm off, like `TCP_NODELAY` (good for chat lines).
    public var isNagleEnabled: Bool?
    public var isDelayedAckEnabled: Bool?
    public var congestionControl: TCPCongestion?
    public var sendBufferSize: Int?
    public var receiveBufferSize: Int?

    public init(isNagleEnabled: Bool? = nil, isDelayedAckEnabled: Bool? = nil, congestionControl: TCPCongestion? = nil,
                sendBufferSize: Int? = nil, receiveBufferSize: Int? = nil) {
        self.isNagleEnabled = isNagleEnabled
        self.isDelayedAckEnabled = isDelayedAckEnabled
        self.congestionControl = congestionControl
        self.sendBufferSize = sendBufferSize
        self.receiveBufferSize = receiveBufferSize
    }

    /// The `setOption` pairs these options stand for.
    public var settings: [(AppSocketOption, Int32)] {
        var result: [(AppSocketOption, Int32)] = []
        if let isNagleEnabled { result.append((.noDelay, isNagleEnabled ? 0 : 1)) }
        if let isDelayedAckEnabled { result.append((.delayedAck, isDelayedAckEnabled ? 1 : 0)) }
        if let congestionControl { result.append((.congestionControl, congestionControl.optionValue)) }
        if let sendBufferSize { result.append((.sendBufferSize, Int32(clamping: sendBufferSize))) }
        if let receiveBufferSize { result.append((.receiveBufferSize, Int32(clamping: receiveBufferSize))) }
        return result
    }
}

/// TCP congestion control algorithms a host offers.
public enum TCPCongestion: String, Sendable, Equatable, CaseIterable {
    case newReno = "newreno"
    case cubic
    case bbr

    /// The value of the app protocol's `congestionControl` option.
    public var optionValue: Int32 {
        switch self {
        case .newReno: 0
        case .cubic: 1
        case .bbr: 2
        }
    }
}
