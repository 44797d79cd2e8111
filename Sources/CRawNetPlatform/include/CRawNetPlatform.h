#ifndef CRAWNETPLATFORM_H
#define CRAWNETPLATFORM_H

// Linux calls that Swift's Glibc module does not export. Only RawNetPlatform
// imports this module; everything here is wrapped there, typed.

#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/types.h>
#include <spawn.h>

/// pipe2(2) with the given flags (O_NONBLOCK, O_CLOEXEC).
int rawnet_pipe2(int fds[2], int flags);

/// accept4(2) without the peer address.
int rawnet_accept4(int fd, int flags);

/// The POSIX_SPAWN_SETSID flag value (a GNU extension).
short rawnet_posix_spawn_setsid_flag(void);

/// Installs a handler for `signo` that writes the signal number as one byte to
/// `fd` (a non-blocking pipe). Several descriptors may listen to one signal
/// (up to 8). Returns 0 or -1 with errno set.
int rawnet_signal_forward(int signo, int fd);

/// Stops forwarding `signo` to `fd`; when no descriptor is left, the default
/// disposition is restored. Returns 0 or -1 with errno set.
int rawnet_signal_unforward(int signo, int fd);

/// Sets glibc's malloc thresholds: blocks of `mmap_threshold` bytes or more get
/// their own mapping, and free memory at the top of the heap goes back to the
/// kernel only beyond `trim_threshold` bytes. Returns 1 on success, 0 if
/// either value was refused.
int rawnet_malloc_thresholds(int mmap_threshold, int trim_threshold);

/// Gives free heap memory back to the kernel (malloc_trim(0)); 1 if any was.
int rawnet_malloc_trim(void);

/// Unmaps this process's resident pages of executable code read from files
/// (the program and its shared libraries, `r-xp` mappings with a path; never
/// writable or relocated data), so that only code used from now on is faulted
/// back in, one page at a time (MADV_RANDOM: no read-around). The pages stay in
/// the page cache. Returns the bytes of mappings advised, or -1 with errno set.
long rawnet_release_code_pages(void);

/// setns(2) into the network namespace open at `fd`, for the calling thread
/// only (threads started later inherit it). Returns 0 or -1 with errno set.
int rawnet_set_net_namespace(int fd);

/// Opens /dev/net/tun as a TAP device named `name` (IFF_TAP | IFF_NO_PI: one
/// Ethernet frame per read and write, no packet-information header), in the
/// calling thread's network namespace, non-blocking and close-on-exec.
/// Returns the descriptor or -1 with errno set.
int rawnet_tap_open(const char *name);

/// Takes a POSIX write lock on the whole file open at `fd` without waiting
/// (fcntl F_SETLK). The lock lasts until the process ends or closes any
/// descriptor of the file. Returns 0 or -1 with errno set (EAGAIN or EACCES:
/// another process holds it).
int rawnet_lock_whole_file(int fd);

/// The pid of the process holding a POSIX lock that conflicts with a write
/// lock on the whole file open at `fd` (fcntl F_GETLK), 0 when none does,
/// -1 with errno set on failure.
int rawnet_lock_holder(int fd);

/// Most messages one rawnet_receive_messages call reads.
#define RAWNET_RECEIVE_BATCH 64

/// recvmmsg(2) without waiting: reads up to `count` (at most
/// RAWNET_RECEIVE_BATCH) messages from `fd` into consecutive slots of
/// `slot_size` bytes from `base`, and each message's length into `lengths`
/// (a message longer than its slot keeps only the slot's bytes, and its
/// length reads as the slot's). Returns the
/// messages read (a 0 length is the peer's close on a connected socket), or
/// -1 with errno set (EAGAIN: nothing was waiting).
int rawnet_receive_messages(int fd, void *base, size_t slot_size, unsigned count, size_t *lengths);

/// sendmmsg(2) without waiting and without SIGPIPE: writes `count` (at most
/// RAWNET_RECEIVE_BATCH) messages to the connected socket `fd`, message i being
/// `lengths[i]` bytes at `bases[i]`. Returns how many were sent (fewer when the
/// socket's buffer filled or an error came after the first), or -1 with errno
/// set when the first could not be (EAGAIN: the buffer is full).
int rawnet_send_messages(int fd, const void *const *bases, const size_t *lengths, unsigned count);

/// The calling thread's errno (for Swift code that wants a stable accessor).
int rawnet_errno(void);

/// Columns of the terminal `fd` is (TIOCGWINSZ); 0 when it is not a terminal or does not say.
int rawnet_terminal_columns(int fd);

#endif
