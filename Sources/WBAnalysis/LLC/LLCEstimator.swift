import CModelKernels
import Dispatch
import Foundation
import WBTraining

/// Estimates the local learning coefficient of checkpoints of one run with SGLD (`LLCSettings` gives the update and
/// the estimator), for the whole network or one `ModelComponent` (the refined LLC: only its weights move).
///
/// What fixes every bit, so an estimate is a function of the run's config, the checkpoint and the settings:
/// - The noise: `wb_gaussians` (Philox4x32-10 and Box–Muller in float32, see `wb_kernels.h`), keyed by the seed, with
///   counter (weight number / 4, step, chain); weight number i is the i-th weight of the component in buffer order.
/// - The batches: chain c shuffles the training positions with Python's `random.Random(seed + c·2³²)` each time it
///   has used them all, and takes consecutive slices of `batch` (the last one shorter), as the trainer's minibatches;
///   with the full batch every step sees the whole training set. Minibatch positions index the split's order; the full
///   batch is read sorted by a·p + b for the paper's transformer (as the trainer reads it), else in the split's order.
/// - The model: the config's, single-threaded (`threads` = 1), whichever worker runs the chain, so the chains run in
///   parallel over the config's threads without changing a bit.
public final class LLCEstimator {
    public let config: TrainingConfig
    public let split: DataSplit
    public let settings: LLCSettings
    public let layout: ParameterLayout
    /// One model per worker, each single-threaded.
    private let models: [any TrainableModel]
    /// Only ever evaluates the whole training set, so its chunking never changes (L(w*)).
    private let evaluationModel: any TrainableModel
    private let trainBatch: ExampleBatch
    public var workers: Int { models.count }

    public init(config: TrainingConfig, split: DataSplit, settings: LLCSettings) throws {
        guard settings.batch <= split.trainIndices.count else {
            throw LLCError.unusable("llc_batch=\(settings.batch) is larger than the training set (\(split.trainIndices.count) examples); "
                + "use a smaller batch or llc_batch=full")
        }
        self.config = config
        self.split = split
        self.settings = settings
        var single = config
        single.threads = 1
        single.batch = settings.batch
        let count = max(1, min(config.threads, settings.chains))
        models = (0..<count).map { _ in Self.model(single) }
        evaluationModel = Self.model(single)
        layout = models[0].layout
        // Minibatch positions index the split's order; the full batch of the structured model reads (a, b) order.
        let sorted = models[0] is StructuredModel && settings.batch == 0
        trainBatch = ExampleBatch(flatIndices: sorted ? split.trainIndices.sorted() : split.trainIndices, p: config.p,
                                  task: split.task)
    }

    /// The model a chain steps: the structured formulation for the paper's transformer with cross-entropy whatever the
    /// batch (its per-token tables cost little beside a minibatch of hundreds: WB_LLC_GENERAL=1 measures the general
    /// path instead), with its value tables taken to W_in and W_U through the heads (`TableProducts.throughHeads`: 0.43
    /// instead of 0.72 GFLOP of GEMMs a step of 512 examples for the paper's shape; no recorded trajectory depends on its
    /// rounding), else the config's.
    static func model(_ config: TrainingConfig) -> any TrainableModel {
        if config.architecture.isPaperTransformer && config.loss == .ce && ProcessInfo.processInfo.environment["WB_LLC_GENERAL"] == nil {
            return StructuredModel(shape: config.shape, threads: config.threads, products: .throughHeads)
        }
        return makeTrainableModel(config)
    }

    /// nβ for this run's training set.
    public var nbeta: Double { settings.effectiveNBeta(trainCount: trainBatch.count) }

    /// A chain has diverged when a loss is not finite or exceeds max(100, 100·L(w*)): a cross-entropy of 100 gives the
    /// right class a probability of e⁻¹⁰⁰, far past any loss a tempered posterior around w* reaches (a chain merely
    /// hot or slow shows as not settled instead, `LLCChain.drift`).
    public static func divergenceBound(initialLoss: Double) -> Double { max(100, 100 * initialLoss) }

    /// L(w*): the mean loss over the whole training set.
    public func initialLoss(_ parameters: [Float]) -> Double {
        parameters.withUnsafeBufferPointer { w in
            evaluationModel.prepare(parameters: w.baseAddress!)
            return evaluationModel.evaluate(trainBatch, parameters: w.baseAddress!).loss
        }
    }

