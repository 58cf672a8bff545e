// See wb_interrupt.h.
#include "wb_interrupt.h"

#include <signal.h>
#include <string.h>

static volatile sig_atomic_t interrupt_flag = 0;

static void on_interrupt(int signal_number) {
    (void)signal_number;
    interrupt_flag = 1;
}

void wb_install_interrupt_handler(void) {
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = on_interrupt;
    sigemptyset(&action.sa_mask);
    action.sa_flags = 0;
    sigaction(SIGINT, &action, NULL);
}

int wb_take_interrupt(void) {
    int value = interrupt_flag;
    interrupt_flag = 0;
    return value;
}
