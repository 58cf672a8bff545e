import Foundation

/// The state of a run at the start of one epoch: the weights after `epoch` updates and, when saved by training, the AdamW
/// moments and step count needed to continue exactly.
///
/// On disk (`checkpoints/<epoch>.safetensors`): the weights under TransformerLens names and layouts (`embed.W_E`, …, see
/// `ParameterLayout`), the AdamW moments as `optimizer.exp_avg.<name>` and `optimizer.exp_avg_sq.<name>` with the same
/// shapes, and `__metadata__` with `format`, `epoch`, `adam_step`, `config` (JSON), `config_hash` and the TransformerLens
/// config fields (`n_layers`, `d_model`, `n_heads`, `d_head`, `d_mlp`, `d_vocab`, `d_vocab_out`, `n_ctx`, `act_fn`).
/// `safetensors.torch.load_file` reads it; `{k: v for k, v in sd.items() if not k.startswith("optimizer.")}` is a
/// TransformerLens state dict.
///
/// A run with a Grokfast filter also saves the filter's state (`GradientFilterState`): metadata `grokfast` (the kind) and
/// `grokfast_history` (how many gradients MA keeps so far), tensors `grokfast.ema.<name>` (the EMA, shaped as the weight)
/// or `grokfast.ma.<name>` ([history, …the weight's shape], oldest first).
///
/// SGD's momentum buffer is saved as `optimizer.momentum_buffer.<name>` (torch's name) and no `exp_avg_sq`. A minibatch
/// run also saves its batch generator (`batch_rng`, 625 I64: the MT19937 state and position), so resume continues the
/// batch order exactly.
///
/// The general models write their own architecture's tensor names (`ParameterLayout`), and metadata to match: a
/// transformer's `n_layers`, `normalization_type` (`LN` or absent), `act_fn`; an MLP's `model`, `hidden`, `bias`, `act`.
///
/// The moments, the filter state and the batch generator are what training needs to continue ("training state"). A run with
/// `moments=latest` keeps them in epoch 0 and its newest checkpoint only; the others are `weightsOnly`: the same file
/// without the `optimizer.*` and `grokfast.*` tensors and the `adam_step` and `grokfast*` metadata.
public struct Checkpoint: Sendable {
    public static let format = "wb-checkpoint/1"
    public var epoch: Int
    public var parameters: [Float]
    public var optimizer: OptimizerState?
    /// `train_indices` when the file carries a training split (golden init files do).
    public var trainIndices: [Int]?
    public var metadata: [String: String]
    /// The Grokfast filter's kind and state, when the run uses one.
    public var filter: (kind: GradientFilterKind, state: GradientFilterState)?
    /// The minibatch order's generator, when the run has minibatches.
    public var batchGenerator: MersenneTwister?

    public init(epoch: Int, parameters: [Float], optimizer: OptimizerState?, trainIndices: [Int]? = nil,
                metadata: [String: String] = [:], filter: (kind: GradientFilterKind, state: GradientFilterState)? = nil,
                batchGenerator: MersenneTwister? = nil) {
        self.epoch = epoch; self.parameters = parameters; self.optimizer = optimizer
        self.trainIndices = trainIndices; self.metadata = metadata; self.filter = filter
        self.batchGenerator = batchGenerator
    }

