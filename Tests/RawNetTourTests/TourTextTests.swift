import RawNetView
@testable import RawNetTour
import Testing

/// The tour's words and choices, checked without a lab: what a scene says, the filters it
/// shows, its number, and how `--lang` and `--scenes` mistakes are answered.
@Suite struct TourTextTests {
    /// Every Korean title, story and notice of every scene.
    var koreanTexts: [(DemoScene, String)] {
        DemoScene.allCases.flatMap { scene -> [(DemoScene, String)] in
            let text = DemoText.scene(scene)
            return [text.title.ko, text.story.ko, text.notice.ko].map { (scene, $0) }
        }
    }

    /// Scene 8 says, as the English does, that alice decides like Linux, by RACK, and does not
    /// wait for three duplicate ACKs (not that Linux waits for them).
    @Test func deliveryInKorean_saysAliceIsLikeLinux_notThatLinuxWaits() {
        let story = DemoText.delivery.story.ko
        #expect(story.contains("alice는 리눅스와 마찬가지로 중복 ACK 세 개를 기다리지 않고 RACK("), "\(story)")
        #expect(!story.contains("리눅스처럼"))
        let english = DemoText.delivery.story.en
        #expect(english.contains("Like Linux, alice decides by RACK (") && english.contains(") rather than by waiting for three"))
    }

