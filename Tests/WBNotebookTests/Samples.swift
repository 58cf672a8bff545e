import Foundation
@testable import WBNotebook

/// Notebooks shared by the tests.
enum Samples {
    static let smallSVG = """
    <svg xmlns="http://www.w3.org/2000/svg" id="wbf-test1" viewBox="0 0 200 100" width="200" height="100">
    <title id="wbf-test1-title">Loss</title>
    <style>
    #wbf-test1 text{fill:currentColor}
    </style>
    <defs><clipPath id="wbf-test1-clip"><rect x="10" y="10" width="180" height="80"/></clipPath></defs>
    <rect x="10" y="10" width="180" height="80" fill="none" stroke="currentColor"/>
    <path d="M10 20 L60 70 L190 85" stroke="#1f77b4" fill="none" clip-path="url(#wbf-test1-clip)"/>
    <text x="100" y="98" text-anchor="middle">epoch</text>
    </svg>
    """

    /// A notebook like the recorder produces: notes with headings, commands with every kind of output, facts.
    static var grokking: Notebook {
        Notebook(
            cells: [
                NotebookCell(id: "intro", kind: .note, source: """
                # Grokking modular addition

                A one-layer transformer learns (a + b) mod 113.
                ## Setup
                Weight decay 1.0, lr 1e-3.
                """),
                NotebookCell(id: "c2", kind: .command, source: "train p=113 epochs=3000", outputs: [
                    .text("run grok-113: 3000 epochs\nepoch 3000  train loss 0.0012  test loss 0.0009"),
                ]),
                NotebookCell(id: "c3", kind: .command, source: "plot loss", outputs: [
                    .figure(title: "Loss — grok-113", svg: smallSVG),
                    .warning("test loss is still falling at the last epoch"),
                ]),
                NotebookCell(id: "c4", kind: .note, source: "## Results\nThe model *groks* near epoch 1500."),
                NotebookCell(id: "c5", kind: .command, source: "at epoch 99999", outputs: [
                    .error("no checkpoint at epoch 99999 (last: 3000)"),
                ]),
            ],
            volatile: [
                "c2": ["seconds": "41.7", "date": "2025-06-01T10:12:03Z", "machine": "debian-x86_64-2cores"],
                "c3": ["seconds": "0.2"],
            ])
    }

    /// Outputs that look like markers, unicode, empty outputs, trailing newlines, CR, tabs.
    static var tricky: Notebook {
        Notebook(cells: [
            NotebookCell(id: "n1", kind: .note, source: "# Title\n\n#not a heading\n\n```\n# code\n```\n"),
            NotebookCell(id: "n2", kind: .note, source: ""),
            NotebookCell(id: "n3", kind: .note, source: " leading space and trailing  "),
            NotebookCell(id: "x", kind: .command, source: "plot loss  ", outputs: [
                .text("@end\n@cell c1\n# not a note\n| not content\n|\n@volatile\n@wbnb 1"),
                .text(""),
                .text("\n"),
                .text("ends with newline\n"),
                .text("  indented\ttab\r\nwindows line"),
                .warning("ünïcödé — 字 — 🙂 — e\u{301}"),
                .error("\u{301} combining mark first"),
                .figure(title: "", svg: "<svg></svg>"),
                .figure(title: " spaced title ", svg: "| <svg>\n@end\n</svg>"),
            ]),
            NotebookCell(id: "y_2-Z", kind: .command, source: "compare a b", outputs: []),
            NotebookCell(id: "n4", kind: .note, source: "\u{301}accent first\n| pipe\n@ at"),
            NotebookCell(id: "z", kind: .command, source: "x\r"),
        ], volatile: [
            "x": ["seconds": "1", "note.k-e_y": "a=b c  "],
            "gone": ["seconds": "2"],
        ])
    }

    /// A loss chart with three switchable epoch indicators, and one small figure per epoch.
    static let dashboardShared = """
    <svg xmlns="http://www.w3.org/2000/svg" id="wbf-shared" viewBox="0 0 200 100" width="200" height="100">
    <title id="wbf-shared-title">Loss</title>
    <path d="M10 20 L60 70 L190 85" stroke="#1f77b4" fill="none"/>
    <g class="wbis">
    <g class="wbi">
    <line x1="20" y1="10" x2="20" y2="90" stroke="currentColor"/>
    </g>
    <g class="wbi" display="none">
    <line x1="100" y1="10" x2="100" y2="90" stroke="currentColor"/>
    </g>
    <g class="wbi" display="none">
    <line x1="180" y1="10" x2="180" y2="90" stroke="currentColor"/>
    </g>
    </g>
    </svg>

    """

    static func dashboardFrame(_ epoch: Int, color: String) -> String {
        """
        <svg xmlns="http://www.w3.org/2000/svg" id="wbf-e\(epoch)" viewBox="0 0 200 100" width="200" height="100">
        <title id="wbf-e\(epoch)-title">at epoch \(epoch)</title>
        <rect x="10" y="10" width="180" height="80" fill="\(color)"><title>epoch \(epoch)</title></rect>
        </svg>

        """
    }

    static var dashboard: NotebookDashboard {
        NotebookDashboard(title: "Dashboard — grok, 3 checkpoints", shared: dashboardShared, frames: [
            .init(epoch: 0, svg: dashboardFrame(0, color: "#440154")),
            .init(epoch: 1500, svg: dashboardFrame(1500, color: "#21918c")),
            .init(epoch: 3000, svg: dashboardFrame(3000, color: "#fde725")),
        ])
    }

    /// A notebook holding a dashboard (format version 2).
    static var withDashboard: Notebook {
        Notebook(cells: [
            NotebookCell(id: "intro", kind: .note, source: "# Dashboards"),
            NotebookCell(id: "c2", kind: .command, source: "dashboard over range", outputs: [
                .text("dashboard over 3 checkpoints"),
                .dashboard(dashboard),
            ]),
        ], volatile: ["c2": ["seconds": "1.5"]])
    }
}