    /// The safetensors contents for this checkpoint.
    public func file(layout: ParameterLayout, config: TrainingConfig?) -> SafetensorsFile {
        var tensors: [String: SafetensorsTensor] = [:]
        for entry in layout.entries {
            tensors[entry.name] = SafetensorsTensor(floats: Array(parameters[entry.range]), shape: entry.shape)
            if let opt = optimizer, opt.isMomentumOnly {
                tensors["optimizer.momentum_buffer.\(entry.name)"] = SafetensorsTensor(floats: Array(opt.firstMoment[entry.range]), shape: entry.shape)
            } else if let opt = optimizer {
                tensors["optimizer.exp_avg.\(entry.name)"] = SafetensorsTensor(floats: Array(opt.firstMoment[entry.range]), shape: entry.shape)
                tensors["optimizer.exp_avg_sq.\(entry.name)"] = SafetensorsTensor(floats: Array(opt.secondMoment[entry.range]), shape: entry.shape)
            }
        }
        // The filter's keys come from `filter` alone (metadata read from another file may carry stale ones).
        var meta = metadata.filter { !$0.key.hasPrefix("grokfast") }
        if let filter, filter.kind != .none {
            meta["grokfast"] = filter.kind.rawValue
            meta["grokfast_history"] = "\(filter.state.history.count)"
            for entry in layout.entries {
                if let average = filter.state.average {
                    tensors["grokfast.ema.\(entry.name)"] = SafetensorsTensor(floats: Array(average[entry.range]), shape: entry.shape)
                }
                if !filter.state.history.isEmpty {
                    let stacked = filter.state.history.flatMap { $0[entry.range] }
                    tensors["grokfast.ma.\(entry.name)"] = SafetensorsTensor(floats: stacked,
                                                                            shape: [filter.state.history.count] + entry.shape)
                }
            }
        }
        if let generator = batchGenerator {
            tensors["batch_rng"] = SafetensorsTensor(int64s: generator.savedState.map(Int64.init), shape: [625])
        }
        if let indices = trainIndices {
            tensors["train_indices"] = SafetensorsTensor(int64s: indices.map(Int64.init), shape: [indices.count])
        }
        meta["format"] = Self.format
        meta["epoch"] = "\(epoch)"
        if let opt = optimizer { meta["adam_step"] = "\(opt.step)" }
        switch layout.architecture {
        case .transformer(let s, let layers, let norm, let act):
            meta["n_layers"] = "\(layers)"; meta["d_model"] = "\(s.dModel)"; meta["n_heads"] = "\(s.heads)"
            meta["d_head"] = "\(s.dHead)"; meta["d_mlp"] = "\(s.dMLP)"; meta["d_vocab"] = "\(s.vocab)"
            meta["d_vocab_out"] = "\(s.classes)"; meta["n_ctx"] = "3"; meta["act_fn"] = act.rawValue; meta["p"] = "\(s.p)"
            if norm == .ln { meta["normalization_type"] = "LN" }
        case .mlp(let p, let hidden, let act, let bias):
            meta["model"] = "mlp"; meta["p"] = "\(p)"; meta["hidden"] = hidden.map(String.init).joined(separator: ",")
            meta["act"] = act.rawValue; meta["bias"] = bias ? "true" : "false"; meta["d_vocab_out"] = "\(p)"
        }
        if var config {
            // Where the moments are kept is the run folder's business, not the checkpoint's: a checkpoint's bytes are
            // the same whichever `moments` the run has.
            config.moments = .every
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            meta["config"] = String(decoding: (try? encoder.encode(config)) ?? Data(), as: UTF8.self)
            meta["config_hash"] = config.trajectoryHash
        }
        return SafetensorsFile(tensors: tensors, metadata: meta)
    }

    public func write(to url: URL, layout: ParameterLayout, config: TrainingConfig?) throws {
        try file(layout: layout, config: config).write(to: url)
    }

    /// This checkpoint without its training state (AdamW moments and step, Grokfast state): what `moments=latest` keeps
    /// of every checkpoint but epoch 0 and the newest. Its file equals `strippingTrainingState` of the full one's.
    public var weightsOnly: Checkpoint {
        var copy = self
        copy.optimizer = nil
        copy.filter = nil
        copy.batchGenerator = nil
        copy.metadata = metadata.filter { !Self.isTrainingStateMetadata($0.key) }
        return copy
    }

    /// Tensor names that hold training state.
    public static func isTrainingStateTensor(_ name: String) -> Bool {
        name.hasPrefix("optimizer.") || name.hasPrefix("grokfast.") || name == "batch_rng"
    }

    /// Metadata keys that describe training state.
    public static func isTrainingStateMetadata(_ key: String) -> Bool { key == "adam_step" || key.hasPrefix("grokfast") }

    /// A checkpoint file without its training state, every other byte kept (the weights, `train_indices`, the metadata
    /// with its `config` as written): how a checkpoint that stops being the newest is rewritten under `moments=latest`.
    public static func strippingTrainingState(_ file: SafetensorsFile) -> SafetensorsFile {
        SafetensorsFile(tensors: file.tensors.filter { !isTrainingStateTensor($0.key) },
                        metadata: file.metadata.filter { !isTrainingStateMetadata($0.key) })
    }

    /// Whether a checkpoint file holds AdamW moments, from its header alone.
    public static func holdsTrainingState(_ header: SafetensorsHeader) -> Bool {
        header.tensorNames.contains { $0.hasPrefix("optimizer.exp_avg.") || $0.hasPrefix("optimizer.momentum_buffer.") }
    }

