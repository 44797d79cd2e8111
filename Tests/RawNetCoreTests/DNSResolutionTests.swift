import Testing
import RawNetWire
@testable import RawNetCore

/// The recursive resolver's walk, driven by hand: root, `lab.` and `example.`
/// servers are `DNSAuthority`s reached by address; the clock is a number.
@Suite struct DNSResolutionTests {
    static let root = IPv4Address(10, 0, 0, 1), tld = IPv4Address(10, 0, 1, 53), auth = IPv4Address(10, 0, 2, 53)
    static let second = IPv4Address(10, 0, 1, 54)

    static func servers() throws -> [IPv4Address: DNSAuthority] {
        [
            root: DNSAuthority(zones: try DNSMasterFile.zones(from: """
                . SOA a.root. h.root. 1 2 3 4 60
                . NS a.root.
                a.root. A 10.0.0.1
                lab. NS ns1.lab.
                lab. NS ns2.lab.
                ns1.lab. A 10.0.1.53
                ns2.lab. A 10.0.1.54
                """)),
            tld: DNSAuthority(zones: try DNSMasterFile.zones(from: """
                lab. SOA ns1.lab. h.lab. 1 2 3 4 60
                lab. NS ns1.lab.
                ns1.lab. A 10.0.1.53
                corp.lab. NS ns.corp.lab.
                ns.corp.lab. A 10.0.2.53
                www.lab. CNAME bob.corp.lab.
                """)),
            auth: DNSAuthority(zones: try DNSMasterFile.zones(from: """
                corp.lab. SOA ns.corp.lab. h.corp.lab. 1 2 3 4 30
                corp.lab. NS ns.corp.lab.
                ns.corp.lab. A 10.0.2.53
                bob.corp.lab. 120 A 10.0.2.20
                """)),
        ]
    }

    /// Runs one resolution to its answer; `silent` servers never answer. Returns the answer and the servers asked.
    static func resolve(_ name: String, _ type: DNSRecordType = .a, cache: inout DNSCache, now: Int64 = 0,
                        silent: Set<IPv4Address> = []) throws -> (DNSMessage, [IPv4Address], DNSResolution) {
        let servers = try servers()
        var resolution = DNSResolution(query: .query(id: 77, name: try DNSName(name), type: type), roots: [root])
        var clock = now
        var id: UInt16 = 1
        var step = resolution.start(cache: &cache, now: clock, id: id)
        var asked: [IPv4Address] = []
        for _ in 0..<64 {
            id += 1
            switch step {
            case .answer(let message): return (message, asked, resolution)
            case .ask(let server, let query, _):
                #expect(query.edns == DNSEDNS(), "the resolver asks with EDNS (RFC 6891), 1232 bytes")
                asked.append(server)
                if silent.contains(server) || servers[server] == nil {
                    clock = resolution.deadline ?? clock
                    step = resolution.timeout(cache: &cache, now: clock, id: id)
                } else {
                    let response = servers[server]!.answer(query)
                    clock += 1_000_000
                    step = try #require(resolution.receive(response, from: server, cache: &cache, now: clock, id: id))
                }
            }
        }
        throw DNSZoneError(line: nil, message: "no answer after 64 steps")
    }

    @Test func walksRootThenTLDThenAuthority_andAnswersWithRA() throws {
        var cache = DNSCache()
        let (answer, asked, resolution) = try Self.resolve("bob.corp.lab", cache: &cache)
        #expect(asked == [Self.root, Self.tld, Self.auth])
        #expect(answer.header.id == 77 && answer.header.recursionAvailable && !answer.header.isAuthoritative)
        #expect(answer.answers.map(\.data) == [.a(IPv4Address(10, 0, 2, 20))])
        #expect(resolution.notes.contains { $0.contains("refers corp.lab.") }, "\(resolution.notes)")
    }

    @Test func secondQuestion_comesFromTheCache_andTTLsCountDown() throws {
        var cache = DNSCache()
        _ = try Self.resolve("bob.corp.lab", cache: &cache)
        let (answer, asked, _) = try Self.resolve("bob.corp.lab", cache: &cache, now: 20_000_000_000)
        #expect(asked.isEmpty)
        #expect(answer.answers.first?.ttl == 100)
        // Another name of the same zone starts at its cached servers, not at the root.
        let (_, again, _) = try Self.resolve("nobody.corp.lab", cache: &cache, now: 21_000_000_000)
        #expect(again == [Self.auth])
        // After the TTL the answer is asked again, from the still-cached delegation.
        let (_, later, _) = try Self.resolve("bob.corp.lab", cache: &cache, now: 125_000_000_000)
        #expect(later == [Self.auth])
    }

