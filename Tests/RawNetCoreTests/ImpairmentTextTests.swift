import FoundationEssentials
import Testing
@testable import RawNetCore

@Suite struct ImpairmentTextTests {
    @Test func percentages() throws {
        #expect(try ImpairmentText.parseProbability("20%", option: "loss") == 0.2)
        #expect(try ImpairmentText.parseProbability("0.5%", option: "loss") == 0.005)
        #expect(try ImpairmentText.parseProbability("0.2", option: "loss") == 0.2)
        #expect(try ImpairmentText.parseProbability(" 100% ", option: "loss") == 1)
        #expect(try ImpairmentText.parseProbability("0", option: "loss") == 0)
        #expect(ImpairmentText.percent(0.005) == "0.5%")
        #expect(ImpairmentText.percent(0.2) == "20%")
        #expect(ImpairmentText.percent(1) == "100%")
    }

    @Test func percentageErrors_nameTheOption() {
        #expect(throws: ImpairmentSettingsError.outOfRange(option: "loss", value: "140%", allowed: "0% to 100%")) {
            try ImpairmentText.parseProbability("140%", option: "loss")
        }
        do {
            _ = try ImpairmentText.parseProbability("5", option: "duplicate")
            Issue.record("5 accepted as a probability")
        } catch {
            #expect(error.description == "duplicate: 5 is out of range (allowed: a fraction from 0 to 1, or 0% to 100%; did you mean 5%?)")
        }
        for bad in ["", "%", "abc", "1e-3", "0x10", "-5%", "5%%", "1.2.3%", "nan", "inf"] {
            #expect(throws: ImpairmentSettingsError.self, "\(bad)") { try ImpairmentText.parseProbability(bad, option: "loss") }
        }
    }

    @Test func durations() throws {
        #expect(try ImpairmentText.parseDuration("20ms", option: "delay") == .milliseconds(20))
        #expect(try ImpairmentText.parseDuration("1.5s", option: "delay") == .milliseconds(1500))
        #expect(try ImpairmentText.parseDuration("500us", option: "delay") == .microseconds(500))
        #expect(try ImpairmentText.parseDuration("500µs", option: "delay") == .microseconds(500))
        #expect(try ImpairmentText.parseDuration("250ns", option: "delay") == .nanoseconds(250))
        #expect(try ImpairmentText.parseDuration("2 msec", option: "delay") == .milliseconds(2))
        #expect(ImpairmentText.duration(.milliseconds(50)) == "50ms")
        #expect(ImpairmentText.duration(.milliseconds(1500)) == "1.5s")
        #expect(ImpairmentText.duration(.microseconds(500)) == "500us")
        #expect(ImpairmentText.duration(.nanoseconds(1_000_005)) == "1.000005ms")
        #expect(ImpairmentText.duration(.zero) == "0ms", "not 0ns: a delay of none reads as milliseconds, as set")
        #expect(throws: ImpairmentSettingsError.malformed(option: "delay", text: "20", expected: "a unit, such as 20ms, 1.5s or 500us")) {
            try ImpairmentText.parseDuration("20", option: "delay")
        }
        for bad in ["ms", "20 parsecs", "-5ms", "1..2s", "99999999999999s"] {
            #expect(throws: ImpairmentSettingsError.self, "\(bad)") { try ImpairmentText.parseDuration(bad, option: "jitter") }
        }
    }

    @Test func rates_followTcUnits() throws {
        let cases: [(String, Int)] = [
            ("2mbit", 2_000_000), ("100kbit", 100_000), ("1gbit", 1_000_000_000), ("9600bit", 9_600),
            ("9600", 9_600), ("1mbps", 8_000_000), ("10kbps", 80_000), ("125bps", 1_000),
            ("1kibit", 1_024), ("1mibit", 1_048_576), ("1Mbit", 1_000_000), ("1.5mbit", 1_500_000),
            ("1tbit", 1_000_000_000_000),
        ]
        for (text, bits) in cases { #expect(try ImpairmentText.parseRate(text) == bits, "\(text)") }
        #expect(ImpairmentText.rate(2_000_000) == "2mbit")
        #expect(ImpairmentText.rate(9_600) == "9600bit")
        #expect(ImpairmentText.rate(1_500_000) == "1500kbit")
        #expect(ImpairmentText.rate(1_000_000_000) == "1gbit")
        for bad in ["", "fast", "2mbits", "2 megabit", "0bit", "0.1bit", "-1mbit", "1xbit"] {
            #expect(throws: ImpairmentSettingsError.self, "\(bad)") { try ImpairmentText.parseRate(bad) }
        }
    }

    @Test func gilbertElliott() throws {
        let full = try ImpairmentSettings.parseGilbertElliott("1%,30%,100%,0%")
        #expect(full == GilbertElliott(p: 0.01, r: 0.3, oneMinusH: 1, oneMinusK: 0))
        #expect(try ImpairmentSettings.parseGilbertElliott("10%") == GilbertElliott(p: 0.1))
        #expect(throws: ImpairmentSettingsError.outOfRange(option: "gemodel r", value: "130%", allowed: "0% to 100%")) {
            try ImpairmentSettings.parseGilbertElliott("1%,130%")
        }
        #expect(throws: ImpairmentSettingsError.self) { try ImpairmentSettings.parseGilbertElliott("1%,2%,3%,4%,5%") }
        #expect(throws: ImpairmentSettingsError.self) { try ImpairmentSettings.parseGilbertElliott("1%,,3%") }
    }

    @Test func options_setOneByOne() throws {
        var s = ImpairmentSettings.perfect
        try s.set("--loss", to: "20%")
        try s.set("delay", to: "50ms")
        try s.set("jitter", to: "5ms")
        try s.set("distribution", to: "normal")
        try s.set("rate", to: "2mbit")
        try s.set("queue_limit", to: "100")
        try s.set("loss-burst", to: "1%,30%")
        try s.set("reorder", to: "10%")
        try s.set("gap", to: "3")
        try s.set("hold-back", to: "2")
        try s.set("seed", to: "42")
        #expect(s == ImpairmentSettings(
            loss: 0.2, lossBurst: GilbertElliott(p: 0.01, r: 0.3), reorder: 0.1, reorderGap: 3, holdBack: 2,
            delay: .milliseconds(50), jitter: .milliseconds(5), distribution: .normal,
            rateBitsPerSecond: 2_000_000, queueLimit: 100, seed: 42))
        #expect(throws: ImpairmentSettingsError.unknownOption("lossy")) { try s.set("lossy", to: "1%") }
        #expect(throws: ImpairmentSettingsError.self) { try s.set("queue", to: "0") }
        #expect(throws: ImpairmentSettingsError.self) { try s.set("hold-back", to: "0") }
        #expect(throws: ImpairmentSettingsError.self) { try s.set("distribution", to: "pareto") }
        #expect(throws: ImpairmentSettingsError.self) { try s.set("seed", to: "-1") }
    }

    @Test func description_readsLikeASummary() {
        let s = ImpairmentSettings(loss: 0.2, delay: .milliseconds(50), jitter: .milliseconds(5),
                                   distribution: .normal, rateBitsPerSecond: 2_000_000, queueLimit: 100)
        #expect(s.description == "loss 20% · delay 50ms ±5ms (normal) · rate 2mbit queue 100")
        #expect(ImpairmentSettings.perfect.description == "perfect wire")
        #expect(ImpairmentSettings(seed: 3).description == "perfect wire · seed 3")
    }

    @Test func description_parsesBackToTheSameSettings() throws {
        let samples: [ImpairmentSettings] = [
            .perfect,
            ImpairmentSettings(loss: 0.2, delay: .milliseconds(50), jitter: .milliseconds(5),
                               distribution: .normal, rateBitsPerSecond: 2_000_000, queueLimit: 100),
            ImpairmentSettings(lossBurst: GilbertElliott(p: 0.01, r: 0.3, oneMinusH: 0.9, oneMinusK: 0.001),
                               reorder: 0.25, reorderGap: 5, holdBack: 3, holdBackTimeout: .milliseconds(300),
                               delay: .microseconds(1500), jitter: .microseconds(250),
                               duplicate: 0.01, corrupt: 0.005, seed: 12345),
            ImpairmentSettings(jitter: .milliseconds(2), queueLimit: 20),
            ImpairmentSettings(holdBack: 2),
            ImpairmentSettings(rateBitsPerSecond: 9_600, seed: 0),
        ]
        for s in samples {
            let back = try ImpairmentSettings(parsing: s.description)
            #expect(back == s, "\(s.description) → \(back.description)")
        }
    }

    @Test func tcStyleText() throws {
        let s = try ImpairmentSettings(parsing: "delay 100ms 10ms distribution normal reorder 25% gap 5 loss gemodel 1%,30% limit 50")
        #expect(s == ImpairmentSettings(lossBurst: GilbertElliott(p: 0.01, r: 0.3), reorder: 0.25, reorderGap: 5,
                                        delay: .milliseconds(100), jitter: .milliseconds(10), distribution: .normal,
                                        queueLimit: 50))
        #expect(try ImpairmentSettings(parsing: "loss random 1%").loss == 0.01)
        #expect(try ImpairmentSettings(parsing: "loss 5% perfect wire") == .perfect)
    }

    @Test func textErrors_nameTheOption() {
        #expect(throws: ImpairmentSettingsError.outOfRange(option: "loss", value: "140%", allowed: "0% to 100%")) {
            try ImpairmentSettings(parsing: "loss 140% delay 5ms")
        }
        #expect(throws: ImpairmentSettingsError.missingValue(option: "delay")) {
            try ImpairmentSettings(parsing: "loss 1% delay")
        }
        #expect(throws: ImpairmentSettingsError.unknownOption("speed")) {
            try ImpairmentSettings(parsing: "speed 1mbit")
        }
        #expect(throws: ImpairmentSettingsError.self) { try ImpairmentSettings(parsing: "rate fast") }
    }

    @Test func validate_catchesValuesSetInCode() {
        #expect(throws: ImpairmentSettingsError.self) { try ImpairmentSettings(loss: 1.4).validate() }
        #expect(throws: ImpairmentSettingsError.self) { try ImpairmentSettings(delay: .milliseconds(-1)).validate() }
        #expect(throws: ImpairmentSettingsError.self) { try ImpairmentSettings(rateBitsPerSecond: 0).validate() }
        #expect(throws: ImpairmentSettingsError.self) { try ImpairmentSettings(loss: .nan).validate() }
        #expect(throws: Never.self) { try ImpairmentSettings(loss: 0.3, queueLimit: 5).validate() }
        // The engine never traps on bad values: it clamps them.
        var engine = ImpairmentEngine(settings: ImpairmentSettings(loss: 7, queueLimit: -3, seed: 1), seed: 1)
        #expect(engine.settings.loss == 1 && engine.settings.queueLimit == 1)
        #expect(engine.submit([1, 2, 3], now: .zero).events == [.dropped(.randomLoss)])
    }

    @Test func isPerfect_ignoresSettingsThatChangeNothing() {
        #expect(ImpairmentSettings(loss: 0.2, lossBurst: GilbertElliott(p: 0.01)).isPerfect == false)
        #expect(ImpairmentSettings.perfect.isPerfect)
        #expect(ImpairmentSettings(reorderGap: 5, distribution: .normal, queueLimit: 3, seed: 1).isPerfect)
        #expect(ImpairmentSettings(lossBurst: GilbertElliott(p: 0, oneMinusK: 0)).isPerfect)
        #expect(ImpairmentSettings(holdBack: 1).isPerfect == false)
    }

    @Test func settings_roundTripThroughJSON() throws {
        let s = ImpairmentSettings(loss: 0.2, lossBurst: GilbertElliott(p: 0.01), holdBack: 2,
                                   delay: .milliseconds(5), jitter: .microseconds(7), distribution: .normal,
                                   rateBitsPerSecond: 64_000, seed: 9)
        let data = try JSONEncoder().encode(s)
        #expect(try JSONDecoder().decode(ImpairmentSettings.self, from: data) == s)
    }

    /// A duration in a trace reads to the microsecond at most: a jittered delay is not shown
    /// to the nanosecond, and microseconds are µs.
    @Test func readableDurations() {
        #expect(ImpairmentText.readable(.nanoseconds(24_733_443)) == "24.733ms")
        #expect(ImpairmentText.readable(.nanoseconds(24_733_500)) == "24.734ms")
        #expect(ImpairmentText.readable(.microseconds(592)) == "592µs")
        #expect(ImpairmentText.readable(.nanoseconds(592_400)) == "592µs")
        #expect(ImpairmentText.readable(.milliseconds(30)) == "30ms")
        #expect(ImpairmentText.readable(.milliseconds(1_500)) == "1.5s")
        #expect(ImpairmentText.readable(.nanoseconds(850)) == "850ns")
        #expect(ImpairmentText.readable(.zero) == "0ms")
    }
}
