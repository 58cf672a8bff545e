import Foundation
import WBPlotting

/// Writes command output to the terminal: text as is, warnings and errors marked (in colour on a terminal unless
/// `NO_COLOR` is set), figures as terminal charts sized to the window.
public final class TerminalDisplay {
    public let interactive: Bool
    public let color: Bool
    private let out: (String) -> Void
    private let err: (String) -> Void

    public init(interactive: Bool = isatty(STDOUT_FILENO) != 0,
                color: Bool? = nil,
                out: @escaping (String) -> Void = { FileHandle.standardOutput.write(Data($0.utf8)) },
                err: @escaping (String) -> Void = { FileHandle.standardError.write(Data($0.utf8)) }) {
        self.interactive = interactive
        self.color = color ?? (interactive && ProcessInfo.processInfo.environment["NO_COLOR"] == nil)
        self.out = out
        self.err = err
    }

    func paint(_ text: String, _ code: String) -> String { color ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text }

    /// Where the terminal size comes from (tests set a fixed one).
    public var size: () -> (columns: Int, rows: Int) = TerminalDisplay.terminalSize

    /// Lines of the dashboard drawn last, while nothing else was shown after it (so the next one can replace it).
    private var dashboardLines: Int?
    /// Lines typed at the prompt since that dashboard was drawn.
    private var inputsSinceDashboard = 0

    public func line(_ text: String) {
        dashboardLines = nil
        out(text + "\n")
    }

    public func error(_ message: String) {
        dashboardLines = nil
        err(paint("error: ", "1;31") + message + "\n")
    }

    /// The prompt read a line (it takes one terminal line).
    public func inputEntered() { inputsSinceDashboard += 1 }

    public func promptStyle(_ prompt: String) -> String { prompt }

    public func show(_ output: CellOutput) {
        for block in output.blocks {
            switch block {
            case .text(let s): line(s)
            case .warning(let s): line(paint("warning: ", "33") + s)
            case .figure(let figure): line(renderFigure(figure))
            case .dashboard(let dashboard): showDashboard(dashboard, replacing: output.blocks.count == 1)
            case .dashboardSeries: break  // the command's text says what was recorded
            }
        }
        for key in output.facts.keys.sorted() { line(paint("(\(output.facts[key]!))", "2")) }
    }

    /// The dashboard sized to the terminal (leaving a line for the command above and the prompt below). When it follows
    /// a dashboard drawn after the last command line, at a terminal, it replaces that one in place.
    func showDashboard(_ dashboard: Dashboard, replacing: Bool) {
        let size = size()
        var environment = TerminalEnvironment.detect()
        if !color { environment.colorMode = .none }
        let lines: [String]
        do {
            lines = try DashboardTerminalLayout(width: size.columns, height: size.rows - 2, colorMode: environment.colorMode).render(dashboard)
        } catch var error as DashboardSizeError {
            // In terms of the whole window, with the two rows kept for the command line and the prompt.
            error.rows += 2
            error.wide.rows += 2
            error.stacked.rows += 2
            line(paint("warning: ", "33") + "\(error)")
            return
        } catch {
            line(paint("warning: ", "33") + "\(error)")
            return
        }
        var text = ""
        if replacing, interactive, let previous = dashboardLines, inputsSinceDashboard == 1 {
            text = "\u{1B}[\(previous + 1)A\r\u{1B}[J"
        }
        text += lines.map { $0 + "\n" }.joined()
        out(text)
        dashboardLines = lines.count
        inputsSinceDashboard = 0
    }

    private var lastProgress = Date.distantPast

    /// A progress line for long work other than training (e.g. analyses over checkpoints).
    public func progress(_ label: String, _ done: Int, _ total: Int) {
        let now = Date()
        guard now.timeIntervalSince(lastProgress) > (interactive ? 0.2 : 5) || done == total else { return }
        lastProgress = now
        let text = "\(label) \(done)/\(total)"
        err(interactive ? "\r\u{1B}[2K" + text : text + "\n")
    }

    public func endProgress() {
        if interactive && lastProgress != .distantPast { err("\r\u{1B}[2K") }
        lastProgress = .distantPast
    }

    /// The terminal size (columns, rows), from the window or `COLUMNS`/`LINES`, else 100×30.
    public static func terminalSize() -> (columns: Int, rows: Int) {
        var size = winsize()
        if ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 {
            return (Int(size.ws_col), Int(size.ws_row))
        }
        let env = ProcessInfo.processInfo.environment
        return (env["COLUMNS"].flatMap(Int.init) ?? 100, env["LINES"].flatMap(Int.init) ?? 30)
    }

    /// A figure as a terminal chart, sized to the window (at most 30 rows a panel row), coloured unless NO_COLOR.
    func renderFigure(_ figure: Figure) -> String {
        var environment = TerminalEnvironment.detect()
        if !color { environment.colorMode = .none }
        environment.height = max(10, min(environment.height - 4, 30))
        return environment.renderer.render(figure)
    }
}
