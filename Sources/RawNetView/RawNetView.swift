// RawNetView
