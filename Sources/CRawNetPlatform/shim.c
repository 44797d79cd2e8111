#define _GNU_SOURCE
#include "CRawNetPlatform.h"

#include <errno.h>
#include <sys/ioctl.h>
#include <fcntl.h>
#include <malloc.h>
#include <stdio.h>
#include <sys/mman.h>
#include <signal.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <linux/if.h>
#include <linux/if_tun.h>

#define RAWNET_MAX_SIGNAL 65
#define RAWNET_FDS_PER_SIGNAL 8

// Write ends of the loops' signal pipes, per signal; -1 means a free slot.
// Read from the handler, so atomics only.
static _Atomic int forward_fds[RAWNET_MAX_SIGNAL][RAWNET_FDS_PER_SIGNAL];
static atomic_flag table_ready_lock = ATOMIC_FLAG_INIT;
static int table_ready = 0;

static void ensure_table(void) {
    while (atomic_flag_test_and_set(&table_ready_lock)) { }
    if (!table_ready) {
        for (int s = 0; s < RAWNET_MAX_SIGNAL; s++)
            for (int i = 0; i < RAWNET_FDS_PER_SIGNAL; i++)
                atomic_store(&forward_fds[s][i], -1);
        table_ready = 1;
    }
    atomic_flag_clear(&table_ready_lock);
}

static void forward_handler(int signo) {
    int saved = errno;
    if (signo > 0 && signo < RAWNET_MAX_SIGNAL) {
        unsigned char byte = (unsigned char)signo;
        for (int i = 0; i < RAWNET_FDS_PER_SIGNAL; i++) {
            int fd = atomic_load(&forward_fds[signo][i]);
            if (fd >= 0) {
                ssize_t ignored = write(fd, &byte, 1);
                (void)ignored;
            }
        }
    }
    errno = saved;
}

int rawnet_accept4(int fd, int flags) { return accept4(fd, NULL, NULL, flags); }

int rawnet_pipe2(int fds[2], int flags) { return pipe2(fds, flags); }

short rawnet_posix_spawn_setsid_flag(void) { return POSIX_SPAWN_SETSID; }

int rawnet_errno(void) { return errno; }

int rawnet_malloc_thresholds(int mmap_threshold, int trim_threshold) {
    return mallopt(M_MMAP_THRESHOLD, mmap_threshold) && mallopt(M_TRIM_THRESHOLD, trim_threshold);
}

int rawnet_malloc_trim(void) {
    return malloc_trim(0);
}

long rawnet_release_code_pages(void) {
    FILE *maps = fopen("/proc/self/maps", "re");
    if (!maps) return -1;
    char line[4096];
    long advised = 0;
    while (fgets(line, sizeof line, maps)) {
        unsigned long start, end;
        char perms[8];
        if (sscanf(line, "%lx-%lx %7s", &start, &end, perms) != 3) continue;
        /* Private, read and execute only, backed by a file: code as the file holds it. */
        if (strcmp(perms, "r-xp") != 0 || strchr(line, '/') == NULL || end <= start) continue;
        size_t length = end - start;
        if (madvise((void *)start, length, MADV_RANDOM) != 0) continue;
        if (madvise((void *)start, length, MADV_DONTNEED) == 0) advised += (long)length;
    }
    fclose(maps);
    return advised;
}

int rawnet_signal_forward(int signo, int fd) {
    if (signo <= 0 || signo >= RAWNET_MAX_SIGNAL || fd < 0) { errno = EINVAL; return -1; }
    ensure_table();
    int placed = 0;
    for (int i = 0; i < RAWNET_FDS_PER_SIGNAL && !placed; i++) {
        int expected = -1;
        if (atomic_compare_exchange_strong(&forward_fds[signo][i], &expected, fd)) placed = 1;
    }
    if (!placed) { errno = ENOSPC; return -1; }
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = forward_handler;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART;
    if (sigaction(signo, &action, NULL) != 0) return -1;
    return 0;
}

