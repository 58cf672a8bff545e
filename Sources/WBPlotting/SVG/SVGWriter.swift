import WBSupport
/// A byte buffer for building SVG text quickly, with fixed-precision numbers and escaped text.
struct SVGWriter {
    /// Stands for the figure id while rendering; replaced once the content hash is known.
    /// U+0001 can never come from user text, which `XMLEscape` scrubs of control characters.
    static let idPlaceholder: UInt8 = 0x01

    var bytes: [UInt8] = []

    init(capacity: Int = 16_384) { bytes.reserveCapacity(capacity) }

    @inline(__always) mutating func raw(_ s: String) { bytes.append(contentsOf: s.utf8) }

    /// Coordinates: one decimal (a tenth of a viewBox unit), trailing zeros trimmed.
    @inline(__always) mutating func num(_ v: Double) { NumberFormat.append(v, decimals: 1, to: &bytes) }

    /// Escaped text (element content or attribute value).
    mutating func text(_ s: String) { raw(XMLEscape.escape(s)) }

    /// `<id>-suffix`, with the figure id still a placeholder.
    mutating func id(_ suffix: String) {
        bytes.append(SVGWriter.idPlaceholder)
        if !suffix.isEmpty {
            bytes.append(UInt8(ascii: "-"))
            raw(suffix)
        }
    }

    /// `<text x y class anchor>escaped</text>`.
    mutating func label(_ s: String, x: Double, y: Double, anchor: String = "middle", cls: String = "", extra: String = "") {
        raw("<text x=\"")
        num(x)
        raw("\" y=\"")
        num(y)
        raw("\"")
        if anchor != "start" { raw(" text-anchor=\"\(anchor)\"") }
        if !cls.isEmpty { raw(" class=\"\(cls)\"") }
        if !extra.isEmpty { raw(" " + extra) }
        raw(">")
        text(s)
        raw("</text>\n")
    }

    mutating func line(_ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double, cls: String = "", extra: String = "") {
        raw("<line x1=\"")
        num(x1)
        raw("\" y1=\"")
        num(y1)
        raw("\" x2=\"")
        num(x2)
        raw("\" y2=\"")
        num(y2)
        raw("\"")
        if !cls.isEmpty { raw(" class=\"\(cls)\"") }
        if !extra.isEmpty { raw(" " + extra) }
        raw("/>\n")
    }

    mutating func rect(_ x: Double, _ y: Double, _ w: Double, _ h: Double, cls: String = "", extra: String = "") {
        raw("<rect x=\"")
        num(x)
        raw("\" y=\"")
        num(y)
        raw("\" width=\"")
        num(max(0, w))
        raw("\" height=\"")
        num(max(0, h))
        raw("\"")
        if !cls.isEmpty { raw(" class=\"\(cls)\"") }
        if !extra.isEmpty { raw(" " + extra) }
        raw("/>\n")
    }

    /// Finishes the document: replaces the id placeholder with `id`.
    func finish(id: String) -> String {
        let idBytes = Array(id.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + 64 * idBytes.count)
        for b in bytes {
            if b == SVGWriter.idPlaceholder { out.append(contentsOf: idBytes) } else { out.append(b) }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// FNV-1a 64-bit hash of the bytes written so far (stable across runs and platforms).
    func contentHash() -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in bytes {
            h ^= UInt64(b)
            h = h &* 0x100_0000_01b3
        }
        return h
    }
}

/// Approximate text widths for layout (SVG has no font metrics before rendering).
enum TextMetrics {
    /// Estimated width of `s` at `size` px in a sans-serif font.
    static func width(_ s: String, size: Double) -> Double {
        var w = 0.0
        for ch in s {
            if ch.isWide { w += 1.0 } else if ch == " " || ch == "." || ch == "," || ch == "i" || ch == "l" { w += 0.3 } else { w += 0.6 }
        }
        return w * size
    }
}

extension Character {
    /// True for characters a terminal shows two columns wide (emoji, CJK) — a close approximation of wcwidth.
    var isWide: Bool {
        guard let u = unicodeScalars.first else { return false }
        let v = u.value
        if unicodeScalars.count > 1 && unicodeScalars.contains(where: { $0.properties.isEmojiPresentation || $0.value == 0xFE0F }) { return true }
        if u.properties.isEmojiPresentation { return true }
        return (v >= 0x1100 && v <= 0x115F) || (v >= 0x2E80 && v <= 0xA4CF && v != 0x303F) || (v >= 0xAC00 && v <= 0xD7A3)
            || (v >= 0xF900 && v <= 0xFAFF) || (v >= 0xFE30 && v <= 0xFE4F) || (v >= 0xFF00 && v <= 0xFF60)
            || (v >= 0xFFE0 && v <= 0xFFE6) || (v >= 0x1F300 && v <= 0x1FAFF) || (v >= 0x20000 && v <= 0x3FFFD)
    }
}
