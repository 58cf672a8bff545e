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

    public var description: String {
        switch self {
        case .checkpointUnreadable(let epoch, let path, let reason):
            return "checkpoint \(epoch) (\(path)) cannot be read: \(reason)"
        case .unknownAnalysis(let name, let known):
            return "no analysis named '\(name)'; known: \(known.joined(separator: ", "))"
        case .noReference(let reason): return "no reference checkpoint for the key frequencies: \(reason)"
        case .unsupported(let why): return why
        case .cacheWrite(let path, let reason): return "could not write the cached result \(path): \(reason)"
        }
    }
}
