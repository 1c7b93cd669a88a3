internal import CVips
public import Foundation

/// A raster format Herald reads and writes. Anything else (SVG, PDF, HTML, a text file named
/// `.png`) is not an image to Herald.
public enum ImageFormat: String, Sendable, Codable, CaseIterable {
  case jpeg, png, gif, webp

  /// The media type networks are told.
  public var mediaType: String { "image/" + rawValue }

  /// The file name extension of a variant.
  public var fileExtension: String { self == .jpeg ? "jpg" : rawValue }

  /// The format a libvips loader reads, nil for loaders of formats that are not rasters
  /// Herald takes (svgload, pdfload, matrixload…).
  init?(loader: String) {
    let name = loader.lowercased()
    if name.contains("jpeg") {
      self = .jpeg
    } else if name.contains("png") {
      self = .png
    } else if name.contains("gif") {
      self = .gif
    } else if name.contains("webp") {
      self = .webp
    } else {
      return nil
    }
  }
}

/// What an image's header says, read without decoding its pixels.
public struct ImageInfo: Sendable, Equatable, Codable {
  /// The format.
  public var format: ImageFormat
  /// Width in pixels (of one frame, for an animation).
  public var width: Int
  /// Height in pixels (of one frame, for an animation).
  public var height: Int
  /// Frames: more than one for an animated GIF or WebP.
  public var pages: Int
  /// Whether it has an alpha channel.
  public var hasAlpha: Bool
  /// The file's size in bytes.
  public var byteCount: Int

  /// `PNG, 1200 × 630, 84 KB`.
  public var summary: String {
    "\(format.rawValue.uppercased()), \(width) × \(height)\(pages > 1 ? ", \(pages) frames" : ""), "
      + ImageInfo.size(byteCount)
  }

  /// `84 KB`, `1.2 MB`, for people.
  public static func size(_ bytes: Int) -> String {
    if bytes < 1000 { return "\(bytes) bytes" }
    if bytes < 1_000_000 { return "\(bytes / 1000) KB" }
    return String(format: "%.1f MB", Double(bytes) / 1_000_000)
  }
}

/// What a network accepts: at most `maxBytes`, the longest side at most `maxSide`, in one of
/// `formats`.
public struct ImageLimits: Sendable, Equatable, Hashable {
  /// The largest file.
  public var maxBytes: Int
  /// The longest side, in pixels.
  public var maxSide: Int
  /// The formats it takes; the first one is used for photographs.
  public var formats: [ImageFormat]

  /// Limits.
  public init(maxBytes: Int, maxSide: Int, formats: [ImageFormat] = [.jpeg, .png]) {
    self.maxBytes = maxBytes
    self.maxSide = maxSide
    self.formats = formats
  }

  /// A stable name for the cache: `1000000-2000-jpeg.png`.
  var key: String { "\(maxBytes)-\(maxSide)-" + formats.map(\.rawValue).joined(separator: ".") }
}

/// An image made to a network's limits: always decoded and encoded again, so what is sent
/// carries no metadata (no camera serial, no place) and is the size the network takes.
public struct ImageVariant: Sendable, Equatable {
  /// The bytes.
  public var data: Data
  /// Their format and size.
  public var info: ImageInfo
}

/// Why an image was left out: said in words that name the problem.
public struct ImageFailure: Error, Sendable, Equatable, CustomStringConvertible {
  /// What is wrong with it.
  public var message: String
  /// A failure.
  public init(_ message: String) { self.message = message }
  /// The message.
  public var description: String { message }
}

/// Probes and resizes images through libvips, with limits against decompression bombs: the
/// file's size and the pixel count are checked from the header before a pixel is decoded,
/// and pixels are decoded sequentially, shrunk on load where the format allows.
public enum ImageProcessor {
  /// The largest file read at all.
  public static let maxInputBytes = 50_000_000
  /// The most pixels an image may declare (a 20,000 × 20,000 PNG is 400 million).
  public static let maxPixels = 500_000_000

