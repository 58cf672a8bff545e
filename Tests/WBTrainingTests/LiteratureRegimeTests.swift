import CModelKernels
import Foundation
import XCTest
import WBTestSupport
@testable import WBTraining

/// The other models and regimes as runs: resume and `range fill` bit for bit with minibatches, every optimizer and ⊥Grad;
/// what checkpoints hold; the refusals of combinations that mean nothing; the paper config untouched.
final class LiteratureRegimeTests: TemporaryFolderTestCase {
    /// Small configs of each kind, 30 epochs, checkpoints every 10.
    static let regimes: [(tag: String, words: [String])] = [
        ("layers2-ln-gelu-batch", ["layers=2", "norm=ln", "act=gelu", "batch=40", "batch_seed=3"]),
        ("adam-l2-batch-grokfast", ["optimizer=adam", "wd=0.005", "batch=64", "grokfast=ema"]),
        ("sgd-momentum-orthograd", ["optimizer=sgd", "lr=0.1", "momentum=0.9", "wd=1e-4", "orthograd=yes"]),
        ("mlp-stablemax-batch", ["model=mlp", "hidden=48,32", "loss=stablemax", "lr=1e-2", "wd=0", "batch=50"]),
        ("mlp-quad-mse-sgd", ["model=mlp", "hidden=64", "act=quad", "bias=no", "loss=mse", "optimizer=sgd", "lr=0.5",
                              "momentum=0.5"]),
    ]

    func config(_ name: String, _ words: [String], epochs: Int = 30) throws -> TrainingConfig {
        let shape = words.contains("model=mlp") ? ["frac=0.5"] : ["d_model=32", "heads=4", "d_mlp=64", "frac=0.3"]
        return try TrainingConfig().applying(["p=23", "epochs=\(epochs)", "checkpoints=0..\(epochs) step 10", "name=\(name)",
                                              "init_seed=5"] + shape + words)
    }

    /// Every tensor (weights, optimizer state, filter state, batch generator) equal, byte for byte.
    func assertSameState(_ a: URL, _ b: URL, _ label: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let x = try SafetensorsFile.read(from: a), y = try SafetensorsFile.read(from: b)
        XCTAssertEqual(Set(x.tensors.keys), Set(y.tensors.keys), label, file: file, line: line)
        for (name, tensor) in x.tensors { XCTAssertEqual(tensor, y.tensors[name], "\(label): \(name)", file: file, line: line) }
    }

    func testResumeAndFillAreBitExactForEveryRegime() throws {
        for (tag, words) in Self.regimes {
            let straight = try Trainer.start(config("straight-\(tag)", words), root: root)
            let token = CancellationToken()
            let stopped = try Trainer.start(config("stopped-\(tag)", words), root: root, cancel: token) { progress in
                if progress.epoch == 13 { token.cancel() }
            }
            XCTAssertEqual(stopped.status, .cancelled, tag)
            XCTAssertEqual(stopped.epoch, 14, tag)
            let resumed = try Trainer.resume(stopped.run)
            XCTAssertEqual(resumed.status, .finished, tag)
            for epoch in [20, 30] {
                try assertSameState(straight.run.checkpointURL(epoch: epoch), stopped.run.checkpointURL(epoch: epoch),
                                    "\(tag) epoch \(epoch)")
            }
            let a = try straight.run.readMetrics(), b = try stopped.run.readMetrics()
            XCTAssertEqual(a.map(\.trainLoss), b.map(\.trainLoss), tag)
            XCTAssertEqual(a.map(\.testLoss), b.map(\.testLoss), tag)
            XCTAssertEqual(a.map(\.steps), b.map(\.steps), tag)
            // Fill an off-schedule epoch; it equals a dense engine run from epoch 0.
            XCTAssertEqual(try CheckpointFiller(run: straight.run).fill([17]).written, [17], tag)
            let record = try straight.run.readRecord()
            let layout = record.config.layout
            let start = try Checkpoint.read(from: straight.run.checkpointURL(epoch: 0), layout: layout)
            let dense = TrainingEngine(config: record.config, split: try straight.run.split(for: record.config),
                                       parameters: start.parameters)
            for _ in 0..<17 { dense.step(evaluate: false) }
            let filled = try Checkpoint.read(from: straight.run.checkpointURL(epoch: 17), layout: layout)
            XCTAssertEqual(filled.parameters, dense.parameters, "\(tag) fill")
            XCTAssertEqual(filled.optimizer, dense.optimizer, "\(tag) fill")
            XCTAssertEqual(filled.batchGenerator?.savedState, dense.batchGenerator?.savedState, "\(tag) fill")
        }
    }

