import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Picks terminal size and colour mode from the environment, for `TerminalRenderer`.
/// Kept apart from the renderer so rendering stays pure and testable.
public struct TerminalEnvironment: Sendable, Equatable {
    public var width: Int
    public var height: Int
    public var colorMode: TerminalColorMode

    public init(width: Int, height: Int, colorMode: TerminalColorMode) {
        self.width = width
        self.height = height
        self.colorMode = colorMode
    }

    /// A renderer with these settings.
    public var renderer: TerminalRenderer { TerminalRenderer(width: width, height: height, colorMode: colorMode) }

    /// Size from the terminal on `fd` (ioctl TIOCGWINSZ), else `COLUMNS`/`LINES`, else 80 × 24.
    /// Colour: none when `NO_COLOR` is set and not empty, or `fd` is not a terminal or `TERM=dumb`; true colour when
    /// `COLORTERM` is `truecolor` or `24bit`; otherwise 256 colours.
    public static func detect(environment env: [String: String] = ProcessInfo.processInfo.environment,
                              fd: Int32 = 1) -> TerminalEnvironment {
        let tty = isatty(fd) == 1
        var width = 0, height = 0
        if tty {
            var ws = winsize()
            if ioctl(fd, UInt(TIOCGWINSZ), &ws) == 0 {
                width = Int(ws.ws_col)
                height = Int(ws.ws_row)
            }
        }
        let fromEnv = resolve(environment: env, isTerminal: tty)
        return TerminalEnvironment(width: width > 0 ? width : fromEnv.width, height: height > 0 ? height : fromEnv.height,
                                   colorMode: fromEnv.colorMode)
    }

    /// The decision without touching the terminal: `COLUMNS`/`LINES` (default 80 × 24) and the colour rules above.
    public static func resolve(environment env: [String: String], isTerminal: Bool) -> TerminalEnvironment {
        let width = env["COLUMNS"].flatMap { Int($0) }.flatMap { $0 > 0 ? $0 : nil } ?? 80
        let height = env["LINES"].flatMap { Int($0) }.flatMap { $0 > 0 ? $0 : nil } ?? 24
        let mode: TerminalColorMode
        if !(env["NO_COLOR"] ?? "").isEmpty || !isTerminal || env["TERM"] == "dumb" {
            mode = .none
        } else if let ct = env["COLORTERM"]?.lowercased(), ct == "truecolor" || ct == "24bit" {
            mode = .trueColor
        } else {
            mode = .ansi256
        }
        return TerminalEnvironment(width: width, height: height, colorMode: mode)
    }
}