  /// libvips, loaded on first use: 0 when ready (see `cvips_start`).
  private static let started: Int32 = cvips_start()

  /// The header of `data`: its format and size, or why it is not an image Herald takes.
  public static func probe(_ data: Data) throws(ImageFailure) -> ImageInfo {
    guard started == 0 else {
      throw ImageFailure(
        started == -1
          ? "libvips is not installed (Debian: libvips42)" : "libvips could not start (code \(started))")
    }
    guard !data.isEmpty else { throw ImageFailure("the file is empty") }
    guard data.count <= maxInputBytes else {
      throw ImageFailure(
        "the file is \(ImageInfo.size(data.count)), more than \(ImageInfo.size(maxInputBytes))")
    }
    let loader = data.withUnsafeBytes { bytes in
      cvips_loader(bytes.baseAddress, bytes.count).map { String(cString: $0) }
    }
    cvips_error_clear()
    guard let loader else { throw ImageFailure("it is not an image (no image format matches its bytes)") }
    guard let format = ImageFormat(loader: loader) else {
      let name = loader.replacingOccurrences(of: "VipsForeignLoad", with: "").replacingOccurrences(
        of: "Buffer", with: "")
      throw ImageFailure(
        "\(name.uppercased()) is not a raster image networks show (only JPEG, PNG, GIF, WebP)")
    }
    guard isComplete(data, format: format) else {
      throw ImageFailure("the \(format.rawValue.uppercased()) file is cut short (truncated)")
    }
    let header = data.withUnsafeBytes { cvips_header($0.baseAddress, $0.count) }
    guard let header else { throw lastError("cannot read the image") }
    defer { cvips_release(header) }
    let pages = Int(cvips_pages(header))
    let pageHeight = Int(cvips_page_height(header))
    let info = ImageInfo(
      format: format, width: Int(cvips_width(header)),
      height: pages > 1 ? pageHeight : Int(cvips_height(header)), pages: max(1, pages),
      hasAlpha: cvips_has_alpha(header) != 0, byteCount: data.count)
    guard info.width > 0, info.height > 0 else { throw ImageFailure("the image has no pixels") }
    guard info.width * info.height <= maxPixels else {
      throw ImageFailure(
        "the image is \(info.width) × \(info.height) pixels, more than \(maxPixels / 1_000_000) million")
    }
    return info
  }

  /// Whether the file ends as its format says a whole file does (JPEG's end-of-image marker,
  /// PNG's IEND chunk, GIF's trailer, the size WebP's RIFF header gives): decoders shrug off a
  /// cut file with a grey band, which is not a picture to send.
  static func isComplete(_ data: Data, format: ImageFormat) -> Bool {
    let bytes = [UInt8](data.suffix(4096))
    // Some cameras and editors pad the end with zeros or append a trailer after the marker.
    let end = bytes.lastIndex { $0 != 0 }.map { bytes[...$0] } ?? []
    switch format {
    case .jpeg:
      return end.indices.dropLast().contains { end[$0] == 0xff && end[$0 + 1] == 0xd9 }
    case .png:
      return data.suffix(64).range(of: Data("IEND".utf8)) != nil
    case .gif:
      return end.last == 0x3b
    case .webp:
      guard data.count >= 12 else { return false }
      let size = data.prefix(8).suffix(4).reversed().reduce(0) { $0 << 8 | Int($1) }
      return data.count >= size + 8
    }
  }

