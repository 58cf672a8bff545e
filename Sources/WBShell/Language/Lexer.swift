import WBTraining

/// Splits a command line into tokens: words, quoted strings, `..`, `,` and `;`. A `#` at the start of a line is a note
/// and is not lexed (the parser handles it). `key="a b"` stays one word with the quotes removed from the value; a comma
/// inside a word with a `/` (a sweep's point, `sweep/wd=0.3,seed=2`) stays in the word.
public enum Lexer {
    public static func tokens(_ line: String) throws -> [Token] {
        let chars = Array(line)
        var tokens: [Token] = []
        var i = 0
        func isWordChar(_ c: Character) -> Bool {
            !(c == " " || c == "\t" || c == "," || c == ";" || c == "\"" || c == "'")
        }
        while i < chars.count {
            let c = chars[i]
            if c == " " || c == "\t" || c == "\r" || c == "\n" { i += 1; continue }
            if c == "," { tokens.append(Token(kind: .comma, column: i, length: 1)); i += 1; continue }
            if c == ";" { tokens.append(Token(kind: .semicolon, column: i, length: 1)); i += 1; continue }
            if c == "\"" || c == "'" {
                let (text, end) = try quoted(chars, from: i, line: line)
                tokens.append(Token(kind: .string(text), column: i, length: end - i))
                i = end
                continue
            }
            // A word; `..` splits a range (0..1000), and `key="..."` keeps its quoted value inside the word.
            let start = i
            var text = ""
            // A comma inside a path (`load sweep/wd=0.3,seed=2`, a sweep's point) is part of the word.
            func pathComma(_ i: Int) -> Bool {
                chars[i] == "," && text.contains("/") && i + 1 < chars.count && isWordChar(chars[i + 1])
            }
            while i < chars.count && (isWordChar(chars[i]) || pathComma(i) || (text.hasSuffix("=") && (chars[i] == "\"" || chars[i] == "'"))) {
                if chars[i] == "\"" || chars[i] == "'" {
                    let (inner, end) = try quoted(chars, from: i, line: line)
                    text += inner
                    i = end
                    continue
                }
                // `..` after a number is a range (0..1000); anywhere else (`../runs/x`) it is part of the word.
                if chars[i] == ".", i + 1 < chars.count, chars[i + 1] == ".", NumberLiteral.integer(text) != nil {
                    break
                }
                text.append(chars[i])
                i += 1
            }
            if !text.isEmpty { tokens.append(Token(kind: .word(text), column: start, length: i - start)) }
            if i + 1 < chars.count, chars[i] == ".", chars[i + 1] == "." {
                tokens.append(Token(kind: .range, column: i, length: 2))
                i += 2
            }
        }
        return tokens
    }

    private static func quoted(_ chars: [Character], from start: Int, line: String) throws -> (String, Int) {
        let quote = chars[start]
        var i = start + 1
        var text = ""
        while i < chars.count && chars[i] != quote {
            if chars[i] == "\\", i + 1 < chars.count { text.append(chars[i + 1]); i += 2; continue }
            text.append(chars[i])
            i += 1
        }
        guard i < chars.count else {
            throw ParseError("unterminated string: add a closing \(quote)", column: start, line: line)
        }
        return (text, i + 1)
    }
}
