import XCTest
@testable import WBPlotting

/// The dashboard: terminal layouts at several sizes (snapshots), the refusal of a too small terminal, the one-figure
/// SVG, the shared loss chart with switchable epoch indicators, hover tooltips and the cluster-size panel.
final class DashboardTests: XCTestCase {
    /// Wide (side by side) at 140×44 and 100×24, stacked at 80×40 and 60×50.
    func testTerminalLayoutSnapshots() throws {
        for (width, height) in [(140, 44), (100, 24), (80, 40), (60, 50)] {
            let lines = try DashboardTerminalLayout(width: width, height: height).render(TestData.dashboard)
            XCTAssertLessThanOrEqual(lines.count, height, "\(width)×\(height)")
            for line in lines { XCTAssertLessThanOrEqual(TextCanvas.displayWidth(line), width, "\(width)×\(height): \(line)") }
            assertSnapshot(lines.joined(separator: "\n") + "\n", named: "dashboard-\(width)x\(height).txt")
        }
    }

    func testWideAndStackedLayoutsDiffer() throws {
        let wide = try DashboardTerminalLayout(width: 140, height: 44).render(TestData.dashboard)
        let stacked = try DashboardTerminalLayout(width: 80, height: 40).render(TestData.dashboard)
        // Side by side: the loss and frequency titles share a line; stacked: each title has its own.
        XCTAssertTrue(wide.contains { $0.contains("Loss") && $0.contains("Embedding frequencies") })
        XCTAssertFalse(stacked.contains { $0.contains("Loss") && $0.contains("Embedding frequencies") })
        XCTAssertTrue(stacked.contains { $0.contains("Embedding frequencies") })
        XCTAssertEqual(wide[0], "Dashboard — p23-main at epoch 1200 (checkpoint 13 of 30)")
        XCTAssertTrue(wide[1].hasPrefix("train loss 1.234e-03 · test loss 4.567e-01 · accuracy 100.0% / 87.3%"), wide[1])
        // Every heatmap fits when there is room; a narrow terminal shows fewer.
        XCTAssertEqual(wide.joined().components(separatedBy: "neuron ").count - 1, 3)
        let narrow = try DashboardTerminalLayout(width: 44, height: 60).render(TestData.dashboard)
        XCTAssertEqual(narrow.joined().components(separatedBy: "neuron ").count - 1, 1)
    }

    func testFooterIsTheLastLine() throws {
        let lines = try DashboardTerminalLayout(width: 120, height: 40, footer: "← → step · q leaves").render(TestData.dashboard)
        XCTAssertEqual(lines.last, "← → step · q leaves")
        XCTAssertLessThanOrEqual(lines.count, 40)
    }

    func testATooSmallTerminalIsRefusedWithTheSizeNeeded() {
        for (width, height) in [(80, 24), (120, 15), (30, 100)] {
            XCTAssertThrowsError(try DashboardTerminalLayout(width: width, height: height).render(TestData.dashboard)) { error in
                XCTAssertEqual("\(error)", "the dashboard needs a terminal of at least 96×21 (or 40×39 with the panels stacked); "
                    + "this one is \(width)×\(height). Enlarge the window, or use `plot` for one panel at a time")
            }
        }
        // Exactly the sizes named work.
        XCTAssertNoThrow(try DashboardTerminalLayout(width: 96, height: 21).render(TestData.dashboard))
        XCTAssertNoThrow(try DashboardTerminalLayout(width: 40, height: 39).render(TestData.dashboard))
    }

    func testColorLayoutHasEscapesAndTheSameText() throws {
        let plain = try DashboardTerminalLayout(width: 120, height: 40).render(TestData.dashboard)
        let colored = try DashboardTerminalLayout(width: 120, height: 40, colorMode: .ansi256).render(TestData.dashboard)
        XCTAssertTrue(colored.joined().contains("\u{1B}["))
        XCTAssertEqual(colored.count, plain.count)
        // Apart from the heatmaps (half blocks in colour, shades of ASCII without), the text is the same.
        let stripped = colored.map { $0.replacingOccurrences(of: "\u{1B}\\[[0-9;]*m", with: "", options: .regularExpression) }
        var compared = 0
        for (a, b) in zip(stripped, plain) where !a.contains("▀") {
            XCTAssertEqual(a.trimmingCharacters(in: .whitespaces), b.trimmingCharacters(in: .whitespaces))
            compared += 1
        }
        XCTAssertGreaterThan(compared, 25)
    }

    func testSVGSnapshot() {
        let svg = SVGRenderer(options: .dashboard).render(.dashboard(TestData.dashboard))
        assertSnapshot(svg, named: "dashboard.svg")
        XCTAssertTrue(svg.contains(">epoch 1200 · train loss 1.234e-03 · test loss 4.567e-01"), "key numbers as the subtitle")
        for title in ["Loss", "Embedding frequencies", "Neuron clusters: 78% of 40", "neuron 0 (k=3)", "neuron 2 (no cluster)"] {
            XCTAssertTrue(svg.contains(">\(title)</text>"), title)
        }
    }

