// RawNetPlatform
