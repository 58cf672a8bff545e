import Foundation

/// A flag long work polls between steps; Ctrl-C (through a dispatch signal source, never a raw handler) or a caller sets it.
public final class CancellationToken: @unchecked Sendable {
    private let lock = NSLock()
    private var cancelled = false

    public init() {}

    public func cancel() { lock.withLock { cancelled = true } }
    public func reset() { lock.withLock { cancelled = false } }
    public var isCancelled: Bool { lock.withLock { cancelled } }
}
