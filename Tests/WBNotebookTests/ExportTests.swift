import Foundation
import XCTest
@testable import WBNotebook

final class ExportTests: XCTestCase {
    static let hostileNote = """
    # Title <script>alert('t')</script>
    <script src="http://evil.example/x.js"></script>
    <img src="http://evil.example/p.png" onerror="alert(1)">
    Some <b onclick="alert(2)">bold</b> and <iframe src="https://evil.example"></iframe>.
    [bad](javascript:alert(3)) [quote](" onmouseover="alert(4)) ![pic](http://evil.example/pic.png)
    <div style="background:url(http://evil.example/bg)">block html</div>

    ```"><script>alert(5)</script>
    <script>in code</script>
    ```

    ## Second <em>heading</em> & more
    """

    static var hostile: Notebook {
        Notebook(cells: [
            NotebookCell(id: "n1", kind: .note, source: hostileNote),
            NotebookCell(id: "c2", kind: .command, source: "plot <script>alert(6)</script>", outputs: [
                .text("</pre><script>alert(7)</script>"),
                .warning("<img src=x onerror=alert(8)>"),
                .error("<svg onload=alert(9)>"),
                .figure(title: "<script>alert(10)</script>", svg: Samples.smallSVG),
            ]),
        ], volatile: ["c2": ["machine": "<script>alert(11)</script>"]])
    }

    /// All tag names in an HTML page (after `<` or `</`).
    private func tagNames(_ html: String) -> Set<String> {
        var names = Set<String>()
        let s = Array(html.unicodeScalars)
        for i in s.indices where s[i] == "<" {
            var j = i + 1
            if j < s.count, s[j] == "/" { j += 1 }
            var name = ""
            while j < s.count, s[j].properties.isAlphabetic || ("0"..."9").contains(s[j]) { name.unicodeScalars.append(s[j]); j += 1 }
            names.insert(name.lowercased())
        }
        return names
    }

    private static let pageTags: Set<String> = [
        "", "html", "head", "meta", "title", "style", "body", "header", "p", "h1", "h2", "h3", "h4", "h5", "h6",
        "section", "details", "summary", "pre", "nav", "ul", "ol", "li", "a", "main", "footer", "span", "code", "div",
        "figure", "figcaption", "em", "strong", "blockquote", "table", "thead", "tbody", "tr", "th", "td", "br", "hr",
        "svg", "defs", "clippath", "rect", "path", "text", "g", "line", "circle", "image", "lineargradient", "stop", "!doctype",
    ]

