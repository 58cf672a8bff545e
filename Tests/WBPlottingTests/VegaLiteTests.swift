import Foundation
import XCTest
@testable import WBPlotting

/// The Vega-Lite form of every figure: what it encodes (zoom, hover, log scales, marks, legend), its size on long runs,
/// a reviewed snapshot, and validity against the Vega-Lite v5 JSON schema (altair 5's copy, through
/// `Scripts/vegalite_validate.py`; Scripts/setup installs altair and jsonschema).
final class VegaLiteTests: XCTestCase {
    private func spec(_ figure: Figure, options: VegaLiteOptions = VegaLiteOptions()) throws -> [String: Any] {
        try XCTUnwrap(VegaLiteRenderer(options: options).spec(figure), "\(figure.title) has a spec")
    }

    private func layers(_ spec: [String: Any]) -> [[String: Any]] { spec["layer"] as? [[String: Any]] ?? [] }

    private func markTypes(_ spec: [String: Any]) -> [String] {
        layers(spec).compactMap { ($0["mark"] as? [String: Any])?["type"] as? String }
    }

    func testLossChartZoomsOnXHoversEveryPointAndKeepsTheLogScale() throws {
        let s = try spec(TestData.figures[0].1)
        XCTAssertEqual(s["$schema"] as? String, "https://vega.github.io/schema/vega-lite/v5.json")
        let params = layers(s).flatMap { $0["params"] as? [[String: Any]] ?? [] }
        let zoom = try XCTUnwrap(params.first { $0["bind"] as? String == "scales" }, "an interval bound to the scales")
        XCTAssertEqual((zoom["select"] as? [String: Any])?["encodings"] as? [String], ["x"])
        let hover = try XCTUnwrap(params.first { ($0["select"] as? [String: Any])?["nearest"] as? Bool == true })
        XCTAssertEqual((hover["select"] as? [String: Any])?["on"] as? String, "pointerover")
        let lineLayer = try XCTUnwrap(layers(s).first { ($0["mark"] as? [String: Any])?["type"] as? String == "line" })
        let y = try XCTUnwrap((lineLayer["encoding"] as? [String: Any])?["y"] as? [String: Any])
        XCTAssertEqual((y["scale"] as? [String: Any])?["type"] as? String, "log")
        XCTAssertEqual(y["title"] as? String, "loss")
        // The hover layer names the series, the epoch and the value.
        let tooltip = layers(s).compactMap { ($0["encoding"] as? [String: Any])?["tooltip"] as? [[String: Any]] }
            .first { $0.contains { $0["field"] as? String == "n" } }
        XCTAssertEqual(tooltip?.compactMap { $0["title"] as? String }, ["series", "epoch", "loss"])
        // Selection ranges shaded, the current epoch as a rule with its label, checkpoint markers.
        XCTAssertTrue(markTypes(s).contains("rect"), "\(markTypes(s))")
        XCTAssertTrue(markTypes(s).contains("rule"), "\(markTypes(s))")
        let lookup = try XCTUnwrap(lineLayer["transform"] as? [[String: Any]])
        XCTAssertEqual(lookup.first?["calculate"] as? String, "['train', 'test'][datum.s]", "series names by index")
    }

    func testComparisonLegendNamesRunsByColorAndTrainTestByDash() throws {
        let s = try spec(TestData.figures[4].1)
        let line = try XCTUnwrap(layers(s).first { ($0["mark"] as? [String: Any])?["type"] as? String == "line" })
        let encoding = try XCTUnwrap(line["encoding"] as? [String: Any])
        let color = try XCTUnwrap((encoding["color"] as? [String: Any])?["scale"] as? [String: Any])
        XCTAssertEqual(color["domain"] as? [String], TestData.runs.map(\.name))
        XCTAssertEqual(color["range"] as? [String], TestData.runs.indices.map { Palette.seriesColor($0).hex })
        let dash = try XCTUnwrap((encoding["strokeDash"] as? [String: Any])?["scale"] as? [String: Any])
        XCTAssertEqual(dash["domain"] as? [String], ["train", "test"])
    }