    @Test func nxdomain_isAnsweredAndCachedForTheSOAMinimum() throws {
        var cache = DNSCache()
        let (answer, _, _) = try Self.resolve("nobody.corp.lab", cache: &cache)
        #expect(answer.header.responseCode == .nameError && answer.authority.first?.type == .soa)
        let (cached, asked, _) = try Self.resolve("nobody.corp.lab", cache: &cache, now: 29_000_000_000)
        #expect(asked.isEmpty && cached.header.responseCode == .nameError)
        let (_, expired, _) = try Self.resolve("nobody.corp.lab", cache: &cache, now: 31_000_000_000)
        #expect(expired == [Self.auth])
    }

    /// RFC 2308 section 6: a negative answer from the cache carries the cached SOA, its TTL
    /// less the time it was cached; section 5: the entry lasts min(SOA TTL, MINIMUM), 30 s here.
    @Test func cachedNXDOMAIN_carriesTheSOA_withItsTTLCountedDown() throws {
        var cache = DNSCache()
        let (first, _, _) = try Self.resolve("nobody.corp.lab", cache: &cache)
        let soa = try #require(first.authority.first), zone = try DNSName("corp.lab")
        #expect(first.authority.count == 1 && soa.type == .soa && soa.name == zone && soa.ttl == 30)
        let (cached, asked, _) = try Self.resolve("nobody.corp.lab", cache: &cache, now: 10_000_000_000)
        #expect(asked.isEmpty && cached.header.responseCode == .nameError && cached.header.recursionAvailable)
        #expect(cached.answers.isEmpty && cached.authority.count == 1, "\(cached.authority)")
        #expect(cached.authority.first?.data == soa.data && cached.authority.first?.name == soa.name)
        #expect(cached.authority.first?.ttl == 20, "30 s less the 10 s it was cached")
        // NXDOMAIN holds for every type of the name.
        let (other, none, _) = try Self.resolve("nobody.corp.lab", .txt, cache: &cache, now: 25_000_000_000)
        #expect(none.isEmpty && other.header.responseCode == .nameError && other.authority.first?.ttl == 5)
        let (_, expired, _) = try Self.resolve("nobody.corp.lab", cache: &cache, now: 30_003_000_000)
        #expect(expired == [Self.auth], "the entry ends with the SOA's TTL")
    }

    /// NODATA (the name exists, not this type) is cached by name and type, with its SOA in AUTHORITY.
    @Test func cachedNODATA_carriesTheSOA_withItsTTLCountedDown_andExpires() throws {
        var cache = DNSCache()
        let (first, firstAsked, _) = try Self.resolve("bob.corp.lab", .txt, cache: &cache)
        #expect(firstAsked == [Self.root, Self.tld, Self.auth])
        #expect(first.header.responseCode == .noError && first.answers.isEmpty && first.authority.map(\.type) == [.soa])
        let (cached, asked, _) = try Self.resolve("bob.corp.lab", .txt, cache: &cache, now: 20_000_000_000)
        #expect(asked.isEmpty && cached.header.responseCode == .noError && cached.answers.isEmpty)
        #expect(cached.authority.map(\.type) == [.soa] && cached.authority.first?.data == first.authority.first?.data)
        #expect(cached.authority.first?.ttl == 10, "\(cached.authority)")
        // Only that type: the name's A record is still asked for and answered.
        let (address, _, _) = try Self.resolve("bob.corp.lab", .a, cache: &cache, now: 21_000_000_000)
        #expect(address.answers.map(\.data) == [.a(IPv4Address(10, 0, 2, 20))])
        let (_, expired, _) = try Self.resolve("bob.corp.lab", .txt, cache: &cache, now: 31_000_000_000)
        #expect(expired == [Self.auth])
    }

