import Foundation
import WBTestSupport
import XCTest
@testable import WBShell
import WBAnalysis
import WBPlotting

/// `analyze llc`, `llc calibrate | defaults | components` and `plot llc` at the prompt: parsing, outputs, files, errors.
final class LLCShellTests: ExecutorTestCase {
    let quick = "llc_chains=2 llc_draws=20 llc_batch=32"

    func testParsing() throws {
        XCTAssertEqual(try Parser.parse("analyze llc of=embed,head0 llc_eps=1e-3"),
                       [.analyze(names: ["llc", "of=embed,head0", "llc_eps=1e-3"])])
        XCTAssertEqual(try Parser.parse("plot llc traces of=head0 to t.svg"),
                       [.plot(PlotRequest(kind: .llcTraces, file: "t.svg", options: ["of=head0"]))])
        XCTAssertEqual(try Parser.parse("plot llc of=all, embed llc_batch=full"),
                       [.plot(PlotRequest(kind: .llc, options: ["of=all,embed", "llc_batch=full"]))])
        XCTAssertEqual(try Parser.parse("llc calibrate at epoch 30 eps=1e-4,1e-3 save"),
                       [.llc(.calibrate(words: ["at", "epoch", "30", "eps=1e-4,1e-3", "save"]))])
        XCTAssertEqual(try Parser.parse("llc defaults llc_eps=2e-3"), [.llc(.defaults(words: ["llc_eps=2e-3"]))])
        XCTAssertEqual(try Parser.parse("train model=mlp hidden=20,20 p=11"), [.train(assignments: ["model=mlp", "hidden=20,20", "p=11"])])
        XCTAssertThrowsError(try Parser.parse("llc calibrat")) { error in
            XCTAssertTrue("\(error)".contains("`llc` takes calibrate, defaults or components, not 'calibrat'. Did you mean 'calibrate'?"), "\(error)")
        }
    }

    func testAnalyzePlotCalibrateAndDefaults() throws {
        _ = try run("train p=11 d_model=16 heads=2 d_mlp=32 frac=0.5 epochs=60 checkpoints=0,20,40,60 name=l")
        let text = try run("analyze llc of=all,heads \(quick)").plainText
        XCTAssertTrue(text.hasPrefix("local learning coefficient of l at 4 checkpoints\n"), text)
        XCTAssertTrue(text.contains("SGLD: ε 0.001, γ 100, nβ 9.233 (m / ln m), 2 chains × 20 draws after 0 burn-in steps, batch 32, seed 0"), text)
        XCTAssertTrue(text.contains("     40  head1"), text)
        let csv = try String(contentsOf: root.appendingPathComponent("runs/l/llc.csv"), encoding: .utf8)
        XCTAssertEqual(csv.split(separator: "\n").count, 1 + 4 * 3, "a row per checkpoint and component")

        let figure = try XCTUnwrap(run("plot llc of=all,heads \(quick)").figures.first)
        XCTAssertEqual(figure.panels.count, 2, "λ̂ above the test loss")
        XCTAssertEqual(figure.panels[0].series.map(\.name), ["all", "head0", "head1"])
        XCTAssertEqual(figure.panels[0].series[0].x, [0, 20, 40, 60])
        XCTAssertEqual(figure.panels[1].y.scale, .log)
        let traces = try XCTUnwrap(run("at epoch 40; plot llc traces \(quick)").figures.first)
        XCTAssertEqual(traces.panels[0].series.count, 2)
        XCTAssertEqual(traces.panels[0].series[0].y.count, 20)

        let calibration = try run("llc calibrate at epoch 40 eps=1e-4,1e-3 nbeta=5,9 \(quick) save")
        XCTAssertEqual(calibration.figures.first?.panels[0].heatmap?.values.count, 4)
        XCTAssertEqual(calibration.figures.count, 2, "the grid, then one cell's chains")
        XCTAssertEqual(calibration.figures[1].panels[0].series.count, 2)
        let lines = calibration.plainText
        XCTAssertTrue(lines.contains("calibration of λ̂ at epoch 40, all: 2 ε × 2 nβ"), lines)
        if lines.contains("suggested: ") {
            XCTAssertTrue(lines.contains("saved as the LLC defaults of l: "), lines)
            XCTAssertTrue(FileManager.default.fileExists(atPath: root.appendingPathComponent("runs/l/llc.defaults").path))
        }
        let saved = try run("llc defaults llc_eps=2e-3 llc_draws=30 llc_chains=2").plainText
        XCTAssertTrue(saved.hasPrefix("saved the LLC defaults of l: llc_eps=0.002 llc_gamma=100 "), saved)
        XCTAssertTrue(try run("llc defaults").plainText.contains("llc_eps=0.002"))
        XCTAssertTrue(try run("analyze llc").plainText.contains("2 chains × 30 draws"), "the saved defaults are used")
        XCTAssertTrue(try run("llc components").plainText.contains("  head1      512 weights"))
    }

    func testErrors() throws {
        _ = try run("train p=11 d_model=16 heads=2 d_mlp=32 frac=0.5 epochs=20 name=e")
        XCTAssertThrowsError(try run("analyze llc of=heads,mpl")) { error in
            XCTAssertTrue("\(error)".hasPrefix("'mpl' is not a component of this model. Did you mean 'mlp'? Its components: all, embed, pos, attn, head0, head1, mlp, unembed"), "\(error)")
        }
        XCTAssertThrowsError(try run("analyze llc llc_eps=-1")) { error in
            XCTAssertEqual("\(error)", "llc_eps=-1 is not allowed: a number above 0 (e.g. 1e-3).")
        }
        XCTAssertThrowsError(try run("analyze llc fast")) { error in
            XCTAssertTrue("\(error)".hasPrefix("`analyze llc` takes of=COMPONENTS and llc_KEY=VALUE words, not 'fast'."), "\(error)")
        }
        XCTAssertThrowsError(try run("llc calibrate at epoch 7")) { error in
            XCTAssertEqual("\(error)", "e has no checkpoint at epoch 7")
        }
        XCTAssertThrowsError(try run("llc calibrate of=all,embed")) { error in
            XCTAssertEqual("\(error)", "`llc calibrate` calibrates one component at a time")
        }
        _ = try run("train model=mlp p=11 hidden=16 frac=0.5 epochs=5 name=m")
        XCTAssertThrowsError(try run("analyze llc of=all,heads")) { error in
            XCTAssertEqual("\(error)", "this model has no attention heads")
        }
    }
}
