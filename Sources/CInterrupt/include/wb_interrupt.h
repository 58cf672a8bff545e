// Ctrl-C handling for wb. The handler only sets a flag (async-signal-safe); the prompt and the long-running work poll it.
// It is installed without SA_RESTART, so a blocking read at the prompt returns and the line can be cleared. The flag and
// the handler are defined once, in wb_interrupt.c (a `static` in a header would give every object file its own copy,
// and a Ctrl-C caught by one copy would go unseen by code reading another).
#ifndef WB_INTERRUPT_H
#define WB_INTERRUPT_H

#ifdef __cplusplus
extern "C" {
#endif

/// Installs the SIGINT handler (idempotent).
void wb_install_interrupt_handler(void);

/// Returns 1 when Ctrl-C was pressed since the last call, and clears the flag.
int wb_take_interrupt(void);

#ifdef __cplusplus
}
#endif
#endif
