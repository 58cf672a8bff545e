import Foundation
import WBPlotting

/// A view that owns the whole terminal while it runs (`range pick`; live dashboards). It holds its own state: keys go
/// in through `handle`, frames come out of `frame`, so it is tested without a terminal by calling the two directly.
public protocol FullScreenView: AnyObject {
    /// The screen for a window of `columns` × `rows` cells: at most `rows` lines, none wider than `columns` cells
    /// (ANSI colour sequences allowed when `colorMode` is not `.none`).
    func frame(columns: Int, rows: Int, colorMode: TerminalColorMode) -> [String]
    /// Handles one key; returns false when the view is done.
    func handle(_ key: Key) -> Bool
    /// Seconds between redraws while no key comes (for live content); nil redraws only after a key or a resize.
    var refreshInterval: Double? { get }
}

extension FullScreenView {
    public var refreshInterval: Double? { nil }
}

/// Runs a `FullScreenView` on the terminal: raw mode, the alternate screen, a redraw after every key, on resizes and
/// every `refreshInterval`; the terminal is restored however the view ends (even on a thrown error). End of input
/// reaches the view as `Key.endOfInput` and ends it.
public enum FullScreen {
    public static func run(_ view: FullScreenView, input: Int32 = STDIN_FILENO, output: Int32 = STDOUT_FILENO,
                           colorMode: TerminalColorMode) throws {
        try RawTerminal.session(input: input, output: output, alternateScreen: true) { terminal in
            let keys = KeyReader(fd: terminal.input)
            var size = terminal.size() ?? TerminalSize(columns: 80, rows: 24)
            terminal.write(screen(view.frame(columns: size.columns, rows: size.rows, colorMode: colorMode)))
            while true {
                let key: Key?
                do { key = try keys.next(timeout: view.refreshInterval ?? 0.25) } catch KeyReaderError.endOfInput {
                    _ = view.handle(.endOfInput)
                    return
                }
                if let key {
                    guard view.handle(key) else { return }
                    // Keys already waiting (a held arrow key) are handled before the next frame is drawn.
                    while let more = try? keys.next(timeout: 0) {
                        guard view.handle(more) else { return }
                    }
                }
                let now = terminal.size() ?? size
                guard key != nil || now != size || view.refreshInterval != nil else { continue }
                size = now
                terminal.write(screen(view.frame(columns: size.columns, rows: size.rows, colorMode: colorMode)))
            }
        }
    }

    /// One frame as a single write: each line at its row, cleared to its end, and everything below the last cleared.
    static func screen(_ lines: [String]) -> String {
        var text = ""
        for (row, line) in lines.enumerated() { text += "\u{1B}[\(row + 1);1H" + line + "\u{1B}[0m\u{1B}[K" }
        return text + "\u{1B}[0m\u{1B}[J"
    }
}
