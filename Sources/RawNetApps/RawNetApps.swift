// RawNetApps
