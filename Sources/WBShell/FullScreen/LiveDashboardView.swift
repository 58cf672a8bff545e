import Foundation
import WBPlotting

/// `dashboard live` on the terminal (run by `FullScreen.run`, or by a test that calls `handle` and `frame` directly):
/// the dashboard of one checkpoint fills the window; → ↓ l j n Space step to the next checkpoint, ← ↑ h k p to the
/// previous, PgDn/PgUp ten at a time, Home/End (g/G) jump to the ends; z zooms the loss chart in around the shown
/// checkpoint, x (or Z) out, r back to the whole run (`ChartZoom`; the window follows the checkpoints); q, Esc, Enter or
/// Ctrl-C leave. Every panel changes together. Dashboards come from `load` (analyses through the cache, neuron grids kept in memory); while one is
/// being built the previous stays up with "computing epoch N…" in the footer, so a slow step is visible.
public final class LiveDashboardView: FullScreenView {
    /// The checkpoints the keys step through, ascending.
    public let epochs: [Int]
    public private(set) var index: Int
    /// The epochs the loss chart shows.
    public private(set) var zoom: ChartZoom
    private let load: (Int) throws -> Dashboard
    private var built: [Int: Dashboard] = [:]
    private var recent: [Int] = []
    private var shown: Dashboard?
    private var failure: (epoch: Int, message: String)?
    /// The epoch whose "computing" frame was drawn; the next frame builds it.
    private var announced: Int?
    /// Milliseconds the last frame took (building its dashboard if needed, and laying it out).
    public private(set) var lastFrameMilliseconds: Double = 0
    static let keptDashboards = 64

    /// `start` is the cursor's epoch (the nearest checkpoint when it is not among `epochs`).
    public init(epochs: [Int], start: Int, load: @escaping (Int) throws -> Dashboard) {
        precondition(!epochs.isEmpty, "a live dashboard needs checkpoints")
        self.epochs = epochs
        index = epochs.indices.min { abs(epochs[$0] - start) < abs(epochs[$1] - start) } ?? 0
        // The loss curves start at epoch 0 (the first metrics row), whichever checkpoint comes first.
        zoom = ChartZoom(lowest: min(0, epochs[0]), highest: epochs[epochs.count - 1])
        self.load = load
    }

    public var epoch: Int { epochs[index] }

    /// Builds the dashboard at the starting epoch (before the view takes over the screen, so its progress shows as usual).
    public func prepare() throws {
        let dashboard = try load(epoch)
        keep(dashboard)
        shown = dashboard
    }

    public var refreshInterval: Double? { built[epoch] == nil && failure?.epoch != epoch ? 0.001 : nil }

    public func handle(_ key: Key) -> Bool {
        let last = epochs.count - 1
        switch key {
        case .right, .down, .character("l"), .character("j"), .character("n"), .character(" "): index = min(last, index + 1)
        case .left, .up, .character("h"), .character("k"), .character("p"): index = max(0, index - 1)
        case .pageDown: index = min(last, index + 10)
        case .pageUp: index = max(0, index - 10)
        case .home, .character("g"): index = 0
        case .end, .character("G"): index = last
        case .character("z"): zoom.zoomIn(around: epoch)
        case .character("x"), .character("Z"): zoom.zoomOut(around: epoch)
        case .character("r"), .character("R"): zoom.reset()
        case .character("q"), .character("Q"), .escape, .enter, .interrupt, .endOfInput: return false
        default: break
        }
        zoom.follow(epoch)
        return true
    }

    public func frame(columns: Int, rows: Int, colorMode: TerminalColorMode) -> [String] {
        let start = DispatchTime.now().uptimeNanoseconds
        defer { lastFrameMilliseconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6 }
        let target = epoch
        var note: String?
        if built[target] == nil, failure?.epoch != target {
            if announced != target, shown != nil {
                announced = target
                note = "computing epoch \(target) (analyses from the cache when present, neuron activations)…"
            } else {
                do {
                    keep(try load(target))
                    failure = nil
                } catch {
                    failure = (target, "\(error)")
                }
                announced = nil
            }
        }
        if let dashboard = built[target] { shown = dashboard }
        if failure?.epoch == target { note = "epoch \(target): \(failure!.message)" }
        return lines(columns: columns, rows: rows, colorMode: colorMode, note: note)
    }

    /// The dashboard shown (the target's when built) with the footer, or the size it needs.
    private func lines(columns: Int, rows: Int, colorMode: TerminalColorMode, note: String?) -> [String] {
        let footer = note ?? "checkpoint \(index + 1) of \(epochs.count) · ←/→ step · PgUp/PgDn 10 · Home/End · "
            + "z/x zoom (\(zoom.level)×) · r whole run · q leaves"
        guard let dashboard = shown else { return [String(footer.prefix(columns))] }
        let window = zoom.isZoomed ? Double(zoom.window.lowerBound)...Double(zoom.window.upperBound) : nil
        do {
            return try DashboardTerminalLayout(width: columns, height: rows, colorMode: colorMode, footer: footer,
                                               lossWindow: window, lossTitle: zoom.isZoomed ? "Loss — \(zoom.description)" : nil)
                .render(dashboard)
        } catch {
            let text = "\(error)"
            return TerminalRendererWrap.lines(text, width: columns).prefix(max(1, rows - 1)) + ["q leaves"]
        }
    }

    private func keep(_ dashboard: Dashboard) {
        built[dashboard.epoch] = dashboard
        recent.removeAll { $0 == dashboard.epoch }
        recent.append(dashboard.epoch)
        while recent.count > Self.keptDashboards { built[recent.removeFirst()] = nil }
    }
}

/// Plain word wrapping for messages shown full screen.
enum TerminalRendererWrap {
    static func lines(_ text: String, width: Int) -> [String] {
        var lines: [String] = []
        var current = ""
        for word in text.split(separator: " ") {
            if !current.isEmpty, current.count + 1 + word.count > width {
                lines.append(current)
                current = ""
            }
            current += (current.isEmpty ? "" : " ") + word
        }
        if !current.isEmpty { lines.append(current) }
        return lines.map { String($0.prefix(width)) }
    }
}
