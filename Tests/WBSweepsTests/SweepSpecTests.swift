import XCTest
import WBTraining
@testable import WBSweeps

final class SweepSpecTests: XCTestCase {
    func testListsRangesSeedsAndOptions() throws {
        let spec = try SweepSpec.parse(name: "wdfrac", text: "seeds=0..2 wd=0.3,1 frac=0.3..0.5 step 0.1 p=23 template=tiny jobs=2 on=local")
        XCTAssertEqual(spec.axes.map(\.key), ["wd", "frac", "init_seed"])
        XCTAssertEqual(spec.axes.map(\.label), ["wd", "frac", "seed"])
        XCTAssertEqual(spec.axes[0].values, ["0.3", "1"])
        XCTAssertEqual(spec.axes[1].values, ["0.3", "0.4", "0.5"])
        XCTAssertEqual(spec.axes[2].values, ["0", "1", "2"])
        XCTAssertEqual(spec.fixed, ["p=23"])
        XCTAssertEqual(spec.template, "tiny")
        XCTAssertEqual(spec.jobs, 2)
        XCTAssertEqual(spec.executor, .local)
        XCTAssertEqual(spec.pointCount, 18)
        XCTAssertEqual(spec.gridText, "template=tiny wd=0.3,1 frac=0.3,0.4,0.5 seeds=0,1,2 p=23")
    }

    func testDataSeedsQuotesSlurmAndFlags() throws {
        let spec = try SweepSpec.parse(name: "s", text: "data_seeds=1,2 checkpoints=\"0..100 step 10\" on=slurm partition=debug "
            + "account=lab time=1:00:00 sbatch=\"--mem=2G\" sbatch=--qos=short --yes --print epochs=100")
        XCTAssertEqual(spec.axes.map(\.key), ["data_seed"])
        XCTAssertEqual(spec.fixed, ["checkpoints=0..100 step 10", "epochs=100"])
        XCTAssertEqual(spec.slurm, SlurmOptions(partition: "debug", account: "lab", time: "1:00:00", extra: ["--mem=2G", "--qos=short"]))
        XCTAssertTrue(spec.confirmed)
        XCTAssertTrue(spec.printOnly)
        XCTAssertEqual(spec.executor, .slurm)
    }

    func testSpacesAfterCommasAndRealSteps() throws {
        let spec = try SweepSpec.parse(name: "s", text: "wd=0.1, 0.3, 1 lr=1e-4..3e-4 step 1e-4")
        XCTAssertEqual(spec.axes[0].values, ["0.1", "0.3", "1"])
        XCTAssertEqual(spec.axes[1].values, ["0.0001", "0.0002", "0.0003"])
    }

    func testErrorsNameTheWordAndWhatIsAllowed() {
        func message(_ text: String, name: String = "s") -> String {
            do { _ = try SweepSpec.parse(name: name, text: text); return "no error" } catch { return "\(error)" }
        }
        XCTAssertEqual(message("wd=0.1,,1"), "in `wd=0.1,,1`: an empty value in the list; write key=v1,v2,… (e.g. wd=0.1,0.3,1)")
        XCTAssertEqual(message("frac=0.3..0.5"), "in `frac=0.3..0.5`: a range of non-whole numbers needs `step S` (e.g. frac=0.3..0.5 step 0.1)")
        XCTAssertEqual(message("seeds=4..1"), "in `seeds=4..1`: the range 4..1 is empty (A..B needs A ≤ B)")
        XCTAssertEqual(message("wd=1 wd=2"), "in `wd=2`: 'wd' is given twice; give all its values at once (e.g. wd=0.1,0.3,1)")
        XCTAssertEqual(message("jobs=0"), "in `jobs=0`: jobs is a whole number of points at once in 1...256")
        XCTAssertEqual(message("on=cloud"), "in `on=cloud`: on= takes local (a pool of processes here) or slurm (a Slurm job array)")
        XCTAssertEqual(message("step 2"), "in `step`: `step S` must follow key=A..B (e.g. frac=0.3..0.5 step 0.1)")
        XCTAssertTrue(message("wdd=1,2").hasPrefix("in `wdd=1,2`: unknown config key 'wdd'. Did you mean 'wd'?"), message("wdd=1,2"))
        XCTAssertEqual(message("name=x"), "in `name=x`: points are named after their values (runs/s/wd=0.3,seed=2); the sweep's name is the word after `sweep`")
        XCTAssertEqual(message("wd=1", name: "status"), "'status' cannot name a sweep: use any name but list, status, stop, table (subcommands of `sweep`)")
        XCTAssertEqual(message("wd=1", name: "a/b"), "'a/b' cannot name a sweep: use letters, digits, '-', '_' and '.', not starting with '.'")
        XCTAssertEqual(message("seeds=0..999 wd=0..999"), "the grid has more than 100000 points; split it into several sweeps")
        XCTAssertEqual(message("task=add,a/b"), "in `task=add,a/b`: a swept value names a folder, so it must be letters, digits, '.', '-', '_' or '+', not 'a/b'")
        XCTAssertEqual(message("wd=\"1"), "in `wd=\"1`: unterminated quote: add a closing \"")
    }

