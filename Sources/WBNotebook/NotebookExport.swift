import Foundation
import Ink
import WBSupport

/// Exports of a notebook: a self-contained HTML report and a Jupyter notebook (nbformat 4.5).
public enum NotebookExport {
    /// One self-contained HTML page: inline CSS (light and dark), inline SVG figures, no scripts, no external requests.
    /// `runs` are listed in the header with their configs (e.g. the contents of each run's `config.json`).
    public static func html(_ notebook: Notebook, runs: [(name: String, config: String)] = []) -> String {
        HTMLReport(notebook: notebook, runs: runs).render()
    }

    /// The notebook as nbformat 4.5 JSON: notes as markdown cells, commands as code cells with their outputs.
    public static func ipynb(_ notebook: Notebook) -> String {
        IPYNBWriter.render(notebook)
    }
}

// MARK: - HTML

/// Heading anchors collected while Ink renders notes (Ink calls modifiers synchronously, in document order).
private final class HeadingCollector {
    var entries: [(level: Int, id: String, html: String)] = []
    var used = Set<String>()

    /// A unique `h-…` anchor from a heading's text (HTML with entities; entities count as separators).
    func anchor(for text: String) -> String {
        var slug = ""
        var inEntity = false
        for scalar in text.lowercased().unicodeScalars {
            if scalar == "&" { inEntity = true }
            if inEntity {
                if scalar == ";" { inEntity = false }
                if !slug.isEmpty, slug.last != "-" { slug += "-" }
                continue
            }
            if scalar.isASCII, scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) {
                slug.unicodeScalars.append(scalar)
            } else if !slug.isEmpty, slug.last != "-" {
                slug += "-"
            }
            if slug.count >= 48 { break }
        }
        while slug.last == "-" { slug.removeLast() }
        let base = "h-" + (slug.isEmpty ? "section" : slug)
        var id = base
        var n = 2
        while used.contains(id) { id = "\(base)-\(n)"; n += 1 }
        used.insert(id)
        return id
    }
}

/// Makes raw HTML in markdown inert before Ink sees it: outside code blocks and code spans every `<` becomes `&lt;`
/// (Ink keeps entities as they are), so a note's `<script>` or `<img>` is shown as text and never swallows the
/// markdown after it. Code is left alone; Ink escapes it. Underscores inside words (`d_model`) are escaped too, since
/// Ink would otherwise read them as emphasis.
enum RawHTML {
    static func neutralized(_ markdown: String) -> String {
        var out: [String] = []
        var fence: String?
        for line in Bytes.lines(markdown) {
            let trimmed = line.drop(while: { $0 == " " })
            let indent = line.count - trimmed.count
            if let open = fence {
                if indent <= 3, trimmed.hasPrefix(open) { fence = nil }
                out.append(line)
                continue
            }
            if indent <= 3, trimmed.hasPrefix("```") || trimmed.hasPrefix("~~~") {
                fence = String(trimmed.prefix(3))
                out.append(line)
                continue
            }
            out.append(escapeOutsideCodeSpans(line))
        }
        return out.joined(separator: "\n")
    }

    private static func escapeOutsideCodeSpans(_ line: String) -> String {
        let chars = Array(line)
        var result = ""
        var i = 0
        while i < chars.count {
            if chars[i] == "`" {
                var run = 0
                while i + run < chars.count, chars[i + run] == "`" { run += 1 }
                // Find the closing run of the same length on this line.
                var j = i + run
                var close: Int?
                while j < chars.count {
                    if chars[j] == "`" {
                        var other = 0
                        while j + other < chars.count, chars[j + other] == "`" { other += 1 }
                        if other == run { close = j; break }
                        j += other
                    } else {
                        j += 1
                    }
                }
                if let close {
                    result += String(chars[i..<(close + run)])
                    i = close + run
                } else {
                    result += String(chars[i..<(i + run)])
                    i += run
                }
                continue
            }
            if chars[i] == "<" {
                result += "&lt;"
            } else if chars[i] == "_", i > 0, i + 1 < chars.count, chars[i - 1].isLetter || chars[i - 1].isNumber,
                      chars[i + 1].isLetter || chars[i + 1].isNumber {
                // CommonMark never reads an underscore inside a word (d_model) as emphasis; Ink does, so escape it.
                result += "\\_"
            } else {
                result += String(chars[i])
            }
            i += 1
        }
        return result
    }
}

