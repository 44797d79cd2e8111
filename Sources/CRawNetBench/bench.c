#define _GNU_SOURCE
#include "CRawNetBench.h"

#include <errno.h>
#include <sched.h>

int rawnet_set_affinity(pid_t pid, const int *cpus, int count) {
    cpu_set_t set;
    CPU_ZERO(&set);
    for (int i = 0; i < count; i++) {
        if (cpus[i] < 0 || cpus[i] >= CPU_SETSIZE) { errno = EINVAL; return -1; }
        CPU_SET(cpus[i], &set);
    }
    return sched_setaffinity(pid, sizeof set, &set);
}

int rawnet_allowed_cpu_count(void) {
    cpu_set_t set;
    CPU_ZERO(&set);
    if (sched_getaffinity(0, sizeof set, &set) != 0) return -1;
    return CPU_COUNT(&set);
}

int rawnet_current_cpu(void) { return sched_getcpu(); }

int rawnet_enter_net_namespace(int fd) { return setns(fd, CLONE_NEWNET); }
