import RawNetContracts
import RawNetCore
import RawNetLabModel
import RawNetPlatform

extension DropReason {
    /// The reason to count when a link port could not send a frame (or, for
    /// `notFromPeer`, would not take one).
    public init(_ link: LinkDropReason) {
        switch link {
        case .queueOverflow: self = .queueOverflow
        case .peerDown, .notConnected: self = .noPeer
        case .sendFailed: self = .sendFailed
        case .notFromPeer: self = .notFromPeer
        }
    }
}
