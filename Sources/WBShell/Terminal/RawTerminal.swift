import Foundation

/// The size of a terminal window in character cells.
public struct TerminalSize: Equatable, Sendable {
    public var columns: Int
    public var rows: Int
    public init(columns: Int, rows: Int) { self.columns = columns; self.rows = rows }
}

/// A terminal switched to raw mode: keys arrive one by one, unechoed, and Ctrl-C / Ctrl-Z / Ctrl-\ arrive as bytes
/// (`Key.interrupt` …) instead of signals. Output processing is left on, so `\n` still moves to the start of a line.
///
/// The previous mode is restored by `restore()`, by `deinit`, and by `RawTerminal.session` on every exit path
/// (return or thrown error). Use it for full-screen modes (`range pick`, dashboards) together with `KeyReader`:
///
///     try RawTerminal.session(alternateScreen: true) { terminal in
///         let keys = KeyReader(fd: terminal.input)
///         terminal.write("\u{1B}[Hhello")
///         while let key = try keys.next(), key != .escape { … }
///     }
public final class RawTerminal {
    public let input: Int32
    public let output: Int32
    private var saved: termios
    private var isRaw = true
    private var onAlternateScreen = false

    /// Whether both descriptors are terminals (full-screen modes need both).
    public static func isAvailable(input: Int32 = STDIN_FILENO, output: Int32 = STDOUT_FILENO) -> Bool {
        isatty(input) == 1 && isatty(output) == 1
    }

    /// Switches `input` to raw mode; throws when it is not a terminal.
    public init(input: Int32 = STDIN_FILENO, output: Int32 = STDOUT_FILENO) throws {
        self.input = input
        self.output = output
        var original = termios()
        guard isatty(input) == 1, tcgetattr(input, &original) == 0 else { throw RawTerminalError.notATerminal }
        saved = original
        var raw = original
        raw.c_iflag &= ~tcflag_t(BRKINT | ICRNL | INPCK | ISTRIP | IXON)
        raw.c_cflag |= tcflag_t(CS8)
        raw.c_lflag &= ~tcflag_t(ECHO | ICANON | IEXTEN | ISIG)
        withUnsafeMutableBytes(of: &raw.c_cc) { cc in
            cc[Int(VMIN)] = 1
            cc[Int(VTIME)] = 0
        }
        // TCSADRAIN keeps keys typed ahead (they are read as keys now).
        guard tcsetattr(input, TCSADRAIN, &raw) == 0 else { throw RawTerminalError.notATerminal }
    }

    deinit { restore() }

    /// Leaves the alternate screen (if entered) and puts the terminal back as it was. Safe to call more than once.
    public func restore() {
        if onAlternateScreen { leaveAlternateScreen() }
        guard isRaw else { return }
        isRaw = false
        var original = saved
        _ = tcsetattr(input, TCSADRAIN, &original)
    }

    /// Runs `body` with the terminal in raw mode (and, with `alternateScreen`, on the alternate screen with the cursor
    /// hidden), restoring everything however `body` ends.
    public static func session<T>(input: Int32 = STDIN_FILENO, output: Int32 = STDOUT_FILENO, alternateScreen: Bool = true,
                                  _ body: (RawTerminal) throws -> T) throws -> T {
        let terminal = try RawTerminal(input: input, output: output)
        defer { terminal.restore() }
        if alternateScreen { terminal.enterAlternateScreen() }
        return try body(terminal)
    }

    /// The alternate screen (the shell's scrollback is left untouched), cursor hidden, no auto-wrap at the right edge.
    public func enterAlternateScreen() {
        guard !onAlternateScreen else { return }
        onAlternateScreen = true
        write("\u{1B}[?1049h\u{1B}[?25l\u{1B}[?7l\u{1B}[H\u{1B}[2J")
    }

    /// Back to the normal screen, as it was before `enterAlternateScreen`, with the cursor shown.
    public func leaveAlternateScreen() {
        guard onAlternateScreen else { return }
        onAlternateScreen = false
        write("\u{1B}[0m\u{1B}[?7h\u{1B}[?25h\u{1B}[?1049l")
    }

    /// Writes all of `text` to the output (retrying short writes and interrupted calls).
    public func write(_ text: String) {
        var bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeMutableBytes { Glibc.write(output, $0.baseAddress! + offset, $0.count - offset) }
            if n > 0 { offset += n } else if n < 0 && errno == EINTR { continue } else { return }
        }
    }

    /// The window size of the output (else the input) terminal.
    public func size() -> TerminalSize? { Self.size(of: output) ?? Self.size(of: input) }

    /// The window size of the terminal on `fd` (ioctl TIOCGWINSZ); nil when `fd` is not a terminal or reports 0 × 0.
    public static func size(of fd: Int32) -> TerminalSize? {
        var ws = winsize()
        guard ioctl(fd, UInt(TIOCGWINSZ), &ws) == 0, ws.ws_col > 0, ws.ws_row > 0 else { return nil }
        return TerminalSize(columns: Int(ws.ws_col), rows: Int(ws.ws_row))
    }
}

/// Why the terminal could not be put into raw mode.
public enum RawTerminalError: Error, CustomStringConvertible {
    case notATerminal
    public var description: String { "standard input is not a terminal" }
}
