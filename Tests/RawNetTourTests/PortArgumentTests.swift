import RawNetTestSupport
import Testing

/// A port out of range is called that, in every app that takes one on the command line.
@Suite(.serialized) struct PortArgumentTests {
    @Test func portOutOfRange_isSaidSo_inChatNcAndHttp() throws {
        let runner = try RawNetRunner()
        #expect(try runner.run(["up"]).status == 0)
        try expectUsageMistakes(runner, [
            (["chat", "alice", "--connect", "bob:99999"], "'bob:99999': port 99999 is out of range (1–65535)"),
            (["chat", "alice", "--connect", "bob:0"], "'bob:0': port 0 is out of range (1–65535)"),
            (["chat", "alice", "--connect", "bob:x7"], "'bob:x7': 'x7' is not a port (a number from 1 to 65535)"),
            (["chat", "alice", "--connect", "bob"], "'bob' is not DEST:PORT (e.g. bob:7000 or 10.0.2.20:7000)"),
            (["nc", "alice", "bob", "99999"], "port 99999 is out of range (1–65535)"),
            (["nc", "alice", "bob", "notaport"], "'notaport' is not a port (a number from 1 to 65535)"),
            (["http", "get", "alice", "http://bob:99999/"], "'http://bob:99999/': port 99999 is out of range (1–65535)"),
            (["chat", "bob", "--listen", "99999"], "'99999' is invalid for '--listen <port>': port 99999 is out of range (1–65535)"),
            (["nc", "bob", "-l", "0"], "'0' is invalid for '-l <port>': port 0 is out of range (1–65535)"),
        ])
    }
}
