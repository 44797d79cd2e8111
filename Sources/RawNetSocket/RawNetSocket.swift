// RawNetSocket