private struct HTMLReport {
    let notebook: Notebook
    let runs: [(name: String, config: String)]

    func render() -> String {
        let headings = HeadingCollector()
        var parser = MarkdownParser()
        // Raw HTML in a note is shown as text, never passed through.
        parser.addModifier(Modifier(target: .html) { input in XMLEscape.escape(String(input.markdown)) })
        // Images would be fetched: show the alt text instead.
        parser.addModifier(Modifier(target: .images) { input in
            let alt = input.markdown.dropFirst(2).prefix(while: { $0 != "]" })
            return "[image: \(alt.replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: "\"", with: "&quot;"))]"
        })
        parser.addModifier(Modifier(target: .headings) { input in
            let html = input.html
            guard html.hasPrefix("<h"), html.count > 4, let level = Int(String(Array(html)[2])) else { return html }
            let inner = String(html.dropFirst(4).dropLast(5))
            let id = headings.anchor(for: HTMLReport.stripTags(MarkdownSanitizer.clean(inner)))
            headings.entries.append((level, id, inner))
            return "<h\(level) id=\"\(id)\">\(inner)</h\(level)>"
        })

        var body = ""
        var figureCount = 0
        var commandCount = 0
        let titleNote = notebook.cells.first(where: { $0.kind == .note })?.id
        var dashboardCount = 0
        var mostFrames = 0
        for cell in notebook.cells {
            let anchor = "cell-" + XMLEscape.escape(cell.id)
            switch cell.kind {
            case .note:
                // The header shows the title: the note it came from starts below its heading.
                let source = cell.id == titleNote ? Self.droppingLeadingHeading(cell.source, title: notebook.title) : cell.source
                if source.allSatisfy(\.isWhitespace) { continue }
                let rendered = MarkdownSanitizer.clean(parser.html(from: RawHTML.neutralized(source)))
                body += "<section class=\"cell note\" id=\"\(anchor)\">\n\(rendered)\n</section>\n"
            case .command:
                commandCount += 1
                body += "<section class=\"cell command\" id=\"\(anchor)\">\n"
                body += "<pre class=\"source\"><span class=\"prompt\" aria-hidden=\"true\">wb&gt; </span><code>"
                    + XMLEscape.escape(cell.source) + "</code></pre>\n"
                if let facts = notebook.volatile[cell.id], !facts.isEmpty {
                    let list = facts.sorted(by: { $0.key < $1.key })
                        .map { "\(XMLEscape.escape($0.key)) \(XMLEscape.escape($0.value))" }.joined(separator: " · ")
                    body += "<p class=\"facts\">\(list)</p>\n"
                }
                for output in cell.outputs {
                    switch output {
                    case .text(let text):
                        body += "<pre class=\"out text\">\(XMLEscape.escape(text))</pre>\n"
                    case .warning(let text):
                        body += "<div class=\"out warning\" role=\"note\"><span class=\"tag\">warning</span>"
                            + "<pre>\(XMLEscape.escape(text))</pre></div>\n"
                    case .error(let text):
                        body += "<div class=\"out error\" role=\"alert\"><span class=\"tag\">error</span>"
                            + "<pre>\(XMLEscape.escape(text))</pre></div>\n"
                    case .figure(let title, let svg, _):
                        figureCount += 1
                        let caption = title.isEmpty ? "" : "<figcaption>\(XMLEscape.escape(title))</figcaption>"
                        if let problem = SVGSafety.problem(in: svg) {
                            body += "<div class=\"out warning\"><span class=\"tag\">figure not shown</span><pre>"
                                + XMLEscape.escape("\(title.isEmpty ? "figure" : title): \(problem)") + "</pre></div>\n"
                        } else {
                            body += "<figure class=\"out figure\">\(caption)\n\(SVGSafety.inlineForm(svg))\n</figure>\n"
                        }
                    case .dashboard(let dashboard):
                        dashboardCount += 1
                        mostFrames = max(mostFrames, dashboard.frames.count)
                        body += DashboardHTML.render(dashboard, index: dashboardCount)
                    }
                }
                body += "</section>\n"
            }
        }

        let title = notebook.title ?? "wb notebook"
        var page = """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
        <meta name="color-scheme" content="light dark">
        <meta name="generator" content="wb">
        <title>\(XMLEscape.escape(title))</title>
        <style>
        \(Self.css)\(dashboardCount > 0 ? "\n" + DashboardHTML.css(frames: mostFrames) : "")
        </style>
        </head>
        <body>
        <header class="doc">
        <p class="kicker">wb notebook</p>
        <h1 class="doc-title">\(XMLEscape.escape(title))</h1>
        <p class="summary">\(notebook.cells.count) cells · \(commandCount) commands · \(figureCount) figures\(dashboardCount > 0 ? " · \(dashboardCount) dashboard\(dashboardCount == 1 ? "" : "s")" : "")</p>

        """
        if !runs.isEmpty {
            page += "<section class=\"runs\" aria-label=\"Runs\">\n<h2>Runs</h2>\n"
            for run in runs {
                page += "<details><summary>\(XMLEscape.escape(run.name))</summary><pre>\(XMLEscape.escape(run.config))</pre></details>\n"
            }
            page += "</section>\n"
        }
        page += "</header>\n"
        if !headings.entries.isEmpty {
            page += "<nav class=\"toc\" aria-label=\"Contents\">\n<h2>Contents</h2>\n<ul>\n"
            let top = headings.entries.map(\.level).min() ?? 1
            for entry in headings.entries {
                let text = Self.stripTags(MarkdownSanitizer.clean(entry.html))
                page += "<li class=\"l\(min(entry.level - top, 3))\"><a href=\"#\(entry.id)\">\(text)</a></li>\n"
            }
            page += "</ul>\n</nav>\n"
        }
        page += "<main>\n\(body)</main>\n<footer>Exported by wb from a .wbnb notebook.</footer>\n</body>\n</html>\n"
        return page
    }

    /// The note without its first line when that line is the heading `title` (the header already shows it).
    static func droppingLeadingHeading(_ source: String, title: String?) -> String {
        guard let title else { return source }
        var lines = source.split(separator: "\n", omittingEmptySubsequences: false)
        guard let first = lines.firstIndex(where: { !$0.allSatisfy(\.isWhitespace) }),
              let heading = MarkdownHeadings.atx(in: String(lines[first])).first, heading.text == title else { return source }
        lines.removeSubrange(...first)
        return lines.joined(separator: "\n")
    }

    /// Text of sanitized HTML (entities stay escaped).
    static func stripTags(_ html: String) -> String {
        var out = ""
        var inTag = false
        for scalar in html.unicodeScalars {
            if scalar == "<" { inTag = true } else if scalar == ">" { inTag = false } else if !inTag { out.unicodeScalars.append(scalar) }
        }
        return out
    }

    static let css = """
    :root{color-scheme:light dark;--bg:#fdfdfc;--fg:#1d1f23;--muted:#5f6570;--rule:#e2e4e8;--code-bg:#f3f4f6;\
    --accent:#2857c5;--warn-bg:#fff6e0;--warn-fg:#7a5200;--warn-rule:#e8c46a;--err-bg:#fdecec;--err-fg:#9b1c1c;\
    --err-rule:#e59a9a;--fig-bg:#ffffff}
    @media (prefers-color-scheme: dark){:root{--bg:#15171b;--fg:#e4e6ea;--muted:#9aa1ad;--rule:#2c3038;\
    --code-bg:#1e2127;--accent:#8fb0ff;--warn-bg:#2e2716;--warn-fg:#f0cf7a;--warn-rule:#6b5726;--err-bg:#341c1e;\
    --err-fg:#ffb4b4;--err-rule:#7a3438;--fig-bg:#1b1e23}}
    *{box-sizing:border-box}
    html{background:var(--bg);color:var(--fg)}
    body{margin:0 auto;max-width:58rem;padding:2rem 1.25rem 4rem;font:16px/1.55 system-ui,-apple-system,'Segoe UI',\
    'DejaVu Sans',sans-serif}
    a{color:var(--accent)}
    a:not([href]){color:inherit;text-decoration:none}
    pre,code{font-family:ui-monospace,'SFMono-Regular','DejaVu Sans Mono',Menlo,Consolas,monospace;font-size:.88rem}
    header.doc{border-bottom:1px solid var(--rule);padding-bottom:1rem;margin-bottom:1.5rem}
    .kicker{margin:0;color:var(--muted);font-size:.8rem;letter-spacing:.08em;text-transform:uppercase}
    .doc-title{margin:.2rem 0 .3rem;font-size:2rem;line-height:1.2}
    .summary{margin:0;color:var(--muted);font-size:.9rem}
    .runs h2,.toc h2{font-size:.8rem;letter-spacing:.08em;text-transform:uppercase;color:var(--muted);margin:1rem 0 .4rem}
    .runs details{margin:.2rem 0}
    .runs summary{cursor:pointer;font-family:ui-monospace,'DejaVu Sans Mono',monospace;font-size:.9rem}
    .runs pre{background:var(--code-bg);padding:.6rem .8rem;border-radius:6px;overflow:auto;max-height:20rem}
    nav.toc{border:1px solid var(--rule);border-radius:8px;padding:.2rem 1rem .6rem;margin-bottom:2rem}
    nav.toc ul{list-style:none;margin:0;padding:0}
    nav.toc li{margin:.15rem 0}
    nav.toc li.l1{padding-left:1.2rem}nav.toc li.l2{padding-left:2.4rem}nav.toc li.l3{padding-left:3.6rem}
    .cell{margin:1.2rem 0}
    .note h1,.note h2,.note h3{line-height:1.25;margin:1.6rem 0 .6rem}
    .note pre{background:var(--code-bg);padding:.6rem .8rem;border-radius:6px;overflow:auto}
    .note code{background:var(--code-bg);padding:.05rem .25rem;border-radius:4px}
    .note pre code{background:none;padding:0}
    .note blockquote{margin:0;padding-left:1rem;border-left:3px solid var(--rule);color:var(--muted)}
    .note table{border-collapse:collapse}.note th,.note td{border:1px solid var(--rule);padding:.25rem .6rem}
    pre.source{margin:0;padding:.55rem .8rem;background:var(--code-bg);border-left:3px solid var(--accent);\
    border-radius:0 6px 6px 0;overflow:auto;white-space:pre-wrap;word-break:break-word}
    .prompt{color:var(--muted);user-select:none}
    .facts{margin:.2rem 0 0;color:var(--muted);font-size:.75rem}
    pre.out.text{margin:.5rem 0 0;padding:.2rem .8rem;overflow-x:auto;white-space:pre}
    .out.warning,.out.error{margin:.5rem 0 0;padding:.4rem .8rem;border-radius:6px;border:1px solid}
    .out.warning{background:var(--warn-bg);color:var(--warn-fg);border-color:var(--warn-rule)}
    .out.error{background:var(--err-bg);color:var(--err-fg);border-color:var(--err-rule)}
    .out .tag{font-size:.72rem;font-weight:600;letter-spacing:.06em;text-transform:uppercase}
    .out.warning pre,.out.error pre{margin:.2rem 0 0;white-space:pre-wrap;word-break:break-word}
    figure.out{margin:.8rem 0 0;padding:.6rem;background:var(--fig-bg);border:1px solid var(--rule);border-radius:8px;\
    overflow-x:auto}
    figure.out figcaption{font-size:.8rem;color:var(--muted);margin:0 0 .3rem}
    figure.out svg{display:block;max-width:100%;height:auto;margin:0 auto}
    footer{margin-top:3rem;padding-top:1rem;border-top:1px solid var(--rule);color:var(--muted);font-size:.8rem}
    @media print{body{max-width:none}nav.toc{display:none}figure.out{break-inside:avoid}}
    """
}

