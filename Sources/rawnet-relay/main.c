// rawnet-relay BIND_A PEER_A BIND_B PEER_B
// rawnet-relay --seqpacket LISTEN_A LISTEN_B
//
// The reference forwarder for benchmarks: frames received on the datagram
// socket bound at BIND_A go to PEER_B, frames received at BIND_B go to PEER_A.
// Nothing else happens to them. Sending uses a socket connected to the peer
// path, so that poll(POLLOUT) reports room in the peer's receive queue; when
// the queue is full the relay waits for POLLOUT (a short poll) and retries,
// so frames are not dropped while the peer is alive. A peer that is absent
// (ENOENT, ECONNREFUSED) costs the frame; the next frame reconnects.
//
// With --seqpacket the relay listens at LISTEN_A and LISTEN_B instead; the
// newest connection accepted on each side is that side's cable, and frames
// read from A's cable are written to B's and back, waiting for room the same
// way. A first message that is a link hello ("rawnet-link 1 PATH", as RawNet's
// seqpacket link ports open with) is answered with the relay's own and not
// forwarded, so the same harness drives the relay and a router.

#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

enum { frame_capacity = 65536, retry_poll_ms = 50, batch = 64 };

struct side {
    const char *bind_path;  // where this side receives
    const char *peer_path;  // where frames received on the other side go
    int rx;
    int tx;
    int tx_connected;
    unsigned long frames, dropped;
};

static volatile sig_atomic_t stopping = 0;
static void on_stop(int signo) { (void)signo; stopping = 1; }

static int fill_address(struct sockaddr_un *address, const char *path) {
    size_t length = strlen(path);
    if (length == 0 || length >= sizeof address->sun_path) {
        fprintf(stderr, "rawnet-relay: socket path is %zu bytes, limit %zu: %s\n",
                length, sizeof address->sun_path - 1, path);
        return -1;
    }
    memset(address, 0, sizeof *address);
    address->sun_family = AF_UNIX;
    memcpy(address->sun_path, path, length + 1);
    return 0;
}

static int open_bound(const char *path) {
    struct sockaddr_un address;
    if (fill_address(&address, path) != 0) return -1;
    int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) { perror("rawnet-relay: socket"); return -1; }
    unlink(path);
    if (bind(fd, (struct sockaddr *)&address, sizeof address) != 0) {
        fprintf(stderr, "rawnet-relay: bind %s: %s\n", path, strerror(errno));
        close(fd);
        return -1;
    }
    return fd;
}

static int connect_peer(struct side *to) {
    if (to->tx_connected) return 0;
    struct sockaddr_un address;
    if (fill_address(&address, to->peer_path) != 0) return -1;
    if (connect(to->tx, (struct sockaddr *)&address, sizeof address) != 0) return -1;
    to->tx_connected = 1;
    return 0;
}

// Sends one frame towards `to`'s peer, waiting for room while the peer is alive.
static void forward(struct side *to, const unsigned char *frame, size_t length) {
    int attempts_after_gone = 0;
    while (!stopping) {
        if (connect_peer(to) != 0) {
            if (getenv("RAWNET_RELAY_DEBUG")) fprintf(stderr, "rawnet-relay: connect %s: %s\n", to->peer_path, strerror(errno));
            to->dropped++;
            return;
        }
        ssize_t sent = send(to->tx, frame, length, MSG_DONTWAIT | MSG_NOSIGNAL);
        if (sent >= 0) { to->frames++; return; }
        if (errno == EINTR) continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK) {
            struct pollfd wait = { .fd = to->tx, .events = POLLOUT };
            poll(&wait, 1, retry_poll_ms);
            continue;
        }
        if (errno == ECONNREFUSED || errno == ENOTCONN || errno == ECONNRESET || errno == EPIPE) {
            // The peer restarted or left: reconnect once, then give up on this frame.
            to->tx_connected = 0;
            if (attempts_after_gone++ == 0) continue;
        }
        if (getenv("RAWNET_RELAY_DEBUG")) fprintf(stderr, "rawnet-relay: send to %s: %s\n", to->peer_path, strerror(errno));
        to->dropped++;
        return;
    }
}

static int run_seqpacket(const char *listen_a, const char *listen_b);

int main(int argc, char **argv) {
    if (argc == 4 && strcmp(argv[1], "--seqpacket") == 0) {
        struct sigaction action;
        memset(&action, 0, sizeof action);
        action.sa_handler = on_stop;
        sigaction(SIGTERM, &action, NULL);
        sigaction(SIGINT, &action, NULL);
        signal(SIGPIPE, SIG_IGN);
        return run_seqpacket(argv[2], argv[3]);
    }
    if (argc != 5) {
        fprintf(stderr, "usage: rawnet-relay BIND_A PEER_A BIND_B PEER_B\n"
                        "       rawnet-relay --seqpacket LISTEN_A LISTEN_B\n");
        return 2;
    }
    struct side a = { .bind_path = argv[1], .peer_path = argv[2] };
    struct side b = { .bind_path = argv[3], .peer_path = argv[4] };
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = on_stop;
    sigaction(SIGTERM, &action, NULL);
    sigaction(SIGINT, &action, NULL);
    signal(SIGPIPE, SIG_IGN);

    a.rx = open_bound(a.bind_path);
    b.rx = open_bound(b.bind_path);
    a.tx = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    b.tx = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (a.rx < 0 || b.rx < 0 || a.tx < 0 || b.tx < 0) return 1;

    static unsigned char frame[frame_capacity];
    struct pollfd watched[2] = { { .fd = a.rx, .events = POLLIN }, { .fd = b.rx, .events = POLLIN } };
    // Frames arriving at A leave towards PEER_B (b's peer), and the reverse.
    struct side *from[2] = { &a, &b };
    struct side *to[2] = { &b, &a };
    while (!stopping) {
        if (poll(watched, 2, -1) < 0) {
            if (errno == EINTR) continue;
            perror("rawnet-relay: poll");
            break;
        }
        for (int i = 0; i < 2; i++) {
            if (!(watched[i].revents & (POLLIN | POLLERR | POLLHUP))) continue;
            for (int n = 0; n < batch && !stopping; n++) {
                ssize_t length = recv(from[i]->rx, frame, sizeof frame, MSG_DONTWAIT);
                if (length < 0) break;
                forward(to[i], frame, (size_t)length);
            }
        }
    }
    fprintf(stderr, "rawnet-relay: A->B %lu frames (%lu dropped), B->A %lu frames (%lu dropped)\n",
            b.frames, b.dropped, a.frames, a.dropped);
    close(a.rx); close(b.rx); close(a.tx); close(b.tx);
    unlink(a.bind_path);
    unlink(b.bind_path);
    return 0;
}