    func testFrameLeavesTheLossChartOut() {
        let frame = Figure.dashboardFrame(TestData.dashboard)
        XCTAssertEqual(frame.panels.map(\.title), ["Embedding frequencies", "Neuron clusters: 78% of 40", "neuron 0 (k=3)",
                                                   "neuron 1 (k=7)", "neuron 2 (no cluster)"])
        XCTAssertEqual(Figure.dashboard(TestData.dashboard).panels.first?.title, "Loss")
    }

    func testSwitchableEpochIndicators() throws {
        let figure = Figure.dashboardLoss(TestData.run, selection: TestData.selection, epochs: [300, 1200, 2200])
        let svg = SVGRenderer(options: .dashboardLoss).render(figure)
        let groups = svg.components(separatedBy: "<g class=\"wbis\">")
        XCTAssertEqual(groups.count, 2, "one set of indicators")
        let set = groups[1].components(separatedBy: "\n</g>\n</g>")[0]
        XCTAssertEqual(set.components(separatedBy: "<g class=\"wbi\"").count - 1, 3)
        XCTAssertEqual(set.components(separatedBy: "<g class=\"wbi\" display=\"none\">").count - 1, 2, "only the first is shown")
        let order = ["epoch 300", "epoch 1200", "epoch 2200"].map { set.range(of: ">\($0)</text>")!.lowerBound }
        XCTAssertEqual(order, order.sorted(), "in the order given")
        // Without the option, indicators are drawn as usual.
        let plain = SVGRenderer().render(figure)
        XCTAssertFalse(plain.contains("wbi"))
        XCTAssertEqual(plain.components(separatedBy: "class=\"ep\"").count - 1, 3)
    }

    func testTooltipsOnPointsBarsAndHeatmapBlocks() {
        let svg = SVGRenderer(options: .dashboard).render(.dashboard(TestData.dashboard))
        func titles(_ prefix: String) -> [String] {
            svg.components(separatedBy: "<title>").dropFirst().map { String($0.prefix { $0 != "<" }) }.filter { $0.hasPrefix(prefix) }
        }
        // Lines: at most 60 sampled points a series, with the series, x and y.
        XCTAssertEqual(titles("train: epoch ").count, 60)
        XCTAssertEqual(titles("test: epoch ").count, 60)
        XCTAssertTrue(titles("train: epoch 0, loss ").count == 1)
        // Bars: every frequency, key ones named so.
        XCTAssertEqual(titles("frequency k ").count, 11)
        XCTAssertTrue(titles("frequency k 3: ").first?.hasSuffix("(key frequency)") ?? false)
        // Cluster bars: by their tick labels.
        XCTAssertEqual(titles("3: 14"), ["3: 14 (clustered)"])
        XCTAssertEqual(titles("none: 9"), ["none: 9 (not clustered)"])
        // Heatmaps: 23 × 23 cells in 6 × 6 blocks of up to 4 × 4 cells, per neuron.
        XCTAssertEqual(titles("b ").count, 3 * 36)
        XCTAssertTrue(titles("b 0–3, a 0–3: mean ").count == 3)
        XCTAssertTrue(titles("b 20–22, a 20–22: mean ").count == 3, "the last block is smaller")
        XCTAssertFalse(SVGRenderer().render(.dashboard(TestData.dashboard)).contains("class=\"tip\""), "off by default")
    }

    func testHeatmapOptionsShrinkTheImage() {
        let figure = Figure.neuronActivations(Array(TestData.neurons.prefix(1)))
        func pngBytes(_ options: SVGOptions) -> Int {
            let svg = SVGRenderer(options: options).render(figure)
            guard let start = svg.range(of: "base64,") else { return 0 }
            return svg[start.upperBound...].prefix { $0 != "\"" }.count
        }
        let full = pngBytes(SVGOptions(heatmapEncoding: .png))
        let small = pngBytes(SVGOptions(heatmapEncoding: .png, heatmapPixelScale: 1, heatmapLevels: 64))
        XCTAssertGreaterThan(full, 0)
        XCTAssertLessThan(small * 2, full)
    }

    func testClusterSizesKeepTheLargestTenAndSumTheRest() {
        let frequencies = Array(1...14)
        let sizes = frequencies.map { $0 }   // cluster k holds k neurons
        let panel = Figure.clusterSizes(ClusterSizes(frequencies: frequencies, sizes: sizes, unclustered: 7, threshold: 0.85))
        XCTAssertEqual(panel.x.ticks?.map(\.label), ["5", "6", "7", "8", "9", "10", "11", "12", "13", "14", "other", "none"])
        XCTAssertEqual(panel.series[0].y.prefix(11), [5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 10])
        XCTAssertEqual(panel.series[1].y.last, 7)
        XCTAssertEqual(panel.title, "Neuron clusters: 94% of 112")
    }

    func testKeyNumbersLeaveOutWhatIsMissing() {
        XCTAssertEqual(DashboardNumbers(trainLoss: 0.5, testLoss: 2).line(epoch: 7), "epoch 7 · train loss 5.000e-01 · test loss 2.000e+00")
        XCTAssertEqual(DashboardNumbers(clusteredShare: 0.25).line(epoch: 0), "epoch 0 · neurons clustered 25.0%")
    }
}
