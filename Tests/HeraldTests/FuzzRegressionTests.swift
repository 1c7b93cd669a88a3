import Foundation
import TestSupport
import Testing

/// Every input a fuzzer ever crashed on (Tests/Fuzz/regressions) and every seed, replayed
/// through the fuzz targets built without libFuzzer: each must now pass.
@Suite struct FuzzRegressionTests {
  @Test(arguments: ["FuzzPosts", "FuzzSocial", "FuzzCredentials", "FuzzResponses"])
  func everyKnownInputStillPasses(target: String) throws {
    let executable = URL(fileURLWithPath: TestSite.executable).deletingLastPathComponent()
      .appendingPathComponent(target).path
    let root = SharedData.packageRoot.appendingPathComponent("Tests/Fuzz")
    let name = target.replacingOccurrences(of: "Fuzz", with: "").lowercased()
    var inputs: [String] = []
    for folder in ["seeds/\(name)", "regressions/\(target)"] {
      let path = root.appendingPathComponent(folder).path
      for file in (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
      where !file.hasPrefix(".") {
        inputs.append(path + "/" + file)
      }
    }
    #expect(!inputs.isEmpty)
    let result = try Program.run(executable, inputs)
    #expect(result.status == 0, "\(result.errors)")
  }
}
