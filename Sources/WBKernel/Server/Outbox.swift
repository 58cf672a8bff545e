import Foundation

/// The kernel's sockets, by the role the connection file gives them.
public enum KernelChannel: String {
    case shell, control, stdin, iopub
}

/// Messages from any thread to the kernel's I/O thread, which alone touches the Jupyter sockets (ZeroMQ sockets are not
/// thread-safe). Each message is signed here and pushed over an in-process socket, prefixed by its channel; the I/O
/// thread polls that socket with the others and forwards at once, so nothing waits for a poll timeout.
final class Outbox {
    static let endpoint = "inproc://wb-kernel-outbox"
    private let push: ZMQSocket
    private let lock = NSLock()
    private let signer: MessageSigner

    private init(push: ZMQSocket, signer: MessageSigner) {
        self.push = push
        self.signer = signer
    }

    /// The outbox and the socket the I/O thread reads it from (bound before the sending end connects, as inproc needs).
    static func make(context: ZMQContext, signer: MessageSigner) throws -> (outbox: Outbox, receiver: ZMQSocket) {
        let pull = try ZMQSocket(context, .pull)
        try pull.bind(endpoint)
        let push = try ZMQSocket(context, .push)
        try push.connect(endpoint)
        return (Outbox(push: push, signer: signer), pull)
    }

    func post(_ message: KernelMessage, on channel: KernelChannel) {
        let frames = [Data(channel.rawValue.utf8)] + message.frames(signer: signer)
        lock.withLock { _ = push.send(frames) }
    }

    func close() {
        lock.withLock { push.close() }
    }
}