    /// An app that runs is 돌고 있다 or 실행 중이다; 돕니다 reads as "helps".
    /// A name asked by hand before the names scene leaves referrals in rec's cache: the scene's
    /// check then says where rec started and why, instead of failing.
    @Test func namesScene_firstWalk_saysWhatTheCacheSpared() {
        let servers = Demo.treeServers
        #expect(Demo.firstWalkSaid(asked: servers).en.contains("walked the same tree itself: root, tld, ns1"))
        let fromTLD = Demo.firstWalkSaid(asked: Array(servers.dropFirst()))
        #expect(fromTLD.en.contains("still had who serves lab. (tld) cached") && fromTLD.en.contains("asked only tld, ns1"),
                "\(fromTLD.en)")
        #expect(fromTLD.ko.contains("lab.을 맡은 서버(tld)가 캐시에") && fromTLD.ko.contains("tld, ns1에만 물었습니다"),
                "\(fromTLD.ko)")
        let cached = Demo.firstWalkSaid(asked: [])
        #expect(cached.en.contains("still had the answer itself cached") && cached.en.contains("asked no server")
                && cached.en.contains("rawnet stop rec; rawnet start rec"), "\(cached.en)")
    }

    @Test func koreanSaysAppsRun_neverThatTheyHelp() {
        for (scene, text) in koreanTexts {
            for word in ["돕니다", "돈다", "돌아간다"] {
                #expect(!text.contains(word), "scene \(scene.number) \(scene): '\(word)' in: \(text)")
            }
        }
        #expect(DemoText.waiting.story.ko.hasPrefix("bob에서 앱 두 개가 돌고 있습니다."))
        #expect(DemoText.web.story.ko.hasPrefix("bob에서는 hello,world 페이지를 내주는 웹 서버가 실행 중입니다."))
    }

    /// The TTL scene prepares the learner for r2's answers coming back through r3.
    @Test func ttlScene_saysTheAnswersComeBackAnotherWay() {
        let story = DemoText.timeToLive.story
        #expect(story.en.contains("r2's answers come back another way, through r3, not the way the probes went; "
                                  + "the next scene shows why."))
        #expect(story.ko.contains("r2의 답은 프로브 패킷이 간 길이 아니라 r3를 거치는 다른 길로 돌아옵니다. "
                                  + "그 까닭은 다음 장면에서 봅니다."))
    }

    /// The TTL scene's filter is written with parentheses, and means what it meant before:
    /// `and` binds tighter than `or`.
    @Test func ttlFilter_isParenthesised_andMeansWhatItDid() throws {
        let filter = try TraceFilter(parsing: Demo.timeToLiveFilter)
        #expect(filter == .or(.and(.interface(node: "alice", interface: "eth0"), .udp), .and(.icmp, .not(.dropped))))
        #expect(filter == (try TraceFilter(parsing: "on alice:eth0 and udp or icmp and not dropped")))
        #expect(Demo.timeToLiveFilter.hasPrefix("(on alice:eth0 and udp) or ("))
    }

    /// Scenes are numbered as the whole tour numbers them, whichever are chosen.
    @Test func scenesKeepTheTourNumbers() {
        #expect(DemoScene.allCases.map(\.number) == Array(1...17))
        #expect(DemoScene.ports.number == 4 && DemoScene.timeToLive.number == 13 && DemoScene.web.number == 17)
        #expect(DemoScene.named("4") == .ports && DemoScene.named("ports") == .ports)
        #expect(DemoScene.named("dropone") == .dropOne, "names in any case")
        #expect(DemoScene.expandingRange("9-12") == ["9", "10", "11", "12"] && DemoScene.expandingRange("drop-one") == ["drop-one"]
                && DemoScene.expandingRange("12-9") == ["12-9"], "a range of numbers")
        #expect(DemoScene.dropOne.name == "drop-one" && DemoScene.timeToLive.name == "time-to-live" && DemoScene.web.name == "web")
        #expect(DemoScene.named("drop-one") == .dropOne && DemoScene.named("time_to_live") == .timeToLive
                && DemoScene.named("wayBack") == .wayBack, "with or without hyphens")
        #expect(DemoScene.named("0") == nil && DemoScene.named("18") == nil && DemoScene.named("nosuch") == nil)
    }

    /// `--lang` refuses anything but en and ko, naming both, and suggests the nearest.
    @Test func unknownLanguage_isRefused_withTheAllowedValues_andASuggestion() throws {
        #expect(try DemoLanguage.parse("ko") == .ko && DemoLanguage.parse("en") == .en)
        func message(_ text: String) -> String {
            do { _ = try DemoLanguage.parse(text); return "" } catch { return error.description }
        }
        #expect(message("kr") == "--lang must be en or ko (English or Korean), not 'kr'; did you mean ko (Korean)?")
        #expect(message("korean").hasSuffix("did you mean ko (Korean)?"))
        #expect(message("english").hasSuffix("did you mean en (English)?"))
        #expect(message("KO").hasSuffix("did you mean ko (Korean)?"))
        #expect(message("fr") == "--lang must be en or ko (English or Korean), not 'fr'", "no guess for another language")
        #expect(DemoLanguage.suggested(for: "kr") == .ko && DemoLanguage.suggested(for: "de") == nil)
    }

    /// A mistyped scene name gets "did you mean", before the list of every scene.
    @Test func unknownScene_suggestsTheNearestName() {
        func message(_ name: String) -> String {
            do { _ = try DemoScene.parse(name); return "" } catch { return error.description }
        }
        let typo = message("handshke")
        #expect(typo.hasPrefix("unknown scene 'handshke' (did you mean handshake?); give the number the tour shows (1-17) "
                               + "or the name:\n  1 encapsulation\n"), "\(typo)")
        #expect(typo.hasSuffix("\n  17 web") && typo.contains("\n  10 drop-one\n"), "\(typo)")
        #expect(DemoScene.suggested(for: "timetolive") == .timeToLive)
        #expect(DemoScene.suggested(for: "coruption") == .corruption)
        #expect(message("99").hasPrefix("unknown scene '99'; give the number"), "no name is near a number")
        #expect(message("nosuch").hasPrefix("unknown scene 'nosuch'; give the number"))
    }

    /// An answer that is no choice is named, and the choices said again, in either language.
    @Test func anAnswerThatIsNoChoice_isNamed_andTheChoicesSaidAgain() {
        let said = DemoText.notAChoice("4")
        #expect(said.en == "'4' is not a choice: type 1, 2 or 3 and press Enter (Enter alone: the answer)")
        #expect(said.ko.hasPrefix("보기에 없는 답입니다: '4'.") && said.ko.contains("1, 2, 3 중 하나"))
        for question in [DemoText.dropOneQuestion, DemoText.corruptionQuestion, DemoText.waitingQuestion] { #expect(question.choices.count == 3) }
    }
}