    /// The lifetime is the smaller of the SOA's TTL and MINIMUM, and the SOA handed back never outlives it.
    @Test func negativeEntry_livesForTheSmallerOfSOATTLAndMinimum() throws {
        let zone = try DNSName("corp.lab"), gone = try DNSName("gone.corp.lab"), bare = try DNSName("bare.corp.lab")
        func soa(ttl: UInt32, minimum: UInt32) -> DNSRecord {
            DNSRecord(name: zone, ttl: ttl, data: .soa(DNSSOA(primary: try! DNSName("ns.corp.lab"), mailbox: try! DNSName("h.corp.lab"),
                                                             serial: 1, refresh: 2, retry: 3, expire: 4, minimum: minimum)))
        }
        var cache = DNSCache()
        cache.storeNoSuchName(gone, soa: soa(ttl: 300, minimum: 60), now: 0)
        cache.storeNoData(bare, .mx, soa: soa(ttl: 20, minimum: 60), now: 0)
        #expect(cache.noSuchName(gone, now: 15_000_000_000)?.ttl == 45)
        #expect(cache.noSuchName(gone, now: 60_000_000_000) == nil)
        #expect(cache.noData(bare, .mx, now: 5_000_000_000)?.ttl == 15)
        #expect(cache.noData(bare, .a, now: 5_000_000_000) == nil && cache.noSuchName(bare, now: 5_000_000_000) == nil)
        #expect(cache.noData(bare, .mx, now: 20_000_000_000) == nil)
        // An SOA of TTL 0 or MINIMUM 0 is not kept.
        cache.storeNoSuchName(bare, soa: soa(ttl: 0, minimum: 60), now: 0)
        #expect(cache.noSuchName(bare, now: 0) == nil)
    }

    @Test func cnameInOneZone_isFollowedIntoAnother() throws {
        var cache = DNSCache()
        let (answer, asked, _) = try Self.resolve("www.lab", cache: &cache)
        #expect(answer.answers.map(\.type) == [.cname, .a])
        #expect(asked == [Self.root, Self.tld, Self.tld, Self.auth])
    }

    @Test func silentServer_isAskedTwice_thenTheNext() throws {
        var cache = DNSCache()
        let (answer, asked, _) = try Self.resolve("bob.corp.lab", cache: &cache, silent: [Self.tld])
        // The root names ns1 (silent) and ns2; ns2 is not a server here either, so the walk fails.
        #expect(asked == [Self.root, Self.tld, Self.tld, Self.second, Self.second])
        #expect(answer.header.responseCode == .serverFailure)
    }

    @Test func truncatedAnswer_isAskedAgainOverTCP() throws {
        var cache = DNSCache()
        var resolution = DNSResolution(query: .query(id: 9, name: try DNSName("bob.lab"), type: .a), roots: [Self.root])
        guard case .ask(_, let query, false) = resolution.start(cache: &cache, now: 0, id: 1) else {
            Issue.record("no first question")
            return
        }
        var cut = DNSAuthority.reply(to: query, code: .noError)
        cut.header.isTruncated = true
        let step = resolution.receive(cut, from: Self.root, cache: &cache, now: 1, id: 2)
        guard case .ask(let server, _, true)? = step else { Issue.record("expected a TCP question, got \(String(describing: step))"); return }
        #expect(server == Self.root)
    }

    @Test func answersNotAwaited_areIgnored() throws {
        var cache = DNSCache()
        var resolution = DNSResolution(query: .query(id: 9, name: try DNSName("bob.lab"), type: .a), roots: [Self.root])
        guard case .ask(_, let query, _) = resolution.start(cache: &cache, now: 0, id: 1) else { return }
        var wrongID = DNSAuthority.reply(to: query, code: .noError)
        wrongID.header.id = 2
        #expect(resolution.receive(wrongID, from: Self.root, cache: &cache, now: 1, id: 3) == nil)
        let fromElsewhere = DNSAuthority.reply(to: query, code: .noError)
        #expect(resolution.receive(fromElsewhere, from: Self.tld, cache: &cache, now: 1, id: 3) == nil)
    }

    @Test func cache_isBounded() {
        var cache = DNSCache(limit: 4)
        for index in 0..<10 {
            let name = try! DNSName("h\(index).lab")
            cache.store([DNSRecord(name: name, ttl: UInt32(100 + index), data: .a(IPv4Address(10, 0, 0, UInt8(index))))], now: 0)
        }
        #expect(cache.count == 4)
        #expect(cache.records(try! DNSName("h9.lab"), .a, now: 0) != nil)
        #expect(cache.records(try! DNSName("h0.lab"), .a, now: 0) == nil)
        // Negative entries count against the same limit and leave the same way.
        let soa = DNSRecord(name: try! DNSName("lab"), ttl: 500, data: .soa(DNSSOA(
            primary: try! DNSName("ns.lab"), mailbox: try! DNSName("h.lab"), serial: 1, refresh: 2, retry: 3, expire: 4, minimum: 500)))
        for index in 0..<6 { cache.storeNoSuchName(try! DNSName("gone\(index).lab"), soa: soa, now: 0) }
        #expect(cache.count == 4)
        #expect(cache.noSuchName(try! DNSName("gone5.lab"), now: 0) != nil)
        #expect(cache.records(try! DNSName("h9.lab"), .a, now: 0) == nil)
    }
}