// MARK: seqpacket

static const char hello_prefix[] = "rawnet-link 1 ";

struct cable {
    const char *path;
    int listener;
    int conn;           // -1 while nobody is connected
    int awaits_first;   // the next message may be a hello
    unsigned long frames, dropped;
};

static int open_listener(const char *path) {
    struct sockaddr_un address;
    if (fill_address(&address, path) != 0) return -1;
    int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) { perror("rawnet-relay: socket"); return -1; }
    unlink(path);
    if (bind(fd, (struct sockaddr *)&address, sizeof address) != 0 || listen(fd, 16) != 0) {
        fprintf(stderr, "rawnet-relay: listen %s: %s\n", path, strerror(errno));
        close(fd);
        return -1;
    }
    return fd;
}

static void drop_connection(struct cable *c) {
    if (c->conn >= 0) close(c->conn);
    c->conn = -1;
}

static void accept_newest(struct cable *c) {
    for (;;) {
        int fd = accept4(c->listener, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) return;
        drop_connection(c);
        c->conn = fd;
        c->awaits_first = 1;
    }
}

// Writes one message to `to`'s cable, waiting for room while it is connected.
static void forward_message(struct cable *to, const unsigned char *frame, size_t length) {
    while (!stopping) {
        if (to->conn < 0) { to->dropped++; return; }
        ssize_t sent = send(to->conn, frame, length, MSG_DONTWAIT | MSG_NOSIGNAL);
        if (sent >= 0) { to->frames++; return; }
        if (errno == EINTR) continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK) {
            struct pollfd wait = { .fd = to->conn, .events = POLLOUT };
            poll(&wait, 1, retry_poll_ms);
            continue;
        }
        drop_connection(to);
        to->dropped++;
        return;
    }
}

static void answer_hello(struct cable *c) {
    unsigned char answer[sizeof hello_prefix + 108];
    size_t prefix = sizeof hello_prefix - 1, path = strlen(c->path);
    memcpy(answer, hello_prefix, prefix);
    memcpy(answer + prefix, c->path, path);
    send(c->conn, answer, prefix + path, MSG_DONTWAIT | MSG_NOSIGNAL);
}

static int run_seqpacket(const char *listen_a, const char *listen_b) {
    struct cable a = { .path = listen_a, .conn = -1 }, b = { .path = listen_b, .conn = -1 };
    a.listener = open_listener(listen_a);
    b.listener = open_listener(listen_b);
    if (a.listener < 0 || b.listener < 0) return 1;
    static unsigned char frame[frame_capacity];
    struct cable *from[2] = { &a, &b }, *to[2] = { &b, &a };
    while (!stopping) {
        struct pollfd watched[4] = {
            { .fd = a.listener, .events = POLLIN }, { .fd = b.listener, .events = POLLIN },
            { .fd = a.conn, .events = POLLIN }, { .fd = b.conn, .events = POLLIN },
        };
        if (poll(watched, 4, -1) < 0) {
            if (errno == EINTR) continue;
            perror("rawnet-relay: poll");
            break;
        }
        if (watched[0].revents & POLLIN) accept_newest(&a);
        if (watched[1].revents & POLLIN) accept_newest(&b);
        for (int i = 0; i < 2; i++) {
            struct cable *c = from[i];
            if (c->conn < 0 || c->conn != watched[2 + i].fd) continue;
            if (!(watched[2 + i].revents & (POLLIN | POLLERR | POLLHUP))) continue;
            for (int n = 0; n < batch && !stopping && c->conn >= 0; n++) {
                ssize_t length = recv(c->conn, frame, sizeof frame, MSG_DONTWAIT);
                if (length < 0) {
                    if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) drop_connection(c);
                    break;
                }
                if (length == 0) { drop_connection(c); break; }
                if (c->awaits_first) {
                    c->awaits_first = 0;
                    size_t prefix = sizeof hello_prefix - 1;
                    if ((size_t)length > prefix && memcmp(frame, hello_prefix, prefix) == 0) {
                        answer_hello(c);
                        continue;
                    }
                }
                forward_message(to[i], frame, (size_t)length);
            }
        }
    }
    fprintf(stderr, "rawnet-relay: A->B %lu frames (%lu dropped), B->A %lu frames (%lu dropped)\n",
            b.frames, b.dropped, a.frames, a.dropped);
    drop_connection(&a);
    drop_connection(&b);
    close(a.listener); close(b.listener);
    unlink(listen_a);
    unlink(listen_b);
    return 0;
}
