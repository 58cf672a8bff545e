/// A notebook output as Jupyter represents it: the same shape in an `.ipynb` file (nbformat 4) and in the kernel's
/// iopub messages, so `wb export --ipynb` and `wb kernel` show a cell's outputs the same way.
/// Text is a `stdout` stream (each block ending in a newline, so consecutive streams do not run together), a warning a `stderr` stream, a figure `display_data` with its SVG and its title as plain
/// text, a dashboard of many checkpoints `display_data` with the HTML report's CSS-only slider, an error an `error` whose
/// traceback is the message's lines (a parse error's caret line among them).
public enum JupyterOutput: Equatable {
    case stream(name: String, text: String)
    /// Mime type → content, in the order given.
    case displayData([(mime: String, content: String)])
    case error(name: String, value: String, traceback: [String])

    /// The name `error` outputs carry.
    public static let errorName = "wb error"

    public init(_ output: NotebookOutput) {
        switch output {
        case .text(let text): self = .stream(name: "stdout", text: text + "\n")
        case .warning(let text): self = .stream(name: "stderr", text: "warning: " + text + "\n")
        case .error(let text): self = .error(name: Self.errorName, value: text, traceback: Bytes.lines(text))
        case .figure(let title, let svg):
            let label = title.isEmpty ? "figure" : title
            guard SVGSafety.problem(in: svg) == nil else {
                self = .stream(name: "stderr", text: "figure not shown (\(label)): unsafe SVG\n")
                return
            }
            self = .displayData([("image/svg+xml", svg), ("text/plain", label)])
        case .dashboard(let dashboard):
            let epochs = dashboard.frames.map { String($0.epoch) }
            let label = "\(dashboard.title.isEmpty ? "dashboard" : dashboard.title): \(dashboard.frames.count) checkpoints"
                + (epochs.isEmpty ? "" : " (epochs \(epochs.first!)–\(epochs.last!))")
            let html = "<style>\n" + DashboardHTML.css(frames: dashboard.frames.count) + "</style>\n"
                + DashboardHTML.render(dashboard, index: 1)
            self = .displayData([("text/html", html), ("text/plain", label)])
        }
    }

    public static func == (a: JupyterOutput, b: JupyterOutput) -> Bool {
        switch (a, b) {
        case let (.stream(n1, t1), .stream(n2, t2)): return n1 == n2 && t1 == t2
        case let (.displayData(d1), .displayData(d2)): return d1.map(\.mime) == d2.map(\.mime) && d1.map(\.content) == d2.map(\.content)
        case let (.error(n1, v1, t1), .error(n2, v2, t2)): return n1 == n2 && v1 == v2 && t1 == t2
        default: return false
        }
    }
}
