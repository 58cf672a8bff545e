import Dispatch

/// How the model splits work over its worker threads: always by the config's `threads`, never by the core count or a
/// library's pool. Each output (an example's row, a head's table, a block of a weight gradient's rows) is computed whole by
/// one worker with single-threaded GEMMs. The blocks (and so the GEMM shapes, whose edge tiles round differently) follow
/// from `threads`, so the numbers are a function of the config, the same on every machine that runs the same kernels.
public struct WorkSplit: Sendable {
    /// The number of workers (≥ 1).
    public let workers: Int

    public init(workers: Int) { self.workers = max(1, workers) }

    /// Runs `body(i)` for i in 0..<count, item i on worker i mod `workers`.
    func forEach(_ count: Int, _ body: (Int) -> Void) {
        let pieces = min(workers, count)
        if pieces <= 1 { for i in 0..<count { body(i) }; return }
        Self.concurrently(pieces) { worker in for i in stride(from: worker, to: count, by: pieces) { body(i) } }
    }

    /// Runs `body` on `pieces` contiguous blocks covering 0..<count: one per worker, fewer when blocks would hold less than
    /// `minimum` items.
    func forEachBlock(_ count: Int, minimum: Int = 16, _ body: (Range<Int>) -> Void) {
        let pieces = min(workers, max(1, count / max(1, minimum)))
        if pieces <= 1 { body(0..<count); return }
        Self.concurrently(pieces) { body(Self.block($0, of: count, pieces: pieces)) }
    }

    /// Runs `body(i)` for i in 0..<count at once, on as many threads (`DispatchQueue.concurrentPerform`), for work the
    /// caller splits itself (a chain per worker, a block of rows per piece); `forEach` and `forEachBlock` go through it.
    /// The caller keeps WorkSplit's rule: each iteration writes only memory no other iteration reads or writes, and what the
    /// iterations share is not changed while they run. So the closure need not be `@Sendable`: the raw buffers it
    /// captures are shared on purpose, under that rule (`SharedAcrossWorkers`).
    public static func concurrently(_ count: Int, _ body: (Int) -> Void) {
        if count <= 1 { for i in 0..<count { body(i) }; return }
        withoutActuallyEscaping(body) { body in
            let shared = SharedAcrossWorkers(body)
            DispatchQueue.concurrentPerform(iterations: count) { shared.value($0) }
        }
    }

    /// Block `index` of 0..<count cut into `pieces` contiguous, nearly equal blocks (the one partition wb uses).
    static func block(_ index: Int, of count: Int, pieces: Int) -> Range<Int> {
        (count * index / pieces)..<(count * (index + 1) / pieces)
    }
}

/// A closure handed to `concurrentPerform`'s workers as it is. Its captures (raw buffers, models with workspaces) are
/// not `Sendable`, and need not be: WorkSplit's rule (each worker writes only its own part, shared inputs stay unchanged
/// while the workers run) is what makes the sharing safe, which the type system cannot see.
private struct SharedAcrossWorkers<Body>: @unchecked Sendable {
    let value: Body
    init(_ value: Body) { self.value = value }
}