// MARK: - ipynb

/// Writes nbformat 4.5 JSON by hand (`JSONValue.nbformatText`): keys sorted and one-space indentation (the layout
/// Jupyter itself writes), so the same notebook always gives the same bytes.
private enum IPYNBWriter {
    typealias JSON = JSONValue

    static func render(_ notebook: Notebook) -> String {
        var cells: [JSON] = []
        var used = Set<String>()
        for (index, cell) in notebook.cells.enumerated() {
            var id = NotebookCell.isValidID(cell.id) ? cell.id : "cell-\(index + 1)"
            var n = 2
            while used.contains(id) { id = "cell-\(index + 1)-\(n)"; n += 1 }
            used.insert(id)
            var metadata: [String: JSON] = [:]
            if let facts = notebook.volatile[cell.id], !facts.isEmpty {
                metadata["wb"] = .object(["volatile": .object(facts.mapValues { JSON.string($0) })])
            }
            switch cell.kind {
            case .note:
                cells.append(.object([
                    "cell_type": .string("markdown"), "id": .string(id), "metadata": .object(metadata),
                    "source": lines(cell.source),
                ]))
            case .command:
                cells.append(.object([
                    "cell_type": .string("code"), "execution_count": .null, "id": .string(id),
                    "metadata": .object(metadata), "outputs": .array(cell.outputs.map(output)),
                    "source": lines(cell.source),
                ]))
            }
        }
        var wbMetadata: [String: JSON] = ["format_version": .int(notebook.requiredFormatVersion)]
        if let title = notebook.title { wbMetadata["title"] = .string(title) }
        let root = JSON.object([
            "cells": .array(cells),
            "metadata": .object([
                "kernelspec": .object(["display_name": .string("wb"), "language": .string("wb"), "name": .string("wb")]),
                "language_info": .object([
                    "codemirror_mode": .string(JupyterLanguageInfo.codemirrorMode),
                    "file_extension": .string(JupyterLanguageInfo.fileExtension),
                    "mimetype": .string(JupyterLanguageInfo.mimetype),
                    "name": .string(JupyterLanguageInfo.name),
                    "pygments_lexer": .string(JupyterLanguageInfo.pygmentsLexer),
                ]),
                "wb": .object(wbMetadata),
            ]),
            "nbformat": .int(4),
            "nbformat_minor": .int(5),
        ])
        return root.nbformatText() + "\n"
    }

