#ifndef CRAWNETBENCH_H
#define CRAWNETBENCH_H

// GNU calls only the benchmarks use: CPU affinity and network namespaces.
// Imported by RawNetBenchPlatform alone; no daemon links it.

#include <sys/types.h>

/// sched_setaffinity(2) for `pid` (0: the calling thread) to the `count` CPU
/// numbers in `cpus`. Returns 0 or -1 with errno set.
int rawnet_set_affinity(pid_t pid, const int *cpus, int count);

/// The number of CPUs the calling thread may run on (sched_getaffinity), or -1.
int rawnet_allowed_cpu_count(void);

/// The CPU the calling thread runs on now (sched_getcpu), or -1.
int rawnet_current_cpu(void);

/// setns(2) into the network namespace open at `fd`, for the calling thread only.
int rawnet_enter_net_namespace(int fd);

#endif
