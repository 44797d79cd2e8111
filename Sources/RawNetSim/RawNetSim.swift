// RawNetSim
