import WBSupport

/// The HTML of a notebook dashboard: one slider that moves every panel together, without scripts.
///
/// The slider is a group of radio inputs (one per checkpoint, labelled with its epoch), direct children of the
/// dashboard's `<figure>` before the shared chart and the frames, so CSS rules of the form
/// `input:nth-of-type(k):checked ~ .dash-frames > div:nth-of-type(k)` show the k-th frame and
/// `… ~ .dash-shared .wbi:nth-of-type(k)` the k-th epoch indicator of the loss chart drawn once. Radio inputs are
/// keyboard-accessible as they are: Tab reaches the group, the arrow keys move the selection.
enum DashboardHTML {
    /// Most tick labels under the slider.
    static let tickLabels = 7

    /// The dashboard's `<figure>`; `index` makes its input names and ids unique in the page.
    static func render(_ dashboard: NotebookDashboard, index: Int) -> String {
        let name = "dash-\(index)"
        let count = dashboard.frames.count
        let title = dashboard.title.isEmpty ? "Dashboard" : dashboard.title
        var html = "<figure class=\"out dash\" id=\"\(name)\">\n<figcaption>\(XMLEscape.escape(title))"
        html += count > 1 ? " — one slider for every panel (arrow keys move it)</figcaption>\n" : "</figcaption>\n"
        for (i, frame) in dashboard.frames.enumerated() {
            html += "<input type=\"radio\" name=\"\(name)\" id=\"\(name)-\(i + 1)\" aria-label=\"epoch \(frame.epoch)\" "
                + "title=\"epoch \(frame.epoch)\"\(i == 0 ? " checked" : "")>\n"
        }
        if count > 1 {
            html += "<div class=\"dash-ticks\" aria-hidden=\"true\">"
            var shown = Set<Int>()
            for j in 0..<min(tickLabels, count) {
                let i = Int((Double(j) * Double(count - 1) / Double(max(1, min(tickLabels, count) - 1))).rounded())
                guard shown.insert(i).inserted else { continue }
                let left = (Double(i) + 0.5) / Double(count) * 100
                html += "<label for=\"\(name)-\(i + 1)\" style=\"left:\(percent(left))%\">\(dashboard.frames[i].epoch)</label>"
            }
            html += "</div>\n"
        }
        html += "<div class=\"dash-shared\">\n\(inline(dashboard.shared, what: "the loss chart"))\n</div>\n<div class=\"dash-frames\">\n"
        for frame in dashboard.frames {
            html += "<div>\n\(inline(frame.svg, what: "epoch \(frame.epoch)"))\n</div>\n"
        }
        return html + "</div>\n</figure>\n"
    }

    /// An SVG ready to inline, or a notice when it is not safe to.
    private static func inline(_ svg: String, what: String) -> String {
        if let problem = SVGSafety.problem(in: svg) {
            return "<div class=\"out warning\"><span class=\"tag\">figure not shown</span><pre>"
                + XMLEscape.escape("\(what): \(problem)") + "</pre></div>"
        }
        return SVGSafety.inlineForm(svg)
    }

    private static func percent(_ v: Double) -> String {
        let hundredths = Int((v * 100).rounded())
        let fraction = hundredths % 100
        return "\(hundredths / 100)." + (fraction < 10 ? "0" : "") + "\(fraction)"
    }

    /// The page's dashboard rules, with one pair of `:checked` rules per slider position up to `frames`.
    static func css(frames: Int) -> String {
        var css = """
        figure.dash{display:flex;flex-wrap:wrap;align-items:center}
        figure.dash>figcaption,figure.dash>div{flex:0 0 100%}
        figure.dash svg{display:block;max-width:100%;height:auto}
        .dash>input{appearance:none;-webkit-appearance:none;flex:1 1 0;min-width:2px;height:18px;margin:.3rem 0 0;padding:0;\
        border:0;border-right:1px solid var(--fig-bg);background:var(--rule);cursor:pointer}
        .dash>input:hover{background:var(--muted)}
        .dash>input:checked{background:var(--accent)}
        .dash>input:focus-visible{outline:2px solid var(--accent);outline-offset:2px}
        .dash-ticks{position:relative;height:1.4em;font-size:.75rem;color:var(--muted)}
        .dash-ticks label{position:absolute;top:.1em;transform:translateX(-50%);white-space:nowrap;cursor:pointer}
        .dash-frames>div{display:none}
        .dash .wbi{display:none}

        """
        for k in 1...max(1, frames) {
            css += ".dash>input:nth-of-type(\(k)):checked~.dash-frames>div:nth-of-type(\(k)){display:block}\n"
            css += ".dash>input:nth-of-type(\(k)):checked~.dash-shared .wbi:nth-of-type(\(k)){display:inline}\n"
        }
        return css
    }
}
