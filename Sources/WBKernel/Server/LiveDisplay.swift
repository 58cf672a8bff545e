import Foundation
import WBSupport
import WBNotebook
import WBPlotting
import WBShell
import WBSweeps
import WBTraining

/// Long work in a cell, shown in place: `display_data` with a `display_id`, then `update_display_data` at most twice a
/// second. Training shows two displays: the prompt's progress line (losses, accuracies, epochs/s, ETA) as text, and
/// under it the loss chart so far (Vega-Lite, with the SVG as fallback). They are separate because a front end shows
/// one form of a display: text beside a chart in one bundle would never be seen. A sweep shows its live table; an
/// analysis its progress. `finish` sends the final state (the chart then with its PNG), so the last line and chart stay
/// in the saved notebook. Sweep and analysis progress appear only after a second, so quick work leaves no progress line
/// behind in the notebook.
final class LiveDisplay {
    /// One display's mime bundle (mime, content), as `JupyterOutput.displayData` holds it.
    typealias Bundle = [(mime: String, content: String)]
    private let publish: (String, JSONValue) -> Void
    private let lock = NSLock()
    /// The display ids of the displays shown so far, in order (the progress line, then the chart).
    private var displayIDs: [String] = []
    private var lastSent = Date.distantPast
    /// The displays to send when the throttle allows; the argument says whether this is the final state.
    private var pending: ((Bool) -> [Bundle])?
    private let started = Date()
    /// How long sweep and analysis progress waits before it is shown.
    static let quietSeconds = 1.0
    private var epochs: [Int] = []
    private var trainLoss: [Double] = []
    private var testLoss: [Double] = []
    /// The shortest time between two updates.
    static let interval = 0.5

    init(publish: @escaping (String, JSONValue) -> Void) { self.publish = publish }

    func training(_ p: TrainingProgress) {
        lock.withLock { record(p) }
    }

    /// `training` under the lock.
    private func record(_ p: TrainingProgress) {
        epochs.append(p.latest.epoch)
        trainLoss.append(p.latest.trainLoss)
        testLoss.append(p.latest.testLoss)
        let line = TrainingProgressView.describe(p)
        offer(final: p.epoch == p.targetEpochs, atOnce: true) { [self] final in
            var displays: [Bundle] = [[("text/plain", line)]]
            if epochs.count >= 2 {
                let curves = RunCurves(name: "training", epochs: epochs, trainLoss: trainLoss, testLoss: testLoss)
                let figure = Figure.lossCurves(curves)
                let output = NotebookOutput.figure(title: figure.title, svg: SVGRenderer(options: .report).render(figure),
                                                   vegaLite: VegaLiteRenderer().render(figure))
                if case .displayData(let chart) = JupyterOutput(output, rasterize: final ? SVGRasterizer.png : { _ in nil }) {
                    displays.append(chart)
                }
            }
            return displays
        }
    }

    func sweep(_ p: SweepProgress) {
        lock.withLock {
            offer(final: false, atOnce: false) { _ in [[("text/plain", SweepProgressView.lines(p).joined(separator: "\n"))]] }
        }
    }

    func progress(_ label: String, done: Int, total: Int) {
        lock.withLock {
            offer(final: done >= total, atOnce: false) { _ in [[("text/plain", "\(label): \(done)/\(total)")]] }
        }
    }

    /// Sends what is still pending (the throttle may have held back the last update) as the final state, unless
    /// nothing was shown yet.
    func finish() {
        lock.withLock {
            if let data = pending, !displayIDs.isEmpty { send(data(true)) }
            pending = nil
        }
    }

    /// Sends now when the last update is old enough (or this is the last one), else keeps it for later. The data is
    /// built only when it is sent (an SVG chart is not free).
    private func offer(final: Bool, atOnce: Bool, _ data: @escaping (Bool) -> [Bundle]) {
        let now = Date()
        if displayIDs.isEmpty, !atOnce, now.timeIntervalSince(started) < Self.quietSeconds {
            return
        }
        if final || displayIDs.isEmpty || now.timeIntervalSince(lastSent) >= Self.interval {
            send(data(final))
            pending = nil
        } else {
            pending = data
        }
    }

    /// Shows the displays: the ones shown before are updated in place, new ones are added below them.
    private func send(_ displays: [Bundle]) {
        lastSent = Date()
        for (index, bundle) in displays.enumerated() {
            let type = index < displayIDs.count ? "update_display_data" : "display_data"
            if index == displayIDs.count { displayIDs.append("wb-live-" + UUID().uuidString.lowercased()) }
            publish(type, ["data": JupyterOutput.bundle(bundle), "metadata": [:],
                           "transient": ["display_id": .string(displayIDs[index])]])
        }
    }
}
