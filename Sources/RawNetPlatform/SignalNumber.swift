import Glibc

/// Signal numbers the daemons, tools and tests use, so that modules other
/// than this one need not import Glibc.
public enum SignalNumber {
    public static let hangUp = SIGHUP
    public static let interrupt = SIGINT
    public static let kill = SIGKILL
    public static let terminate = SIGTERM
    public static let stop = SIGSTOP
    public static let `continue` = SIGCONT
}
