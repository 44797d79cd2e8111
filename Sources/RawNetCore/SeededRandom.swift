/// A small, fast, seeded pseudo-random generator (xoshiro256**, seeded by
/// SplitMix64). Every random choice in RawNet comes from one of these, so a
/// run can be replayed exactly from its seed.
public struct SeededRandom: RandomNumberGenerator, Sendable {
    public let seed: UInt64
    private var s0: UInt64, s1: UInt64, s2: UInt64, s3: UInt64

    public init(seed: UInt64) {
        self.seed = seed
        var x = seed
        func splitMix(_ x: inout UInt64) -> UInt64 {
            x &+= 0x9E37_79B9_7F4A_7C15
            var z = x
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        s0 = splitMix(&x); s1 = splitMix(&x); s2 = splitMix(&x); s3 = splitMix(&x)
    }

    public mutating func next() -> UInt64 {
        let result = ((s1 &* 5) << 7 | (s1 &* 5) >> 57) &* 9
        let t = s1 << 17
        s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3
        s2 ^= t
        s3 = s3 << 45 | s3 >> 19
        return result
    }

    /// A uniform Double in [0, 1).
    public mutating func nextUnit() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// True with the given probability (0...1).
    public mutating func chance(_ probability: Double) -> Bool {
        probability > 0 && nextUnit() < probability
    }

    /// A standard normal deviate (Box–Muller).
    public mutating func nextGaussian() -> Double {
        var u = nextUnit()
        if u < 1e-300 { u = 1e-300 }
        let v = nextUnit()
        return (-2 * _log(u)).squareRoot() * _cos(2 * Double.pi * v)
    }

    /// A new generator whose stream is independent of this one, derived from a label
    /// (for example one per link direction).
    public func derived(_ label: String) -> SeededRandom {
        var h: UInt64 = seed ^ 0xcbf2_9ce4_8422_2325
        for b in label.utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        return SeededRandom(seed: h)
    }
}

// Minimal math without Foundation: natural log and cosine via the C library are
// not available here (the core imports no libc), so use series good to ~1e-12.
@inline(__always) func _log(_ x: Double) -> Double {
    // log(x) = 2 atanh((x-1)/(x+1)) after scaling x into [0.5, 1).
    var m = x.significand  // in [1, 2)
    var e = Double(x.exponent)
    if m > 1.4142135623730951 { m /= 2; e += 1 }
    let y = (m - 1) / (m + 1)
    let y2 = y * y
    var term = y, sum = 0.0, k = 1.0
    for _ in 0..<20 { sum += term / k; term *= y2; k += 2 }
    return 2 * sum + e * 0.6931471805599453
}

@inline(__always) func _cos(_ x: Double) -> Double {
    // Reduce into [-pi, pi], then Taylor series.
    var r = x.truncatingRemainder(dividingBy: 2 * Double.pi)
    if r > Double.pi { r -= 2 * Double.pi } else if r < -Double.pi { r += 2 * Double.pi }
    let r2 = r * r
    var term = 1.0, sum = 1.0
    for n in 1..<14 {
        term *= -r2 / Double((2 * n - 1) * (2 * n))
        sum += term
    }
    return sum
}
