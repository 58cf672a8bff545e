import Foundation
import WBPlotting
import WBShell
import WBSweeps
import WBTraining

/// Long work in a cell, shown in place: one `display_data` with a `display_id`, then `update_display_data` at most twice a
/// second. Training shows the prompt's progress line (losses, accuracies, epochs/s, ETA) as text and the loss chart so
/// far as SVG; a sweep its live table; an analysis its progress. `finish` sends the final state, so the last chart stays
/// in the saved notebook. Sweep and analysis progress appear only after a second, so quick work leaves no progress line
/// behind in the notebook.
final class LiveDisplay {
    private let publish: (String, JSONValue) -> Void
    private let lock = NSLock()
    private var displayID: String?
    private var lastSent = Date.distantPast
    private var pending: (() -> [(mime: String, content: String)])?
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
        lock.lock(); defer { lock.unlock() }
        epochs.append(p.latest.epoch)
        trainLoss.append(p.latest.trainLoss)
        testLoss.append(p.latest.testLoss)
        let line = TrainingProgressView.describe(p)
        offer(final: p.epoch == p.targetEpochs, atOnce: true) { [self] in
            var data: [(mime: String, content: String)] = [("text/plain", line)]
            if epochs.count >= 2 {
                let curves = RunCurves(name: "training", epochs: epochs, trainLoss: trainLoss, testLoss: testLoss)
                data.insert(("image/svg+xml", SVGRenderer(options: .report).render(Figure.lossCurves(curves))), at: 0)
            }
            return data
        }
    }

    func sweep(_ p: SweepProgress) {
        lock.lock(); defer { lock.unlock() }
        offer(final: false, atOnce: false) { [("text/plain", SweepProgressView.lines(p).joined(separator: "\n"))] }
    }

    func progress(_ label: String, done: Int, total: Int) {
        lock.lock(); defer { lock.unlock() }
        offer(final: done >= total, atOnce: false) { [("text/plain", "\(label): \(done)/\(total)")] }
    }

    /// Sends what is still pending (the throttle may have held back the last update), unless nothing was shown yet.
    func finish() {
        lock.lock(); defer { lock.unlock() }
        if let data = pending, displayID != nil { send(data()) }
        pending = nil
    }

    /// Sends now when the last update is old enough (or this is the last one), else keeps it for later. The data is
    /// built only when it is sent (an SVG chart is not free).
    private func offer(final: Bool, atOnce: Bool, _ data: @escaping () -> [(mime: String, content: String)]) {
        let now = Date()
        if displayID == nil, !atOnce, now.timeIntervalSince(started) < Self.quietSeconds {
            return
        }
        if final || displayID == nil || now.timeIntervalSince(lastSent) >= Self.interval {
            send(data())
            pending = nil
        } else {
            pending = data
        }
    }

    private func send(_ data: [(mime: String, content: String)]) {
        let bundle = JSONValue.object(Dictionary(data.map { ($0.mime, JSONValue.string($0.content)) }, uniquingKeysWith: { a, _ in a }))
        let type = displayID == nil ? "display_data" : "update_display_data"
        let id = displayID ?? "wb-live-" + UUID().uuidString.lowercased()
        displayID = id
        lastSent = Date()
        publish(type, ["data": bundle, "metadata": [:], "transient": ["display_id": .string(id)]])
    }
}
