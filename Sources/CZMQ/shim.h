// ZeroMQ (Debian: libzmq3-dev): the sockets of the Jupyter messaging protocol, for `wb kernel`.
#include <zmq.h>
