import Foundation
import WBShell

/// `wb kernel -f FILE`: a Jupyter kernel (messaging protocol 5.3) over ZeroMQ.
///
/// Threads: this I/O loop owns every Jupyter socket (shell and control ROUTER, stdin ROUTER, iopub PUB) and the outbox;
/// the heartbeat echoes on its own thread; shell requests run one at a time on the cell thread (a serial queue), which
/// sends through the outbox. Control requests (`interrupt`, `shutdown`, `kernel_info`) are answered here at once, so a
/// training cell can be interrupted. Messages with a bad signature, or that are not messages at all, are logged and
/// dropped, never executed. When the front end that started the kernel dies, the kernel stops as on a shutdown
/// (`ParentWatch`).
public final class KernelServer {
    /// How the front end interrupts: SIGINT (`signal`, the kernelspec's default) or `interrupt_request` (`message`);
    /// the kernel honours both.
    public static let interruptModes = ["signal", "message"]

    private let context: ZMQContext
    private let shell, control, stdin, iopub, outboxReceiver: ZMQSocket
    private let outbox: Outbox
    private let heartbeat: Heartbeat
    private let signer: MessageSigner
    private let sessionID = UUID().uuidString.lowercased()
    private let handler: ShellHandler
    private let state = KernelState()
    private let cells = DispatchQueue(label: "wb.kernel.cells")
    private let log: (String) -> Void
    private var restartRequested = false
    private let parentWatch = ParentWatch()

    /// Binds every socket of `connection`; the session is the one cells run against.
    public init(connection: ConnectionFile, session: Session, log: @escaping (String) -> Void) throws {
        self.log = log
        context = try ZMQContext()
        signer = MessageSigner(key: connection.key)
        shell = try ZMQSocket(context, .router)
        control = try ZMQSocket(context, .router)
        stdin = try ZMQSocket(context, .router)
        iopub = try ZMQSocket(context, .publisher)
        try shell.bind(connection.endpoint(connection.shellPort))
        try control.bind(connection.endpoint(connection.controlPort))
        try stdin.bind(connection.endpoint(connection.stdinPort))
        try iopub.bind(connection.endpoint(connection.iopubPort))
        heartbeat = try Heartbeat(context: context, endpoint: connection.endpoint(connection.hbPort))
        (outbox, outboxReceiver) = try Outbox.make(context: context, signer: signer)
        let outbox = self.outbox
        handler = ShellHandler(session: session, messenger: KernelMessenger(session: sessionID, send: { outbox.post($0, on: $1) }),
                               state: state, log: log)
    }

    /// Serves until a `shutdown_request`; returns whether the front end asked for a restart (it starts the new process).
    public func run() -> Bool {
        heartbeat.start()
        let messenger = KernelMessenger(session: sessionID) { [self] message, channel in
            socket(channel).send(message.frames(signer: signer), wait: false)
        }
        // Front ends wait for the first `status` before sending; IPython publishes `starting` the same way.
        messenger.status("starting", parent: nil)
        var deadline: Date?
        var parentCheckedAt = Date()
        while true {
            let ready = ZMQSocket.poll([outboxReceiver, control, shell, stdin], milliseconds: 50)
            if InterruptSignal.take() { state.interrupt() }
            if Date().timeIntervalSince(parentCheckedAt) >= 1 {
                parentCheckedAt = Date()
                if !state.isStopping, parentWatch.frontEndIsGone {
                    log("the front end that started this kernel (pid \(parentWatch.frontEnd ?? 0)) has gone; stopping the running "
                        + "cell (it keeps its work, as after an interrupt) and exiting")
                    beginStopping()
                }
            }
            if ready.contains(0) { forwardOutbox() }
            if ready.contains(1) { while let frames = control.receive() { serveControl(frames, messenger: messenger) } }
            if ready.contains(2) { while let frames = shell.receive() { serveShell(frames, messenger: messenger) } }
            if ready.contains(3) { while let frames = stdin.receive() { serveStdin(frames) } }
            if state.isStopping {
                let limit = deadline ?? Date().addingTimeInterval(10)
                deadline = limit
                if state.isDrained || Date() > limit { break }
            }
        }
        forwardOutbox()
        heartbeat.stop()
        outbox.close()
        for socket in [outboxReceiver, shell, control, stdin, iopub] { socket.close() }
        context.terminate()
        return restartRequested
    }

    private func socket(_ channel: KernelChannel) -> ZMQSocket {
        switch channel {
        case .shell: return shell
        case .control: return control
        case .stdin: return stdin
        case .iopub: return iopub
        }
    }

    private func forwardOutbox() {
        while let frames = outboxReceiver.receive() {
            guard let tag = frames.first, let channel = KernelChannel(rawValue: String(decoding: tag, as: UTF8.self)) else { continue }
            socket(channel).send(Array(frames.dropFirst()), wait: false)
        }
    }

    private func parse(_ frames: [Data], from channel: KernelChannel) -> KernelMessage? {
        do { return try KernelMessage.parse(frames, signer: signer) } catch {
            log("dropped a message on \(channel.rawValue): \(error)")
            return nil
        }
    }

    private func serveControl(_ frames: [Data], messenger: KernelMessenger) {
        guard let request = parse(frames, from: .control) else { return }
        messenger.status("busy", parent: request)
        defer { messenger.status("idle", parent: request) }
        switch request.type {
        case "interrupt_request":
            state.interrupt()
            messenger.reply(to: request, "interrupt_reply", ["status": "ok"], on: .control)
        case "shutdown_request":
            shutdown(request, on: .control, messenger: messenger)
        case "kernel_info_request":
            messenger.reply(to: request, "kernel_info_reply", KernelReplies.kernelInfo, on: .control)
        default:
            log("ignored a control message of unknown type '\(request.type)'")
        }
    }

    /// `input_reply` to a confirmation the cell thread asked for (`input_request`); anything else is dropped.
    private func serveStdin(_ frames: [Data]) {
        guard let reply = parse(frames, from: .stdin) else { return }
        guard reply.type == "input_reply" else { return log("ignored a stdin message of type '\(reply.type)'") }
        state.deliver(input: reply.content["value"]?.string ?? "")
    }

    private func serveShell(_ frames: [Data], messenger: KernelMessenger) {
        guard let request = parse(frames, from: .shell) else { return }
        if request.type == "shutdown_request" {
            messenger.status("busy", parent: request)
            shutdown(request, on: .shell, messenger: messenger)
            messenger.status("idle", parent: request)
            return
        }
        let receivedAt = Date()
        cells.async { [handler] in handler.handle(request, receivedAt: receivedAt) }
    }

    /// Replies, stops the cell that runs (it keeps its work, as after Ctrl-C) and lets queued requests be aborted; the
    /// loop ends when the cell thread is idle (at most 10 s later).
    private func shutdown(_ request: KernelMessage, on channel: KernelChannel, messenger: KernelMessenger) {
        restartRequested = request.content["restart"]?.bool ?? false
        messenger.reply(to: request, "shutdown_reply", ["status": "ok", "restart": .bool(restartRequested)], on: channel)
        beginStopping()
    }

    /// Stops the cell that runs and lets the loop end once the cell thread is idle; a second call does nothing.
    private func beginStopping() {
        guard !state.isStopping else { return }
        state.stop()
        cells.async { [state] in state.markDrained() }
    }
}
