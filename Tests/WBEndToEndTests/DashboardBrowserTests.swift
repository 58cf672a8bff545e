import Foundation
import XCTest
import WBTestSupport
import WBNotebook
import WBPlotting
@testable import WBShell

/// The exported dashboard's CSS-only slider in a real browser: headless Chromium renders the report with different
/// radio inputs checked (no script runs), and the screenshots must differ where the slider acts — the loss chart's epoch
/// indicator and the checkpoint's panels — and be identical for the same selection.
final class DashboardBrowserTests: TemporaryFolderTestCase {
    static var chromium: String? {
        ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"].first {
            FileManager.default.isExecutableFile(atPath: $0)
        }
    }

    /// Three checkpoints of a synthetic p = 23 run, each with its own frequencies, clusters and neurons.
    static var series: DashboardSeries {
        let curves = SampleData.run(name: "demo", count: 60, every: 50)
        let frames = [(0, [3], 0.2), (1500, [3, 7], 1.0), (2950, [3, 7, 9], 2.0)].enumerated().map { i, spec in
            Dashboard(run: "demo", epoch: spec.0, numbers: DashboardNumbers(trainLoss: 1 / Double(i + 1), testLoss: 2 / Double(i + 1)),
                      curves: curves, frequencyNorms: SampleData.frequencyNorms(p: 23, keys: spec.1, strength: spec.2),
                      dominantFrequencies: spec.1,
                      clusters: ClusterSizes(frequencies: spec.1, sizes: spec.1.map { $0 * (i + 1) }, unclustered: 40 - 10 * i, threshold: 0.85),
                      neurons: [SampleData.neuron(i, p: 23, k: spec.1.last!)], neuronClusters: [spec.1.last])
        }
        return DashboardSeries(run: "demo", curves: curves, selection: SampleData.selection(last: 2950, every: 50), frames: frames)
    }

    func testTheSliderSwitchesTheIndicatorAndThePanelsWithoutScripts() throws {
        guard let chromium = Self.chromium else {
            return XCTFail("headless Chromium is needed for this test: run Scripts/setup (apt-get install -y chromium)")
        }
        let dashboard = NotebookRecorder.dashboard(Self.series)
        let notebook = Notebook(cells: [NotebookCell(id: "c1", kind: .command, source: "dashboard over range", outputs: [.dashboard(dashboard)])])
        let html = NotebookExport.html(notebook)
        XCTAssertFalse(html.lowercased().contains("<script"))
        // The slider itself is hidden (visibility keeps its inputs and their :checked state) so only what it moves shows.
        let page = html.replacingOccurrences(of: "</style>", with: ".dash>input{visibility:hidden}\n</style>")

        func checking(_ k: Int, _ html: String) -> String {
            var text = html.replacingOccurrences(of: " checked>", with: ">")
            let id = "id=\"dash-1-\(k)\""
            guard let at = text.range(of: id), let end = text[at.upperBound...].firstIndex(of: ">") else { return text }
            text.insert(contentsOf: " checked", at: end)
            return text
        }
        func removing(from start: String, to end: String, _ html: String) -> String {
            guard let a = html.range(of: start), let b = html.range(of: end, range: a.upperBound..<html.endIndex) else {
                XCTFail("no \(start) in the page")
                return html
            }
            return html.replacingCharacters(in: a.upperBound..<b.lowerBound, with: "\n")
        }
        let onlyShared = removing(from: "<div class=\"dash-frames\">", to: "</div>\n</figure>", page)
        let onlyFrames = removing(from: "<div class=\"dash-shared\">", to: "</div>\n<div class=\"dash-frames\">", page)

        let sharedFirst = try screenshot(checking(1, onlyShared), name: "shared-1", chromium: chromium)
        let sharedLast = try screenshot(checking(3, onlyShared), name: "shared-3", chromium: chromium)
        let framesFirst = try screenshot(checking(1, onlyFrames), name: "frames-1", chromium: chromium)
        let framesAgain = try screenshot(checking(1, onlyFrames), name: "frames-1b", chromium: chromium)
        let framesLast = try screenshot(checking(3, onlyFrames), name: "frames-3", chromium: chromium)
        XCTAssertGreaterThan(framesFirst.count, 1000, "a real screenshot")
        XCTAssertEqual(framesFirst, framesAgain, "the same selection renders the same")
        XCTAssertNotEqual(sharedFirst, sharedLast, "the loss chart's epoch indicator moves with the slider")
        XCTAssertNotEqual(framesFirst, framesLast, "the checkpoint's panels change with the slider")
    }

    /// A PNG screenshot of `html` (1000 × 1600) in headless Chromium (the page has no script, and its Content-Security-Policy
    /// would block one).
    private func screenshot(_ html: String, name: String, chromium: String) throws -> Data {
        let page = root.appendingPathComponent("\(name).html")
        let png = root.appendingPathComponent("\(name).png")
        try html.write(to: page, atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: chromium)
        process.arguments = ["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--no-first-run",
                             "--disable-extensions",
                             "--user-data-dir=\(root.appendingPathComponent("profile").path)", "--window-size=1000,1600",
                             "--screenshot=\(png.path)", page.absoluteString]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(60)
        while process.isRunning && Date() < deadline { usleep(50_000) }
        if process.isRunning { process.terminate(); XCTFail("chromium did not finish within 60 s") }
        XCTAssertEqual(process.terminationStatus, 0, "chromium failed on \(name)")
        return try Data(contentsOf: png)
    }
}
