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

/// One post file found in the posts folder.
public struct PostFile: Sendable {
  /// Where it is (links resolved).
  public var url: URL
  /// How it is named.
  public var source: Post.Source
  /// What `stat` said of it when the folder was listed.
  public var signature: FileSignature
}

/// What `stat` says of a file: when none of it changed, neither did the file (the way git's
/// index and make decide), so caches can trust what they kept without reading it.
public struct FileSignature: Sendable, Hashable {
  /// The device and inode: a file replaced by another is another file.
  public var device: UInt64
  /// See `device`.
  public var inode: UInt64
  /// The size in bytes.
  public var size: Int64
  /// The last modification, in nanoseconds since 1970.
  public var modified: Int64
  /// The last status change (a rename, a `touch -m` back in time), in nanoseconds.
  public var changed: Int64

  /// Creates a signature.
  public init(device: UInt64, inode: UInt64, size: Int64, modified: Int64, changed: Int64) {
    self.device = device
    self.inode = inode
    self.size = size
    self.modified = modified
    self.changed = changed
  }

  init(_ status: stat) {
    self.init(
      device: UInt64(status.st_dev), inode: UInt64(status.st_ino), size: Int64(status.st_size),
      modified: Int64(status.st_mtim.tv_sec) * 1_000_000_000 + Int64(status.st_mtim.tv_nsec),
      changed: Int64(status.st_ctim.tv_sec) * 1_000_000_000 + Int64(status.st_ctim.tv_nsec))
  }

  /// The signature of the file at `path` now, following links; nil when there is none.
  public static func of(_ path: String) -> FileSignature? {
    var status = stat()
    guard stat(path, &status) == 0 else { return nil }
    return FileSignature(status)
  }
}

extension PostReader {
  /// Reads every `.md` file under `folder` (subfolders too), on all cores.
  ///
  /// Hidden files, other files, links that lead outside the folder, and link loops are
  /// passed over; a file that cannot be read is reported and the others are still read.
  /// - Parameter displayPath: how diagnostics name `folder`.
  public func readFolder(_ folder: URL, displayPath: String) throws(Diagnostic) -> PostScan {
    let found = try Self.listFolder(folder, displayPath: displayPath)
    let results = Mutex([(post: Post?, diagnostics: [Diagnostic])?](repeating: nil, count: found.files.count))
    DispatchQueue.concurrentPerform(iterations: found.files.count) { index in
      let result = read(file: found.files[index])
      results.withLock { $0[index] = result }
    }
    let all = results.withLock { $0 }.compactMap { $0 }
    return PostScan(
      posts: all.compactMap(\.post),
      diagnostics: found.diagnostics + all.flatMap(\.diagnostics))
  }

  /// The post files under `folder`, in path order, and what was wrong with the rest.
  public static func listFolder(_ folder: URL, displayPath: String) throws(Diagnostic) -> (
    files: [PostFile], diagnostics: [Diagnostic]
  ) {
    try PostFolder.files(in: folder, displayPath: displayPath)
  }

  /// Reads one post file: the post, or the error that stopped it, and any warnings.
  public func read(file: PostFile) -> (post: Post?, diagnostics: [Diagnostic]) {
    var diagnostics: [Diagnostic] = []
    do {
      let data = try Data(contentsOf: file.url)
      let post = try read(data, source: file.source, warnings: &diagnostics)
      return (post, diagnostics)
    } catch let diagnostic as Diagnostic {
      diagnostics.append(diagnostic)
    } catch {
      diagnostics.append(
        Diagnostic(
          .error, path: file.source.displayPath, "cannot read the file: \(error.localizedDescription)"))
    }
    return (nil, diagnostics)
  }
}

/// Finds the post files under a folder, safely.
enum PostFolder {
  static let extensions: Set<String> = ["md", "markdown"]

  static func files(in folder: URL, displayPath: String) throws(Diagnostic) -> (
    files: [PostFile], diagnostics: [Diagnostic]
  ) {
    guard let root = realPath(folder.path), let rootStatus = status(root), isDirectory(rootStatus) else {
      throw Diagnostic(.error, path: displayPath, "the posts folder does not exist or is not a folder")
    }
    var files: [PostFile] = []
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
        var real = entry
        guard var found = linkStatus(entry) else { continue }
        if (found.st_mode & S_IFMT) == S_IFLNK {
          // Follow links only to places inside the posts folder: a post must not be a way
          // to publish /etc/passwd.
          guard let target = realPath(entry), let targetStatus = status(target) else { continue }
          guard target == root || target.hasPrefix(root + "/") else {
            diagnostics.append(
              Diagnostic(
                .warning, path: join(displayPath, entryRelative),
                "is a link to something outside the posts folder; it is skipped"))
            continue
          }
          real = target
          found = targetStatus
        }
        if isDirectory(found) {
          if visited.insert(real).inserted { subfolders.append((real, entryRelative)) }
        } else if let dot = name.lastIndex(of: "."),
          extensions.contains(name[name.index(after: dot)...].lowercased()),
          (found.st_mode & S_IFMT) == S_IFREG
        {
          files.append(
            PostFile(
              url: URL(fileURLWithPath: real),
              source: Post.Source(displayPath: join(displayPath, entryRelative), relativePath: entryRelative),
              signature: FileSignature(found)))
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

  private static func status(_ path: String) -> stat? {
    var result = stat()
    return stat(path, &result) == 0 ? result : nil
  }

  private static func linkStatus(_ path: String) -> stat? {
    var result = stat()
    return lstat(path, &result) == 0 ? result : nil
  }

  private static func isDirectory(_ status: stat) -> Bool {
    (status.st_mode & S_IFMT) == S_IFDIR
  }
}
