import RawNetApps
import Testing

/// DEST:PORT and a port alone are read one way by every app: a port is 1 to 65535,
/// and a number outside that is called out of range, not a malformed DEST:PORT.
@Suite struct DestinationPortTests {
    @Test func destinationAndPort_splitAtTheLastColon() throws {
        #expect(try DestinationPort(parsing: "bob:7000") == DestinationPort(destination: "bob", port: 7000))
        #expect(try DestinationPort(parsing: "10.0.2.20:1") == DestinationPort(destination: "10.0.2.20", port: 1))
        #expect(try DestinationPort(parsing: "bob:65535").port == 65_535)
    }

    @Test func portOutside1To65535_isOutOfRange() {
        #expect(throws: PortTextError.outOfRange("99999")) { try DestinationPort(parsing: "bob:99999") }
        #expect(throws: PortTextError.outOfRange("0")) { try DestinationPort(parsing: "bob:0") }
        #expect(throws: PortTextError.outOfRange("65536")) { try DestinationPort.port("65536") }
        #expect(throws: PortTextError.outOfRange("99999999999999999999999")) { try DestinationPort.port("99999999999999999999999") }
        #expect(PortTextError.outOfRange("99999").described(in: "bob:99999")
                == "'bob:99999': port 99999 is out of range (1–65535)")
    }

    @Test func notANumber_andNotDestPort_areSaidAsSuch() {
        #expect(throws: PortTextError.notANumber("x7")) { try DestinationPort(parsing: "bob:x7") }
        #expect(throws: PortTextError.notANumber("+7000")) { try DestinationPort.port("+7000") }
        #expect(throws: PortTextError.notANumber("-1")) { try DestinationPort.port("-1") }
        for text in ["bob", "bob:", ":7000", ""] {
            #expect(throws: PortTextError.notDestinationPort(text)) { try DestinationPort(parsing: text) }
        }
        #expect(PortTextError.notDestinationPort("bob").described(in: "bob")
                == "'bob' is not DEST:PORT (e.g. bob:7000 or 10.0.2.20:7000)")
        #expect("\(PortTextError.notANumber("x7"))" == "'x7' is not a port (a number from 1 to 65535)")
    }

    @Test func httpURLs_readTheirPortTheSameWay() throws {
        #expect(try HTTPURL(reading: "http://bob:8080/x") == HTTPURL(host: "bob", port: 8080, target: "/x"))
        #expect(throws: HTTPURLError.port("http://bob:99999/", .outOfRange("99999"))) { try HTTPURL(reading: "http://bob:99999/") }
        #expect("\(HTTPURLError.port("http://bob:99999/", .outOfRange("99999")))"
                == "'http://bob:99999/': port 99999 is out of range (1–65535)")
        #expect(throws: HTTPURLError.notHTTP("http://bob:/")) { try HTTPURL(reading: "http://bob:/") }
        #expect(throws: HTTPURLError.notHTTP("https://bob/")) { try HTTPURL(reading: "https://bob/") }
    }
}
