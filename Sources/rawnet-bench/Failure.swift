/// A runtime failure of a command: printed as `Error: message`, without the usage text
/// (which is kept for mistakes in the command's arguments).
struct Failure: Error, CustomStringConvertible {
    var message: String
    init(_ message: String) { self.message = message }
    var description: String { message }
}
