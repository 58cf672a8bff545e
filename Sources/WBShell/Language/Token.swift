/// One lexical token of a command line, with the column (0-based, in characters) where it starts.
public struct Token: Equatable, Sendable {
    /// What the token is, with its text or value.
    public enum Kind: Equatable, Sendable {
        /// A bare word: a command, a keyword, a name, a number (`40k`, `1e-3`), a path, or `key=value` as one word.
        case word(String)
        /// A quoted string, quotes removed.
        case string(String)
        /// `..` between two numbers (`0..1000`).
        case range
        case comma
        case semicolon
    }
    public var kind: Kind
    public var column: Int
    public var length: Int

    public var text: String? {
        switch kind {
        case .word(let s), .string(let s): return s
        default: return nil
        }
    }
}

/// A command line that could not be read, with the column to point at.
public struct ParseError: Error, Equatable, CustomStringConvertible {
    public var message: String
    public var column: Int?
    public var line: String

    public init(_ message: String, column: Int? = nil, line: String = "") {
        self.message = message; self.column = column; self.line = line
    }

    /// The message, and when the column is known the line with a caret under it.
    public var description: String {
        guard let column, !line.isEmpty else { return message }
        return "\(message)\n  \(line)\n  \(String(repeating: " ", count: max(0, column)))^"
    }
}
