// SPDX-License-Identifier: GPL-2.0-only
/*
 * The serial console's host side (see console.h).
 */
#define _GNU_SOURCE /* accept4, pipe2 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "console.h"
#include "log.h"

/* While input waits for room in the guest's UART, retry this often. */
#define INPUT_RETRY_MS 10

int console_init(struct console *c, int listen_fd, int log_fd, console_input_fn input,
                 void *input_opaque, char *err, size_t errlen)
{
    memset(c, 0, sizeof(*c));
    c->listen_fd = listen_fd;
    c->log_fd = log_fd;
    c->input = input;
    c->input_opaque = input_opaque;
    c->wake_pipe[0] = c->wake_pipe[1] = -1;
    for (int i = 0; i < CONSOLE_MAX_CLIENTS; i++)
        c->clients[i].fd = -1;
    if (pthread_mutex_init(&c->lock, NULL)) {
        snprintf(err, errlen, "console: mutex");
        return -1;
    }
    if (pipe2(c->wake_pipe, O_CLOEXEC | O_NONBLOCK)) {
        snprintf(err, errlen, "console: pipe: %s", strerror(errno));
        return -1;
    }
    return 0;
}

/* With c->lock held: append the log buffer to console.log. */
static void flush_log(struct console *c)
{
    size_t done = 0;

    while (done < c->log_len && c->log_fd >= 0) {
        ssize_t n = write(c->log_fd, c->log_buf + done, c->log_len - done);

        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            vmwp_log_once(&c->log_error_logged, "console.log: write failed: %s (output lost)",
                          n < 0 ? strerror(errno) : "no progress");
            break;
        }
        done += (size_t)n;
    }
    c->log_len = 0;
}

/* With c->lock held: make the console thread look at its buffers. */
static void wake(struct console *c)
{
    char one = 1;

    if (c->wake_pending || c->wake_pipe[1] < 0)
        return;
    /* A full pipe already holds a wake-up: nothing is lost. */
    if (write(c->wake_pipe[1], &one, 1) == 1 || errno == EAGAIN)
        c->wake_pending = true;
}

void console_output(struct console *c, uint8_t byte)
{
    pthread_mutex_lock(&c->lock);
    if (c->log_len == sizeof(c->log_buf))
        flush_log(c); /* the thread is behind: never drop console.log's bytes */
    c->log_buf[c->log_len++] = byte;
    for (int i = 0; i < CONSOLE_MAX_CLIENTS; i++) {
        struct console_client *cl = &c->clients[i];

        if (cl->fd < 0 || cl->dead)
            continue;
        if (cl->out_len == CONSOLE_CLIENT_BUFFER) {
            cl->dropped++;
            continue;
        }
        cl->out[(cl->out_head + cl->out_len) % CONSOLE_CLIENT_BUFFER] = byte;
        cl->out_len++;
    }
    wake(c);
    pthread_mutex_unlock(&c->lock);
}

/* With c->lock held: send what client @cl's socket takes now. */
static void flush_client(struct console_client *cl)
{
    while (cl->out_len && !cl->dead) {
        size_t run = CONSOLE_CLIENT_BUFFER - cl->out_head;
        ssize_t n;

        if (run > cl->out_len)
            run = cl->out_len;
        n = send(cl->fd, cl->out + cl->out_head, run, MSG_DONTWAIT | MSG_NOSIGNAL);
        if (n < 0) {
            if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
                cl->dead = true;
            return;
        }
        cl->out_head = (cl->out_head + (size_t)n) % CONSOLE_CLIENT_BUFFER;
        cl->out_len -= (size_t)n;
    }
}

static void close_client(struct console *c, int i)
{
    struct console_client *cl = &c->clients[i];

    pthread_mutex_lock(&c->lock);
    if (cl->dropped)
        vmwp_log("console client dropped: it missed %llu bytes of output (too slow a reader)",
                 (unsigned long long)cl->dropped);
    close(cl->fd);
    free(cl->out);
    memset(cl, 0, sizeof(*cl));
    cl->fd = -1;
    pthread_mutex_unlock(&c->lock);
}

