import WBTraining

/// What went wrong in an analysis or in the pipeline; every case names the thing that was wrong.
public enum AnalysisError: Error, Equatable, CustomStringConvertible {
    /// A checkpoint file that is missing or cannot be read as weights of the run's shape.
    case checkpointUnreadable(epoch: Int, path: String, reason: String)
    /// An analysis name that is not in the registry.
    case unknownAnalysis(name: String, known: [String])
    /// An analysis needs the reference checkpoint's key frequencies and none could be determined.
    case noReference(reason: String)
    /// A shape or setting the analyses cannot handle.
    case unsupported(String)
    /// A cached result that could not be written.
    case cacheWrite(path: String, reason: String)
    /// An analysis that has no meaning for the run's task (for example a Fourier analysis of x2y2).
    case inapplicable(analysis: String, task: ModularTask, applicable: [ModularTask])

    public var description: String {
        switch self {
        case .checkpointUnreadable(let epoch, let path, let reason):
            return "checkpoint \(epoch) (\(path)) cannot be read: \(reason)"
        case .unknownAnalysis(let name, let known):
            return "no analysis named '\(name)'; known: \(known.joined(separator: ", "))"
        case .noReference(let reason): return "no reference checkpoint for the key frequencies: \(reason)"
        case .unsupported(let why): return why
        case .cacheWrite(let path, let reason): return "could not write the cached result \(path): \(reason)"
        case .inapplicable(let analysis, let task, let applicable):
            let list = applicable.map(\.rawValue).joined(separator: ", ")
            // The Fourier analyses: say why, since the task list alone does not.
            let why = Set(applicable) == Set(CyclicView.tasks)
                ? " — it reads the task as addition in a cyclic group (mul and div through the discrete logarithm), and \(task.formula) is not one in any order of the tokens"
                : ""
            return "\(analysis) does not apply to task \(task.rawValue) (\(task.formula)): it applies to \(list) only\(why)"
        }
    }
}