    func testHeatmapsZoomOnBothAxesAndColorByValue() throws {
        let s = try spec(TestData.figures[7].1)  // neurons: a grid of p × p heatmaps
        let units = try XCTUnwrap(s["concat"] as? [[String: Any]])
        XCTAssertEqual(units.count, TestData.neurons.count)
        XCTAssertEqual(s["columns"] as? Int, 2)
        let first = layers(units[0])
        let rect = try XCTUnwrap(first.first { ($0["mark"] as? [String: Any])?["type"] as? String == "rect" })
        let color = try XCTUnwrap((rect["encoding"] as? [String: Any])?["color"] as? [String: Any])
        XCTAssertEqual((color["scale"] as? [String: Any])?["scheme"] as? String, "viridis")
        let rows = try XCTUnwrap((rect["data"] as? [String: Any])?["values"] as? [[String: Any]])
        XCTAssertEqual(rows.count, 23, "one row per matrix row")
        XCTAssertEqual(rows.map { ($0["v"] as? [Double])?.count ?? 0 }, Array(repeating: 23, count: 23), "its cells as an array")
        XCTAssertEqual((rect["transform"] as? [[String: Any]])?.first?["flatten"] as? [String], ["c", "v"])
        let zoom = first.flatMap { $0["params"] as? [[String: Any]] ?? [] }.first { $0["bind"] as? String == "scales" }
        XCTAssertEqual((zoom?["select"] as? [String: Any])?["encodings"] as? [String], ["x", "y"])
        // Parameter names are unique across the grid (Vega-Lite refuses duplicates).
        let names = units.flatMap { layers($0).flatMap { ($0["params"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String } } }
        XCTAssertEqual(Set(names).count, names.count)
    }

    func testLongRunsAreDecimatedAndInvalidPointsLeftOut() throws {
        let n = 40_000
        let epochs = Array(0..<n)
        var train = epochs.map { 5 * exp(-Double($0) / 4000) + 1e-7 }
        train[100] = .nan
        train[200] = 0  // not drawable on a log axis
        let run = RunCurves(name: "long", epochs: epochs, trainLoss: train, testLoss: train.map { $0 * 2 })
        let text = try XCTUnwrap(VegaLiteRenderer().render(Figure.lossCurves(run)))
        XCTAssertLessThan(text.utf8.count, 200_000, "a 40,000-epoch loss chart stays small")
        let s = try spec(Figure.lossCurves(run))
        let rows = try XCTUnwrap((s["datasets"] as? [String: [[String: Any]]])?.values.first)
        XCTAssertEqual(Set(rows.compactMap { $0["s"] as? Int }), [0, 1], "one row per point, the series by index")
        let ys = rows.compactMap { $0["y"] as? Double }
        XCTAssertEqual(ys.count, rows.count)
        XCTAssertLessThanOrEqual(ys.count, 2 * 4 * 680, "M4 decimation: at most four points per pixel column and series")
        XCTAssertGreaterThan(ys.count, 1000)
        XCTAssertFalse(ys.contains { $0 <= 0 }, "no zero on the log axis")
        XCTAssertFalse(text.contains("nan") || text.contains("inf"), "JSON has no NaN or infinity")
    }

    /// The first rect layer's drawn cells as (row, column, value), unflattened.
    private func cells(_ unit: [String: Any]) throws -> [(r: Int, c: Int, v: Double)] {
        let rect = try XCTUnwrap(layers(unit).first { ($0["mark"] as? [String: Any])?["type"] as? String == "rect" })
        let rows = try XCTUnwrap((rect["data"] as? [String: Any])?["values"] as? [[String: Any]])
        return rows.flatMap { row in
            zip(row["c"] as? [Int] ?? [], row["v"] as? [Double] ?? []).map { (row["r"] as? Int ?? -1, $0, $1) }
        }
    }

    func testHeatmapsOverTheBudgetShowBlockMeansAndEmptyFiguresHaveNoSpec() throws {
        // The budget is the figure's: five 60 × 60 maps (18,000 cells) fit; six (21,600) are drawn as 2 × 2 block means.
        let values = (0..<3600).map { Double($0 / 60 * 100 + $0 % 60) }  // row · 100 + column
        let map = Panel(heatmap: Heatmap(rows: 60, columns: 60, values: values))
        let five = try spec(Figure(title: "five", panels: Array(repeating: map, count: 5), columns: 3))
        XCTAssertNil((five["title"] as? [String: Any])?["subtitle"])
        XCTAssertEqual(try cells((five["concat"] as! [[String: Any]])[0]).count, 3600)
        let six = try spec(Figure(title: "six", subtitle: "neurons", panels: Array(repeating: map, count: 6), columns: 3))
        let subtitle = try XCTUnwrap((six["title"] as? [String: Any])?["subtitle"] as? String)
        XCTAssertEqual(subtitle, "neurons — Interactive view: each heatmap cell is the mean of 2 × 2 cells (the SVG and PNG show every cell).")
        let blocks = try cells((six["concat"] as! [[String: Any]])[0])
        XCTAssertEqual(blocks.count, 900)
        let corner = try XCTUnwrap(blocks.first { $0.r == 1 && $0.c == 2 })
        XCTAssertEqual(corner.v, (204 + 205 + 304 + 305) / 4, "the mean of rows 2–3, columns 4–5")
        let tooltip = try XCTUnwrap(layers((six["concat"] as! [[String: Any]])[0]).compactMap {
            (($0["encoding"] as? [String: Any])?["tooltip"] as? [[String: Any]])?.last?["title"] as? String }.first)
        XCTAssertEqual(tooltip, "value (mean of 2 × 2 cells)")
        // A 113 × 113 map over a budget of 1,000 cells: k = 4 (29 × 29 blocks, the last ones cut short by the edge).
        let odd = Heatmap(rows: 113, columns: 113, values: (0..<12_769).map { Double($0 % 113) })
        XCTAssertEqual(VegaLiteRenderer.heatmapBlock([odd], budget: 1000), 4)
        XCTAssertEqual(odd.blockMean(row: 28, column: 28, size: 4), 112, "the last block holds one cell")
        XCTAssertEqual(odd.blockMean(row: 0, column: 28, size: 4), 112)
        XCTAssertEqual(odd.blockMean(row: 0, column: 0, size: 4), 1.5)
        // Too coarse to be worth drawing: fewer than 8 blocks across; a figure without data.
        let big = Heatmap(rows: 300, columns: 300, values: Array(repeating: 1, count: 90_000))
        XCTAssertNotNil(VegaLiteRenderer().render(Figure(title: "big", panel: Panel(heatmap: big))))
        XCTAssertNil(VegaLiteRenderer.heatmapBlock([big], budget: 60))
        XCTAssertNil(VegaLiteRenderer(options: VegaLiteOptions(maxHeatmapCells: 60)).render(Figure(title: "big", panel: Panel(heatmap: big))))
        XCTAssertNil(VegaLiteRenderer().render(Figure(title: "empty", panel: Panel())))
        // Infinity-filled cells stay infinity-filled when a whole block is.
        let never = Heatmap(rows: 2, columns: 2, values: [.infinity, .infinity, .infinity, .nan],
                            infinityFill: InfinityFill(color: 3, label: "never"))
        XCTAssertEqual(never.blockMean(row: 0, column: 0, size: 2), .infinity)
        XCTAssertTrue(Heatmap(rows: 1, columns: 1, values: [.nan]).blockMean(row: 0, column: 0, size: 2).isNaN)
    }

    func testSameFigureSameText() {
        for (name, figure) in TestData.figures {
            XCTAssertEqual(VegaLiteRenderer().render(figure), VegaLiteRenderer().render(figure), name)
        }
    }

    func testLossSpecSnapshot() throws {
        let object = try spec(TestData.figures[0].1)
        let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes])
        assertSnapshot(String(decoding: data, as: UTF8.self) + "\n", named: "loss.vl.json")
    }

    /// Every plot kind, the dashboard and a sweep's phase diagram against the v5 schema.
    func testEverySpecValidatesAgainstTheVegaLiteV5Schema() throws {
        var figures = TestData.figures
        figures.append(("dashboard", Figure.dashboard(TestData.dashboard)))
        figures.append(("llc_traces", Figure.llcTraces(run: "r", epoch: 100, component: "all", chains: [[1, 2, 1.5], [1, 1.2, 1.1]],
                                                       burnin: 1, initialLoss: 1, settings: "eps 0.001")))
        figures.append(("llc_calibration", Figure.llcCalibration(run: "r", epoch: 100, eps: ["1e-4", "1e-3"], nbeta: ["2", "20"],
                                                                 values: [1, 2, 3, 4], verdicts: ["ok", "not settled", "diverged", "ok"])))
        figures.append(("sweep", Figure.sweepPhaseDiagram(SweepPlotInput(
            title: "sweep", measure: "epochs to 95% test accuracy", xLabel: "wd", xValues: ["0.3", "1"], yLabel: "frac",
            yValues: ["0.3", "0.5"], median: [.infinity, 1200, 800, .nan], minimum: [.infinity, 1100, 700, .nan],
            maximum: [.infinity, 1300, 900, .nan]))))
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("wb-vegalite-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        var files: [String] = []
        for (name, figure) in figures {
            let text = try XCTUnwrap(VegaLiteRenderer().render(figure), name)
            let url = folder.appendingPathComponent("\(name).vl.json")
            try text.write(to: url, atomically: true, encoding: .utf8)
            files.append(url.path)
        }
        let report = try VegaLiteSchema.validate(files)
        XCTAssertEqual(report["checked"] as? Int, files.count)
        let errors = report["errors"] as? [[String: Any]] ?? [["message": "no report"]]
        XCTAssertTrue(errors.isEmpty, "schema errors: \(errors.prefix(5))")
    }
}

/// Runs `Scripts/vegalite_validate.py` on spec files and returns its report.
enum VegaLiteSchema {
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../Scripts/vegalite_validate.py").standardizedFileURL

    static func validate(_ files: [String]) throws -> [String: Any] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [ProcessInfo.processInfo.environment["PYTHON"] ?? "python3", script.path] + files
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        let errText = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0, let report = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw NSError(domain: "VegaLiteSchema", code: Int(process.terminationStatus), userInfo: [
                NSLocalizedDescriptionKey: "vegalite_validate.py failed (run Scripts/setup: it installs altair<6 and jsonschema): \(errText.suffix(2000))",
            ])
        }
        return report
    }
}
