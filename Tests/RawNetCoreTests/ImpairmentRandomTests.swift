import Testing
@testable import RawNetCore

/// The hand-written `_log` and `_cos` behind `nextGaussian` (the core has no libc).
@Suite struct ImpairmentRandomTests {
    @Test func log_matchesKnownValues() {
        let known: [(Double, Double)] = [
            (1, 0),
            (2, 0.6931471805599453),
            (0.5, -0.6931471805599453),
            (10, 2.302585092994046),
            (2.718281828459045, 1),
            (1e-300, -690.7755278982137),
            (0.1, -2.3025850929940455),
            (1.000001, 9.999994999180668e-7),
            (0.9999, -1.0000500033334732e-4),
            (1e300, 690.7755278982137),
            (3, 1.0986122886681098),
            (1.4142135623730951, 0.3465735902799727),
        ]
        for (x, expected) in known {
            let error = abs(_log(x) - expected) / max(1e-300, abs(expected))
            #expect(expected == 0 ? _log(x) == 0 : error < 1e-14, "log(\(x)) = \(_log(x)), expected \(expected)")
        }
    }

    @Test func cos_matchesKnownValues() {
        let pi = Double.pi
        let known: [(Double, Double)] = [
            (0, 1), (pi, -1), (pi / 2, 0), (pi / 3, 0.5), (2 * pi / 3, -0.5),
            (1, 0.5403023058681398), (2, -0.4161468365471424), (3, -0.9899924966004454),
            (5, 0.28366218546322625), (6.2, 0.9965420970232175), (-1, 0.5403023058681398),
            (2 * pi * 0.999999, 0.9999999999802608), (20, 0.40808206181339196),
        ]
        for (x, expected) in known {
            #expect(abs(_cos(x) - expected) < 1e-14, "cos(\(x)) = \(_cos(x)), expected \(expected)")
        }
    }

    @Test func cos_followsIdentitiesOverAFullTurn() {
        // cos²x + cos²(x + π/2) = 1 and cos(2x) = 2cos²x − 1, everywhere Box–Muller uses it.
        var x = 0.0
        while x < 2 * Double.pi {
            let c = _cos(x), s = _cos(x + Double.pi / 2)
            #expect(abs(c * c + s * s - 1) < 1e-14)
            #expect(abs(_cos(2 * x) - (2 * c * c - 1)) < 1e-13)
            x += 0.01
        }
    }

    @Test func log_isInverseOfExponentSteps() {
        // log(a·b) = log a + log b across the whole range of magnitudes.
        var x = 1e-300
        while x < 1e300 {
            #expect(abs(_log(x * 7.5) - (_log(x) + _log(7.5))) < 1e-12)
            x *= 1234.5
        }
    }

    @Test func gaussian_hasMeanZeroAndUnitDeviation() {
        var random = SeededRandom(seed: 42)
        let samples = (0..<100_000).map { _ in random.nextGaussian() }
        #expect(abs(mean(samples)) < 0.01)
        #expect(abs(standardDeviation(samples) - 1) < 0.01)
        // About 68.3% within one deviation, 95.4% within two.
        let one = Double(samples.filter { abs($0) < 1 }.count) / 100_000
        let two = Double(samples.filter { abs($0) < 2 }.count) / 100_000
        #expect(abs(one - 0.6827) < 0.005)
        #expect(abs(two - 0.9545) < 0.003)
    }
}
