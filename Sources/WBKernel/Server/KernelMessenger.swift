import Foundation

/// Makes the kernel's outgoing messages: replies to a request (its identities and header as parent), and iopub
/// publications with a request as parent (`status`, outputs). `send` delivers them: directly on the I/O thread, through
/// the `Outbox` from the thread that runs cells.
struct KernelMessenger {
    /// This kernel's session id (every header carries it).
    let session: String
    let send: (KernelMessage, KernelChannel) -> Void

    func reply(to request: KernelMessage, _ type: String, _ content: JSONValue, on channel: KernelChannel,
               metadata: JSONValue = [:]) {
        let message = KernelMessage(identities: request.identities, header: KernelMessage.header(type: type, session: session),
                                    parentHeader: request.header, metadata: metadata, content: content)
        send(message, channel)
    }

    func publish(_ type: String, _ content: JSONValue, parent: KernelMessage?) {
        let topic = Data("kernel.\(session).\(type)".utf8)
        let message = KernelMessage(identities: [topic], header: KernelMessage.header(type: type, session: session),
                                    parentHeader: parent?.header ?? [:], content: content)
        send(message, .iopub)
    }

    func status(_ state: String, parent: KernelMessage?) {
        publish("status", ["execution_state": .string(state)], parent: parent)
    }
}

/// What the I/O thread and the cell thread share, behind a lock: the cancellation token of the cell that runs, when the
/// last cell failed (requests queued before that are aborted, as `stop_on_error` asks), whether the kernel is shutting
/// down.
final class KernelState {
    private let lock = NSLock()
    /// Cancels the cell that runs, nil when none does.
    private var running: (() -> Void)?
    private var failedAt: Date?
    private var stopping = false
    private var drained = false

    func started(cancel: @escaping () -> Void) { lock.lock(); running = cancel; lock.unlock() }
    func ended(failed: Bool) {
        lock.lock()
        running = nil
        if failed { failedAt = Date() }
        lock.unlock()
    }

    /// Cancels the cell that runs (if any); true when there was one.
    @discardableResult
    func interrupt() -> Bool {
        lock.lock(); let cancel = running; lock.unlock()
        cancel?()
        return cancel != nil
    }

    /// Whether a request received at `date` is to be aborted rather than run.
    func aborts(receivedAt date: Date) -> Bool {
        lock.lock(); defer { lock.unlock() }
        return stopping || (failedAt.map { date < $0 } ?? false)
    }

    var isStopping: Bool { lock.lock(); defer { lock.unlock() }; return stopping }
    func stop() { lock.lock(); stopping = true; lock.unlock(); interrupt() }

    // MARK: input on the stdin channel

    private var awaitingInput: DispatchSemaphore?
    private var input: String?

    /// The cell thread waits for the front end's `input_reply` (`deliver`), polling `cancelled` so an interrupt or a
    /// shutdown ends the wait; nil when it was ended that way.
    func waitForInput(cancelled: () -> Bool) -> String? {
        let semaphore = DispatchSemaphore(value: 0)
        lock.lock(); awaitingInput = semaphore; input = nil; lock.unlock()
        while semaphore.wait(timeout: .now() + 0.05) == .timedOut {
            if cancelled() || isStopping { break }
        }
        lock.lock(); defer { lock.unlock() }
        awaitingInput = nil
        return input
    }

    /// The I/O thread hands over an `input_reply`'s value (ignored when nothing waits for one).
    func deliver(input value: String) {
        lock.lock(); defer { lock.unlock() }
        guard let waiting = awaitingInput else { return }
        input = value
        waiting.signal()
    }

    var isDrained: Bool { lock.lock(); defer { lock.unlock() }; return drained }
    func markDrained() { lock.lock(); drained = true; lock.unlock() }
}
