// libedit's readline-compatible API (Debian: libedit-dev). readline.h needs stdio.h first.
#include <stdio.h>
#include <string.h>
#include <editline/readline.h>

// Setters for libedit globals (Swift cannot assign imported C globals of function-pointer type cleanly).
static inline void wb_set_completion_entry(char *(*function)(const char *, int)) {
    rl_completion_entry_function = (rl_compentry_func_t *)function;
}
static inline const char *wb_line_buffer(void) { return rl_line_buffer; }
