import Foundation

/// One key press read from a terminal in raw mode (see `KeyReader`), decoded from its bytes by `KeyDecoder`.
public enum Key: Equatable, Hashable, Sendable {
    /// A printable character (any script; UTF-8 decoded).
    case character(Character)
    /// Alt (Meta) with a printable character: ESC followed by the character.
    case alt(Character)
    case up(KeyModifiers), down(KeyModifiers), left(KeyModifiers), right(KeyModifiers)
    case home, end, pageUp, pageDown, insert, delete
    /// Return (CR) or line feed.
    case enter
    case tab
    /// Shift+Tab.
    case backTab
    case backspace
    /// A lone Escape: ESC with nothing following within the reader's escape timeout.
    case escape
    /// Ctrl-C (byte 0x03): in raw mode it arrives as a key, not as SIGINT.
    case interrupt
    /// Ctrl-D (byte 0x04).
    case endOfInput
    /// Another Ctrl+letter, as the lower-case letter (`control("l")` is Ctrl-L).
    case control(Character)
    /// F1…F12.
    case function(Int)
    /// An escape sequence this decoder does not know, without its leading ESC (so callers can ignore it safely).
    case unknown(String)
}

/// Modifier keys reported with arrows (xterm's `ESC [ 1 ; m X` form, and rxvt's lower-case Shift+arrows).
public struct KeyModifiers: OptionSet, Hashable, Sendable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    public static let shift = KeyModifiers(rawValue: 1)
    public static let alt = KeyModifiers(rawValue: 2)
    public static let control = KeyModifiers(rawValue: 4)
}

/// Turns the bytes a terminal sends into `Key`s. Pure, so it is tested without a terminal.
///
/// Knows: printable UTF-8; CR/LF (Enter), Tab, Backspace (0x7F and 0x08), Ctrl+letters; CSI sequences `ESC [ …`
/// (arrows with xterm modifiers `1;2` Shift, `1;3` Alt, `1;5` Ctrl; `H`/`F` Home/End; `n~` for Home 1/7, Insert 2,
/// Delete 3, End 4/8, PgUp 5, PgDn 6, F5–F12; `Z` Shift+Tab; rxvt's `a b c d` Shift+arrows); SS3 sequences `ESC O …`
/// (application-mode arrows, Home/End, F1–F4); ESC + character as Alt. A lone ESC is only an Escape once no more
/// bytes are coming (`final`), which `KeyReader` decides with a short timeout.
public enum KeyDecoder {
    static let esc: UInt8 = 0x1B

    /// The first key in `bytes` and how many bytes it used; nil when `bytes` is empty or holds only the start of a
    /// longer sequence and more may follow (`final == false`). With `final == true`, an unfinished sequence decodes as
    /// Escape (its remaining bytes are then decoded as keys of their own).
    public static func decode(_ bytes: ArraySlice<UInt8>, final: Bool) -> (key: Key, length: Int)? {
        guard let first = bytes.first else { return nil }
        if first == esc { return decodeEscape(bytes, final: final) }
        switch first {
        case 0x0D, 0x0A: return (.enter, 1)
        case 0x09: return (.tab, 1)
        case 0x7F, 0x08: return (.backspace, 1)
        case 0x03: return (.interrupt, 1)
        case 0x04: return (.endOfInput, 1)
        case 0x01...0x1A: return (.control(Character(Unicode.Scalar(first + 0x60))), 1)
        case 0x00...0x1F: return (.unknown(String(format: "^%02X", first)), 1)
        default: break
        }
        guard let (character, length) = utf8Character(bytes, final: final) else { return nil }
        return (.character(character), length)
    }

    /// Every complete key in `bytes` (with `final`, all of them), and the bytes left over (an unfinished sequence).
    public static func decodeAll(_ bytes: [UInt8], final: Bool) -> (keys: [Key], rest: [UInt8]) {
        var keys: [Key] = []
        var index = 0
        while index < bytes.count, let (key, length) = decode(bytes[index...], final: final) {
            keys.append(key)
            index += length
        }
        return (keys, Array(bytes[index...]))
    }

