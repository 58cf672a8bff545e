import Foundation
import XCTest
import WBTestSupport

/// wb's kernel driven by real Jupyter clients (jupyter_client, nbclient and pyzmq, installed by Scripts/setup) through
/// `Python/kernel_driver.py`, which installs the kernelspec into a temporary JUPYTER_PATH, starts `wb kernel` as Jupyter
/// does and reports what it observed as JSON; the assertions are here.
final class JupyterClientTests: TemporaryFolderTestCase {
    func testProtocolThroughJupyterClient() throws {
        let out = try KernelDriver.run("protocol", in: root)
        let info = try XCTUnwrap(out["kernel_info"] as? [String: Any])
        XCTAssertEqual(info["protocol_version"] as? String, "5.3")
        XCTAssertEqual(info["implementation"] as? String, "wb")
        let language = try XCTUnwrap(info["language_info"] as? [String: Any])
        XCTAssertEqual(language["name"] as? String, "wb")
        XCTAssertEqual(language["file_extension"] as? String, ".wbnb")
        XCTAssertEqual(language["codemirror_mode"] as? String, "shell")
        XCTAssertEqual(language["pygments_lexer"] as? String, "bash")

        // `train` then `plot loss` in one cell: the live block, the summary as a stream, the figure as SVG.
        XCTAssertEqual(out["train_status"] as? String, "ok")
        let types = try XCTUnwrap(out["train_types"] as? [String])
        XCTAssertEqual(Array(types.prefix(3)), ["status", "execute_input", "display_data"])
        XCTAssertEqual(types.last, "status")
        XCTAssertTrue((out["train_text"] as? String ?? "").hasPrefix("k1: finished at epoch 300: train loss"))
        let figures = try XCTUnwrap(out["figures"] as? [[String: Any]])
        XCTAssertEqual(figures.count, 1)
        XCTAssertEqual(figures.first?["title"] as? String, "Loss — k1")
        XCTAssertEqual(figures.first?["svg_parses"] as? Bool, true, "the figure's SVG parses as XML")
        // The figure: a Vega-Lite spec (interactive in JupyterLab), the SVG, a PNG fallback and the title.
        XCTAssertEqual(Set(figures.first?["mimes"] as? [String] ?? []), ["application/vnd.vegalite.v5+json", "image/svg+xml", "image/png", "text/plain"])
        let spec = try XCTUnwrap(figures.first?["vegalite"] as? [String: Any], "the figure carries a Vega-Lite spec as an object")
        XCTAssertEqual(spec["schema"] as? String, "https://vega.github.io/schema/vega-lite/v5.json")
        XCTAssertEqual((spec["binds"] as? [String])?.contains("scales"), true, "wheel zoom and drag pan: an interval bound to the scales")
        XCTAssertGreaterThan(figures.first?["png"] as? Int ?? 0, 1000, "a PNG fallback from rsvg-convert")
        XCTAssertGreaterThanOrEqual(out["live_updates"] as? Int ?? 0, 2, "the progress block is shown and updated in place")
        XCTAssertEqual(out["live_display_ids"] as? Int, 2, "training shows two displays: the progress line and the chart")
        XCTAssertTrue((out["live_last_text"] as? String ?? "").hasPrefix("epoch 300/300 (100%)"))
        XCTAssertEqual(out["live_line_mimes"] as? [String], ["text/plain"], "the progress line is the display's only form, so it is seen")
        XCTAssertEqual(out["live_last_svg_parses"] as? Bool, true, "the final loss chart stays")
        XCTAssertNotNil(out["live_chart_vegalite"] as? [String: Any], "the live chart is interactive too")
        XCTAssertGreaterThan(out["live_chart_png"] as? Int ?? 0, 1000, "the final chart keeps a PNG")

        let complete = try XCTUnwrap(out["complete_tra"] as? [String: Any])
        XCTAssertEqual(complete["matches"] as? [String], ["train"])
        XCTAssertEqual(complete["cursor_start"] as? Int, 0)
        XCTAssertEqual(complete["cursor_end"] as? Int, 3)
        XCTAssertEqual((out["complete_key"] as? [String: Any])?["matches"] as? [String], ["wd="])
        let inspect = try XCTUnwrap(out["inspect_range"] as? [String: Any])
        XCTAssertEqual(inspect["found"] as? Bool, true)
        XCTAssertTrue(((inspect["data"] as? [String: Any])?["text/plain"] as? String ?? "").contains("show or set the checkpoint selection"))
        XCTAssertTrue((((out["inspect_key"] as? [String: Any])?["data"] as? [String: Any])?["text/plain"] as? String ?? "").contains("AdamW weight decay"))
        XCTAssertEqual((out["inspect_nothing"] as? [String: Any])?["found"] as? Bool, false)
        XCTAssertEqual((out["is_complete"] as? [String: Any])?["status"] as? String, "complete")
        XCTAssertEqual((out["is_complete_bad"] as? [String: Any])?["status"] as? String, "invalid")

        // An unknown command: an error reply with the message and caret, an `error` output, and the kernel serves on.
        let unknown = try XCTUnwrap(out["unknown_reply"] as? [String: Any])
        XCTAssertEqual(unknown["status"] as? String, "error")
        XCTAssertEqual(unknown["ename"] as? String, "wb error")
        XCTAssertEqual(unknown["traceback"] as? [String], ["unknown command 'frobnicate'. Type `help` for the list.", "  frobnicate", "  ^"])
        let unknownTypes = (out["unknown_iopub"] as? [[Any]])?.compactMap { $0.first as? String }
        XCTAssertEqual(unknownTypes, ["status", "execute_input", "error", "status"])
        // A cell queued behind a failing one (Run All): aborted, and without a count, so JupyterLab shows `[ ]:`.
        let aborted = try XCTUnwrap(out["aborted_reply"] as? [String: Any])
        XCTAssertEqual(aborted["status"] as? String, "aborted")
        XCTAssertNil(aborted["execution_count"], "an aborted cell gets no execution count")
        XCTAssertEqual(out["after_error_status"] as? String, "ok")
        XCTAssertTrue((out["after_error_text"] as? String ?? "").hasPrefix("run: k1 (runs/k1)"))

        // silent: nothing published but the status, the count unchanged; store_history false: counted as not run.
        let silent = try XCTUnwrap(out["silent"] as? [String: Any])
        XCTAssertEqual(silent["types"] as? [String], ["status", "status"])
        XCTAssertEqual(silent["count"] as? Int, 4)
        let noHistory = try XCTUnwrap(out["no_history"] as? [String: Any])
        XCTAssertEqual(noHistory["count"] as? Int, noHistory["before"] as? Int)
        let history = try XCTUnwrap((out["history"] as? [String: Any])?["history"] as? [[Any]])
        XCTAssertEqual(history.count, 2)
        XCTAssertEqual(history.last?[1] as? Int, 4)
        XCTAssertEqual((history.last?[2] as? [String])?.first, "info", "`runs` was not stored, `info` was")
        let search = try XCTUnwrap((out["history_search"] as? [String: Any])?["history"] as? [[Any]])
        XCTAssertEqual(search.map { $0[1] as? Int }, [1])
        XCTAssertEqual(((out["comm_info"] as? [String: Any])?["comms"] as? [String: Any])?.count, 0)

        // A message signed with a wrong key: ignored (no reply, nothing run) and logged.
        XCTAssertEqual(out["forged_reply"] as? Bool, false)
        XCTAssertEqual(out["forged_run_exists"] as? Bool, false)
        XCTAssertEqual(out["forged_logged"] as? Bool, true)
        XCTAssertEqual(out["after_forged_status"] as? String, "ok")

        // A confirmation goes to the front end as input_request; declined, nothing starts.
        XCTAssertEqual(out["input_prompt"] as? String, "the grid has 1001 points (more than 1000). Run it? [y/N] ")
        let declined = try XCTUnwrap(out["declined"] as? [String: Any])
        XCTAssertEqual(declined["status"] as? String, "ok")
        XCTAssertEqual(declined["text"] as? String, "sweep big: not started (1001 points)\n")
        XCTAssertEqual(declined["started"] as? Bool, false)
        let noInput = try XCTUnwrap(out["no_stdin"] as? [String: Any])
        XCTAssertEqual(noInput["status"] as? String, "error")
        XCTAssertTrue((noInput["evalue"] as? String ?? "").contains("--yes"), "\(noInput)")

        // restart: a new process with a fresh session (count from 1, no run loaded).
        let restart = try XCTUnwrap(out["restart"] as? [String: Any])
        XCTAssertEqual(restart["new_process"] as? Bool, true)
        XCTAssertEqual(restart["count"] as? Int, 1)
        XCTAssertTrue((restart["text"] as? String ?? "").hasPrefix("no run loaded"), "\(restart)")

        // shutdown: a reply, then the process ends by itself with status 0.
        XCTAssertEqual((out["shutdown_reply"] as? [String: Any])?["status"] as? String, "ok")
        XCTAssertEqual(out["exit_code"] as? Int, 0)
    }

