public import Foundation

// The one input function of the running fuzz target, set once by `FuzzTarget.run` before
// libFuzzer (or the replay loop) calls it.
nonisolated(unsafe) private var target: (Data) -> Void = { _ in }

#if FUZZING
  // libFuzzer's driver, started from the target's own main (SwiftPM names the entry point).
  @_silgen_name("LLVMFuzzerRunDriver")
  private func runFuzzerDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
  ) -> CInt

  // libFuzzer's archive carries its own main (never run: SwiftPM's --defsym main=<Target>_main
  // wins), which still needs this symbol to link.
  @_cdecl("LLVMFuzzerTestOneInput")
  func fuzzerTestOneInput(_ bytes: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    target(bytes.map { Data(bytes: $0, count: count) } ?? Data())
    return 0
  }
#endif

/// What every fuzz target's main does: under `make fuzz` (-D FUZZING), hand `fuzzOne` to
/// libFuzzer; otherwise replay the files named on the command line, as the regression tests do.
public enum FuzzTarget {
  /// Runs `fuzzOne` as described; never returns under libFuzzer.
  public static func run(_ fuzzOne: @escaping (Data) -> Void) {
    target = fuzzOne
    #if FUZZING
      var argc = CommandLine.argc
      var argv = CommandLine.unsafeArgv
      exit(runFuzzerDriver(&argc, &argv, fuzzerTestOneInput))
    #else
      for path in CommandLine.arguments.dropFirst() {
        guard let data = FileManager.default.contents(atPath: path) else { continue }
        fuzzOne(data)
      }
    #endif
  }
}