    func testCheckpointsHoldWhatResumeNeeds() throws {
        let batch = try Trainer.start(config("batch", ["batch=40", "optimizer=sgd", "momentum=0.9"], epochs: 10), root: root)
        let file = try SafetensorsFile.read(from: batch.run.checkpointURL(epoch: 10))
        XCTAssertEqual(file.tensors["batch_rng"]?.shape, [625])
        XCTAssertTrue(file.tensors.keys.contains("optimizer.momentum_buffer.embed.W_E"))
        XCTAssertFalse(file.tensors.keys.contains { $0.hasPrefix("optimizer.exp_avg") })
        // 48 training pairs of 158 in batches of 40: 4 steps per epoch, counted in metrics.csv.
        let metrics = try batch.run.readMetrics()
        XCTAssertEqual(metrics.map(\.steps), (0...10).map { $0 * 4 })
        XCTAssertEqual(file.metadata["adam_step"], "40")
        // A checkpoint of a minibatch run without its generator cannot be resumed from.
        let stripped = Checkpoint.strippingTrainingState(file)
        XCTAssertNil(stripped.tensors["batch_rng"])
        // The MLP's checkpoints: torch.nn.Linear names and layouts, the architecture in the metadata.
        let mlp = try Trainer.start(config("mlp", ["model=mlp", "hidden=40,30", "bias=no"], epochs: 2), root: root)
        let m = try SafetensorsFile.read(from: mlp.run.checkpointURL(epoch: 2))
        XCTAssertEqual(Set(m.tensors.keys.filter { !$0.hasPrefix("optimizer.") }), ["hidden.0.weight", "hidden.1.weight", "out.weight"])
        XCTAssertEqual(m.tensors["hidden.0.weight"]?.shape, [40, 46])
        XCTAssertEqual(m.tensors["out.weight"]?.shape, [23, 30])
        XCTAssertEqual(m.metadata["hidden"], "40,30")
        XCTAssertEqual(m.metadata["bias"], "false")
        // A 2-layer pre-LN transformer: TransformerLens names and the HookedTransformerConfig fields.
        let deep = try Trainer.start(config("deep", ["layers=2", "norm=ln", "act=gelu"], epochs: 1), root: root)
        let d = try SafetensorsFile.read(from: deep.run.checkpointURL(epoch: 1))
        for name in ["blocks.1.ln1.w", "blocks.1.ln2.b", "blocks.1.attn.W_Q", "blocks.1.mlp.W_out", "ln_final.w", "ln_final.b"] {
            XCTAssertNotNil(d.tensors[name], name)
        }
        XCTAssertEqual(d.metadata["n_layers"], "2")
        XCTAssertEqual(d.metadata["normalization_type"], "LN")
        XCTAssertEqual(d.metadata["act_fn"], "gelu")
    }

    func testCombinationsThatMeanNothingAreRefusedWithTheReason() throws {
        let refusals: [([String], String)] = [
            (["hidden=200"], "hidden=200 is not allowed: a value only with model=mlp."),
            (["bias=no"], "bias=no is not allowed: a value only with model=mlp."),
            (["act=quad"], "act=quad is not allowed: relu or gelu for model=transformer (quad is for model=mlp)."),
            (["model=mlp", "layers=2"], "layers=2 is not allowed: a value only with model=transformer (an MLP's widths are hidden=…)."),
            (["model=mlp", "norm=ln"], "norm=ln is not allowed: a value only with model=transformer."),
            (["model=mlp", "d_model=64"], "d_model=64 is not allowed: a value only with model=transformer (an MLP's widths are hidden=…)."),
            (["model=mlp", "hidden=0"], "hidden=0 is not allowed: 1 to 8 widths, each in 1...16384."),
            (["model=mlp", "hidden=20,x"], "hidden=20,x is not allowed: widths separated by commas or x (e.g. 500, 200,200 or 200x200)."),
            (["loss=mse", "model=mlp", "layers=3"], "layers=3 is not allowed: a value only with model=transformer (an MLP's widths are hidden=…)."),
            (["loss=hinge"], "loss=hinge is not allowed: ce, mse, stablemax."),
            (["optimizer=rmsprop"], "optimizer=rmsprop is not allowed: adamw, adam, sgd."),
            (["momentum=0.9"], "momentum=0.9 is not allowed: a value only with optimizer=sgd."),
            (["optimizer=sgd", "momentum=1"], "momentum=1.0 is not allowed: a number in [0, 1)."),
            (["optimizer=sgd", "beta2=0.999"], "beta2=0.999 is not allowed: a value only with optimizer=adamw or adam (sgd has momentum)."),
            (["p=23", "batch=200"], "batch=200 is not allowed: full, or a whole number of examples in 1...158 (the training pairs)."),
            (["batch_seed=4"], "batch_seed=4 is not allowed: a value only with batch=B (minibatches)."),
            (["orthograd=maybe"], "orthograd=maybe is not allowed: yes or no."),
            (["layers=17"], "layers=17 is not allowed: a whole number in 1...16."),
            (["model=cnn"], "model=cnn is not allowed: transformer, mlp."),
        ]
        for (words, message) in refusals {
            XCTAssertThrowsError(try TrainingConfig().applying(words), words.joined(separator: " ")) { error in
                XCTAssertEqual("\(error)", message)
            }
        }
        // A later value overrides an earlier one (templates and `--set` rely on it), and batch=full is the full batch.
        let config = try TrainingConfig().applying(["loss=stablemax", "loss=mse", "batch=64", "batch=full"])
        XCTAssertEqual(config.loss, .mse)
        XCTAssertEqual(config.batch, 0)
    }

