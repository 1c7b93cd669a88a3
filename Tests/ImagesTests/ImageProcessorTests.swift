import Foundation
import Images
import TestSupport
import Testing

/// Every kind of image a blog holds, made by libvips' own tool, through the processor: good
/// ones made to a network's limits, bad ones refused with a reason, none crashing.
@Suite(.serialized) struct ImageProcessorTests {
  static let made = Result {
    try TestImages.make(
      in: FileManager.default.temporaryDirectory.appendingPathComponent("herald-images-\(getpid())"))
  }
  static let bluesky = ImageLimits(maxBytes: 1_000_000, maxSide: 2000)

  func data(_ name: String) throws -> Data {
    try Data(contentsOf: Self.made.get().appendingPathComponent(name))
  }

  @Test func aThirtyMegabytePhotoBecomesAJPEGWithinBlueskysLimits() throws {
    let original = try data(TestImages.photo)
    #expect(original.count > 10_000_000)
    let info = try ImageProcessor.probe(original)
    #expect(info.format == .jpeg && info.width == 6000 && info.height == 4000)
    let variant = try ImageProcessor.variant(of: original, limits: Self.bluesky)
    #expect(variant.data.count <= 1_000_000)
    #expect(variant.info.format == .jpeg && max(variant.info.width, variant.info.height) <= 2000)
    #expect(abs(variant.info.width * 2 - variant.info.height * 3) <= 3, "the aspect is kept")
    // What was made is what it says it is.
    let reread = try ImageProcessor.probe(variant.data)
    #expect(reread.width == variant.info.width && reread.format == .jpeg)
  }

  @Test func aCardThatFitsKeepsItsSizeAndATransparentOneStaysPNG() throws {
    // A PNG that fits goes as it is; one that does not is made to fit.
    let original = try data(TestImages.card)
    let card = try ImageProcessor.variant(of: original, limits: Self.bluesky)
    #expect(card.info.width == 1200 && card.info.height == 630 && card.info.format == .png)
    #expect(card.data == original)
    let small = try ImageProcessor.variant(
      of: original, limits: ImageLimits(maxBytes: 1_000_000, maxSide: 600))
    #expect(small.info.width == 600 && small.data != original)
    let logo = try ImageProcessor.variant(of: try data(TestImages.transparent), limits: Self.bluesky)
    #expect(logo.info.format == .png && logo.info.hasAlpha)
    let jpegOnly = ImageLimits(maxBytes: 5_000_000, maxSide: 400, formats: [.jpeg])
    let flat = try ImageProcessor.variant(of: try data(TestImages.transparent), limits: jpegOnly)
    #expect(flat.info.format == .jpeg && flat.info.width == 400 && !flat.info.hasAlpha)
  }

  @Test func anAnimationBecomesItsFirstFrame() throws {
    let info = try ImageProcessor.probe(try data(TestImages.animated))
    #expect(info.format == .gif && info.pages == 2)
    let variant = try ImageProcessor.variant(of: try data(TestImages.animated), limits: Self.bluesky)
    #expect(variant.info.pages == 1 && variant.info.width == 1)
  }

  @Test(arguments: [
    (TestImages.truncated, "truncated"), (TestImages.svg, "SVG"),
    (TestImages.text, "not an image"), (TestImages.empty, "empty"),
  ])
  func aBadImageIsRefusedWithItsReason(name: String, reason: String) throws {
    #expect {
      _ = try ImageProcessor.variant(of: try data(name), limits: Self.bluesky)
    } throws: { error in
      (error as? ImageFailure)?.message.contains(reason) == true
    }
  }

  @Test func aPNGOfFourHundredMillionPixelsIsShrunkInBoundedMemory() throws {
    let variant = try ImageProcessor.variant(of: try data(TestImages.huge), limits: Self.bluesky)
    #expect(variant.info.width == 2000 && variant.data.count <= 1_000_000)
  }

  @Test func anImageDeclaringTooManyPixelsIsRefusedBeforeDecoding() throws {
    // A PNG header claiming 100,000 × 100,000 pixels, and nothing behind it.
    func chunk(_ type: String, _ body: [UInt8]) -> [UInt8] {
      let typed = Array(type.utf8) + body
      var crc: UInt32 = 0xffff_ffff
      for byte in typed {
        crc ^= UInt32(byte)
        for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xedb8_8320 : crc >> 1 }
      }
      crc ^= 0xffff_ffff
      func be(_ value: UInt32) -> [UInt8] {
        (0..<4).map { UInt8(truncatingIfNeeded: value >> (24 - 8 * $0)) }
      }
      return be(UInt32(body.count)) + typed + be(crc)
    }
    let side: [UInt8] = [0, 1, 0x86, 0xa0]
    let header = Data(
      [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a] + chunk("IHDR", side + side + [8, 2, 0, 0, 0])
        + chunk("IEND", []))
    #expect {
      _ = try ImageProcessor.variant(of: header, limits: Self.bluesky)
    } throws: { error in
      // libvips' PNG reader refuses such a header itself; either way nothing is decoded.
      let message = (error as? ImageFailure)?.message ?? ""
      return message.contains("million") || message.contains("cannot read")
    }
  }

  @Test func aSmallLimitShrinksUntilItFits() throws {
    let tiny = ImageLimits(maxBytes: 20_000, maxSide: 2000)
    let variant = try ImageProcessor.variant(of: try data(TestImages.photo), limits: tiny)
    #expect(variant.data.count <= 20_000)
  }
}
