// libedit's readline-compatible API (Debian: libedit-dev). readline.h needs stdio.h first.
#include <stdio.h>
#include <string.h>
#include <editline/readline.h>

// Setters for libedit globals (Swift cannot assign imported C globals of function-pointer type cleanly).
static inline void wb_set_completion_entry(char *(*function)(const char *, int)) {
    rl_completion_entry_function = (rl_compentry_func_t *)function;
}
static inline const char *wb_line_buffer(void) { return rl_line_buffer; }
// wb's settings of libedit's globals, set once at start (Swift 6 refuses to touch mutable C globals directly).
static inline void wb_configure_editline(void) {
    rl_readline_name = "wb";
    rl_catch_signals = 0;   // libedit must not install its own SIGINT handler; wb's sets a flag
}
