import Foundation
import WBSupport

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
