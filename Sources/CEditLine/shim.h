// libedit's readline-compatible API (Debian: libedit-dev). readline.h needs stdio.h first.
#include <stdio.h>
#include <editline/readline.h>
