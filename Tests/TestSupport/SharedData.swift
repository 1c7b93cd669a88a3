public import Foundation

/// The steering repository's `shared/` folder (the real posts, the seed, conformance data),
/// which CI places beside the project's clone.
public enum SharedData {
  /// The folder, found beside the package root; nil when absent.
  public static let folder: URL? = {
    let packageRoot = URL(fileURLWithPath: #filePath)
      .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    let candidate = packageRoot.deletingLastPathComponent().appendingPathComponent("shared")
    return FileManager.default.fileExists(atPath: candidate.appendingPathComponent("SPEC.md").path)
      ? candidate : nil
  }()

  /// The root of this package.
  public static let packageRoot = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

  /// The real OpenInfra posts.
  public static var corpus: URL? { folder?.appendingPathComponent("corpus/osf-blog") }

  /// The post the project was created from.
  public static var seed: URL? { folder?.appendingPathComponent("seeds/000_2ccd867a9cdcc7b1.txt") }
}
