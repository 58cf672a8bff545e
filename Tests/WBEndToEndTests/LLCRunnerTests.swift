import Foundation
import WBAnalysis
import WBTraining
import XCTest

/// The LLC over real checkpoints: the check values of an independent PyTorch SGLD, the cache and llc.csv, the bits
/// independent of the thread count, divergence, the refined LLC on every kind of model, and the settings' errors.
final class LLCRunnerTests: XCTestCase {
    /// The run of the check values: p = 23, d_model 32, 4 heads, d_mlp 128, frac 0.5, 2,000 epochs of the paper's AdamW
    /// (it memorises and is 66 % of the way to generalising), trained once for the class.
    static let root = FileManager.default.temporaryDirectory.appendingPathComponent("wb-llc-runner-\(UUID().uuidString)")
    /// Set by the first test that needs it; XCTest runs this class's tests one after another on one thread.
    nonisolated(unsafe) static var trained: RunFolder?

    static func checkRun() throws -> RunFolder {
        if let trained { return trained }
        var config = try TrainingConfig().applying(["p=23", "d_model=32", "heads=4", "d_mlp=128", "frac=0.5", "epochs=2000",
                                                    "checkpoints=0,100,300,1000,2000", "name=check"])
        config.threads = 2
        let run = try Trainer.start(config, root: root).run
        trained = run
        return run
    }

    override class func tearDown() {
        try? FileManager.default.removeItem(at: root)
        super.tearDown()
    }

    /// The check values (a PyTorch SGLD written independently of wb, full batch, ε 1e-3, γ 100, nβ 30, 4 chains × 300
    /// draws after 100 burn-in steps): λ̂ 18.5 ± 0.2, 56.3 ± 0.4, 30.4 ± 0.3, 17.4 ± 0.3 at epochs 100, 300, 1,000,
    /// 2,000. The noise differs, so each must agree within three combined standard errors; λ̂ rises while the model
    /// memorises, then falls.
    func testCheckValuesOfAnIndependentPyTorchSGLD() throws {
        let run = try Self.checkRun()
        let runner = try LLCRunner(run: run)
        let settings = try LLCSettings().applying(["llc_eps=1e-3", "llc_gamma=100", "llc_nbeta=30", "llc_chains=4", "llc_draws=300",
                                                   "llc_burnin=100", "llc_batch=full"])
        let report = try runner.run(epochs: [100, 300, 1000, 2000], components: [runner.components(["all"])[0]], settings: settings)
        XCTAssertEqual(report.failures, [])
        let reference: [(epoch: Int, loss: Double, llc: Double, se: Double)] = [
            (100, 2.44, 18.5, 0.2), (300, 1.9e-2, 56.3, 0.4), (1000, 1.1e-5, 30.4, 0.3), (2000, 5.6e-8, 17.4, 0.3)]
        for (estimate, expected) in zip(report.estimates, reference) {
            XCTAssertEqual(estimate.epoch, expected.epoch)
            XCTAssertEqual(estimate.initialLoss, expected.loss, accuracy: expected.loss * 0.06, "L(w*) at \(expected.epoch)")
            let llc = try XCTUnwrap(estimate.llc), se = try XCTUnwrap(estimate.standardError)
            let allowed = 3 * (se * se + expected.se * expected.se).squareRoot()
            XCTAssertEqual(llc, expected.llc, accuracy: allowed, "λ̂ at epoch \(expected.epoch): \(llc) ± \(se)")
            XCTAssertEqual(estimate.chainsUsed, 4)
            XCTAssertTrue(estimate.settled, "epoch \(expected.epoch): drifts \(estimate.chains.map { $0.drift ?? .nan })")
        }
        let values = report.estimates.map { $0.llc! }
        XCTAssertTrue(values[1] > values[0] && values[1] > values[2] && values[2] > values[3], "rises, then falls: \(values)")
    }

