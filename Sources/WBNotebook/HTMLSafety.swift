import Foundation
import WBSupport

/// A tag read by `TagScanner`: its name (lowercased), whether it closes, and its attributes in order.
struct ScannedTag {
    var name: String
    var closing: Bool
    var attributes: [(name: String, value: String)]
    var selfClosing: Bool
}

/// Reads one tag starting at a `<`, the way an HTML parser splits names and attributes (quoted and unquoted values).
enum TagScanner {
    /// Returns the tag and the index just past its `>`, or nil when no tag starts at `start`.
    static func scan(_ s: [Unicode.Scalar], at start: Int) -> (ScannedTag, Int)? {
        var i = start + 1
        guard i < s.count else { return nil }
        var closing = false
        if s[i] == "/" { closing = true; i += 1 }
        guard i < s.count, s[i].properties.isAlphabetic, s[i].isASCII else { return nil }
        var name = ""
        while i < s.count, !isSpace(s[i]), s[i] != ">", s[i] != "/" {
            name.unicodeScalars.append(s[i]); i += 1
        }
        var attributes: [(String, String)] = []
        var selfClosing = false
        while i < s.count {
            if isSpace(s[i]) { i += 1; continue }
            if s[i] == ">" { return (ScannedTag(name: name.lowercased(), closing: closing, attributes: attributes,
                                                selfClosing: selfClosing), i + 1) }
            if s[i] == "/" { selfClosing = true; i += 1; continue }
            selfClosing = false
            var attr = ""
            // An attribute name may start with '=' (HTML quirk); it runs to space, '/', '>' or '='.
            attr.unicodeScalars.append(s[i]); i += 1
            while i < s.count, !isSpace(s[i]), s[i] != ">", s[i] != "/", s[i] != "=" {
                attr.unicodeScalars.append(s[i]); i += 1
            }
            while i < s.count, isSpace(s[i]) { i += 1 }
            var value = ""
            if i < s.count, s[i] == "=" {
                i += 1
                while i < s.count, isSpace(s[i]) { i += 1 }
                if i < s.count, s[i] == "\"" || s[i] == "'" {
                    let quote = s[i]
                    i += 1
                    while i < s.count, s[i] != quote { value.unicodeScalars.append(s[i]); i += 1 }
                    guard i < s.count else { return nil }
                    i += 1
                } else {
                    while i < s.count, !isSpace(s[i]), s[i] != ">" { value.unicodeScalars.append(s[i]); i += 1 }
                }
            }
            attributes.append((attr.lowercased(), value))
        }
        return nil
    }

    static func isSpace(_ c: Unicode.Scalar) -> Bool {
        c == " " || c == "\n" || c == "\t" || c == "\r" || c == "\u{0C}"
    }
}

/// Second line of defence for markdown rendered by Ink: keeps only the tags and attributes Ink itself produces, with
/// safe values, closes what is left open, and shows anything else as text.
enum MarkdownSanitizer {
    private static let allowed: Set<String> = [
        "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "em", "strong", "b", "i", "s", "del", "code", "pre",
        "blockquote", "ul", "ol", "li", "a", "table", "thead", "tbody", "tr", "th", "td",
    ]
    private static let void: Set<String> = ["br", "hr"]

    static func clean(_ html: String) -> String {
        let s = Array(html.unicodeScalars)
        var out = ""
        var open: [String] = []
        var i = 0
        while i < s.count {
            let c = s[i]
            if c == "<" {
                if let (tag, end) = TagScanner.scan(s, at: i) {
                    if let emitted = emit(tag, open: &open) {
                        out += emitted
                    } else {
                        out += XMLEscape.escape(String(String.UnicodeScalarView(s[i..<end])))
                    }
                    i = end
                } else {
                    out += "&lt;"
                    i += 1
                }
                continue
            }
            switch c {
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "&":
                if let end = entityEnd(s, i) {
                    out += String(String.UnicodeScalarView(s[i..<end]))
                    i = end
                    continue
                }
                out += "&amp;"
            default:
                out += XMLEscape.escape(String(c))
            }
            i += 1
        }
        for name in open.reversed() { out += "</\(name)>" }
        return out
    }

    /// `&name;`, `&#123;` or `&#x1F;` starting at `i`: the index after the `;`.
    private static func entityEnd(_ s: [Unicode.Scalar], _ i: Int) -> Int? {
        var j = i + 1
        var count = 0
        while j < s.count, count < 32, s[j].isASCII, s[j].properties.isAlphabetic || ("0"..."9").contains(s[j]) || s[j] == "#" {
            j += 1; count += 1
        }
        return (count > 0 && j < s.count && s[j] == ";") ? j + 1 : nil
    }

