// rawnet-relay BIND_A PEER_A BIND_B PEER_B
//
// The reference forwarder for benchmarks: frames received on the datagram
// socket bound at BIND_A go to PEER_B, frames received at BIND_B go to PEER_A.
// Nothing else happens to them. Sending uses a socket connected to the peer
// path, so that poll(POLLOUT) reports room in the peer's receive queue; when
// the queue is full the relay waits for POLLOUT (a short poll) and retries,
// so frames are not dropped while the peer is alive. A peer that is absent
// (ENOENT, ECONNREFUSED) costs the frame; the next frame reconnects.

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

int main(int argc, char **argv) {
    if (argc != 5) {
        fprintf(stderr, "usage: rawnet-relay BIND_A PEER_A BIND_B PEER_B\n");
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