    func testInterruptBySignalStopsTrainingWithItsCheckpoint() throws { try checkInterrupt("signal") }
    func testInterruptByMessageStopsTrainingWithItsCheckpoint() throws { try checkInterrupt("message") }

    private func checkInterrupt(_ mode: String) throws {
        let out = try KernelDriver.run("interrupt", mode, in: root)
        XCTAssertEqual(out["training_started"] as? Bool, true)
        let seconds = try XCTUnwrap(out["seconds"] as? Double)
        XCTAssertLessThan(seconds, 2, "the reply comes within 2 s of the interrupt")
        let reply = try XCTUnwrap(out["reply"] as? [String: Any])
        XCTAssertEqual(reply["status"] as? String, "error")
        XCTAssertEqual(reply["ename"] as? String, "Interrupted")
        let text = try XCTUnwrap(out["text"] as? String)
        XCTAssertTrue(text.hasPrefix("long: stopped at epoch "), text)
        XCTAssertTrue(text.contains("checkpoint saved"), text)
        let stopped = Int(text.dropFirst("long: stopped at epoch ".count).prefix { $0.isNumber }) ?? -1
        let checkpoints = try XCTUnwrap(out["checkpoints"] as? [String])
        XCTAssertEqual(checkpoints, ["0.safetensors", "\(stopped).safetensors"], "the epoch reached is on disk")
        XCTAssertGreaterThan(stopped, 0)
        XCTAssertEqual(out["after_status"] as? String, "ok")
        XCTAssertTrue((out["after_text"] as? String ?? "").contains("progress: epoch \(stopped) of 1000000 (resume continues)"))
    }

