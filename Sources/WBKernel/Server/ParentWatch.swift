import Foundation

/// Notices that the front end which started the kernel has gone, so that a kernel orphaned by a crashed or killed Jupyter
/// does not live on (holding its ports, and its CPU if a cell runs). Jupyter names itself in `JPY_PARENT_PID` when it
/// starts a kernel; as in ipykernel, the kernel watches only then. The front end is gone when this process has been
/// handed to another parent since it started (it was the front end's child), or when no process has that pid any more
/// (it was started through a wrapper that stays).
struct ParentWatch {
    /// The front end's pid, or nil when nothing is watched (no `JPY_PARENT_PID`, or 1).
    let frontEnd: pid_t?
    private let parentAtStart: pid_t

    init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        let named = environment["JPY_PARENT_PID"].flatMap { pid_t($0.trimmingCharacters(in: .whitespaces)) }
        frontEnd = named.flatMap { $0 > 1 ? $0 : nil }
        parentAtStart = getppid()
    }

    /// Whether the front end has gone (always false when nothing is watched).
    var frontEndIsGone: Bool {
        guard let frontEnd else { return false }
        if parentAtStart == frontEnd, getppid() != frontEnd { return true }
        return kill(frontEnd, 0) != 0 && errno == ESRCH
    }
}