int rawnet_signal_unforward(int signo, int fd) {
    if (signo <= 0 || signo >= RAWNET_MAX_SIGNAL) { errno = EINVAL; return -1; }
    ensure_table();
    int remaining = 0;
    for (int i = 0; i < RAWNET_FDS_PER_SIGNAL; i++) {
        int expected = fd;
        atomic_compare_exchange_strong(&forward_fds[signo][i], &expected, -1);
        if (atomic_load(&forward_fds[signo][i]) >= 0) remaining++;
    }
    if (remaining == 0) {
        struct sigaction action;
        memset(&action, 0, sizeof action);
        action.sa_handler = SIG_DFL;
        sigemptyset(&action.sa_mask);
        if (sigaction(signo, &action, NULL) != 0) return -1;
    }
    return 0;
}

int rawnet_set_net_namespace(int fd) { return setns(fd, CLONE_NEWNET); }

int rawnet_tap_open(const char *name) {
    if (strlen(name) >= IFNAMSIZ) { errno = ENAMETOOLONG; return -1; }
    int fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) return -1;
    struct ifreq request;
    memset(&request, 0, sizeof request);
    request.ifr_flags = IFF_TAP | IFF_NO_PI;
    strncpy(request.ifr_name, name, IFNAMSIZ - 1);
    if (ioctl(fd, TUNSETIFF, &request) < 0) {
        int saved = errno;
        close(fd);
        errno = saved;
        return -1;
    }
    return fd;
}

int rawnet_lock_whole_file(int fd) {
    struct flock lock = { .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 0 };
    return fcntl(fd, F_SETLK, &lock);
}

int rawnet_lock_holder(int fd) {
    struct flock lock = { .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 0 };
    if (fcntl(fd, F_GETLK, &lock) != 0) return -1;
    return lock.l_type == F_UNLCK ? 0 : (int)lock.l_pid;
}

int rawnet_terminal_columns(int fd) {
    struct winsize size;
    if (ioctl(fd, TIOCGWINSZ, &size) != 0) return 0;
    return size.ws_col;
}

// Points message i of `messages` at `vectors[i]`, one buffer each; returns `count`
// capped at RAWNET_RECEIVE_BATCH.
static unsigned link_messages(struct mmsghdr *messages, struct iovec *vectors, unsigned count) {
    if (count > RAWNET_RECEIVE_BATCH) count = RAWNET_RECEIVE_BATCH;
    memset(messages, 0, sizeof messages[0] * count);
    for (unsigned i = 0; i < count; i++) {
        messages[i].msg_hdr.msg_iov = &vectors[i];
        messages[i].msg_hdr.msg_iovlen = 1;
    }
    return count;
}

int rawnet_receive_messages(int fd, void *base, size_t slot_size, unsigned count, size_t *lengths) {
    struct mmsghdr messages[RAWNET_RECEIVE_BATCH];
    struct iovec vectors[RAWNET_RECEIVE_BATCH];
    count = link_messages(messages, vectors, count);
    if (count == 0) return 0;
    for (unsigned i = 0; i < count; i++) {
        vectors[i].iov_base = (char *)base + (size_t)i * slot_size;
        vectors[i].iov_len = slot_size;
    }
    int received = recvmmsg(fd, messages, count, MSG_DONTWAIT, NULL);
    for (int i = 0; i < received; i++) lengths[i] = messages[i].msg_len;
    return received;
}

int rawnet_send_messages(int fd, const void *const *bases, const size_t *lengths, unsigned count) {
    struct mmsghdr messages[RAWNET_RECEIVE_BATCH];
    struct iovec vectors[RAWNET_RECEIVE_BATCH];
    count = link_messages(messages, vectors, count);
    if (count == 0) return 0;
    for (unsigned i = 0; i < count; i++) {
        vectors[i].iov_base = (void *)bases[i];
        vectors[i].iov_len = lengths[i];
    }
    return sendmmsg(fd, messages, count, MSG_DONTWAIT | MSG_NOSIGNAL);
}
