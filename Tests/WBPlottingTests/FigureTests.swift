import XCTest
@testable import WBPlotting
import WBSupport

final class FigureTests: XCTestCase {
    func testTitleIsKept() {
        XCTAssertEqual(Figure(title: "loss").title, "loss")
    }

    func testLossBuilderMarksSelectionAndEpoch() {
        let f = Figure.lossCurves(TestData.run, currentEpoch: 1200, selection: TestData.selection)
        let p = f.panels[0]
        XCTAssertEqual(p.y.scale, .log)
        XCTAssertEqual(p.series.map(\.name), ["train", "test"])
        XCTAssertTrue(p.series[1].dashed && !p.series[0].dashed)
        XCTAssertTrue(p.marks.contains(.epochIndicator(x: 1200, label: "epoch 1200")))
        XCTAssertEqual(p.marks.filter { if case .highlight = $0 { return true } else { return false } }.count, 2)
        guard case .checkpoints(let sel, true)? = p.marks.first(where: { if case .checkpoints(_, true) = $0 { return true } else { return false } }) else {
            return XCTFail("no selected checkpoints")
        }
        XCTAssertEqual(sel, TestData.selection.epochs.map(Double.init))
        guard case .checkpoints(let avail, false)? = p.marks.first(where: { if case .checkpoints(_, false) = $0 { return true } else { return false } }) else {
            return XCTFail("no available checkpoints")
        }
        XCTAssertEqual(avail.count, TestData.selection.available.count - Set(TestData.selection.epochs).intersection(TestData.selection.available).count)
    }

    func testComparisonGivesEachRunAColorAndNamesIt() {
        let f = Figure.runComparison(TestData.runs)
        guard case .entries(let e) = f.panels[0].legend else { return XCTFail("explicit legend expected") }
        XCTAssertEqual(e.prefix(3).map(\.label), TestData.runs.map(\.name))
        XCTAssertEqual(Set(e.prefix(3).compactMap(\.color)).count, 3)
        XCTAssertEqual(f.panels[0].series.count, 6)
    }

    func testClusterBuilderSortsByClusterAndLabelsSizes() {
        let m = NeuronFrequencyClusters(neurons: [10, 11, 12, 13], frequencies: [1, 2, 3],
                                        fraction: [[0.1, 0.9, 0], [0.95, 0, 0], [0.2, 0.3, 0.4], [0.1, 0.88, 0]],
                                        clusters: [2, 1, nil, 2])
        let f = Figure.neuronClusters(m)
        let h = f.panels[0].heatmap!
        XCTAssertEqual(h.rows, 3)
        XCTAssertEqual(h.columns, 4)
        // Column order: neuron 11 (k=1), 10 (k=2, 0.9), 13 (k=2, 0.88), 12 (none).
        XCTAssertEqual((0..<4).map { h[0, $0] }, [0.95, 0.1, 0.1, 0.2])
        XCTAssertEqual(f.panels[0].x.groups.map(\.label), ["k=1 (1)", "k=2 (2)", "none (1)"])
        XCTAssertEqual(h.colorScale.range, 0...1)
    }

    func testProgressBuilderShadesThreePhases() {
        let f = Figure.progressMeasures(TestData.progress)
        let phases = f.panels[0].marks.compactMap { m -> String? in if case .phase(_, _, let l) = m { return l } else { return nil } }
        XCTAssertEqual(phases, ["memorisation", "circuit formation", "cleanup"])
        XCTAssertEqual(f.panels[0].y.scale, .log)
        XCTAssertTrue(Figure.progressMeasures(ProgressMeasureCurves(series: TestData.progress.series)).panels[0].marks.isEmpty)
    }

    func testFrequencyBuildersShapes() {
        let bars = Figure.dominantFrequencies(TestData.norms, keyFrequencies: TestData.keys)
        XCTAssertEqual(bars.panels[0].series.map(\.kind), [.bars, .bars])
        XCTAssertEqual(bars.panels[0].series[1].x, TestData.keys.map(Double.init))
        let evo = Figure.frequencyEvolution(TestData.evolution).panels[0].heatmap!
        XCTAssertEqual(evo.rows, 11)
        XCTAssertEqual(evo.columns, TestData.evolution.epochs.count)
        XCTAssertEqual(evo[2, 5], TestData.evolution.norms[2][5])
        let neurons = Figure.neuronActivations(TestData.neurons, columns: 2)
        XCTAssertEqual(neurons.panels.count, 4)
        XCTAssertEqual(neurons.gridRows, 2)
        XCTAssertEqual(neurons.panels[0].heatmap![1, 2], Double(TestData.neurons[0].values[1 * 23 + 2]))
    }

    func testFigureIsCodable() throws {
        let f = TestData.figures[0].1
        let data = try JSONEncoder().encode(f)
        XCTAssertEqual(try JSONDecoder().decode(Figure.self, from: data), f)
    }

    func testEscaping() {
        XCTAssertEqual(XMLEscape.escape("<a href=\"x\">&'</a>"), "&lt;a href=&quot;x&quot;&gt;&amp;&#39;&lt;/a&gt;")
        XCTAssertEqual(XMLEscape.escape("ok\u{0}\u{1B}🚀"), "ok\u{FFFD}\u{FFFD}🚀")
        XCTAssertEqual(XMLEscape.identifier("9 lives!"), "f9lives")
    }
}
