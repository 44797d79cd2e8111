import RawNetApps
import RawNetSocket

/// A runtime failure of a command: printed as `Error: message`, without the usage text
/// (which is kept for mistakes in the command's arguments). Exit status 1.
struct Failure: Error, CustomStringConvertible {
    var message: String
    init(_ message: String) { self.message = message }
    var description: String { message }
}

/// A mistake in the command line found while running: a node, destination,
/// port or target the lab does not have. Printed as `Error: message`; exit
/// status 64 (EX_USAGE), as for every argument error the parser finds.
struct UsageFailure: Error, CustomStringConvertible {
    var message: String
    init(_ message: String) { self.message = message }
    var description: String { message }
}

extension Failure {
    /// An app's failure (`chat: …`, `nc: …`), with what to look at when the lab
    /// knows the cause: in RawNet, as in Linux, "host unreachable" means a node on
    /// the way sent ARP requests for the next hop and none was answered (`AppFailure`).
    static func app(_ name: String, _ error: any Error) -> Failure {
        if let network = error as? NetworkError, case .hostUnreachable = network {
            return Failure("\(name): \(error): \(AppFailure.hostUnreachableHint)")
        }
        return Failure("\(name): \(error)")
    }
}