    /// λ̂ of `parameters` (checkpoint `epoch`) over `component`. `progress` gets the steps done over all chains and their
    /// total, from any thread; nil is returned when `cancel` fired (nothing half-made is kept).
    public func estimate(_ parameters: [Float], epoch: Int, component: ModelComponent,
                         cancel: CancellationToken = CancellationToken(),
                         progress: @escaping @Sendable (Int, Int) -> Void = { _, _ in }) -> LLCEstimate? {
        precondition(parameters.count == layout.totalCount, "LLCEstimator: the parameters do not fit the config")
        let initial = initialLoss(parameters)
        let nbeta = nbeta
        let steps = settings.burnin + settings.draws
        let total = steps * settings.chains
        let bound = Self.divergenceBound(initialLoss: initial)
        var chains = [LLCChain?](repeating: nil, count: settings.chains)
        let done = StepCounter()
        chains.withUnsafeMutableBufferPointer { slots in
            let slots = slots
            WorkSplit.concurrently(models.count) { worker in
                for chain in stride(from: worker, to: settings.chains, by: models.count) {
                    guard let record = runChain(chain, model: models[worker], start: parameters, component: component,
                                                nbeta: nbeta, initialLoss: initial, bound: bound, cancel: cancel,
                                                onStep: { progress(done.add(1), total) })
                    else { return }
                    slots[chain] = record
                }
            }
        }
        guard !cancel.isCancelled else { return nil }
        let records = chains.map { $0! }
        let used = records.compactMap(\.llc)
        let mean = used.isEmpty ? nil : used.reduce(0, +) / Double(used.count)
        var standardError: Double?
        if let mean, used.count >= 2 {
            let variance = used.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(used.count - 1)
            standardError = variance.squareRoot() / Double(used.count).squareRoot()
        }
        return LLCEstimate(epoch: epoch, component: component.name, weights: component.count, settings: settings,
                           nbeta: nbeta, initialLoss: initial, llc: mean, standardError: standardError,
                           chainsUsed: used.count, chainsDiverged: records.count - used.count, chains: records)
    }

    /// One chain from the checkpoint; nil when cancelled.
    private func runChain(_ chain: Int, model: any TrainableModel, start: [Float], component: ModelComponent, nbeta: Double,
                          initialLoss: Double, bound: Double, cancel: CancellationToken, onStep: () -> Void) -> LLCChain? {
        let s = settings
        var w = start
        var g = [Float](repeating: 0, count: start.count)
        var generator = s.batch > 0 ? MersenneTwister(seed: UInt64(s.seed) + (UInt64(chain) << 32)) : nil
        var order: [Int] = []
        var cursor = 0
        var losses: [Double] = []
        losses.reserveCapacity(s.burnin + s.draws)
        var diverged = false
        var workspaces: [Int: BatchWorkspace] = [:]
        let halfEps = Float(s.eps / 2), sqrtEps = Float(s.eps.squareRoot())
        let beta = Float(nbeta), gamma = Float(s.gamma)
        for step in 0..<(s.burnin + s.draws) {
            if cancel.isCancelled { return nil }
            let batch: ExampleBatch
            if s.batch == 0 {
                batch = trainBatch
            } else {
                if cursor >= order.count {
                    order = Array(0..<trainBatch.count)
                    generator!.shuffle(&order)
                    cursor = 0
                }
                batch = trainBatch.subset(order[cursor..<min(cursor + s.batch, order.count)])
                cursor += s.batch
            }
            let loss = w.withUnsafeBufferPointer { wp in
                model.prepare(parameters: wp.baseAddress!)
                return g.withUnsafeMutableBufferPointer { gp in
                    guard let structured = model as? StructuredModel else {
                        return model.lossAndGradient(batch, parameters: wp.baseAddress!, gradients: gp.baseAddress!).loss
                    }
                    // One workspace per batch size, refilled each step (no allocation in the chain's loop).
                    let workspace: BatchWorkspace
                    if let known = workspaces[batch.count] { workspace = known; workspace.load(batch) } else {
                        workspace = structured.makeWorkspace(batch)
                        workspaces[batch.count] = workspace
                    }
                    return structured.lossAndGradient(workspace, parameters: wp.baseAddress!, gradients: gp.baseAddress!).loss
                }
            }
            losses.append(loss)
            onStep()
            if !loss.isFinite || loss > bound { diverged = true; break }
            w.withUnsafeMutableBufferPointer { wp in
                start.withUnsafeBufferPointer { sp in
                    g.withUnsafeBufferPointer { gp in
                        var noiseIndex = 0
                        for range in component.ranges {
                            wb_sgld_update(wp.baseAddress! + range.lowerBound, sp.baseAddress! + range.lowerBound,
                                           gp.baseAddress! + range.lowerBound, range.count, UInt64(s.seed), UInt32(chain),
                                           UInt32(step), noiseIndex, halfEps, beta, gamma, sqrtEps)
                            noiseIndex += range.count
                        }
                    }
                }
            }
        }
        if diverged { return LLCChain(losses: losses, llc: nil, diverged: true, drift: nil) }
        let draws = Array(losses[s.burnin...])
        let mean = draws.reduce(0, +) / Double(draws.count)
        // Drift: the least-squares slope over the last half of the draws, times that half's length, relative to the
        // excess loss mean − L(w*): how much the chain still climbs (or falls) at its end, as a share of what λ̂ measures.
        let tail = Array(draws[(draws.count / 2)...])
        var drift: Double?
        if tail.count >= 4, mean != initialLoss {
            let n = Double(tail.count), xMean = (n - 1) / 2
            let yMean = tail.reduce(0, +) / n
            var sxy = 0.0, sxx = 0.0
            for (i, y) in tail.enumerated() { let dx = Double(i) - xMean; sxy += dx * (y - yMean); sxx += dx * dx }
            drift = sxy / sxx * n / abs(mean - initialLoss)
        }
        return LLCChain(losses: losses, llc: nbeta * (mean - initialLoss), diverged: false, drift: drift)
    }
}

/// Steps done over all chains, counted from any thread.
private final class StepCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0
    func add(_ n: Int) -> Int { lock.withLock { value += n; return value } }
}
