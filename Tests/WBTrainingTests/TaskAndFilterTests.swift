import Crypto
import Foundation
import XCTest
import WBTestSupport
import CModelKernels
@testable import WBTraining

/// The task, Grokfast and init_scale keys: labels, refusals, checkpoints that carry the filter's state, and resume and
/// fill that stay bit-exact with a filter.
final class TaskAndFilterTests: TemporaryFolderTestCase {
    func config(_ name: String, _ extra: [String], epochs: Int = 40) throws -> TrainingConfig {
        try TrainingConfig().applying(["p=23", "d_model=32", "heads=4", "d_mlp=128", "epochs=\(epochs)",
                                       "checkpoints=0..\(epochs) step 10", "name=\(name)", "init_seed=3"] + extra)
    }

    func testLabelsFollowEachFormula() {
        let p = 23
        for a in 0..<p {
            for b in 0..<p {
                XCTAssertEqual(ModularTask.add.label(a: a, b: b, p: p), (a + b) % p)
                XCTAssertEqual((ModularTask.sub.label(a: a, b: b, p: p) + b) % p, a)
                XCTAssertEqual(ModularTask.mul.label(a: a, b: b, p: p), a * b % p)
                if b != 0 { XCTAssertEqual(ModularTask.div.label(a: a, b: b, p: p) * b % p, a, "div(\(a), \(b))") }
                XCTAssertEqual(ModularTask.x2y2.label(a: a, b: b, p: p), (a * a + b * b) % p)
                XCTAssertEqual(ModularTask.x2xyy2.label(a: a, b: b, p: p), (a * a + a * b + b * b) % p)
                XCTAssertEqual(ModularTask.x3xy.label(a: a, b: b, p: p), (a * a * a + a * b) % p)
            }
        }
        XCTAssertEqual(ModularTask.primitiveRoot(113), 3)
        XCTAssertEqual(ModularTask.primitiveRoot(23), 5)
        XCTAssertEqual(ModularTask.primitiveRoot(97), 5)
        XCTAssertEqual(ModularTask.div.pairs(p: 5).count, 20)
    }

    func testNewKeysRefuseBadValuesAndSayWhatIsAllowed() {
        let cases: [([String], String)] = [
            (["task=pow"], "task=pow is not allowed: add, sub, mul, div, x2y2, x2xyy2, x3xy"),
            (["grokfast=fast"], "grokfast=fast is not allowed: none, ema or ma"),
            (["grokfast=ema", "gf_alpha=1"], "gf_alpha=1.0 is not allowed: a number in [0, 1)"),
            (["gf_alpha=0.9"], "gf_alpha=0.9 is not allowed: a value only with grokfast=ema"),
            (["gf_lambda=3"], "gf_lambda=3.0 is not allowed: a value only with grokfast=ema or grokfast=ma"),
            (["grokfast=ma", "gf_window=0"], "gf_window=0 is not allowed: a whole number of gradients in 1...1000"),
            (["grokfast=ema", "gf_window=10"], "gf_window=10 is not allowed: a value only with grokfast=ma"),
            (["init_scale=0"], "init_scale=0.0 is not allowed: a number in (0, 100]"),
            (["init_scale=x"], "init_scale=x is not allowed: a number"),
            (["task=div", "p=3", "frac=0.1"], "frac=0.1 is not allowed: a fraction that leaves at least one training and one test pair of the 6 (task=div)"),
        ]
        for (words, expected) in cases {
            XCTAssertThrowsError(try TrainingConfig().applying(words), "\(words)") { error in
                XCTAssertTrue("\(error)".contains(expected), "\(words): \(error)")
            }
        }
        XCTAssertEqual(try TrainingConfig().applying(["grokfast=ma"]).gfLambdaValue, 5)
        XCTAssertEqual(try TrainingConfig().applying(["grokfast=ema"]).gfLambdaValue, 2)
        XCTAssertEqual(try TrainingConfig().applying(["grokfast=ema", "gf_lambda=4.5"]).gfLambdaValue, 4.5)
    }

    /// The paper's config keeps the hash it had before these keys existed; each new key changes it.
    func testHashOfThePaperConfigIsUnchangedAndNewKeysEnterIt() throws {
        let paper = TrainingConfig()
        // The fields as the hash was computed before `task`, `grokfast` and `init_scale` existed.
        let legacy = "p=113;frac=0.3;data_seed=0;init_seed=0;d_model=128;heads=4;d_mlp=512;lr=0.001;wd=1.0;beta1=0.9;"
            + "beta2=0.98;eps=1e-08;warmup=10;init=;threads=2"
        XCTAssertEqual(paper.trajectoryHash, SHA256.hash(data: Data(legacy.utf8)).map { String(format: "%02x", $0) }.joined().prefix(16).description)
        var hashes = Set([paper.trajectoryHash])
        for words in [["task=mul"], ["grokfast=ema"], ["grokfast=ma"], ["grokfast=ema", "gf_alpha=0.9"], ["init_scale=2"]] {
            XCTAssertTrue(hashes.insert(try paper.applying(words).trajectoryHash).inserted, "\(words)")
        }
    }