    /// 10,000 malformed, truncated, wrongly signed or huge messages on the shell, control and stdin sockets.
    /// A front end killed with SIGKILL while a cell trains: the kernel notices within seconds, stops the cell as an
    /// interrupt would (its checkpoint on disk) and exits instead of training on for nobody.
    func testKernelExitsWhenItsFrontEndDies() throws {
        let out = try KernelDriver.run("orphan", in: root)
        XCTAssertEqual(out["front_end_status"] as? Int, -9)
        let seconds = try XCTUnwrap(out["kernel_exit_seconds"] as? Double, "the kernel outlived its front end by 30 s")
        XCTAssertLessThan(seconds, 5)
        let log = try XCTUnwrap(out["log"] as? String)
        XCTAssertTrue(log.contains("has gone; stopping the running cell"), log)
        let checkpoints = try XCTUnwrap(out["checkpoints"] as? [String])
        XCTAssertEqual(checkpoints.count, 2, "epoch 0 and the epoch reached: \(checkpoints)")
        XCTAssertEqual(checkpoints.first, "0.safetensors")
    }

    func testFuzzedMessagesNeitherCrashNorStopTheHeartbeat() throws {
        let out = try KernelDriver.run("fuzz", "10000", in: root)
        XCTAssertEqual(out["sent"] as? Int, 10_000)
        XCTAssertEqual(out["alive"] as? Bool, true)
        XCTAssertEqual(out["heartbeat_failures"] as? Int, 0)
        XCTAssertEqual(out["last_heartbeat"] as? Bool, true)
        XCTAssertEqual(out["kernel_info_after"] as? Bool, true)
        XCTAssertEqual(out["execute_after"] as? String, "ok")
        XCTAssertEqual(out["evil_run_exists"] as? Bool, false, "no unsigned or wrongly signed execute ran")
        XCTAssertGreaterThan(out["dropped_logged"] as? Int ?? 0, 3000)
        let kinds = try XCTUnwrap(out["kinds"] as? [String: Int])
        XCTAssertGreaterThan(kinds["huge"] ?? 0, 50)
    }

