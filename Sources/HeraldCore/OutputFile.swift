internal import Files
internal import Foundation

/// A file a command writes for people to open (`preview --html`), replaced whole so that a
/// browser reloading it never shows half of it.
public enum OutputFile {
  /// Writes `text` to `path` atomically; the error names the file and gives the system's reason.
  public static func write(_ text: String, to path: String) throws(HeraldError) {
    do {
      try AtomicFile.write(Data(text.utf8), to: URL(fileURLWithPath: path))
    } catch {
      throw HeraldError(path: path, error.description)
    }
  }
}