    static func output(_ output: NotebookOutput) -> JSON {
        switch JupyterOutput(output) {
        case .stream(let name, let text):
            return .object(["name": .string(name), "output_type": .string("stream"), "text": lines(text)])
        case .error(let name, let value, let traceback):
            return .object([
                "ename": .string(name), "evalue": .string(value), "output_type": .string("error"),
                "traceback": .array(traceback.map { .string($0) }),
            ])
        case .displayData(let data):
            var bundle: [String: JSON] = [:]
            for item in data {
                bundle[item.mime] = JupyterOutput.isJSON(item.mime) ? .verbatim(item.content)
                    : item.mime == "image/png" ? .string(item.content) : lines(item.content)
            }
            return .object(["data": .object(bundle), "metadata": .object([:]), "output_type": .string("display_data")])
        }
    }

    /// A multi-line string as nbformat stores it on disk: a list of lines, each but the last ending in "\n".
    static func lines(_ text: String) -> JSON {
        guard !text.isEmpty else { return .array([]) }
        let parts = Bytes.lines(text)
        var result: [JSON] = []
        for (i, part) in parts.enumerated() {
            if i < parts.count - 1 { result.append(.string(part + "\n")) } else if !part.isEmpty { result.append(.string(part)) }
        }
        return .array(result)
    }
}
