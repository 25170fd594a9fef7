// SPDX-License-Identifier: GPL-2.0-only
/* host.conf (see host_config.h). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "conf_file.h"
#include "fsutil.h"
#include "host_config.h"

int host_config_parse(const char *text, size_t len, struct host_config *c, char *err,
                      size_t err_size)
{
    unsigned line_no = 0, pool_line = 0;
    struct conf_line l;
    size_t pos = 0;
    int rc;

    memset(c, 0, sizeof(*c));
    while ((rc = conf_next(text, len, &pos, &line_no, &l, err, err_size)) == 1) {
        char value[2 * MAC_POOL_TEXT_MAX], why[160];

        if (!conf_key_is(&l, "mac_pool")) {
            snprintf(err, err_size, "line %u: unknown key '%.*s'", l.line_no,
                     (int)(l.key_len > 40 ? 40 : l.key_len), l.key);
            return -1;
        }
        if (pool_line != 0) {
            snprintf(err, err_size, "line %u: mac_pool given a second time (first on line %u)",
                     l.line_no, pool_line);
            return -1;
        }
        pool_line = l.line_no;
        if (conf_value(&l, value, sizeof(value)) != 0) {
            snprintf(err, err_size, "line %u: mac_pool is too long", l.line_no);
            return -1;
        }
        if (mac_pool_parse(value, &c->mac_pool, why, sizeof(why)) != 0) {
            snprintf(err, err_size, "line %u: %s", l.line_no, why);
            return -1;
        }
    }
    if (rc < 0)
        return -1;
    if (pool_line == 0) {
        snprintf(err, err_size, "no mac_pool= line");
        return -1;
    }
    return 0;
}

long host_config_format(const struct host_config *c, char *buf, size_t buf_size)
{
    char pool[MAC_POOL_TEXT_MAX];
    int n;

    mac_pool_format(&c->mac_pool, pool);
    n = snprintf(buf, buf_size,
                 "# hvcore host configuration, written by hvctl; see docs/hvctl.md.\n"
                 "# The MAC addresses given to NICs and switches that were not given one.\n"
                 "mac_pool=%s\n",
                 pool);
    return n < 0 || (size_t)n >= buf_size ? -1 : n;
}

/* A byte that differs from host to host: the kernel's randomness, else the clock's. */
static uint8_t random_byte(void)
{
    uint8_t b;
    struct timespec ts;

    if (getrandom(&b, 1, GRND_NONBLOCK) == 1)
        return b;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (uint8_t)(ts.tv_nsec ^ (ts.tv_nsec >> 8) ^ getpid());
}

int host_config_load(const char *path, struct host_config *c, bool *is_new, char *err,
                     size_t err_size)
{
    char text[HOST_CONFIG_MAX], why[256];
    size_t len;

    *is_new = false;
    if (read_small_file(path, text, sizeof(text), &len) != 0) {
        if (errno != ENOENT) {
            snprintf(err, err_size, "%s: %s", path,
                     errno == EFBIG ? "too large to be the host configuration" : strerror(errno));
            return -1;
        }
        mac_pool_default(random_byte(), &c->mac_pool);
        *is_new = true;
        return 0;
    }
    if (host_config_parse(text, len, c, why, sizeof(why)) != 0) {
        snprintf(err, err_size, "%s: %s", path, why);
        return -1;
    }
    return 0;
}

int host_config_write(const char *dir, const struct host_config *c, char *err, size_t err_size)
{
    char text[HOST_CONFIG_MAX];
    long len = host_config_format(c, text, sizeof(text));

    if (len < 0) {
        snprintf(err, err_size, "host configuration too long");
        return -1;
    }
    return write_file_atomic(dir, HOST_CONFIG_FILE, text, (size_t)len, 0644, err, err_size);
}
