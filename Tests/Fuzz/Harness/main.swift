import Glibc

/// libFuzzer's entry point when a program has its own `main` (libFuzzer 11 and later).
@_silgen_name("LLVMFuzzerRunDriver")
func runFuzzerDriver(_ argc: UnsafeMutablePointer<CInt>,
                     _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
                     _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> CInt

fuzzInitialize()
var argumentCount = CommandLine.argc
var arguments = CommandLine.unsafeArgv
let status = runFuzzerDriver(&argumentCount, &arguments, { data, size in fuzzOneInput(data, size) })
// Without atexit handlers: LeakSanitizer's check at exit would report the startup strings of
// this file as leaks. libFuzzer's own check (-detect_leaks=1) still catches a leak in any input.
_exit(status)
