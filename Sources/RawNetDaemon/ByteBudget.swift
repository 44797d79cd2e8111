/// Bytes a daemon holds on behalf of others — output queued for control
/// clients and apps, datagrams waiting for an app to read them — counted per
/// holder and in all, against two limits: each holder's own and one all
/// holders share. It only counts; the owner decides what to refuse or cut.
/// No I/O.
struct ByteBudget<Holder: Hashable> {
    /// The most one holder may hold.
    let holderLimit: Int
    /// The most all holders together may hold.
    let totalLimit: Int
    /// Bytes held by all holders.
    private(set) var total = 0
    private var held: [Holder: Int] = [:]

    init(holderLimit: Int, totalLimit: Int = .max) {
        self.holderLimit = holderLimit
        self.totalLimit = totalLimit
    }

    /// Bytes `holder` holds.
    func bytes(of holder: Holder) -> Int { held[holder] ?? 0 }

    /// Whether `count` more bytes for `holder` keep both it and the total within their limits.
    func admits(_ count: Int, for holder: Holder) -> Bool {
        bytes(of: holder) + count <= holderLimit && total + count <= totalLimit
    }

    mutating func add(_ count: Int, for holder: Holder) {
        held[holder, default: 0] += count
        total += count
    }

    /// Gives back `count` bytes of `holder` (never more than it holds).
    mutating func remove(_ count: Int, for holder: Holder) {
        let now = bytes(of: holder)
        let taken = min(count, now)
        total -= taken
        held[holder] = now - taken > 0 ? now - taken : nil
    }

    /// Records that `holder` now holds exactly `count` bytes.
    mutating func set(_ count: Int, for holder: Holder) {
        total += count - bytes(of: holder)
        held[holder] = count > 0 ? count : nil
    }

    /// Gives back everything `holder` holds.
    mutating func forget(_ holder: Holder) {
        total -= held.removeValue(forKey: holder) ?? 0
    }

    /// Whether `holder` holds more than its own limit.
    func isOverLimit(_ holder: Holder) -> Bool { bytes(of: holder) > holderLimit }

    /// Whether all holders together hold more than the shared limit.
    var isOverTotal: Bool { total > totalLimit }

    /// The holder holding the most (nil when nobody holds anything). While the
    /// total is over its limit, that holder is over its fair share of it.
    var largestHolder: Holder? {
        held.max { $0.value < $1.value }?.key
    }

    /// How many holders hold something.
    var holderCount: Int { held.count }
}