  /// `data` made to `limits`: shrunk to fit `maxSide`, encoded in the first of `formats` that
  /// keeps it (PNG for images with transparency when allowed, else JPEG on white), at lower
  /// JPEG qualities and then smaller sizes until it fits `maxBytes`.
  public static func variant(of data: Data, limits: ImageLimits) throws(ImageFailure) -> ImageVariant {
    let info = try probe(data)
    // A PNG that already fits goes as it is: encoding it again only makes it larger (a PNG
    // carries no camera or place, unlike a JPEG's EXIF, which is always stripped).
    if info.format == .png, limits.formats.contains(.png), info.pages == 1, data.count <= limits.maxBytes,
      max(info.width, info.height) <= limits.maxSide
    {
      // Decoded once all the same, so a damaged one is refused rather than sent.
      cvips_release(try decode(data, side: max(info.width, info.height)))
      return ImageVariant(data: data, info: info)
    }
    var side = min(limits.maxSide, max(info.width, info.height))
    while true {
      let thumbnail = try decode(data, side: side)
      defer { cvips_release(thumbnail) }
      let width = Int(cvips_width(thumbnail))
      let height = Int(cvips_height(thumbnail))
      if info.hasAlpha, limits.formats.contains(.png) {
        let png = try encode(thumbnail, as: .png)
        if png.count <= limits.maxBytes {
          return ImageVariant(
            data: png,
            info: ImageInfo(
              format: .png, width: width, height: height, pages: 1, hasAlpha: true, byteCount: png.count))
        }
      }
      guard limits.formats.contains(.jpeg) else {
        throw ImageFailure(
          "no format the network takes can hold it within \(ImageInfo.size(limits.maxBytes))")
      }
      for quality in [85, 75, 65, 50] {
        let jpeg = try encode(thumbnail, as: .jpeg, quality: quality)
        if jpeg.count <= limits.maxBytes {
          return ImageVariant(
            data: jpeg,
            info: ImageInfo(
              format: .jpeg, width: width, height: height, pages: 1, hasAlpha: false, byteCount: jpeg.count))
        }
      }
      guard side > 64 else {
        throw ImageFailure("it cannot be made smaller than \(ImageInfo.size(limits.maxBytes))")
      }
      side = side * 3 / 4
    }
  }

  /// The first frame, shrunk to fit `side` × `side`, in sRGB, decoded into memory (the
  /// thumbnail's size, not the original's).
  private static func decode(_ data: Data, side: Int) throws(ImageFailure) -> OpaquePointer {
    var thumbnail: OpaquePointer?
    let status = data.withUnsafeBytes {
      cvips_thumbnail($0.baseAddress, $0.count, Int32(side), Int32(side), &thumbnail)
    }
    guard status == 0, let thumbnail else { throw lastError("cannot decode the image") }
    var srgb: OpaquePointer?
    defer { cvips_release(thumbnail) }
    guard cvips_srgb(thumbnail, &srgb) == 0, let srgb else { throw lastError("cannot convert its colours") }
    defer { cvips_release(srgb) }
    guard let decoded = cvips_decoded(srgb) else { throw lastError("cannot decode the image") }
    return decoded
  }

  private static func encode(
    _ image: OpaquePointer, as format: ImageFormat, quality: Int = 85
  ) throws(ImageFailure) -> Data {
    var buffer: UnsafeMutableRawPointer?
    var length = 0
    var status: Int32
    if format == .png {
      status = cvips_png(image, &buffer, &length)
    } else if cvips_has_alpha(image) != 0 {
      var flat: OpaquePointer?
      guard cvips_flatten_white(image, &flat) == 0, let flat else { throw lastError("cannot flatten it") }
      defer { cvips_release(flat) }
      status = cvips_jpeg(flat, Int32(quality), &buffer, &length)
    } else {
      status = cvips_jpeg(image, Int32(quality), &buffer, &length)
    }
    guard status == 0, let buffer else {
      throw lastError("cannot encode it as \(format.rawValue.uppercased())")
    }
    defer { cvips_free(buffer) }
    return Data(bytes: buffer, count: length)
  }

  /// libvips' last error, first line, as a failure.
  private static func lastError(_ what: String) -> ImageFailure {
    let detail = String(cString: cvips_error()).split(separator: "\n").first.map(String.init)
    cvips_error_clear()
    return ImageFailure(what + (detail.map { ": " + $0 } ?? ""))
  }
}
