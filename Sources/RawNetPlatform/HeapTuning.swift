import CRawNetPlatform

/// glibc's allocator, tuned for processes that stream bytes.
///
/// By default glibc gives every block of 128 KiB or more its own mapping and
/// returns free memory at the top of the heap to the kernel as soon as
/// 128 KiB of it gather. A host daemon or an app that passes 64 KiB messages
/// and megabyte buffers back and forth then maps, faults in, zeroes and unmaps
/// fresh pages for nearly every message: in `rawnet bench tcp` that cost the
/// receiving host more time than its TCP did. Raising both thresholds keeps
/// those pages in the heap for reuse.
public enum HeapTuning {
    /// Blocks from 8 MiB up still get their own mapping (TCP buffers stop at 4 MiB).
    public static let mappingThreshold = 8 << 20
    /// Up to 16 MiB of free memory may stay at the top of the heap.
    public static let trimThreshold = 16 << 20

    /// Gives the free memory in the heap back to the kernel, holes included
    /// (`malloc_trim`): for after a burst that will not come back, such as
    /// buffers of clients cut off, since the thresholds above keep it otherwise.
    public static func returnFreeMemory() {
        _ = rawnet_malloc_trim()
    }

    /// Applies the thresholds to this process. Returns false if glibc refused them.
    @discardableResult
    public static func tuneForStreaming() -> Bool {
        rawnet_malloc_thresholds(Int32(mappingThreshold), Int32(trimThreshold)) == 1
    }
}

/// The pages of code a long-running process keeps resident.
///
/// A daemon touches much of its code once, starting up (parsing its
/// configuration, binding sockets, logging), and the kernel maps 64 KiB around
/// every page it faults in. Those pages count in the process's resident size
/// although they are shared with every other daemon and never used again. Once
/// started, a daemon drops its mappings of them: the code it runs from then on
/// comes back page by page from the page cache (a minor fault, no disk read),
/// and its resident size is what it uses.
public enum CodeResidency {
    /// Releases the resident code pages; returns the bytes of code mappings advised (0 if none could be).
    @discardableResult
    public static func releaseUnusedCode() -> Int {
        max(0, rawnet_release_code_pages())
    }
}
