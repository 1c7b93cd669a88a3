public import Foundation
internal import Synchronization

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Everything read from a posts folder: the good posts, and what was wrong with the rest.
public struct PostScan: Sendable {
  /// The posts that were read, in file order.
  public var posts: [Post]
  /// Errors (one per file that could not be read) and warnings.
  public var diagnostics: [Diagnostic]

  /// How many files could not be read.
  public var invalidCount: Int { diagnostics.filter { $0.severity == .error }.count }
}

extension PostReader {
  /// Reads every `.md` file under `folder` (subfolders too), on all cores.
  ///
  /// Hidden files, other files, links that lead outside the folder, and link loops are
  /// passed over; a file that cannot be read is reported and the others are still read.
  /// - Parameter displayPath: how diagnostics name `folder`.
  public func readFolder(_ folder: URL, displayPath: String) throws(Diagnostic) -> PostScan {
    let found = try PostFolder.files(in: folder, displayPath: displayPath)
    let results = Mutex([(post: Post?, diagnostics: [Diagnostic])?](repeating: nil, count: found.files.count))
    DispatchQueue.concurrentPerform(iterations: found.files.count) { index in
      let file = found.files[index]
      var diagnostics: [Diagnostic] = []
      var post: Post?
      do {
        let data = try Data(contentsOf: file.url)
        post = try read(data, source: file.source, warnings: &diagnostics)
      } catch let diagnostic as Diagnostic {
        diagnostics.append(diagnostic)
      } catch {
        diagnostics.append(
          Diagnostic(
            .error, path: file.source.displayPath, "cannot read the file: \(error.localizedDescription)"))
      }
      results.withLock { $0[index] = (post, diagnostics) }
    }
    let all = results.withLock { $0 }.compactMap { $0 }
    return PostScan(
      posts: all.compactMap(\.post),
      diagnostics: found.diagnostics + all.flatMap(\.diagnostics))
  }
}

/// Finds the post files under a folder, safely.
enum PostFolder {
  struct File {
    var url: URL
    var source: Post.Source
  }

  static let extensions: Set<String> = ["md", "markdown"]

  static func files(in folder: URL, displayPath: String) throws(Diagnostic) -> (
    files: [File], diagnostics: [Diagnostic]
  ) {
    guard let root = realPath(folder.path), isDirectory(root) else {
      throw Diagnostic(.error, path: displayPath, "the posts folder does not exist or is not a folder")
    }
    var files: [File] = []
    var diagnostics: [Diagnostic] = []
    var visited: Set<String> = [root]
    var pending: [(real: String, relative: String)] = [(root, "")]
    while let (directory, relative) = pending.popLast() {
      let names: [String]
      do {
        names = try FileManager.default.contentsOfDirectory(atPath: directory).sorted()
      } catch {
        diagnostics.append(
          Diagnostic(.error, path: join(displayPath, relative), "cannot list the folder"))
        continue
      }
      var subfolders: [(String, String)] = []
      for name in names where !name.hasPrefix(".") {
        let entry = directory + "/" + name
        let entryRelative = relative.isEmpty ? name : relative + "/" + name
        // Follow links only to places inside the posts folder: a post must not be a way to
        // publish /etc/passwd.
        guard let real = realPath(entry) else { continue }
        guard real == root || real.hasPrefix(root + "/") else {
          diagnostics.append(
            Diagnostic(
              .warning, path: join(displayPath, entryRelative),
              "is a link to something outside the posts folder; it is skipped"))
          continue
        }
        if isDirectory(real) {
          if visited.insert(real).inserted { subfolders.append((real, entryRelative)) }
        } else if let dot = name.lastIndex(of: "."),
          extensions.contains(name[name.index(after: dot)...].lowercased()), isRegularFile(real)
        {
          files.append(
            File(
              url: URL(fileURLWithPath: real),
              source: Post.Source(displayPath: join(displayPath, entryRelative), relativePath: entryRelative))
          )
        }
      }
      pending.append(contentsOf: subfolders.reversed())
    }
    return (files.sorted { $0.source.relativePath < $1.source.relativePath }, diagnostics)
  }

  private static func join(_ base: String, _ relative: String) -> String {
    guard !relative.isEmpty else { return base }
    return base.hasSuffix("/") ? base + relative : base + "/" + relative
  }

  private static func realPath(_ path: String) -> String? {
    guard let resolved = realpath(path, nil) else { return nil }
    defer { free(resolved) }
    return String(cString: resolved)
  }

  private static func isDirectory(_ path: String) -> Bool {
    var status = stat()
    return stat(path, &status) == 0 && (status.st_mode & S_IFMT) == S_IFDIR
  }

  private static func isRegularFile(_ path: String) -> Bool {
    var status = stat()
    return stat(path, &status) == 0 && (status.st_mode & S_IFMT) == S_IFREG
  }
}
