import Foundation
import WBTestSupport
import XCTest
@testable import WBShell
import WBAnalysis
import WBPlotting

/// `analyze`, the plots and the dashboard on runs of other tasks than addition.
final class AnalyzeTaskTests: ExecutorTestCase {
    let tiny = "p=23 d_model=32 d_mlp=128 epochs=100"

    func testAnalyzeSkipsTheFourierAnalysesOfX2Y2AndSaysWhy() throws {
        _ = try run("train \(tiny) task=x2y2 name=q")
        let output = try run("analyze")
        let text = output.plainText
        XCTAssertTrue(text.hasPrefix("analyzed 2 checkpoints of q\n"), text)
        XCTAssertTrue(text.contains("skipped for task x2y2 (a² + b²): embedding_frequencies, neuron_clusters, key_frequencies, progress_measures — they apply to add, sub, mul, div only"), text)
        XCTAssertTrue(text.contains("  mean attention of '=' on a/b/=: head 0 "), text)
        XCTAssertTrue(text.contains("  neurons: "), text)
        let all = try run("analyze all").plainText
        XCTAssertTrue(all.contains("logit_cosines, excluded_loss_per_frequency"), all)
        XCTAssertThrowsError(try run("analyze freq")) { error in
            XCTAssertTrue("\(error)".hasPrefix("embedding_frequencies does not apply to task x2y2 (a² + b²): it applies to add, sub, mul, div only"), "\(error)")
        }
        XCTAssertTrue(try run("analyze neurons freq").plainText.contains("skipped for task x2y2"))
        XCTAssertThrowsError(try run("plot freq")) { error in XCTAssertTrue("\(error)".contains("does not apply to task x2y2"), "\(error)") }
        XCTAssertEqual(try run("plot neurons").figures.count, 1)
        XCTAssertEqual(try run("dashboard").blocks.count, 1)
    }

    func testMulFiguresSayTheDiscreteLogBasis() throws {
        _ = try run("train \(tiny) task=mul name=m")
        let text = try run("analyze").plainText
        XCTAssertFalse(text.contains("skipped"), text)
        for kind in ["freq", "freq over time", "clusters", "progress", "heatmap 0,5"] {
            let title = try run("plot \(kind)").figures[0].title
            XCTAssertTrue(title.hasSuffix(" (discrete-log basis, g = 5)"), "\(kind): \(title)")
        }
        XCTAssertFalse(try run("plot loss").figures[0].title.contains("discrete-log"))
        let grids = try run("plot heatmap 1").figures[0].panels[0].heatmap
        XCTAssertEqual(grids?.rows, 22, "the neuron grid is over the exponents, (p − 1)²")
        guard case .dashboard(let dashboard)? = try run("dashboard").blocks.last else { return XCTFail("no dashboard") }
        XCTAssertEqual(dashboard.frequencyNorms.count, 11)
        XCTAssertTrue(dashboard.heading.hasSuffix("(discrete-log basis, g = 5)"), dashboard.heading)
        XCTAssertTrue(dashboard.neurons.allSatisfy { $0.p == 22 })
    }

    func testAddTitlesAreUnchanged() throws {
        _ = try run("train \(tiny) name=a")
        _ = try run("analyze freq")
        XCTAssertEqual(try run("plot freq").figures[0].title, "Embedding frequencies at epoch 100")
        guard case .dashboard(let dashboard)? = try run("dashboard").blocks.last else { return XCTFail("no dashboard") }
        XCTAssertEqual(dashboard.heading, "Dashboard — a at epoch 100 (checkpoint 2 of 2)")
    }

    /// A 2-layer transformer: `analyze` and the neuron figures read the last layer unless `layer=N` says otherwise, the
    /// titles say which, and a layer the model does not have is refused with those it has.
    func testADeeperTransformerIsAnalyzedLayerByLayer() throws {
        _ = try run("train p=23 d_model=16 heads=2 d_mlp=32 layers=2 norm=ln epochs=40 checkpoints=0,40 name=deep")
        XCTAssertTrue(try run("analyze").plainText.hasPrefix("analyzed 2 checkpoints of deep (layer 1 of 2)\n"))
        XCTAssertTrue(try run("analyze neurons layer=0").plainText.hasPrefix("analyzed 2 checkpoints of deep (layer 0 of 2)\n"))
        XCTAssertEqual(try run("plot heatmap 3 layer=0").figures[0].title, "Neuron activations at epoch 40 (layer 0)")
        XCTAssertEqual(try run("plot clusters").figures[0].title, "Neuron frequency clusters (\(try clusterCount()) of 32 neurons clustered) (layer 1)")
        XCTAssertEqual(try run("plot freq layer=0").figures[0].title, "Embedding frequencies at epoch 40")
        XCTAssertTrue(try run("plot progress layer=0").figures[0].title.hasSuffix("(layer 0)"))
        for line in ["analyze layer=2", "plot neurons layer=2"] {
            XCTAssertThrowsError(try run(line), line) { error in
                XCTAssertEqual("\(error)", "run 'deep': layer=2 does not exist: this model (transformer d_model 16, 2 heads, d_mlp 32, "
                    + "2 layers, pre-LN, ReLU) has layers 0…1", line)
            }
        }
        XCTAssertThrowsError(try run("analyze layer=0 layer=1")) { XCTAssertEqual("\($0)", "`analyze` takes one layer=N") }
        _ = try run("train \(tiny) epochs=20 name=one")
        XCTAssertEqual(try run("plot heatmap 3 layer=0").figures[0].title, "Neuron activations at epoch 20")
        XCTAssertThrowsError(try run("analyze layer=1")) {
            XCTAssertEqual("\($0)", "run 'one': layer=1 does not exist: this model (transformer d_model 32, 4 heads, d_mlp 128, 1 layer, "
                + "ReLU) has layer 0 only")
        }
    }

    /// The clustered neurons of the deep run's last layer at epoch 40, as `analyze clusters` reports them.
    private func clusterCount() throws -> Int {
        let runner = try AnalysisRunner(run: try XCTUnwrap(executor.session.run).folder)
        let result = runner.run([NeuronClusters()], epochs: [40]).results.result(NeuronClusters.self, epoch: 40)
        return try XCTUnwrap(result).cluster.filter { $0 > 0 }.count
    }
}