    /// A config.json written before the keys existed reads with their defaults.
    func testOldConfigDecodesWithDefaults() throws {
        let json = #"{"name":"old","p":23,"frac":0.3,"data_seed":0,"init_seed":0,"d_model":32,"heads":4,"d_mlp":128,"lr":0.001,"wd":1,"beta1":0.9,"beta2":0.98,"eps":1e-08,"warmup":10,"epochs":40,"eval_every":1,"threads":2}"#
        let config = try JSONDecoder().decode(TrainingConfig.self, from: Data(json.utf8))
        XCTAssertEqual(config.task, .add)
        XCTAssertEqual(config.grokfast, .none)
        XCTAssertEqual(config.initScale, 1)
        var expected = TrainingConfig()
        expected.name = "old"; expected.p = 23; expected.dModel = 32; expected.dMLP = 128; expected.epochs = 40
        XCTAssertEqual(config, expected)
        let again = try JSONDecoder().decode(TrainingConfig.self, from: JSONEncoder().encode(try self.config("x", ["task=div", "grokfast=ma", "gf_window=7", "init_scale=0.5"])))
        XCTAssertEqual(again.task, .div); XCTAssertEqual(again.gfWindow, 7); XCTAssertEqual(again.initScale, 0.5)
    }

    func testInitScaleMultipliesTheInitialWeights() throws {
        let plain = try Trainer.start(config("plain", [], epochs: 1), root: root)
        let scaled = try Trainer.start(config("scaled", ["init_scale=2.5"], epochs: 1), root: root)
        let layout = ParameterLayout(Golden.shape)
        let a = try Checkpoint.read(from: plain.run.checkpointURL(epoch: 0), layout: layout)
        let b = try Checkpoint.read(from: scaled.run.checkpointURL(epoch: 0), layout: layout)
        XCTAssertEqual(b.parameters, a.parameters.map { $0 * 2.5 })
    }

    /// Training on the split of its own task: every training example of a `div` run has b ≠ 0, and the labels of a `mul`
    /// run's batches are products.
    func testEngineTrainsOnTheTasksPairs() throws {
        let c = try config("div", ["task=div"])
        let split = c.shuffledSplit
        XCTAssertEqual(split.task, .div)
        XCTAssertEqual(split.trainIndices.count, Int(0.3 * Double(23 * 22)))
        let batch = ExampleBatch(flatIndices: split.trainIndices, p: 23, task: .div)
        for e in 0..<batch.count {
            XCTAssertNotEqual(batch.b[e], 0)
            XCTAssertEqual(Int(batch.labels[e]) * Int(batch.b[e]) % 23, Int(batch.a[e]))
        }
    }

    /// The filter's state goes into checkpoints, and a run stopped and resumed (or whose checkpoints are filled) is bit
    /// for bit the run that never stopped.
    func testResumeAndFillWithAFilterAreBitExact() throws {
        for extra in [["grokfast=ema"], ["grokfast=ma", "gf_window=6"]] {
            let tag = extra[0].dropFirst("grokfast=".count)
            let straight = try Trainer.start(config("straight-\(tag)", extra), root: root)
            let token = CancellationToken()
            let stopped = try Trainer.start(config("stopped-\(tag)", extra), root: root, cancel: token) { progress in
                if progress.epoch == 14 { token.cancel() }
            }
            XCTAssertEqual(stopped.epoch, 15)
            let layout = ParameterLayout(Golden.shape)
            let middle = try Checkpoint.read(from: stopped.run.checkpointURL(epoch: 15), layout: layout)
            XCTAssertEqual(middle.filter?.kind.rawValue, String(tag))
            if tag == "ma" { XCTAssertEqual(middle.filter?.state.history.count, 6) } else { XCTAssertNotNil(middle.filter?.state.average) }
            _ = try Trainer.resume(stopped.run)
            for epoch in [20, 40] {
                let a = try Checkpoint.read(from: straight.run.checkpointURL(epoch: epoch), layout: layout)
                let b = try Checkpoint.read(from: stopped.run.checkpointURL(epoch: epoch), layout: layout)
                XCTAssertEqual(a.parameters, b.parameters, "\(tag) epoch \(epoch)")
                XCTAssertEqual(a.optimizer, b.optimizer, "\(tag) epoch \(epoch)")
                XCTAssertEqual(a.filter?.state, b.filter?.state, "\(tag) epoch \(epoch)")
            }
            // Fill an off-schedule epoch from the checkpoint at 30 and compare with a dense engine run.
            let fill = try CheckpointFiller(run: straight.run).fill([33])
            XCTAssertEqual(fill.written, [33])
            let filled = try Checkpoint.read(from: straight.run.checkpointURL(epoch: 33), layout: layout)
            let start = try Checkpoint.read(from: straight.run.checkpointURL(epoch: 0), layout: layout)
            let record = try straight.run.readRecord()
            let dense = TrainingEngine(config: record.config, split: try straight.run.split(for: record.config),
                                       parameters: start.parameters)
            for _ in 0..<33 { dense.step(evaluate: false) }
            XCTAssertEqual(filled.parameters, dense.parameters, "\(tag) fill")
            XCTAssertEqual(filled.filter?.state, dense.filterState, "\(tag) fill")
        }
    }

