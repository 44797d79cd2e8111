import RawNetCore
import RawNetWire
import Testing

private func prefix(_ text: String) -> IPv4Prefix { IPv4Prefix(text)! }
private func address(_ text: String) -> IPv4Address { IPv4Address(text)! }

@Suite struct NetworkRoutingTableTests {
    /// r2 of a chain: two connected subnets, two static routes, a default and a host route.
    private func table() -> RoutingTable {
        RoutingTable(routes: [
            Route(destination: prefix("0.0.0.0/0"), nextHop: address("10.0.12.1"), interface: 0, kind: .static),
            Route(destination: prefix("10.0.12.0/24"), nextHop: nil, interface: 0, kind: .connected,
                  preferredSource: address("10.0.12.2")),
            Route(destination: prefix("10.0.23.0/24"), nextHop: nil, interface: 1, kind: .connected,
                  preferredSource: address("10.0.23.2")),
            Route(destination: prefix("10.0.0.0/16"), nextHop: address("10.0.23.3"), interface: 1, kind: .static),
            Route(destination: prefix("10.0.9.9/32"), nextHop: address("10.0.12.1"), interface: 0, kind: .static),
        ])
    }

    @Test func longestPrefixWins() throws {
        let t = table()
        let connected = try #require(t.lookup(address("10.0.23.7")))
        #expect(connected.destination == prefix("10.0.23.0/24"))
        #expect(connected.nextHop == nil)
        #expect(connected.neighbour(for: address("10.0.23.7")) == address("10.0.23.7"))
        let covering = try #require(t.lookup(address("10.0.5.1")))
        #expect(covering.destination == prefix("10.0.0.0/16"))
        #expect(covering.neighbour(for: address("10.0.5.1")) == address("10.0.23.3"))
    }

    @Test func hostRoute_beatsEverything() throws {
        let route = try #require(table().lookup(address("10.0.9.9")))
        #expect(route.destination.length == 32)
        #expect(route.interface == 0)
        // Its neighbour in the /32's covering /16 goes the other way.
        #expect(table().lookup(address("10.0.9.8"))?.destination == prefix("10.0.0.0/16"))
    }

    @Test func defaultRoute_catchesTheRest() throws {
        let route = try #require(table().lookup(address("192.0.2.1")))
        #expect(route.destination.length == 0)
        #expect(route.nextHop == address("10.0.12.1"))
    }

    @Test func withoutDefault_noRoute() {
        var t = table()
        #expect(t.remove(destination: prefix("0.0.0.0/0")) == 1)
        #expect(t.lookup(address("192.0.2.1")) == nil)
        #expect(t.lookup(address("10.0.12.1")) != nil)
    }

    @Test func equalPrefix_lowerAdministrativeDistanceWins_thenLowerMetric() {
        var t = RoutingTable()
        t.add(Route(destination: prefix("10.1.0.0/16"), nextHop: address("10.0.0.1"), interface: 0, kind: .static, metric: 20))
        t.add(Route(destination: prefix("10.1.0.0/16"), nextHop: address("10.0.0.2"), interface: 1, kind: .static, metric: 10))
        t.add(Route(destination: prefix("10.1.0.0/16"), nextHop: address("10.0.0.3"), interface: 2, kind: .learned, metric: 1))
        #expect(t.lookup(address("10.1.2.3"))?.nextHop == address("10.0.0.2"), "static before learned, whatever the metric")
        t.removeRoutes(interface: 1)
        #expect(t.lookup(address("10.1.2.3"))?.nextHop == address("10.0.0.1"))
        t.add(Route(destination: prefix("10.1.0.0/16"), nextHop: nil, interface: 3, kind: .connected, metric: 10))
        #expect(t.lookup(address("10.1.2.3"))?.interface == 3, "connected before static")
        t.removeRoutes(interface: 0)
        t.removeRoutes(interface: 3)
        #expect(t.lookup(address("10.1.2.3"))?.nextHop == address("10.0.0.3"))
    }

    @Test func addingSameRouteAgain_replacesIt() {
        var t = table()
        let count = t.routes.count
        t.add(Route(destination: prefix("10.0.0.0/16"), nextHop: address("10.0.12.1"), interface: 0, kind: .static))
        #expect(t.routes.count == count)
        #expect(t.lookup(address("10.0.5.1"))?.nextHop == address("10.0.12.1"))
    }

    @Test func printsLikeIPRoute() {
        let text = table().formatted(interfaceNames: ["eth0", "eth1"])
        #expect(text == """
            10.0.9.9/32 via 10.0.12.1 dev eth0 proto static
            10.0.12.0/24 dev eth0 proto kernel scope link src 10.0.12.2
            10.0.23.0/24 dev eth1 proto kernel scope link src 10.0.23.2
            10.0.0.0/16 via 10.0.23.3 dev eth1 proto static
            default via 10.0.12.1 dev eth0 proto static
            """)
    }
}
