import Dispatch

/// Runs `body` once per item on every core the machine has and returns the
/// results in the items' order. The suite runs one test at a time, so a
/// simulation test that spreads its independent seeds over the cores finishes
/// sooner without sharing anything: each run owns its whole simulated world.
func onEveryCore<Item: Sendable, Result: Sendable>(_ items: [Item],
                                                   _ body: @Sendable (Item) -> Result) -> [Result] {
    let results = ResultSlots<Result>(count: items.count)
    DispatchQueue.concurrentPerform(iterations: items.count) { index in
        results.store(body(items[index]), at: index)
    }
    return results.values()
}

/// One slot per iteration; each index is written by exactly one iteration,
/// and read only after `concurrentPerform` has returned.
private final class ResultSlots<Value>: @unchecked Sendable {
    private let slots: UnsafeMutableBufferPointer<Value?>

    init(count: Int) {
        slots = .allocate(capacity: count)
        slots.initialize(repeating: nil)
    }

    deinit {
        slots.deinitialize()
        slots.deallocate()
    }

    func store(_ value: Value, at index: Int) { slots[index] = value }

    func values() -> [Value] { slots.map { $0! } }
}
