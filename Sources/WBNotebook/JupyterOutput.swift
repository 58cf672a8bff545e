import Foundation

/// A notebook output as Jupyter represents it: the same shape in an `.ipynb` file (nbformat 4) and in the kernel's
/// iopub messages, so `wb export --ipynb` and `wb kernel` show a cell's outputs the same way.
/// Text is a `stdout` stream (each block ending in a newline, so consecutive streams do not run together), a warning a
/// `stderr` stream, a figure `display_data` with its Vega-Lite spec (interactive in JupyterLab, VS Code and nbviewer) when
/// it has one, its SVG, a PNG of the SVG (what an untrusted notebook still shows; when `rsvg-convert` is installed) and
/// its title as plain text, a dashboard of many checkpoints `display_data` with the HTML report's CSS-only slider, an error an `error` whose
/// traceback is the message's lines (a parse error's caret line among them).
public enum JupyterOutput: Equatable {
    case stream(name: String, text: String)
    /// Mime type → content, in the order given. Content of a JSON mime type (`isJSON`) is JSON text, embedded as an
    /// object; PNG content is base64.
    case displayData([(mime: String, content: String)])
    case error(name: String, value: String, traceback: [String])

    /// The name `error` outputs carry.
    public static let errorName = "wb error"
    /// The Vega-Lite mime type JupyterLab 4 renders.
    public static let vegaLiteMime = "application/vnd.vegalite.v5+json"

    /// Whether a display's content of this mime type is JSON (an object in the message and the .ipynb), not a string.
    public static func isJSON(_ mime: String) -> Bool { mime == "application/json" || mime.hasSuffix("+json") }

    /// `rasterize`: the PNG fallback of a figure's SVG (nil: none). Tests and hot paths may leave it out.
    public init(_ output: NotebookOutput, rasterize: (String) -> Data? = SVGRasterizer.png) {
        switch output {
        case .text(let text): self = .stream(name: "stdout", text: text + "\n")
        case .warning(let text): self = .stream(name: "stderr", text: "warning: " + text + "\n")
        case .error(let text): self = .error(name: Self.errorName, value: text, traceback: Bytes.lines(text))
        case .figure(let title, let svg, let spec):
            let label = title.isEmpty ? "figure" : title
            guard SVGSafety.problem(in: svg) == nil else {
                self = .stream(name: "stderr", text: "figure not shown (\(label)): unsafe SVG\n")
                return
            }
            var data: [(mime: String, content: String)] = []
            if let spec, Self.isJSONObject(spec) { data.append((Self.vegaLiteMime, spec)) }
            data.append(("image/svg+xml", svg))
            if let png = rasterize(svg) { data.append(("image/png", png.base64EncodedString())) }
            data.append(("text/plain", label))
            self = .displayData(data)
        case .dashboard(let dashboard):
            let epochs = dashboard.frames.map { String($0.epoch) }
            let label = "\(dashboard.title.isEmpty ? "dashboard" : dashboard.title): \(dashboard.frames.count) checkpoints"
                + (epochs.isEmpty ? "" : " (epochs \(epochs.first!)–\(epochs.last!))")
            let html = "<style>\n" + DashboardHTML.css(frames: dashboard.frames.count) + "</style>\n"
                + DashboardHTML.render(dashboard, index: 1)
            self = .displayData([("text/html", html), ("text/plain", label)])
        }
    }

    /// Whether `text` parses as a JSON object (a spec read from a notebook file is checked before it is sent).
    static func isJSONObject(_ text: String) -> Bool {
        (try? JSONSerialization.jsonObject(with: Data(text.utf8))) is [String: Any]
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

/// What Jupyter's `language_info` says about wb, the same in the kernel's `kernel_info_reply` and in an exported
/// notebook's metadata. wb lines read like shell commands (`train p=113 frac=0.4`, `# a note`): the closest highlighters.
public enum JupyterLanguageInfo {
    public static let name = "wb"
    public static let mimetype = "text/x-wb"
    public static let fileExtension = ".wbnb"
    public static let pygmentsLexer = "bash"
    public static let codemirrorMode = "shell"
}