    func testHTMLIsSelfContainedAndEscapesHostileInput() {
        let html = NotebookExport.html(Self.hostile, runs: [
            (name: "<script>alert('run')</script>", config: "{\"name\": \"</pre><script>alert(12)</script>\"}"),
        ])
        let lower = html.lowercased()
        XCTAssertFalse(lower.contains("<script"), "a script tag survived")
        XCTAssertFalse(lower.contains("<iframe") || lower.contains("<img") || lower.contains("<b "), "raw HTML survived")
        XCTAssertFalse(lower.contains("javascript:") && lower.contains("href=\"javascript"))
        XCTAssertFalse(lower.contains("src=\"http") || lower.contains("<div style") || lower.contains("@import"))
        XCTAssertTrue(html.contains("&lt;div style=&quot;background:url(http://evil.example/bg)&quot;&gt;block html&lt;/div&gt;"))
        XCTAssertFalse(lower.contains("onmouseover=\"alert") && lower.contains("href=\"\" onmouseover"))
        XCTAssertTrue(tagNames(html).isSubset(of: Self.pageTags), "unexpected tags: \(tagNames(html).subtracting(Self.pageTags))")
        // Every attribute in the page is one we put there (no on… handlers anywhere inside a tag).
        for tag in html.components(separatedBy: "<").dropFirst() {
            let inside = tag.prefix(while: { $0 != ">" })
            XCTAssertNil(inside.range(of: #"\son[a-z]+\s*="#, options: .regularExpression), "event attribute in <\(inside)>")
        }
        // Hostile text is visible as text.
        XCTAssertTrue(html.contains("&lt;script&gt;alert(&#39;run&#39;)&lt;/script&gt;"))
        XCTAssertTrue(html.contains("&lt;/pre&gt;&lt;script&gt;alert(7)&lt;/script&gt;"))
        XCTAssertTrue(html.contains("&lt;img src=&quot;http://evil.example/p.png&quot;"))
        XCTAssertTrue(html.contains("[image: pic]"))
        XCTAssertTrue(html.contains("&lt;script&gt;in code&lt;/script&gt;"))
        XCTAssertTrue(html.contains("&lt;script&gt;alert(11)&lt;/script&gt;"))
        // Headings: title, anchors and contents.
        XCTAssertTrue(html.contains("<title>Title &lt;script&gt;alert(&#39;t&#39;)&lt;/script&gt;</title>"), html)
        XCTAssertTrue(html.contains("<h1 class=\"doc-title\">Title &lt;script&gt;alert(&#39;t&#39;)&lt;/script&gt;</h1>"))
        XCTAssertEqual(html.components(separatedBy: "Title &lt;script&gt;").count - 1, 2, "in <title> and the header, not again in the note")
        XCTAssertTrue(html.contains("<a href=\"#h-second-em-heading-em-more\">"))
    }

    func testUnderscoresInsideWordsAreNotEmphasis() {
        let notebook = try! Notebook.parse("# # T\n#\n# d_model and snake_case_name, `d_code`, but _this_ is emphasis\n")
        let html = NotebookExport.html(notebook)
        XCTAssertTrue(html.contains("<p>d_model and snake_case_name, <code>d_code</code>, but <em>this</em> is emphasis</p>"), html)
    }

    func testHTMLReport() {
        let html = NotebookExport.html(Samples.grokking, runs: [(name: "grok-113", config: "{\n  \"p\": 113\n}")])
        XCTAssertTrue(html.hasPrefix("<!DOCTYPE html>\n"))
        XCTAssertFalse(html.lowercased().contains("<script"))
        XCTAssertFalse(html.contains("http://") || html.contains("https://"), "no external references at all")
        XCTAssertFalse(html.contains("<link") || html.contains("@import") || html.contains(" src="))
        XCTAssertTrue(html.contains("@media (prefers-color-scheme: dark)"))
        XCTAssertTrue(html.contains("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none';"))
        XCTAssertTrue(html.contains("<h1 class=\"doc-title\">Grokking modular addition</h1>"))
        XCTAssertTrue(html.contains("<details><summary>grok-113</summary><pre>{\n  &quot;p&quot;: 113\n}</pre></details>"))
        // Table of contents, one entry per heading, with anchors that exist.
        // The title is the header's; the note it came from starts below it, so it is neither repeated nor listed.
        XCTAssertEqual(html.components(separatedBy: ">Grokking modular addition<").count - 1, 2, "<title> and the header only")
        XCTAssertFalse(html.contains("h-grokking-modular-addition"))
        for (id, text) in [("h-setup", "Setup"), ("h-results", "Results")] {
            XCTAssertTrue(html.contains("<a href=\"#\(id)\">\(text)</a>"), id)
            XCTAssertTrue(html.contains(" id=\"\(id)\">"), id)
        }
        // Notes rendered from markdown; commands as code with their outputs.
        XCTAssertTrue(html.contains("<em>groks</em>"))
        XCTAssertTrue(html.contains("<code>train p=113 epochs=3000</code>"))
        XCTAssertTrue(html.contains("<pre class=\"out text\">run grok-113: 3000 epochs\n"))
        XCTAssertTrue(html.contains("class=\"out warning\""))
        XCTAssertTrue(html.contains("class=\"out error\""))
        XCTAssertEqual(html.components(separatedBy: "<svg ").count - 1, 1)
        XCTAssertTrue(html.contains("<figcaption>Loss — grok-113</figcaption>\n<svg id=\"wbf-test1\""))
        XCTAssertTrue(html.contains("seconds 41.7"))
    }

    func testUnsafeFiguresAreNotEmbedded() {
        let unsafe = [
            "<svg><script>alert(1)</script></svg>",
            "<svg onload=\"alert(1)\"></svg>",
            "<svg><rect ONCLICK='x'/></svg>",
            "<svg><image href=\"http://evil.example/x.png\"/></svg>",
            "<svg><use xlink:href=\"https://evil.example/s.svg#a\"/></svg>",
            "<svg><rect style=\"fill:url( 'http://evil.example/p' )\"/></svg>",
            "<svg><foreignObject><div>x</div></foreignObject></svg>",
            "<svg><a href=\"#x\"><text>t</text></a></svg>",
            "<svg><set attributeName=\"href\" to=\"javascript:alert(1)\"/></svg>",
            "<svg><style>@import 'http://evil.example/x.css';</style></svg>",
            "<svg></svg><img src=x onerror=alert(1)><svg></svg>",
            "<svg><!-- --></svg>",
            "not svg at all",
            "<svg xmlns=\"http://evil.example/ns\"></svg>",
        ]
        for svg in unsafe {
            XCTAssertNotNil(SVGSafety.problem(in: svg), svg)
            let notebook = Notebook(cells: [NotebookCell(id: "a", kind: .command, source: "plot", outputs: [.figure(title: "f", svg: svg)])])
            let html = NotebookExport.html(notebook)
            XCTAssertFalse(html.contains("<svg"), svg)
            XCTAssertTrue(html.contains("figure not shown"), svg)
            XCTAssertFalse(NotebookExport.ipynb(notebook).contains("image/svg+xml"), svg)
        }
        XCTAssertNil(SVGSafety.problem(in: Samples.smallSVG))
        XCTAssertNil(SVGSafety.problem(in: "<svg><image href=\"data:image/png;base64,AAAA\"/><use href=\"#a\"/></svg>"))
    }

    func testIPYNBValidatesWithNbformat() throws {
        for (name, notebook) in [("grokking", Samples.grokking), ("tricky", Samples.tricky), ("hostile", Self.hostile),
                                 ("empty", Notebook()), ("dashboard", Samples.withDashboard)] {
            let json = NotebookExport.ipynb(notebook)
            // Structure, checked here.
            let root = try JSONSerialization.jsonObject(with: Data(json.utf8)) as! [String: Any]
            XCTAssertEqual(root["nbformat"] as? Int, 4)
            XCTAssertEqual(root["nbformat_minor"] as? Int, 5)
            let cells = root["cells"] as! [[String: Any]]
            XCTAssertEqual(cells.map { $0["id"] as! String }, notebook.cells.map(\.id), name)
            XCTAssertEqual(cells.map { $0["cell_type"] as! String },
                           notebook.cells.map { $0.kind == .note ? "markdown" : "code" }, name)
            for (cell, original) in zip(cells, notebook.cells) {
                XCTAssertEqual((cell["source"] as! [String]).joined(), original.source, name)
            }
            // And by Jupyter's own validator.
            try validateWithNbformat(json, name: name)
        }
        let json = NotebookExport.ipynb(Samples.grokking)
        XCTAssertTrue(json.contains("\"image/svg+xml\": ["))
        XCTAssertTrue(json.contains("\"output_type\": \"error\""))
        XCTAssertTrue(json.contains("\"name\": \"stdout\""))
        XCTAssertTrue(json.contains("\"seconds\": \"41.7\""))
        XCTAssertEqual(json, NotebookExport.ipynb(Samples.grokking), "deterministic")
    }

    /// A figure with its Vega-Lite spec exports as one bundle: the spec as a JSON object, the SVG, a PNG of it
    /// (rsvg-convert, installed by Scripts/setup) and the title; language_info names the highlighters as the kernel does;
    /// nbformat accepts it.
    func testIPYNBFigureBundleAndLanguageInfo() throws {
        let spec = #"{"$schema":"https://vega.github.io/schema/vega-lite/v5.json","data":{"values":[{"x":1,"y":2}]},"mark":"point","encoding":{"x":{"field":"x","type":"quantitative"}}}"#
        let notebook = Notebook(cells: [NotebookCell(id: "f", kind: .command, source: "plot loss",
                                                     outputs: [.figure(title: "Loss", svg: Samples.smallSVG, vegaLite: spec)])])
        let json = NotebookExport.ipynb(notebook)
        try validateWithNbformat(json, name: "vegalite")
        let root = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        let language = try XCTUnwrap((root["metadata"] as? [String: Any])?["language_info"] as? [String: Any])
        XCTAssertEqual(language["pygments_lexer"] as? String, "bash")
        XCTAssertEqual(language["codemirror_mode"] as? String, "shell")
        let output = try XCTUnwrap(((root["cells"] as? [[String: Any]])?.first?["outputs"] as? [[String: Any]])?.first)
        let data = try XCTUnwrap(output["data"] as? [String: Any])
        XCTAssertEqual(Set(data.keys), ["application/vnd.vegalite.v5+json", "image/svg+xml", "image/png", "text/plain"])
        XCTAssertEqual((data["application/vnd.vegalite.v5+json"] as? [String: Any])?["mark"] as? String, "point", "the spec is an object")
        let png = try XCTUnwrap(Data(base64Encoded: data["image/png"] as? String ?? ""))
        XCTAssertEqual(Array(png.prefix(4)), [0x89, 0x50, 0x4E, 0x47])
        // A spec that is not a JSON object (a damaged file) is left out rather than sent.
        var damaged = notebook
        damaged.cells[0].outputs = [.figure(title: "Loss", svg: Samples.smallSVG, vegaLite: "{not json")]
        XCTAssertFalse(NotebookExport.ipynb(damaged).contains("vegalite"))
    }

    /// Text outputs (tables a command prints: sweep table, compare's milestones) keep their rows whole and scroll
    /// sideways in the report instead of wrapping.
    func testReportTextOutputsDoNotWrap() {
        let html = NotebookExport.html(Samples.grokking)
        XCTAssertTrue(html.contains("pre.out.text{margin:.5rem 0 0;padding:.2rem .8rem;overflow-x:auto;white-space:pre}"))
        XCTAssertFalse(html.contains("pre.out.text{margin:.5rem 0 0;padding:.2rem .8rem;overflow:auto;white-space:pre-wrap"))
    }

    private func validateWithNbformat(_ json: String, name: String) throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("wbnb-ipynb-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("\(name).ipynb").path
        try json.write(toFile: path, atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        let python = ProcessInfo.processInfo.environment["PYTHON"] ?? "python3"
        let script = """
        import sys
        try:
            import nbformat
        except ImportError:
            print("the Python package nbformat is missing; run Scripts/setup"); sys.exit(3)
        nbformat.validate(nbformat.reads(open(sys.argv[1], encoding="utf-8").read(), as_version=4))
        """
        process.arguments = [python, "-c", script, path]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        do {
            try process.run()
        } catch {
            return XCTFail("cannot run \(python) (\(error)); install python3 and run Scripts/setup")
        }
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        if process.terminationStatus == 127 {
            XCTFail("\(python) not found; install python3 and run Scripts/setup")
        } else if process.terminationStatus == 3 {
            XCTFail("nbformat is not installed: run Scripts/setup (it installs the Python package nbformat)")
        } else {
            XCTAssertEqual(process.terminationStatus, 0, "nbformat rejected \(name).ipynb:\n\(output)")
        }
    }

    /// Writes a sample report for `Scripts/check-html` when WB_NOTEBOOK_SAMPLE names a folder. Uses the plotting
    /// snapshots as real figures when they are present.
    func testWriteSampleExportWhenAsked() throws {
        guard let out = ProcessInfo.processInfo.environment["WB_NOTEBOOK_SAMPLE"] else { return }
        let snapshots = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("WBPlottingTests/Snapshots")
        var notebook = Samples.grokking
        for (index, name) in ["loss", "accuracy", "frequencies", "neurons"].enumerated() {
            guard let svg = try? String(contentsOf: snapshots.appendingPathComponent("\(name).svg"), encoding: .utf8) else { continue }
            notebook.append(NotebookCell(kind: .note, source: "## Figure \(index + 1): \(name)\nFrom the plotting snapshots."))
            notebook.append(NotebookCell(kind: .command, source: "plot \(name)", outputs: [.figure(title: name, svg: svg)]))
        }
        notebook.cells += Self.hostile.cells.map { cell in var c = cell; c.id = "h-" + c.id; return c }
        let folder = URL(fileURLWithPath: out)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try notebook.write(to: folder.appendingPathComponent("sample.wbnb"))
        try NotebookExport.html(notebook, runs: [(name: "grok-113", config: "{\n  \"p\": 113,\n  \"epochs\": 3000\n}"),
                                                 (name: "<b>hostile</b> run", config: "</pre><script>x</script>")])
            .write(to: folder.appendingPathComponent("sample.html"), atomically: true, encoding: .utf8)
        try NotebookExport.ipynb(notebook).write(to: folder.appendingPathComponent("sample.ipynb"), atomically: true, encoding: .utf8)
    }
}
