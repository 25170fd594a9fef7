/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The guest's serial console on the host: RUN_DIR/console.sock and
 * RUN_DIR/console.log.
 *
 * Every byte the guest writes to COM1 is appended to console.log and sent
 * to every connected console.sock client (AF_UNIX stream, up to
 * CONSOLE_MAX_CLIENTS at once).  Bytes a client sends go to COM1's
 * receiver, in order, as fast as the guest drains its FIFO; a client that
 * half-closes (`echo cmd | ...`) keeps receiving output.
 *
 * The VP thread that emulates the UART only appends to buffers
 * (console_output()); the console's own thread writes them out in batches:
 * the guest writes one byte per I/O exit, and one send() per byte would
 * cost a socket buffer's worth of overhead each.  A client that falls more
 * than CONSOLE_CLIENT_BUFFER bytes behind loses output (console.log has it
 * all): a slow reader never stalls the guest.
 */
#ifndef VMWP_CONSOLE_H
#define VMWP_CONSOLE_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CONSOLE_MAX_CLIENTS   16
#define CONSOLE_INPUT_CHUNK   1024
#define CONSOLE_CLIENT_BUFFER 65536
#define CONSOLE_LOG_BUFFER    65536

/* Takes up to @n bytes of input; returns how many it took. */
typedef size_t (*console_input_fn)(void *opaque, const uint8_t *bytes, size_t n);

struct console_client {
    int fd;       /* -1: a free slot */
    bool dead;    /* to be closed by the console thread */
    bool eof;     /* sent EOF: no more input, still gets output */
    uint8_t *out; /* ring of CONSOLE_CLIENT_BUFFER bytes not yet sent */
    size_t out_head, out_len;
    uint64_t dropped; /* output lost because the client fell behind */
};

struct console {
    pthread_mutex_t lock; /* clients[], the log buffer, wake_pending, stopping */
    int listen_fd;
    int log_fd;
    struct console_client clients[CONSOLE_MAX_CLIENTS];
    uint8_t log_buf[CONSOLE_LOG_BUFFER]; /* output not yet in console.log */
    size_t log_len;
    bool wake_pending; /* a wake-up byte is in the pipe */
    bool stopping;
    int wake_pipe[2];
    pthread_t thread;
    bool started;
    console_input_fn input;
    void *input_opaque;
    uint8_t pending[CONSOLE_INPUT_CHUNK]; /* input read but not yet taken */
    size_t pending_len;
    bool log_error_logged;
};

/* Take over @listen_fd (bound and listening) and @log_fd (console.log, open
 * for appending; both stay the caller's to close).  Returns 0, or -1 with
 * a message in @err. */
int console_init(struct console *c, int listen_fd, int log_fd, console_input_fn input,
                 void *input_opaque, char *err, size_t errlen);

/* Start the thread.  Returns 0 or an errno. */
int console_start(struct console *c);

/* A byte from the guest (any thread). */
void console_output(struct console *c, uint8_t byte);

/* Stop and join the thread after writing out what is buffered (console.log
 * completely, clients as far as they take it without waiting), and close
 * every client. */
void console_stop(struct console *c);

#endif