    /// Reads weights (and the optimizer state and split when present) for a model of `layout`'s shape.
    /// `epoch` comes from the metadata, else 0.
    public static func read(from url: URL, layout: ParameterLayout) throws -> Checkpoint {
        let file = try SafetensorsFile.read(from: url)
        var parameters = [Float](repeating: 0, count: layout.totalCount)
        for entry in layout.entries {
            let values = try file.floats(entry.name, shape: entry.shape)
            parameters.replaceSubrange(entry.range, with: values)
        }
        var optimizer: OptimizerState?
        // Adam's moments (`exp_avg`, `exp_avg_sq`) or SGD's buffer (`momentum_buffer`), with the step count.
        let first = layout.entries[0].name
        let hasMoments = file.tensors["optimizer.exp_avg.\(first)"] != nil
        let hasBuffer = file.tensors["optimizer.momentum_buffer.\(first)"] != nil
        if hasMoments || hasBuffer {
            var state = OptimizerState(count: layout.totalCount, secondMoment: hasMoments)
            for entry in layout.entries {
                if hasMoments {
                    state.firstMoment.replaceSubrange(entry.range, with: try file.floats("optimizer.exp_avg.\(entry.name)", shape: entry.shape))
                    state.secondMoment.replaceSubrange(entry.range, with: try file.floats("optimizer.exp_avg_sq.\(entry.name)", shape: entry.shape))
                } else {
                    state.firstMoment.replaceSubrange(entry.range, with: try file.floats("optimizer.momentum_buffer.\(entry.name)", shape: entry.shape))
                }
            }
            guard let step = file.metadata["adam_step"].flatMap(Int.init), step >= 0 else {
                throw SafetensorsError.badMetadata("a file with optimizer state needs a whole-number 'adam_step'")
            }
            state.step = step
            optimizer = state
        }
        var batchGenerator: MersenneTwister?
        if let tensor = file.tensors["batch_rng"] {
            guard tensor.shape == [625], let values = tensor.integers(), values.allSatisfy({ $0 >= 0 && $0 <= Int(UInt32.max) }),
                  let generator = MersenneTwister(savedState: values.map { UInt32($0) }) else {
                throw SafetensorsError.wrongTensor(name: "batch_rng", reason: "expected 625 I64 values: an MT19937 state (624 words) and a position in 0...624")
            }
            batchGenerator = generator
        }
        var trainIndices: [Int]?
        if let tensor = file.tensors["train_indices"] {
            guard tensor.shape.count == 1, let values = tensor.integers() else {
                throw SafetensorsError.wrongTensor(name: "train_indices", reason: "expected a 1-D I64 or I32 tensor")
            }
            trainIndices = values
        }
        let epoch = file.metadata["epoch"].flatMap(Int.init) ?? 0
        return Checkpoint(epoch: epoch, parameters: parameters, optimizer: optimizer, trainIndices: trainIndices,
                          metadata: file.metadata, filter: try readFilter(file, layout: layout), batchGenerator: batchGenerator)
    }

    /// The Grokfast state of a file, when its metadata names a filter.
    private static func readFilter(_ file: SafetensorsFile, layout: ParameterLayout)
        throws -> (kind: GradientFilterKind, state: GradientFilterState)? {
        // A PyTorch fixture writes `null` where no filter applies.
        guard let name = file.metadata["grokfast"], name != "null" else { return nil }
        guard let kind = GradientFilterKind(rawValue: name) else {
            throw SafetensorsError.badMetadata("'grokfast' is \(name); allowed: none, ema, ma")
        }
        var state = GradientFilterState()
        switch kind {
        case .none: break
        case .ema:
            if file.tensors["grokfast.ema.\(layout.entries[0].name)"] != nil {
                var average = [Float](repeating: 0, count: layout.totalCount)
                for entry in layout.entries {
                    average.replaceSubrange(entry.range, with: try file.floats("grokfast.ema.\(entry.name)", shape: entry.shape))
                }
                state.average = average
            }
        case .ma:
            guard let count = file.metadata["grokfast_history"].flatMap(Int.init), count >= 0, count <= 1000 else {
                throw SafetensorsError.badMetadata("a Grokfast-MA checkpoint needs 'grokfast_history', a whole number in 0...1000")
            }
            var history = [[Float]](repeating: [Float](repeating: 0, count: layout.totalCount), count: count)
            if count > 0 {
                for entry in layout.entries {
                    let stacked = try file.floats("grokfast.ma.\(entry.name)", shape: [count] + entry.shape)
                    for i in 0..<count {
                        history[i].replaceSubrange(entry.range, with: stacked[(i * entry.count)..<((i + 1) * entry.count)])
                    }
                }
            }
            state.history = history
        }
        return (kind, state)
    }
}