    /// A second call reads the cache; other settings are estimated anew and kept beside; llc.csv holds one row per
    /// estimate with the columns pandas reads; a copied checkpoint (new stat, same bytes) is re-validated by hash.
    func testCacheAndTable() throws {
        let run = try Self.checkRun()
        let runner = try LLCRunner(run: run)
        let quick = try LLCSettings().applying(["llc_chains=2", "llc_draws=20", "llc_batch=64", "llc_seed=3"])
        let components = try runner.components(["all", "embed"])
        let first = try runner.run(epochs: [300, 1000], components: components, settings: quick)
        XCTAssertEqual(first.computed, 4)
        let again = try runner.run(epochs: [300, 1000], components: components, settings: quick)
        XCTAssertEqual(again.computed, 0)
        XCTAssertEqual(again.cached, 4)
        XCTAssertEqual(again.estimates, first.estimates)
        var other = quick
        other.eps = 5e-4
        XCTAssertEqual(try runner.run(epochs: [300], components: [components[0]], settings: other).computed, 1)
        XCTAssertEqual(try runner.run(epochs: [300], components: [components[0]], settings: quick).cached, 1, "both kept")

        let rows = runner.table.rows()
        XCTAssertTrue(rows.contains { $0.hasPrefix("300,embed,0.001,100.0,") && $0.contains(",2,20,0,64,3,") })
        let header = LLCTable.header.split(separator: ",")
        for row in rows { XCTAssertEqual(row.split(separator: ",", omittingEmptySubsequences: false).count, header.count, row) }
        XCTAssertEqual(try String(contentsOf: runner.table.url, encoding: .utf8).split(separator: "\n").first.map(String.init), LLCTable.header)

        // The same bytes under a new inode and time: kept, not recomputed.
        let url = run.checkpointURL(epoch: 300), copy = url.appendingPathExtension("copy")
        try FileManager.default.copyItem(at: url, to: copy)
        try FileManager.default.removeItem(at: url)
        try FileManager.default.moveItem(at: copy, to: url)
        let afterCopy = try runner.run(epochs: [300], components: components, settings: quick)
        XCTAssertEqual(afterCopy.computed, 0)
        XCTAssertEqual(afterCopy.estimates, first.estimates.filter { $0.epoch == 300 })
    }

    /// The chains run on single-threaded models, so the estimate is the same whatever `threads` the config has.
    func testEstimateDoesNotDependOnThreads() throws {
        let run = try Self.checkRun()
        var config = try run.readRecord().config
        let split = try run.split(for: config)
        let parameters = try Checkpoint.read(from: run.checkpointURL(epoch: 300), layout: config.layout).parameters
        let settings = try LLCSettings().applying(["llc_chains=3", "llc_draws=15", "llc_batch=50"])
        var results: [LLCEstimate] = []
        for threads in [1, 2, 3] {
            config.threads = threads
            let estimator = try LLCEstimator(config: config, split: split, settings: settings)
            results.append(try XCTUnwrap(estimator.estimate(parameters, epoch: 300, component: ModelComponent.all(of: config.layout)[0])))
        }
        XCTAssertEqual(results[0], results[1])
        XCTAssertEqual(results[0], results[2])
    }

    /// A step size far too large: every chain's loss explodes, the chains are flagged and left out, λ̂ is unknown.
    func testDivergedChainsAreFlaggedAndLeftOut() throws {
        let run = try Self.checkRun()
        let runner = try LLCRunner(run: run)
        let settings = try LLCSettings().applying(["llc_eps=3", "llc_chains=2", "llc_draws=50", "llc_batch=full"])
        let estimate = try XCTUnwrap(runner.run(epochs: [2000], components: [runner.components(["all"])[0]], settings: settings).estimates.first)
        XCTAssertEqual(estimate.chainsDiverged, 2)
        XCTAssertEqual(estimate.chainsUsed, 0)
        XCTAssertNil(estimate.llc)
        XCTAssertTrue(estimate.chains.allSatisfy { $0.diverged && $0.losses.count < 50 }, "a diverged chain stops early")
        XCTAssertTrue(runner.table.rows().contains { $0.hasPrefix("2000,all,3.0,") && $0.hasSuffix(",,,0,2") })
    }

    /// Cancelling stops between steps and returns nothing half-made.
    func testCancelledEstimateIsNotKept() throws {
        let run = try Self.checkRun()
        let runner = try LLCRunner(run: run)
        let settings = try LLCSettings().applying(["llc_chains=2", "llc_draws=400", "llc_seed=11"])
        let cancel = CancellationToken()
        let report = try runner.run(epochs: [100, 300], components: [runner.components(["all"])[0]], settings: settings, cancel: cancel) { p in
            if p.steps >= 50 { cancel.cancel() }
        }
        XCTAssertTrue(report.cancelled)
        XCTAssertEqual(report.computed, 0)
        XCTAssertFalse(FileManager.default.fileExists(atPath: runner.cache.url(epoch: 100, component: "all", settings: settings).path))
    }

