public import Foundation

/// Real images of each kind, made by libvips' own command-line tool (`vips`, Debian
/// `libvips-tools`), and the bad files a blog may hold.
public enum TestImages {
  /// 6000 × 4000 noisy JPEG at quality 100: about 30 MB.
  public static let photo = "photo.jpg"
  /// 1200 × 630 PNG: already fits everywhere.
  public static let card = "card.png"
  /// 600 × 300 PNG with an alpha channel.
  public static let transparent = "logo.png"
  /// 20,000 × 20,000 PNG: 400 million pixels.
  public static let huge = "huge.png"
  /// The first half of a JPEG.
  public static let truncated = "truncated.jpg"
  /// Two frames.
  public static let animated = "animated.gif"
  /// An SVG carrying a script.
  public static let svg = "script.svg"
  /// A text file named .png.
  public static let text = "text.png"
  /// A file of no bytes.
  public static let empty = "empty.png"

  /// Writes every kind into `folder` (creating it); returns the folder.
  @discardableResult
  public static func make(in folder: URL) throws -> URL {
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    func path(_ name: String) -> String { folder.appendingPathComponent(name).path }
    try vips(["gaussnoise", path(photo) + "[Q=100]", "6000", "4000", "--sigma", "90"])
    try vips(["gaussnoise", path("noise.v"), "1200", "630", "--mean", "128", "--sigma", "40"])
    try vips(["bandjoin_const", path("noise.v"), path("xyz.v"), "128 64"])
    try vips(["cast", path("xyz.v"), path(card), "uchar"])
    try vips(["black", path("black.v"), "600", "300", "--bands", "4"])
    try vips(["linear", path("black.v"), path(transparent) + "[compression=1]", "1", "64", "--uchar"])
    try vips(["black", path(huge) + "[compression=9]", "20000", "20000"])
    let jpeg = try Data(contentsOf: folder.appendingPathComponent(photo))
    try jpeg.prefix(jpeg.count / 2).write(to: folder.appendingPathComponent(truncated))
    try animatedGIF.write(to: folder.appendingPathComponent(animated))
    try Data(
      """
      <svg xmlns="http://www.w3.org/2000/svg" width="100" height="100"><script>alert(1)</script>\
      <rect width="100" height="100"/></svg>
      """.utf8
    ).write(to: folder.appendingPathComponent(svg))
    try Data("this is not a picture\n".utf8).write(to: folder.appendingPathComponent(text))
    try Data().write(to: folder.appendingPathComponent(empty))
    for scratch in ["xyz.v", "black.v", "noise.v"] {
      try? FileManager.default.removeItem(atPath: path(scratch))
    }
    return folder
  }

  /// Every kind, made once per test process in a temporary folder.
  private static let shared = Result {
    try make(
      in: FileManager.default.temporaryDirectory.appendingPathComponent("herald-test-images-\(getpid())"))
  }

  /// Links `folder` (a site's `static/img`) to the images made once for the whole test run.
  public static func link(at folder: URL) throws {
    try FileManager.default.createDirectory(
      at: folder.deletingLastPathComponent(), withIntermediateDirectories: true)
    try FileManager.default.createSymbolicLink(at: folder, withDestinationURL: try shared.get())
  }

  /// Two 1 × 1 frames with a loop extension: the smallest animation there is.
  static let animatedGIF: Data = {
    var bytes: [UInt8] = Array("GIF89a".utf8) + [1, 0, 1, 0, 0x80, 0, 0, 0xff, 0xff, 0xff, 0, 0, 0]
    bytes += [0x21, 0xff, 0x0b] + Array("NETSCAPE2.0".utf8) + [3, 1, 0, 0, 0]
    let frame: [UInt8] = [
      0x21, 0xf9, 4, 0, 10, 0, 0, 0, 0x2c, 0, 0, 0, 0, 1, 0, 1, 0, 0, 2, 2, 0x44, 1, 0,
    ]
    bytes += frame + frame + [0x3b]
    return Data(bytes)
  }()

  private static func vips(_ arguments: [String]) throws {
    let result = try Program.run(Program.find("vips") ?? "/usr/bin/vips", arguments)
    guard result.status == 0 else {
      throw ImageToolFailure(description: "vips \(arguments.joined(separator: " ")): \(result.errors)")
    }
  }

  /// `vips` failed.
  public struct ImageToolFailure: Error, CustomStringConvertible {
    /// The command and what it printed.
    public var description: String
  }
}
