import Foundation
import WBSupport
import WBShell
import WBTraining

/// Answers shell requests, one at a time in the order they came, on the kernel's cell thread: `execute` (against one
/// session, as at the prompt), `complete`, `inspect`, `is_complete`, `history`, `comm_info`, `kernel_info`. Every request
/// is framed by `status` busy and idle on iopub. It lives on the cell thread: the server only hands requests to it through
/// that serial queue (hence `@unchecked Sendable`).
final class ShellHandler: @unchecked Sendable {
    let executor: CommandExecutor
    private let runner: CellRunner
    private let completion: Completion
    private let messenger: KernelMessenger
    private let state: KernelState
    private let log: (String) -> Void
    private var executionCount = 0
    private var history = CellHistory()

    init(session: Session, messenger: KernelMessenger, state: KernelState, log: @escaping (String) -> Void) {
        executor = CommandExecutor(session: session)
        runner = CellRunner(executor: executor)
        completion = Completion(session: session)
        self.messenger = messenger
        self.state = state
        self.log = log
    }

    func handle(_ request: KernelMessage, receivedAt: Date) {
        messenger.status("busy", parent: request)
        defer { messenger.status("idle", parent: request) }
        let content = request.content
        switch request.type {
        case "execute_request":
            execute(request, receivedAt: receivedAt)
        case "kernel_info_request":
            messenger.reply(to: request, "kernel_info_reply", KernelReplies.kernelInfo, on: .shell)
        case "complete_request":
            let code = content["code"]?.string ?? ""
            let cursor = content["cursor_pos"]?.int ?? code.unicodeScalars.count
            messenger.reply(to: request, "complete_reply", KernelReplies.complete(code: code, cursor: cursor, completion: completion), on: .shell)
        case "inspect_request":
            let code = content["code"]?.string ?? ""
            let cursor = content["cursor_pos"]?.int ?? code.unicodeScalars.count
            messenger.reply(to: request, "inspect_reply", KernelReplies.inspect(code: code, cursor: cursor, executor: executor), on: .shell)
        case "is_complete_request":
            messenger.reply(to: request, "is_complete_reply", KernelReplies.isComplete(code: content["code"]?.string ?? ""), on: .shell)
        case "history_request":
            messenger.reply(to: request, "history_reply", history.reply(content), on: .shell)
        case "comm_info_request":
            messenger.reply(to: request, "comm_info_reply", ["status": "ok", "comms": [:]], on: .shell)
        case "comm_open", "comm_msg", "comm_close":
            break  // wb has no comm targets; ipykernel ignores unknown targets the same way
        default:
            log("ignored a shell message of unknown type '\(request.type)'")
        }
    }

    private func execute(_ request: KernelMessage, receivedAt: Date) {
        let content = request.content
        let code = content["code"]?.string ?? ""
        let silent = content["silent"]?.bool ?? false
        let storeHistory = silent ? false : (content["store_history"]?.bool ?? true)
        let stopOnError = content["stop_on_error"]?.bool ?? true
        if state.aborts(receivedAt: receivedAt) {
            // No execution count, as ipykernel: the front end shows the skipped cell as never run (`[ ]:`).
            messenger.reply(to: request, "execute_reply", ["status": "aborted"], on: .shell, metadata: ["status": "aborted"])
            return
        }
        if storeHistory { executionCount += 1 }
        let count = executionCount
        if !silent {
            messenger.publish("execute_input", ["code": .string(code), "execution_count": .int(count)], parent: request)
        }
        let token = CancellationToken()
        state.started { token.cancel() }
        let messenger = self.messenger
        let allowInput = content["allow_stdin"]?.bool ?? false
        let outcome = runner.run(code, cancel: token, publish: silent ? nil : { type, content in
            messenger.publish(type, content, parent: request)
        }, ask: allowInput ? { [state] question in
            messenger.reply(to: request, "input_request", ["prompt": .string(question + " [y/N] "), "password": false], on: .stdin)
            let answer = state.waitForInput(cancelled: { token.isCancelled })?.trimmingCharacters(in: .whitespaces).lowercased()
            return answer == "y" || answer == "yes"
        } : nil)
        state.ended(failed: outcome.error != nil && stopOnError)
        if storeHistory { history.append(count: count, input: code, output: outcome.text) }
        let facts = JSONValue.object(outcome.facts.mapValues { .string($0) })
        if let error = outcome.error {
            messenger.reply(to: request, "execute_reply", [
                "status": "error", "execution_count": .int(count), "ename": .string(error.name), "evalue": .string(error.value),
                "traceback": .array(error.traceback.map { .string($0) }),
            ], on: .shell, metadata: ["status": "error", "wb": facts])
        } else {
            messenger.reply(to: request, "execute_reply", [
                "status": "ok", "execution_count": .int(count), "user_expressions": [:], "payload": [],
            ], on: .shell, metadata: ["status": "ok", "wb": facts])
        }
    }
}
