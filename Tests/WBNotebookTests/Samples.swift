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
}
