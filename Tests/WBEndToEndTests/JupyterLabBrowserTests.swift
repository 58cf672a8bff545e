import Foundation
import XCTest
import WBTestSupport

/// wb's kernel in a real JupyterLab (installed by Scripts/setup) looked at in headless Chromium (Debian's, driven by
/// playwright) through `Python/jupyterlab_browser.py`: a notebook of `train`, `plot loss`, an error and `info` is run
/// with Run → Run All Cells, and what a person would see is asserted here (issue 26, "Figures you can explore").
/// The screenshot, the hover screenshot, the saved notebook and JupyterLab's log are copied to
/// `.build/test-artifacts/jupyterlab/` to look at after the test. Alone:
/// `WB_BINARY=.build/release/wb swift test --filter JupyterLabBrowserTests`, or without XCTest
/// `python3 Tests/WBEndToEndTests/Python/jupyterlab_browser.py .build/release/wb /tmp/jl` (`--static-vega` first checks the
/// Vega observations on pre-filled outputs).
final class JupyterLabBrowserTests: TemporaryFolderTestCase {
    func testRunAllInJupyterLabShowsAnExplorableFigure() throws {
        let out = try JupyterLabBrowser.run(in: root)
        let artifacts = JupyterLabBrowser.keepArtifacts(from: root)
        let seen = "\(JupyterLabBrowser.summary(out))\nlook at: \(artifacts)"
        XCTAssertNil(out["error"], "the driver failed: \(out["error"] ?? "")\n\(seen)")
        XCTAssertNotEqual(out["timeout"] as? Bool, true, "the driver reached its time limit\n\(seen)")
        XCTAssertEqual(out["run_finished"] as? Bool, true, "Run All Cells did not finish (started: \(out["run_started"] ?? "?"))\n\(seen)")

        // The live progress: the line "epoch N/M …" is text a person can read while the first cell trains.
        XCTAssertEqual(out["progress_visible_while_training"] as? Bool, true,
                       "no visible `epoch N/M` text in cell 1 while it trained\n\(seen)")

        // `plot loss`: a Vega chart (drawn as SVG or on a canvas), a tooltip with a number under the mouse, and the
        // mouse wheel over the plot zooms the x axis.
        XCTAssertEqual(out["vega"] as? Bool, true, "cell 2 (`plot loss`) shows no Vega chart\n\(seen)")
        XCTAssertTrue(out["vega_svg"] as? Bool == true || out["vega_canvas"] as? Bool == true,
                      "the Vega container holds neither an svg nor a canvas\n\(seen)")
        let tooltip = out["tooltip_text"] as? String ?? ""
        XCTAssertEqual(out["tooltip_visible"] as? Bool, true,
                       "no tooltip while the mouse went along the line (\(out["hover_points_tried"] ?? 0) points)\n\(seen)")
        XCTAssertNotNil(tooltip.rangeOfCharacter(from: .decimalDigits), "the tooltip has no number: '\(tooltip)'\n\(seen)")
        XCTAssertEqual(out["wheel_changed"] as? Bool, true, "the mouse wheel over the plot did not change the x axis "
                       + "(before: \(out["x_axis_before"] ?? "–"), after: \(out["x_axis_after"] ?? "–"))\n\(seen)")

        // The prompts: the three cells that ran have counts; `info`, aborted after the error, has none.
        let prompts = (out["prompts"] as? [Any])?.map { $0 as? String ?? "" } ?? []
        XCTAssertEqual(prompts.count, 4, "prompts: \(prompts)\n\(seen)")
        if prompts.count == 4 {
            for (index, prompt) in prompts.prefix(3).enumerated() {
                XCTAssertNotNil(prompt.range(of: #"^\[\d+\]:$"#, options: .regularExpression),
                                "cell \(index + 1) shows the prompt '\(prompt)', not an execution count\n\(seen)")
            }
            XCTAssertEqual(prompts[3], "[ ]:", "the aborted cell 4 (`info`) shows '\(prompts[3])'\n\(seen)")
        }

        XCTAssertEqual(out["screenshot_exists"] as? Bool, true, "no screenshot\n\(seen)")
        XCTAssertEqual((out["leftover_kernel_pids"] as? [Any])?.count, 0, "a wb kernel outlived JupyterLab\n\(seen)")
        XCTAssertEqual((out["leftover_chromium_pids"] as? [Any])?.count, 0, "Chromium outlived the test\n\(seen)")
    }
}

/// Runs `Python/jupyterlab_browser.py` with the wb under test and returns its JSON report.
enum JupyterLabBrowser {
    static let artifacts = KernelDriver.repository.appendingPathComponent(".build/test-artifacts/jupyterlab")

    static func run(_ options: String..., in folder: URL) throws -> [String: Any] {
        try PythonDriver.run("jupyterlab_browser.py", options + [KernelDriver.binary.path, folder.path], in: folder,
                             stderrName: "jupyterlab_browser.stderr", missing: "jupyterlab, playwright and chromium")
    }

    /// Copies the screenshots, the saved notebook and JupyterLab's log out of the temporary folder (removed after the
    /// test) to `.build/test-artifacts/jupyterlab/`; returns what it copied, for the failure messages.
    static func keepArtifacts(from folder: URL) -> String {
        let manager = FileManager.default
        try? manager.createDirectory(at: artifacts, withIntermediateDirectories: true)
        var kept: [String] = []
        for name in ["jupyterlab.png", "jupyterlab-hover.png", "jupyterlab-wheel-before.png", "jupyterlab-wheel-after.png", "test.ipynb", "jupyterlab.log", "jupyterlab_browser.stderr"] {
            let source = folder.appendingPathComponent(name), target = artifacts.appendingPathComponent(name)
            try? manager.removeItem(at: target)
            if (try? manager.copyItem(at: source, to: target)) != nil { kept.append(target.path) }
        }
        return kept.isEmpty ? "nothing (no screenshot or log was written)" : kept.joined(separator: ", ")
    }

    /// The observations in a few lines: each cell's prompt, output mime types and text, then the chart's facts.
    static func summary(_ out: [String: Any]) -> String {
        var lines: [String] = []
        for (index, cell) in ((out["cells"] as? [[String: Any]]) ?? []).enumerated() {
            let outputs = (cell["outputs"] as? [[String: Any]] ?? []).map { output -> String in
                let classes = (output["classes"] as? String ?? "").split(separator: " ")
                    .filter { $0.hasPrefix("jp-Rendered") }.joined(separator: " ")
                return "\(output["mime"] as? String ?? classes)"
            }
            let text = (cell["text"] as? String ?? "").replacingOccurrences(of: "\n", with: " ⏎ ").prefix(160)
            lines.append("cell \(index + 1) \(cell["prompt"] as? String ?? "?") outputs \(outputs): \(text)")
        }
        if let saved = out["saved"] as? [[String: Any]] {
            let types = saved.map { ($0["outputs"] as? [[String: Any]] ?? []).map { ($0["mime_types"] as? [String] ?? []).joined(separator: "+") } }
            lines.append("saved outputs' mime types per cell: \(types)")
        }
        for key in ["progress_seen", "progress_texts_after", "vega", "vega_svg", "vega_canvas", "images", "line_points",
                    "tooltip_text", "x_axis_before", "x_axis_after", "timings", "dialogs"] where out[key] != nil {
            lines.append("\(key): \(out[key]!)")
        }
        return lines.joined(separator: "\n")
    }
}
