import CInterrupt

/// The process's Ctrl-C flag. The C handler (`CInterrupt`, one definition for the whole program) only sets a flag; the
/// prompt and running commands poll it.
public enum InterruptSignal {
    /// Installs the handler (no SA_RESTART, so a read at the prompt returns with EINTR).
    public static func install() { wb_install_interrupt_handler() }
    /// Whether Ctrl-C was pressed since the last call; clears the flag.
    public static func take() -> Bool { wb_take_interrupt() != 0 }
}
