// RawNetDaemon
