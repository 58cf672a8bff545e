// libedit's readline-compatible API (Debian: libedit-dev). readline.h needs stdio.h first.
#include <stdio.h>
#include <string.h>
#include <signal.h>
#include <editline/readline.h>

// Ctrl-C handling for wb. The handler only sets a flag (async-signal-safe); the prompt and the long-running work poll it.
// Installed without SA_RESTART, so a blocking read at the prompt returns and the line can be cleared.
static volatile sig_atomic_t wb_interrupt_flag = 0;

static void wb_on_interrupt(int signal_number) { (void)signal_number; wb_interrupt_flag = 1; }

static inline void wb_install_interrupt_handler(void) {
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = wb_on_interrupt;
    sigemptyset(&action.sa_mask);
    action.sa_flags = 0;
    sigaction(SIGINT, &action, NULL);
}

/// Returns 1 when Ctrl-C was pressed since the last call, and clears the flag.
static inline int wb_take_interrupt(void) {
    int value = wb_interrupt_flag;
    wb_interrupt_flag = 0;
    return value;
}

// Setters for libedit globals (Swift cannot assign imported C globals of function-pointer type cleanly).
static inline void wb_set_completion_entry(char *(*function)(const char *, int)) {
    rl_completion_entry_function = (rl_compentry_func_t *)function;
}
static inline const char *wb_line_buffer(void) { return rl_line_buffer; }