    /// The components of each kind of model, and a refined estimate on each: a 2-layer pre-LN GELU transformer with
    /// minibatches and an MLP with MSE.
    func testRefinedLLCOnEveryKindOfModel() throws {
        let two = try TrainingConfig().applying(["p=11", "d_model=16", "heads=2", "d_mlp=32", "layers=2", "norm=ln", "act=gelu",
                                                 "batch=32", "frac=0.5"])
        let names = ModelComponent.all(of: two.layout).map(\.name)
        XCTAssertEqual(names, ["all", "embed", "pos", "l0.ln1", "l0.attn", "l0.head0", "l0.head1", "l0.ln2", "l0.mlp",
                               "l1.ln1", "l1.attn", "l1.head0", "l1.head1", "l1.ln2", "l1.mlp", "ln_final", "unembed"])
        let head = try ModelComponent.named("l1.head1", in: two.layout)
        XCTAssertEqual(head.count, 4 * 16 * 8, "W_Q, W_K, W_V, W_O of one head")
        XCTAssertEqual(try ModelComponent.named("l0.attn", in: two.layout).count, 4 * 16 * 16)
        XCTAssertThrowsError(try ModelComponent.named("head0", in: two.layout)) { error in
            XCTAssertTrue("\(error)".contains("'head0' is not a component of this model. Did you mean 'l0.head0'?"), "\(error)")
        }
        let mlp = try TrainingConfig().applying(["model=mlp", "p=11", "hidden=24", "act=quad", "bias=no", "loss=mse", "frac=0.5"])
        XCTAssertEqual(ModelComponent.all(of: mlp.layout).map(\.name), ["all", "hidden0", "out"])
        for (config, component) in [(two, "l1.head1"), (two, "all"), (mlp, "hidden0")] {
            let split = DataSplit.shuffled(p: 11, frac: 0.5, seed: 0)
            let parameters = ParameterInitializer.initialWeights(config.layout, seed: 1)
            let settings = try LLCSettings().applying(["llc_chains=2", "llc_draws=30", "llc_batch=16", "llc_eps=1e-4"])
            let estimator = try LLCEstimator(config: config, split: split, settings: settings)
            let chosen = try ModelComponent.named(component, in: estimator.layout)
            let estimate = try XCTUnwrap(estimator.estimate(parameters, epoch: 0, component: chosen))
            XCTAssertEqual(estimate.chainsUsed, 2, component)
            XCTAssertEqual(estimate.weights, chosen.count)
            XCTAssertTrue(estimate.llc!.isFinite, component)
            XCTAssertEqual(estimate.chains[0].losses.count, 30)
        }
    }

    /// Bad settings are refused with what was wrong and what is allowed.
    func testSettingsErrors() throws {
        func message(_ words: [String]) -> String {
            do { _ = try LLCSettings().applying(words); return "" } catch { return "\(error)" }
        }
        XCTAssertEqual(message(["llc_eps=0"]), "llc_eps=0 is not allowed: a number above 0 (e.g. 1e-3).")
        XCTAssertEqual(message(["llc_chains=0"]), "llc_chains=0 is not allowed: a whole number from 1 to 64.")
        XCTAssertEqual(message(["llc_batch=half"]), "llc_batch=half is not allowed: a whole number from 1 to 1000000.")
        XCTAssertEqual(message(["llc_gamma=-1"]), "llc_gamma=-1 is not allowed: a number ≥ 0 (0: no localisation).")
        XCTAssertTrue(message(["llc_epz=1"]).hasPrefix("unknown config key 'llc_epz'. Did you mean 'llc_eps'?"), message(["llc_epz=1"]))
        XCTAssertEqual(message(["chains"]), "'chains' is not a key=value pair (for example: p=113 epochs=5000 frac=0.3).")
        let ok = try LLCSettings().applying(["eps=2e-3", "llc_batch=full", "nbeta=12", "nbeta=default"])
        XCTAssertEqual(ok.eps, 2e-3); XCTAssertEqual(ok.batch, 0); XCTAssertNil(ok.nbeta)
        XCTAssertEqual(ok.effectiveNBeta(trainCount: 100), 100 / log(100.0), accuracy: 1e-12)
        XCTAssertEqual(LLCSettings().effectiveNBeta(trainCount: 1000), 32 / log(32.0), accuracy: 1e-12)
        let split = DataSplit.shuffled(p: 11, frac: 0.3, seed: 0)
        XCTAssertThrowsError(try LLCEstimator(config: TrainingConfig().applying(["p=11"]), split: split,
                                              settings: LLCSettings().applying(["llc_batch=500"]))) { error in
            XCTAssertEqual("\(error)", "llc_batch=500 is larger than the training set (36 examples); use a smaller batch or llc_batch=full")
        }
    }
}
