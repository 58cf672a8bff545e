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
}
