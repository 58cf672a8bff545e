/// Results of a runner call, by analysis name and epoch, with typed access.
public struct AnalysisResults: @unchecked Sendable {
    var storage: [String: [Int: Any]] = [:]

    public init() {}

    mutating func set(_ name: String, epoch: Int, _ value: Any) { storage[name, default: [:]][epoch] = value }

    /// The result of `type` at `epoch`, if computed or cached in this call.
    public func result<A: Analysis>(_ type: A.Type, epoch: Int) -> A.Result? { storage[A.name]?[epoch] as? A.Result }

    /// The results of `type` ordered by epoch (for plots over checkpoints).
    public func series<A: Analysis>(_ type: A.Type) -> [(epoch: Int, result: A.Result)] {
        (storage[A.name] ?? [:]).compactMap { epoch, value in (value as? A.Result).map { (epoch, $0) } }.sorted { $0.epoch < $1.epoch }
    }

    /// The result under an analysis name, untyped (for generic display code).
    public func anyResult(named name: String, epoch: Int) -> Any? { storage[name]?[epoch] }

    /// The epochs that have a result for `name`.
    public func epochs(named name: String) -> [Int] { (storage[name] ?? [:]).keys.sorted() }
}
