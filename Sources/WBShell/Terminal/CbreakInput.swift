import Foundation

/// A terminal input in "cbreak" mode while a long command runs (the live training block): keys arrive one at a time
/// and unechoed, for `KeyReader`, but Ctrl-C still raises SIGINT (unlike `RawTerminal`), so stopping training works as
/// at any other time. The previous mode is restored by `restore()` and by `deinit`.
final class CbreakInput {
    let fd: Int32
    private var saved: termios
    private var active = true

    /// nil when `fd` is not a terminal.
    init?(fd: Int32 = STDIN_FILENO) {
        var original = termios()
        guard isatty(fd) == 1, tcgetattr(fd, &original) == 0 else { return nil }
        self.fd = fd
        saved = original
        var mode = original
        mode.c_lflag &= ~tcflag_t(ECHO | ICANON)
        withUnsafeMutableBytes(of: &mode.c_cc) { cc in
            cc[Int(VMIN)] = 1
            cc[Int(VTIME)] = 0
        }
        guard tcsetattr(fd, TCSADRAIN, &mode) == 0 else { return nil }
    }

    deinit { restore() }

    func restore() {
        guard active else { return }
        active = false
        var original = saved
        _ = tcsetattr(fd, TCSADRAIN, &original)
    }
}
