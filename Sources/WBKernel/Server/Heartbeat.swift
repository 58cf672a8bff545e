import Foundation

/// The heartbeat: a REP socket on its own thread that echoes every message unchanged, so a front end sees the kernel
/// alive while a cell trains for minutes. After `start` the socket is the heartbeat thread's alone, and `running` is read
/// and written under `stopped` (hence `@unchecked Sendable`).
final class Heartbeat: @unchecked Sendable {
    private let socket: ZMQSocket
    private let stopped = NSLock()
    private var running = true
    private let finished = DispatchSemaphore(value: 0)

    init(context: ZMQContext, endpoint: String) throws {
        socket = try ZMQSocket(context, .reply)
        try socket.bind(endpoint)
    }

    func start() {
        let thread = Thread { [self] in
            while isRunning {
                guard !ZMQSocket.poll([socket], milliseconds: 100).isEmpty, let message = socket.receive() else { continue }
                socket.send(message)
            }
            socket.close()
            finished.signal()
        }
        thread.name = "wb kernel heartbeat"
        thread.start()
    }

    private var isRunning: Bool {
        stopped.withLock { running }
    }

    /// Stops echoing and closes the socket (waits for the thread, at most a second).
    func stop() {
        stopped.withLock { running = false }
        _ = finished.wait(timeout: .now() + 1)
    }
}
