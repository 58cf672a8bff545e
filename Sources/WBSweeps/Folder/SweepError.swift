/// A sweep that cannot be made, continued or shown; every message names what was wrong and what is allowed.
public enum SweepError: Error, Equatable, CustomStringConvertible {
    case invalidName(String, allowed: String)
    case spec(word: String, problem: String)
    case point(name: String, problem: String)
    case tooManyPoints(limit: Int)
    case needsConfirmation(points: Int)
    case notFound(name: String, path: String)
    case differentSpec(name: String, recorded: String, given: String)
    case busy(name: String, pid: Int32)
    case damaged(path: String, reason: String)
    case worker(String)
    case slurm(String)

    public var description: String {
        switch self {
        case .invalidName(let name, let allowed): return "'\(name)' cannot name a sweep: use \(allowed)"
        case .spec(let word, let problem): return "in `\(word)`: \(problem)"
        case .point(let name, let problem): return "point \(name): \(problem)"
        case .tooManyPoints(let limit): return "the grid has more than \(limit) points; split it into several sweeps"
        case .needsConfirmation(let points):
            return "the grid has \(points) points (more than \(SweepSpec.confirmationThreshold)); add --yes to run it"
        case .notFound(let name, let path): return "no sweep '\(name)' (no sweep.json in \(path)); start one with `sweep \(name) key=v1,v2 …`"
        case .differentSpec(let name, let recorded, let given):
            return "sweep '\(name)' exists with another grid (\(recorded)), not (\(given)); `sweep \(name)` continues it, or pick another name"
        case .busy(let name, let pid): return "sweep '\(name)' is being run by process \(pid); `sweep stop \(name)` stops it"
        case .damaged(let path, let reason): return "\(path) is damaged: \(reason)"
        case .worker(let message): return message
        case .slurm(let message): return message
        }
    }
}
