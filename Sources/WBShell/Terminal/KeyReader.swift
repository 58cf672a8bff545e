import Foundation

/// Reads keys from a terminal in raw mode (see `RawTerminal`), one at a time, with an optional timeout so a live view
/// can redraw between keys. A lone ESC becomes `Key.escape` once `escapeTimeout` passes without the rest of an escape
/// sequence (terminals send a sequence's bytes together, a person cannot type that fast).
public final class KeyReader {
    public let fd: Int32
    public var escapeTimeout: Double
    private var pending: [UInt8] = []
    private var queue: [Key] = []

    public init(fd: Int32 = STDIN_FILENO, escapeTimeout: Double = 0.05) {
        self.fd = fd
        self.escapeTimeout = escapeTimeout
    }

    /// The next key; nil when `timeout` seconds pass first (nil waits as long as it takes). Throws
    /// `KeyReaderError.endOfInput` when the input is closed and every key before it was returned.
    public func next(timeout: Double? = nil) throws -> Key? {
        let deadline = timeout.map { Date().addingTimeInterval($0) }
        while true {
            if !queue.isEmpty { return queue.removeFirst() }
            let decoded = KeyDecoder.decodeAll(pending, final: false)
            queue += decoded.keys
            pending = decoded.rest
            if !queue.isEmpty { continue }
            let remaining = deadline.map { max(0, $0.timeIntervalSinceNow) }
            // Bytes of an unfinished sequence wait the escape timeout (even past `timeout`, so a sequence split across
            // reads is never taken for Escape).
            let wait = pending.isEmpty ? remaining : escapeTimeout
            switch try waitForInput(seconds: wait) {
            case .ready:
                var buffer = [UInt8](repeating: 0, count: 256)
                let n = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
                if n > 0 {
                    pending += buffer[0..<n]
                } else if n == 0 {
                    guard !pending.isEmpty else { throw KeyReaderError.endOfInput }
                    flushPending()
                } else if errno != EINTR && errno != EAGAIN {
                    throw KeyReaderError.readFailed(errno)
                }
            case .timedOut:
                if !pending.isEmpty {
                    flushPending()
                } else if remaining != nil {
                    return nil
                }
            }
        }
    }

    /// No more bytes are coming soon: what is pending is decoded as it stands (a lone ESC is Escape).
    private func flushPending() {
        queue += KeyDecoder.decodeAll(pending, final: true).keys
        pending = []
    }

    private enum Readiness { case ready, timedOut }

    private func waitForInput(seconds: Double?) throws -> Readiness {
        var descriptor = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        let milliseconds = seconds.map { Int32(min(Double(Int32.max), ($0 * 1000).rounded(.up))) } ?? -1
        while true {
            let result = poll(&descriptor, 1, milliseconds)
            if result > 0 { return .ready }   // POLLIN, or POLLHUP/POLLERR: the read then reports it
            if result == 0 { return .timedOut }
            if errno != EINTR { throw KeyReaderError.readFailed(errno) }
        }
    }
}

/// Why no key could be read: the input closed, or read(2) failed.
public enum KeyReaderError: Error, CustomStringConvertible {
    case endOfInput
    case readFailed(Int32)
    public var description: String {
        switch self {
        case .endOfInput: return "the terminal input was closed"
        case .readFailed(let code): return "reading the terminal failed: \(String(cString: strerror(code)))"
        }
    }
}
