import WBTraining

/// The analyses the workbench knows, by name, in a fixed order.
public struct AnalysisRegistry: Sendable {
    public private(set) var analyses: [any Analysis]

    public init(_ analyses: [any Analysis]) { self.analyses = analyses }

    /// Every built-in analysis. Register a new one by adding one line here.
    public static let standard = AnalysisRegistry([
        EmbeddingFrequencies(),
        NeuronActivations(),
        NeuronClusters(),
        KeyFrequencies(),
        ProgressMeasures(),
        AttentionPatterns(),
        LogitCosines(),
        ExcludedLossPerFrequency(),
    ])

    public var names: [String] { analyses.map(\.name) }

    /// The analysis called `name`, or an error listing the known names.
    public func analysis(named name: String) throws -> any Analysis {
        guard let found = analyses.first(where: { $0.name == name }) else {
            throw AnalysisError.unknownAnalysis(name: name, known: names)
        }
        return found
    }

    /// The analysis called `name` when it applies to `task`; else an error naming the analysis, the task and the tasks
    /// it applies to.
    public func analysis(named name: String, task: ModularTask) throws -> any Analysis {
        let found = try analysis(named: name)
        guard found.applies(to: task) else {
            throw AnalysisError.inapplicable(analysis: found.name, task: task, applicable: found.tasks)
        }
        return found
    }

    /// The analyses that apply to `task`, in registry order.
    public func applicable(to task: ModularTask) -> [any Analysis] { analyses.filter { $0.applies(to: task) } }

    /// Adds (or replaces, by name) an analysis.
    public mutating func register(_ analysis: any Analysis) {
        analyses.removeAll { $0.name == analysis.name }
        analyses.append(analysis)
    }
}
