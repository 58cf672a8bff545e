import Foundation

/// What the I/O thread and the cell thread share, behind a lock: the cancellation token of the cell that runs, when the
/// last cell failed (requests queued before that are aborted, as `stop_on_error` asks), whether the kernel is shutting
/// down, and an `input_reply` awaited by the cell thread. Every access goes through `lock.withLock` (hence
/// `@unchecked Sendable`).
final class KernelState: @unchecked Sendable {
    private let lock = NSLock()
    /// Cancels the cell that runs, nil when none does.
    private var running: (() -> Void)?
    private var failedAt: Date?
    private var stopping = false
    private var drained = false

    func started(cancel: @escaping () -> Void) { lock.withLock { running = cancel } }
    func ended(failed: Bool) {
        lock.withLock {
            running = nil
            if failed { failedAt = Date() }
        }
    }

    /// Cancels the cell that runs (if any); true when there was one.
    @discardableResult
    func interrupt() -> Bool {
        let cancel = lock.withLock { running }
        cancel?()
        return cancel != nil
    }

    /// Whether a request received at `date` is to be aborted rather than run.
    func aborts(receivedAt date: Date) -> Bool {
        lock.withLock { stopping || (failedAt.map { date < $0 } ?? false) }
    }

    var isStopping: Bool { lock.withLock { stopping } }
    func stop() { lock.withLock { stopping = true }; interrupt() }

    // MARK: input on the stdin channel

    private var awaitingInput: DispatchSemaphore?
    private var input: String?

    /// The cell thread waits for the front end's `input_reply` (`deliver`), polling `cancelled` so an interrupt or a
    /// shutdown ends the wait; nil when it was ended that way.
    func waitForInput(cancelled: () -> Bool) -> String? {
        let semaphore = DispatchSemaphore(value: 0)
        lock.withLock { awaitingInput = semaphore; input = nil }
        while semaphore.wait(timeout: .now() + 0.05) == .timedOut {
            if cancelled() || isStopping { break }
        }
        return lock.withLock {
            awaitingInput = nil
            return input
        }
    }

    /// The I/O thread hands over an `input_reply`'s value (ignored when nothing waits for one).
    func deliver(input value: String) {
        lock.withLock {
            guard let waiting = awaitingInput else { return }
            input = value
            waiting.signal()
        }
    }

    var isDrained: Bool { lock.withLock { drained } }
    func markDrained() { lock.withLock { drained = true } }
}