    func testGridNamesPointsAndValidatesEveryConfig() throws {
        let spec = try SweepSpec.parse(name: "g", text: "wd=0.3,1 seeds=0..1 p=23 d_model=32 d_mlp=128 epochs=100")
        let points = try SweepGrid.make(spec: spec, base: TrainingConfig())
        XCTAssertEqual(points.map(\.name), ["wd=0.3,seed=0", "wd=0.3,seed=1", "wd=1,seed=0", "wd=1,seed=1"])
        XCTAssertEqual(points[3].config.wd, 1)
        XCTAssertEqual(points[3].config.initSeed, 1)
        XCTAssertEqual(points[3].config.p, 23)
        XCTAssertEqual(points[3].config.name, "wd=1,seed=1")
        XCTAssertEqual(points[2].values, ["wd": "1", "init_seed": "0"])

        func message(_ text: String) -> String {
            do { _ = try SweepGrid.make(spec: SweepSpec.parse(name: "g", text: text), base: TrainingConfig()); return "no error" }
            catch { return "\(error)" }
        }
        XCTAssertEqual(message("p=23,24"), "in `p=24`: p=24 is not allowed: a prime number in 3...257.")
        XCTAssertEqual(message("wd=1,abc"), "in `wd=abc`: wd=abc is not allowed: a number (e.g. 0.3, 1e-3).")
        // A value fine alone, not with the others: the point is named.
        XCTAssertEqual(message("heads=4,3 d_model=128"), "in `heads=3`: heads=3 is not allowed: a whole number ≥ 1 that divides d_model=128.")
        XCTAssertEqual(message("p=3,5 frac=0.05,0.5"), "point p=3,frac=0.05: frac=0.05 is not allowed: a fraction that leaves at least one training and one test pair of the 9 (task=add).")
    }

    /// The keys of the other models and regimes sweep like the others; an MLP's widths are joined by x there.
    func testGridOverModelsLossesOptimizersAndBatches() throws {
        let spec = try SweepSpec.parse(name: "lit", text: "model=mlp hidden=64,32x32 loss=ce,stablemax batch=full,50 p=23 frac=0.5 epochs=20")
        let points = try SweepGrid.make(spec: spec, base: TrainingConfig())
        XCTAssertEqual(points.count, 8)
        XCTAssertEqual(points.map(\.name).first, "hidden=64,loss=ce,batch=full")
        let last = try XCTUnwrap(points.last)
        XCTAssertEqual(last.name, "hidden=32x32,loss=stablemax,batch=50")
        XCTAssertEqual(last.config.model, .mlp)
        XCTAssertEqual(last.config.hidden, [32, 32])
        XCTAssertEqual(last.config.loss, .stablemax)
        XCTAssertEqual(last.config.batch, 50)
        let optimizers = try SweepGrid.make(spec: SweepSpec.parse(name: "o", text: "optimizer=adamw,adam,sgd orthograd=no,yes p=23"),
                                            base: TrainingConfig())
        XCTAssertEqual(optimizers.map(\.config.optimizer), [.adamw, .adamw, .adam, .adam, .sgd, .sgd])
        XCTAssertEqual(optimizers.map(\.config.orthograd), [false, true, false, true, false, true])
        XCTAssertThrowsError(try SweepGrid.make(spec: SweepSpec.parse(name: "b", text: "hidden=64,128 p=23"), base: TrainingConfig())) {
            XCTAssertEqual("\($0)", "in `hidden=64`: hidden=64 is not allowed: a value only with model=mlp.")
        }
    }

    func testManifestRoundTripsAndStatesComeFromTheFolders() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("wb-sweep-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let spec = try SweepSpec.parse(name: "m", text: "wd=0.3,1 p=23 d_model=32 d_mlp=128 epochs=20")
        let points = try SweepGrid.make(spec: spec, base: TrainingConfig())
        let folder = SweepFolder(root: root, name: "m")
        try folder.writeManifest(SweepManifest(spec: spec, points: points))
        let read = try folder.readManifest()
        XCTAssertEqual(read.points.map(\.point), points)
        XCTAssertEqual(read.grid, "wd=0.3,1 p=23 d_model=32 d_mlp=128 epochs=20")
        XCTAssertEqual(folder.inspect(points[0]).state, .queued)
        _ = try SweepPointTrainer.train(folder, index: 0)
        XCTAssertEqual(folder.inspect(points[0]).state, .finished)
        XCTAssertEqual(folder.inspect(points[0]).epoch, 20)
        XCTAssertNil(try SweepPointTrainer.train(folder, index: 0), "a finished point is not trained again")
        let status = try SweepStatus.read(folder)
        XCTAssertEqual(status.rows.map(\.state), [.finished, .queued])
        XCTAssertEqual(status.counts, "1 queued, 1 finished")
        XCTAssertThrowsError(try SweepPointTrainer.train(folder, index: 5)) {
            XCTAssertEqual("\($0)", "sweep 'm' has points 0...1, not 5")
        }
    }
}
