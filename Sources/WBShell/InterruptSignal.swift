import CEditLine

/// The process's Ctrl-C flag. The C handler (in the CEditLine shim) only sets a flag; the prompt and running commands
/// poll it. Every use goes through this one file on purpose: the flag is a `static` in a C header, so each Swift file that
/// called the shim directly would get its own copy in a non-whole-module build.
public enum InterruptSignal {
    /// Installs the handler (no SA_RESTART, so a read at the prompt returns with EINTR).
    public static func install() { wb_install_interrupt_handler() }
    /// Whether Ctrl-C was pressed since the last call; clears the flag.
    public static func take() -> Bool { wb_take_interrupt() != 0 }
}