    /// The shipped quickstart, exported with `wb export --ipynb`, runs in nbclient on the wb kernel, and every text output
    /// is the `.wbnb`'s.
    func testExportedQuickstartRunsInNbclient() throws {
        let notebook = root.appendingPathComponent("quickstart.ipynb")
        let export = Process()
        export.executableURL = KernelDriver.binary
        export.arguments = ["export", "--ipynb", KernelDriver.repository.appendingPathComponent("Notebooks/quickstart.wbnb").path,
                            "-o", notebook.path]
        export.standardOutput = FileHandle.nullDevice
        try export.run()
        export.waitUntilExit()
        XCTAssertEqual(export.terminationStatus, 0)
        let exported = try JSONSerialization.jsonObject(with: Data(contentsOf: notebook)) as! [String: Any]
        let exportedCells = (exported["cells"] as! [[String: Any]]).filter { $0["cell_type"] as? String == "code" }
        XCTAssertEqual(((exported["metadata"] as? [String: Any])?["kernelspec"] as? [String: Any])?["name"] as? String, "wb")

        let out = try KernelDriver.run("notebook", notebook.path, in: root)
        let cells = try XCTUnwrap(out["cells"] as? [[String: Any]])
        XCTAssertEqual(cells.count, exportedCells.count)
        XCTAssertGreaterThan(cells.count, 10)
        for (index, (ran, recorded)) in zip(cells, exportedCells).enumerated() {
            let outputs = recorded["outputs"] as? [[String: Any]] ?? []
            let text = outputs.filter { $0["output_type"] as? String == "stream" }
                .map { ($0["text"] as? [String] ?? []).joined() }.joined()
            XCTAssertEqual(ran["stream"] as? String, text, "cell \(index + 1): \(ran["source"] ?? "")")
            XCTAssertEqual((ran["errors"] as? [String])?.count, 0)
            XCTAssertEqual(ran["execution_count"] as? Int, index + 1)
            let titles = outputs.compactMap { ($0["data"] as? [String: Any])?["text/plain"] as? [String] }.map { $0.joined() }
            let ranTitles = ran["titles"] as? [String] ?? []
            for title in titles { XCTAssertTrue(ranTitles.contains(title), "cell \(index + 1) shows \(title)") }
        }
    }
}

/// Runs `Python/kernel_driver.py` with the wb under test and returns its JSON report.
enum KernelDriver {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../..").standardizedFileURL

    /// `$WB_BINARY` (Scripts/test sets it to the release build), else the wb of the tests' build.
    static var binary: URL { WBProcess.binary }

    static func run(_ arguments: String..., in folder: URL) throws -> [String: Any] {
        try PythonDriver.run("kernel_driver.py", [arguments[0], binary.path, folder.path] + arguments.dropFirst(), in: folder,
                             stderrName: "driver-\(arguments[0]).stderr", missing: "jupyter_client and nbclient")
    }
}