    private static func emit(_ tag: ScannedTag, open: inout [String]) -> String? {
        guard allowed.contains(tag.name) else { return nil }
        if tag.closing {
            guard let at = open.lastIndex(of: tag.name) else { return "" }  // stray closing tag: dropped
            let closed = open[at...].reversed().map { "</\($0)>" }.joined()
            open.removeSubrange(at...)
            return closed
        }
        var attributes = ""
        for (name, value) in tag.attributes {
            switch (tag.name, name) {
            case ("a", "href"):
                if let safe = safeLink(value) { attributes += " href=\"\(XMLEscape.escape(safe))\" rel=\"noopener noreferrer\"" }
            case ("ol", "start") where !value.isEmpty && value.count < 10 && value.allSatisfy({ $0.isASCII && $0.isNumber }):
                attributes += " start=\"\(value)\""
            case ("th", "align"), ("td", "align"):
                if ["left", "right", "center"].contains(value) { attributes += " align=\"\(value)\"" }
            case ("code", "class"):
                if value.hasPrefix("language-"), value.count < 64,
                   value.unicodeScalars.allSatisfy({ $0.isIDCharacter || $0 == "+" }) {
                    attributes += " class=\"\(value)\""
                }
            case ("h1", "id"), ("h2", "id"), ("h3", "id"), ("h4", "id"), ("h5", "id"), ("h6", "id"):
                if value.hasPrefix("h-"), value.unicodeScalars.allSatisfy({ $0.isIDCharacter }) {
                    attributes += " id=\"\(value)\""
                }
            default:
                break
            }
        }
        if !void.contains(tag.name) { open.append(tag.name) }
        return "<\(tag.name)\(attributes)>"
    }

    /// Keeps `#anchor`, `http:`, `https:` and `mailto:` targets (a link is never fetched by itself); nil otherwise.
    static func safeLink(_ raw: String) -> String? {
        let value = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !value.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else { return nil }
        let lower = value.lowercased()
        if lower.hasPrefix("#") || lower.hasPrefix("http://") || lower.hasPrefix("https://") || lower.hasPrefix("mailto:") {
            return value
        }
        return nil
    }
}

/// Checks an SVG output before it is inlined in a page: wb's renderer never emits scripts, event attributes or
/// external references, but a notebook file may have been edited by hand.
enum SVGSafety {
    private static let elements: Set<String> = [
        "svg", "g", "path", "rect", "circle", "ellipse", "line", "polyline", "polygon", "text", "tspan", "title",
        "desc", "defs", "style", "clippath", "mask", "lineargradient", "radialgradient", "stop", "pattern", "image",
        "use", "symbol", "marker",
    ]
    private static let namespaces: [String: String] = [
        "xmlns": "http://www.w3.org/2000/svg", "xmlns:xlink": "http://www.w3.org/1999/xlink",
    ]
    private static let dataImages = ["data:image/png;", "data:image/jpeg;", "data:image/gif;", "data:image/webp;"]

    /// Why `svg` must not be embedded, or nil when it is safe to inline.
    static func problem(in svg: String) -> String? {
        let trimmed = svg.trimmingCharacters(in: .whitespacesAndNewlines)
        let lower = trimmed.lowercased()
        guard lower.hasPrefix("<svg"), lower.hasSuffix("</svg>") else { return "not a single <svg> element" }
        for needle in ["javascript:", "vbscript:", "@import", "expression(", "<!", "<?", "]]>"] where lower.contains(needle) {
            return "contains '\(needle)'"
        }
        // Every url(…) must point inside the figure.
        var rest = Substring(lower)
        while let range = rest.range(of: "url(") {
            let after = rest[range.upperBound...].drop(while: { $0 == " " || $0 == "\"" || $0 == "'" })
            if after.first != "#" { return "an external url(…) reference" }
            rest = rest[range.upperBound...]
        }
        let s = Array(trimmed.unicodeScalars)
        var i = 0
        var openSVG = 0
        while i < s.count {
            guard s[i] == "<" else { i += 1; continue }
            guard let (tag, end) = TagScanner.scan(s, at: i) else { return "a '<' that does not start a tag" }
            guard elements.contains(tag.name) else { return "a <\(tag.name)> element" }
            if tag.name == "svg" {
                if tag.closing { openSVG -= 1 } else if !tag.selfClosing { openSVG += 1 }
                // Nothing may follow the outer </svg>.
                if openSVG == 0, end < s.count { return "content after the closing </svg>" }
            }
            for (name, value) in tag.attributes {
                if name.hasPrefix("on") { return "an event attribute '\(name)'" }
                if name.hasPrefix("xmlns") {
                    if namespaces[name] != value { return "an unexpected namespace '\(name)'" }
                    continue
                }
                if name == "href" || name.hasSuffix(":href") || name == "src" {
                    let v = value.trimmingCharacters(in: .whitespaces).lowercased()
                    if !(v.hasPrefix("#") || (tag.name == "image" && dataImages.contains(where: { v.hasPrefix($0) }))) {
                        return "an external reference in '\(name)'"
                    }
                }
            }
            i = end
        }
        return nil
    }

    /// The SVG ready to inline in HTML5 (namespace declarations are implied there).
    static func inlineForm(_ svg: String) -> String {
        var out = svg.trimmingCharacters(in: .whitespacesAndNewlines)
        for (name, value) in namespaces.sorted(by: { $0.key < $1.key }) {
            out = out.replacingOccurrences(of: " \(name)=\"\(value)\"", with: "")
        }
        return out
    }
}
