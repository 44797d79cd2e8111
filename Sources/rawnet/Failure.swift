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