    /// The paper's config writes the same config.json keys and hash as before the new keys existed; each new key enters
    /// the hash only when set.
    func testPaperConfigIsUnchangedAndNewKeysEnterTheHash() throws {
        let paper = TrainingConfig()
        let json = String(decoding: try JSONEncoder().encode(paper), as: UTF8.self)
        for key in ["model", "layers", "norm", "act", "hidden", "bias", "loss", "optimizer", "momentum", "orthograd",
                    "batch", "batch_seed"] {
            XCTAssertFalse(json.contains("\"\(key)\""), "\(key) is not written for the paper's config")
        }
        var hashes: Set<String> = [paper.trajectoryHash]
        for words in [["layers=2"], ["norm=ln"], ["act=gelu"], ["model=mlp"], ["model=mlp", "hidden=64"], ["model=mlp", "bias=no"],
                      ["loss=mse"], ["optimizer=adam"], ["optimizer=sgd", "momentum=0.5"], ["orthograd=yes"], ["batch=64"],
                      ["batch=64", "batch_seed=1"]] {
            let config = try paper.applying(words)
            XCTAssertTrue(hashes.insert(config.trajectoryHash).inserted, words.joined(separator: " "))
            // Round trip through JSON.
            XCTAssertEqual(try JSONDecoder().decode(TrainingConfig.self, from: JSONEncoder().encode(config)), config)
        }
    }

    /// Softmax collapse is counted where the float32 softmax of the label would round to 1.
    func testSoftmaxCollapseIsCountedWhereTheLabelsSoftmaxRoundsToOne() {
        var logits: [Float] = [30, 0, 0,   10, 0, 0,   0, 30, 0]   // collapsed; not (e^-10 ≫ 2^-24); wrong label
        let labels: [Int32] = [0, 0, 0]
        for kind in LossKind.allCases {
            let loss = LossFunction(kind: kind, classes: 3, p: 3)
            var losses = [Double](repeating: 0, count: 3)
            var correct = [UInt8](repeating: 0, count: 3), collapsed = [UInt8](repeating: 0, count: 3)
            logits.withUnsafeMutableBufferPointer { z in
                loss.evaluate(logits: z.baseAddress!, labels: labels, rows: 0..<3, batchSize: 3, losses: &losses,
                              correct: &correct, collapsed: &collapsed, gradient: nil)
            }
            XCTAssertEqual(collapsed, [1, 0, 0], kind.rawValue)
            XCTAssertEqual(correct, [1, 1, 0], kind.rawValue)
        }
    }

    /// GELU is the exact erf form to float32 rounding (against libm's erfc in double precision), its slope too, and the
    /// AVX2 and plain paths give the same bits.
    func testGELUIsTheErfFormAndBothPathsAgree() {
        var x = (0...40_000).map { Float(-12 + 24 * Double($0) / 40_000) } + [0, -0.0, .nan, 1e-30, -1e-30, 100, -100]
        x += [1, -1, 3, -5]
        let n = x.count
        func run(vector: Bool) -> (y: [Float], slope: [Float]) {
            wb_kernels_allow_vector(vector ? 1 : 0)
            defer { wb_kernels_allow_vector(1) }
            var y = [Float](repeating: 0, count: n), slope = [Float](repeating: 0, count: n)
            wb_gelu_forward(x, &y, &slope, n)
            return (y, slope)
        }
        let plain = run(vector: false), vector = run(vector: true)
        XCTAssertEqual(plain.y.map(\.bitPattern), vector.y.map(\.bitPattern))
        XCTAssertEqual(plain.slope.map(\.bitPattern), vector.slope.map(\.bitPattern))
        for (i, value) in x.enumerated() where value.isFinite {
            let v = Double(value)
            let exact = 0.5 * v * erfc(-v / 2.0.squareRoot())
            let slope = 0.5 * erfc(-v / 2.0.squareRoot()) + v * Foundation.exp(-0.5 * v * v) / (2 * Double.pi).squareRoot()
            XCTAssertEqual(Double(plain.y[i]), exact, accuracy: max(abs(exact) * 1.2e-7, 1e-38), "GELU(\(value))")
            XCTAssertEqual(Double(plain.slope[i]), slope, accuracy: max(abs(slope) * 1.2e-7, 1e-38), "GELU'(\(value))")
        }
        XCTAssertTrue(plain.y[x.firstIndex { $0.isNaN }!].isNaN, "a NaN stays NaN")
        XCTAssertEqual(plain.y[n - 4], 0.8413447, accuracy: 1e-7)       // GELU(1) = Φ(1)
        XCTAssertEqual(plain.y[n - 3], -0.15865526, accuracy: 1e-8)     // GELU(−1)
    }
}