    private static func decodeEscape(_ bytes: ArraySlice<UInt8>, final: Bool) -> (key: Key, length: Int)? {
        let start = bytes.startIndex
        guard bytes.count >= 2 else { return final ? (.escape, 1) : nil }
        let second = bytes[start + 1]
        if second == UInt8(ascii: "[") { return decodeCSI(bytes, final: final) }
        if second == UInt8(ascii: "O") {
            guard bytes.count >= 3 else { return final ? (.escape, 1) : nil }
            let key: Key
            switch bytes[start + 2] {
            case UInt8(ascii: "A"): key = .up([])
            case UInt8(ascii: "B"): key = .down([])
            case UInt8(ascii: "C"): key = .right([])
            case UInt8(ascii: "D"): key = .left([])
            case UInt8(ascii: "H"): key = .home
            case UInt8(ascii: "F"): key = .end
            case UInt8(ascii: "M"): key = .enter
            case UInt8(ascii: "P")...UInt8(ascii: "S"): key = .function(Int(bytes[start + 2] - UInt8(ascii: "P")) + 1)
            default: key = .unknown("O" + String(decoding: [bytes[start + 2]], as: UTF8.self))
            }
            return (key, 3)
        }
        if second == esc { return (.escape, 1) }   // ESC ESC: the first is a lone Escape
        if second >= 0x20, second != 0x7F, let (character, length) = utf8Character(bytes.dropFirst(), final: final) {
            return (.alt(character), 1 + length)
        }
        if second >= 0x20, second != 0x7F, !final { return nil }
        return (.escape, 1)
    }

    /// `ESC [ params final`: params are digits and `;`, the final byte is in 0x40…0x7E.
    private static func decodeCSI(_ bytes: ArraySlice<UInt8>, final: Bool) -> (key: Key, length: Int)? {
        let start = bytes.startIndex
        var index = start + 2
        while index < bytes.endIndex, (0x20...0x3F).contains(bytes[index]) { index += 1 }
        guard index < bytes.endIndex else { return final ? (.escape, 1) : nil }
        let terminator = bytes[index]
        let length = index - start + 1
        guard (0x40...0x7E).contains(terminator) else { return (.escape, 1) }
        let paramText = String(decoding: bytes[(start + 2)..<index], as: UTF8.self)
        let params = paramText.split(separator: ";", omittingEmptySubsequences: false).map { Int($0) }
        // xterm: the second parameter is 1 + (shift 1 | alt 2 | ctrl 4).
        let modifiers = params.count >= 2 ? KeyModifiers(rawValue: UInt8(clamping: max(0, (params[1] ?? 1) - 1)) & 7) : []
        let key: Key
        switch terminator {
        case UInt8(ascii: "A"): key = .up(modifiers)
        case UInt8(ascii: "B"): key = .down(modifiers)
        case UInt8(ascii: "C"): key = .right(modifiers)
        case UInt8(ascii: "D"): key = .left(modifiers)
        case UInt8(ascii: "a"): key = .up(.shift)
        case UInt8(ascii: "b"): key = .down(.shift)
        case UInt8(ascii: "c"): key = .right(.shift)
        case UInt8(ascii: "d"): key = .left(.shift)
        case UInt8(ascii: "H"): key = .home
        case UInt8(ascii: "F"): key = .end
        case UInt8(ascii: "Z"): key = .backTab
        case UInt8(ascii: "~"):
            switch params.first ?? nil {
            case 1, 7: key = .home
            case 2: key = .insert
            case 3: key = .delete
            case 4, 8: key = .end
            case 5: key = .pageUp
            case 6: key = .pageDown
            case 15: key = .function(5)
            case 17, 18, 19, 20, 21: key = .function(params[0]! - 11)
            case 23, 24: key = .function(params[0]! - 12)
            default: key = .unknown("[" + paramText + "~")
            }
        default: key = .unknown("[" + paramText + String(decoding: [terminator], as: UTF8.self))
        }
        return (key, length)
    }

    /// One UTF-8 encoded character at the start of `bytes`; a malformed byte decodes as U+FFFD.
    private static func utf8Character(_ bytes: ArraySlice<UInt8>, final: Bool) -> (Character, Int)? {
        guard let lead = bytes.first else { return nil }
        let length: Int
        switch lead {
        case 0x00..<0x80: length = 1
        case 0xC2..<0xE0: length = 2
        case 0xE0..<0xF0: length = 3
        case 0xF0..<0xF5: length = 4
        default: return ("\u{FFFD}", 1)
        }
        guard bytes.count >= length else { return final ? ("\u{FFFD}", bytes.count) : nil }
        let slice = bytes.prefix(length)
        guard slice.dropFirst().allSatisfy({ $0 & 0xC0 == 0x80 }), let text = String(bytes: slice, encoding: .utf8),
              let character = text.first else {
            return ("\u{FFFD}", 1)
        }
        return (character, length)
    }
}