    /// `grad_norm` in the metrics is the norm of the raw gradient, not of the filtered one handed to AdamW.
    /// Grokfast-MA's window sum, on the AVX2 path and the plain one, over 1 and 2 workers, gives the bits of the
    /// reference's order written out here: per element from zero, oldest gradient first, then g + (sum / window)·λ.
    func testMovingAverageSumsTheWindowOldestFirstOnEveryPath() {
        var generator = MersenneTwister(seed: 7)
        let n = 5_003, window = 11, lambda: Float = 5
        let steps = (0..<(window + 2)).map { _ in (0..<n).map { _ in Float(generator.nextGaussian()) * 1e-3 } }
        var expected = steps.last!
        let kept = Array(steps.suffix(window))
        for i in 0..<n {
            var sum: Float = 0
            for past in kept { sum += past[i] }
            expected[i] = expected[i] + (sum / Float(window)) * lambda
        }
        for (vector, workers) in [(true, 1), (true, 2), (false, 2)] {
            wb_kernels_allow_vector(vector ? 1 : 0)
            defer { wb_kernels_allow_vector(1) }
            let filter = GradientFilter(kind: .ma, lambda: Double(lambda), window: window)
            var state = GradientFilterState()
            var last: [Float] = []
            for step in steps {
                last = step
                filter.apply(to: &last, state: &state, split: WorkSplit(workers: workers))
            }
            XCTAssertEqual(last, expected, "vector \(vector), \(workers) workers")
            XCTAssertEqual(state.history, kept)
        }
    }

    func testGradNormIsTheRawGradientsNorm() throws {
        let c = try config("g", ["grokfast=ema", "gf_lambda=10"])
        let initial = ParameterInitializer.initialWeights(ParameterLayout(c.shape), seed: c.initSeed)
        let filtered = TrainingEngine(config: c, split: c.shuffledSplit, parameters: initial)
        let raw = TrainingEngine(config: c, split: c.shuffledSplit, parameters: initial)
        let expected = raw.measure().gradNorm
        XCTAssertEqual(filtered.step().gradNorm, expected)
        // What AdamW received was amplified: 1 + λ = 11 times the raw gradient on the first step.
        let handed = filtered.gradients.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot()
        XCTAssertEqual(handed / expected, 11, accuracy: 1e-3)
    }

    /// A checkpoint without the filter's state cannot continue a Grokfast run exactly, so resume does not use it.
    func testCheckpointWithoutFilterStateIsNotResumable() throws {
        let run = try Trainer.start(config("gf", ["grokfast=ema"], epochs: 20), root: root).run
        let layout = ParameterLayout(Golden.shape)
        XCTAssertNotNil(run.resumableCheckpoint(epoch: 20, layout: layout, filter: .ema))
        var plain = try Checkpoint.read(from: run.checkpointURL(epoch: 20), layout: layout)
        plain.filter = nil
        try plain.write(to: run.checkpointURL(epoch: 20), layout: layout, config: nil)
        XCTAssertNil(run.resumableCheckpoint(epoch: 20, layout: layout, filter: .ema))
        XCTAssertNotNil(run.resumableCheckpoint(epoch: 10, layout: layout, filter: .ema))
    }

    /// Corrupt filter metadata is refused with a message naming it.
    func testBadFilterMetadataIsRefused() throws {
        let run = try Trainer.start(config("bad", ["grokfast=ma", "gf_window=3"], epochs: 10), root: root).run
        let layout = ParameterLayout(Golden.shape)
        var file = try SafetensorsFile.read(from: run.checkpointURL(epoch: 10))
        file.metadata["grokfast_history"] = "many"
        try file.write(to: run.checkpointURL(epoch: 10))
        XCTAssertThrowsError(try Checkpoint.read(from: run.checkpointURL(epoch: 10), layout: layout)) { error in
            XCTAssertTrue("\(error)".contains("grokfast_history"), "\(error)")
        }
        file.metadata["grokfast"] = "median"
        try file.write(to: run.checkpointURL(epoch: 10))
        XCTAssertThrowsError(try Checkpoint.read(from: run.checkpointURL(epoch: 10), layout: layout)) { error in
            XCTAssertTrue("\(error)".contains("'grokfast' is median; allowed: none, ema, ma"), "\(error)")
        }
    }
}