static void accept_client(struct console *c)
{
    int fd = accept4(c->listen_fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
    uint8_t *out;
    int slot = -1;

    if (fd < 0)
        return;
    out = malloc(CONSOLE_CLIENT_BUFFER);
    pthread_mutex_lock(&c->lock);
    for (int i = 0; i < CONSOLE_MAX_CLIENTS && slot < 0 && out; i++) {
        if (c->clients[i].fd < 0)
            slot = i;
    }
    if (slot >= 0)
        c->clients[slot] = (struct console_client){.fd = fd, .out = out};
    pthread_mutex_unlock(&c->lock);
    if (slot < 0) {
        static const char full[] = "vmwp: too many console clients\r\n";

        if (send(fd, full, sizeof(full) - 1, MSG_DONTWAIT | MSG_NOSIGNAL) < 0)
            (void)0; /* it is being turned away either way */
        free(out);
        close(fd);
    }
}

/* Pass pending input on, as far as the guest's UART takes it; what is left
 * moves to the front of the buffer. */
static void feed_input(struct console *c)
{
    size_t took = 0;

    if (c->pending_len && c->input)
        took = c->input(c->input_opaque, c->pending, c->pending_len);
    if (!c->input)
        took = c->pending_len; /* nobody to take it */
    memmove(c->pending, c->pending + took, c->pending_len - took);
    c->pending_len -= took;
}

/* Read what client @i sent into the free part of the input buffer.  Returns
 * false when the client is to be closed (an error, or it hung up and has
 * nothing more). */
static bool read_client(struct console *c, int i, short revents)
{
    struct console_client *cl = &c->clients[i];
    size_t space = sizeof(c->pending) - c->pending_len;
    ssize_t got;

    if (!(revents & POLLIN) || !space)
        return !(revents & (POLLHUP | POLLERR | POLLNVAL));
    got = read(cl->fd, c->pending + c->pending_len, space);
    if (got > 0) {
        c->pending_len += (size_t)got;
        return true; /* a hung-up client is closed once it has no more */
    }
    if (got < 0 && (errno == EAGAIN || errno == EINTR))
        return true;
    if (got < 0 || (revents & (POLLHUP | POLLERR)))
        return false;
    /* Half-closed: no more input, but it may still read. */
    pthread_mutex_lock(&c->lock);
    cl->eof = true;
    pthread_mutex_unlock(&c->lock);
    return true;
}

static void drain_wake_pipe(struct console *c)
{
    char buf[64];

    while (read(c->wake_pipe[0], buf, sizeof(buf)) > 0)
        ;
}

static void *console_main(void *arg)
{
    struct console *c = arg;

    for (;;) {
        struct pollfd fds[2 + CONSOLE_MAX_CLIENTS];
        int slot_of[2 + CONSOLE_MAX_CLIENTS];
        bool room, stopping;
        nfds_t n = 0;

        feed_input(c);
        room = c->pending_len < sizeof(c->pending);
        fds[n++] = (struct pollfd){.fd = c->wake_pipe[0], .events = POLLIN};
        fds[n++] = (struct pollfd){.fd = c->listen_fd, .events = POLLIN};

        /* Output first: the log, then each client as far as it takes it. */
        pthread_mutex_lock(&c->lock);
        flush_log(c);
        for (int i = 0; i < CONSOLE_MAX_CLIENTS; i++) {
            struct console_client *cl = &c->clients[i];
            short events = 0;

            if (cl->fd < 0)
                continue;
            flush_client(cl);
            /* With the input buffer full, clients are watched for hang-ups
             * only (reported whatever the events). */
            if (room && !cl->eof)
                events |= POLLIN;
            if (cl->out_len)
                events |= POLLOUT;
            slot_of[n] = i;
            fds[n++] = (struct pollfd){.fd = cl->fd, .events = events};
        }
        stopping = c->stopping;
        pthread_mutex_unlock(&c->lock);
        if (stopping)
            break;

        /* While input waits for the guest, look again soon. */
        if (poll(fds, n, c->pending_len ? INPUT_RETRY_MS : -1) < 0 && errno != EINTR)
            break;
        if (fds[0].revents) {
            pthread_mutex_lock(&c->lock);
            drain_wake_pipe(c);
            c->wake_pending = false;
            pthread_mutex_unlock(&c->lock);
        }
        if (fds[1].revents & POLLIN)
            accept_client(c);
        for (nfds_t k = 2; k < n; k++) {
            int i = slot_of[k];
            bool dead;

            pthread_mutex_lock(&c->lock);
            dead = c->clients[i].dead;
            pthread_mutex_unlock(&c->lock);
            if (dead || !read_client(c, i, fds[k].revents))
                close_client(c, i);
        }
    }
    return NULL;
}

int console_start(struct console *c)
{
    int rc = pthread_create(&c->thread, NULL, console_main, c);

    if (!rc)
        c->started = true;
    return rc;
}

void console_stop(struct console *c)
{
    if (c->started) {
        pthread_mutex_lock(&c->lock);
        c->stopping = true;
        c->wake_pending = false; /* this wake-up must go through */
        wake(c);
        pthread_mutex_unlock(&c->lock);
        pthread_join(c->thread, NULL);
        c->started = false;
    }
    /* What the thread had no time for: console.log gets all of it. */
    pthread_mutex_lock(&c->lock);
    flush_log(c);
    for (int i = 0; i < CONSOLE_MAX_CLIENTS; i++) {
        if (c->clients[i].fd >= 0)
            flush_client(&c->clients[i]);
    }
    pthread_mutex_unlock(&c->lock);
    for (int i = 0; i < CONSOLE_MAX_CLIENTS; i++) {
        if (c->clients[i].fd >= 0)
            close_client(c, i);
    }
    if (c->wake_pipe[0] >= 0)
        close(c->wake_pipe[0]);
    if (c->wake_pipe[1] >= 0)
        close(c->wake_pipe[1]);
    c->wake_pipe[0] = c->wake_pipe[1] = -1;
}
