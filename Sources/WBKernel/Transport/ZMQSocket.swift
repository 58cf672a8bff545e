import CZMQ
import Foundation

/// A ZeroMQ error: what was being done and libzmq's own message.
public struct ZMQError: Error, CustomStringConvertible {
    public let description: String
    init(_ doing: String) {
        description = "\(doing): \(String(cString: zmq_strerror(zmq_errno())))"
    }
}

/// One ZeroMQ context for the kernel's sockets (threads are libzmq's own I/O threads).
public final class ZMQContext {
    let handle: UnsafeMutableRawPointer

    public init() throws {
        guard let context = zmq_ctx_new() else { throw ZMQError("cannot create a ZeroMQ context") }
        handle = context
    }

    /// Ends the context; every socket must be closed first (they have a linger of 0, so this does not block).
    public func terminate() { zmq_ctx_term(handle) }
}

/// A ZeroMQ socket used from one thread at a time. Frames go in and out as `Data`; a multipart message is `[Data]`.
/// Every socket has linger 0 (closing never waits for unsent messages) and refuses single messages above
/// `maximumMessageBytes` (the peer is disconnected), so a huge frame cannot exhaust memory.
public final class ZMQSocket {
    /// The kinds of socket the kernel uses.
    public enum Kind {
        case router, publisher, reply, push, pull, dealer, subscriber, request
        var value: Int32 {
            switch self {
            case .router: return ZMQ_ROUTER
            case .publisher: return ZMQ_PUB
            case .reply: return ZMQ_REP
            case .push: return ZMQ_PUSH
            case .pull: return ZMQ_PULL
            case .dealer: return ZMQ_DEALER
            case .subscriber: return ZMQ_SUB
            case .request: return ZMQ_REQ
            }
        }
    }

    /// 64 MiB: far above any real Jupyter message (a cell of SVG figures is a few MB).
    public static let maximumMessageBytes: Int64 = 64 << 20

    let handle: UnsafeMutableRawPointer
    private var closed = false

    public init(_ context: ZMQContext, _ kind: Kind) throws {
        guard let socket = zmq_socket(context.handle, kind.value) else { throw ZMQError("cannot create a ZeroMQ socket") }
        handle = socket
        var linger: Int32 = 0
        zmq_setsockopt(handle, ZMQ_LINGER, &linger, MemoryLayout<Int32>.size)
        var limit = Self.maximumMessageBytes
        zmq_setsockopt(handle, ZMQ_MAXMSGSIZE, &limit, MemoryLayout<Int64>.size)
        if kind == .subscriber { zmq_setsockopt(handle, ZMQ_SUBSCRIBE, "", 0) }
    }

    deinit { close() }

    public func close() {
        guard !closed else { return }
        closed = true
        zmq_close(handle)
    }

    public func bind(_ endpoint: String) throws {
        guard zmq_bind(handle, endpoint) == 0 else { throw ZMQError("cannot listen on \(endpoint)") }
    }

    public func connect(_ endpoint: String) throws {
        guard zmq_connect(handle, endpoint) == 0 else { throw ZMQError("cannot connect to \(endpoint)") }
    }

    /// Sends a multipart message. False when it could not be sent without blocking (for example a ROUTER peer that left).
    @discardableResult
    public func send(_ frames: [Data], wait: Bool = true) -> Bool {
        for (index, frame) in frames.enumerated() {
            var flags: Int32 = index < frames.count - 1 ? ZMQ_SNDMORE : 0
            if !wait { flags |= ZMQ_DONTWAIT }
            let sent = frame.withUnsafeBytes { bytes -> Int32 in
                while true {
                    let result = zmq_send(handle, bytes.baseAddress ?? UnsafeRawPointer(bitPattern: 1)!, bytes.count, flags)
                    if result >= 0 || zmq_errno() != EINTR { return result }
                }
            }
            if sent < 0 { return false }
        }
        return true
    }

    /// Receives one multipart message without waiting; nil when none is waiting.
    public func receive() -> [Data]? {
        var frames: [Data] = []
        while true {
            var message = zmq_msg_t()
            zmq_msg_init(&message)
            defer { zmq_msg_close(&message) }
            var result: Int32
            repeat {
                result = zmq_msg_recv(&message, handle, frames.isEmpty ? ZMQ_DONTWAIT : 0)
            } while result < 0 && zmq_errno() == EINTR
            if result < 0 { return frames.isEmpty ? nil : frames }
            let size = zmq_msg_size(&message)
            frames.append(size == 0 ? Data() : Data(bytes: zmq_msg_data(&message), count: size))
            if zmq_msg_more(&message) == 0 { return frames }
        }
    }

    /// Waits until one of `sockets` has a message or `milliseconds` pass (−1: forever); the indices of the readable ones.
    /// A signal (Ctrl-C) ends the wait early with none.
    public static func poll(_ sockets: [ZMQSocket], milliseconds: Int) -> [Int] {
        var items = sockets.map { zmq_pollitem_t(socket: $0.handle, fd: 0, events: Int16(ZMQ_POLLIN), revents: 0) }
        let count = zmq_poll(&items, Int32(items.count), milliseconds)
        guard count > 0 else { return [] }
        return items.indices.filter { items[$0].revents & Int16(ZMQ_POLLIN) != 0 }
    }
}
