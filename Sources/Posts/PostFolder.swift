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

/// The post files of a posts folder, and what was wrong with the rest of it.
public struct PostListing: Sendable {
  /// The files, in path order.
  public var files: [PostFile]
  /// Folders that could not be listed, links that lead outside.
  public var diagnostics: [Diagnostic]
}

/// One post file found in the posts folder.
public struct PostFile: Sendable {
  /// Where it is (links resolved).
  public var path: String
  /// `path` as a URL.
  public var url: URL { URL(fileURLWithPath: path) }
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
  public static func listFolder(_ folder: URL, displayPath: String) throws(Diagnostic) -> PostListing {
    let (files, diagnostics) = try PostFolder.files(in: folder, displayPath: displayPath)
    return PostListing(files: files, diagnostics: diagnostics)
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
      guard let entries = entries(of: directory) else {
        diagnostics.append(
          Diagnostic(.error, path: join(displayPath, relative), "cannot list the folder"))
        continue
      }
      var subfolders: [(String, String)] = []
      for (name, linkStatus) in entries {
        let entry = directory + "/" + name
        var real = entry
        var found = linkStatus
        let isPost = Self.hasPostExtension(name)
        let kind = found.st_mode & S_IFMT
        // Most entries are posts or folders; anything else needs no more work.
        guard isPost || kind == S_IFDIR || kind == S_IFLNK else { continue }
        let entryRelative = relative.isEmpty ? name : relative + "/" + name
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
        } else if isPost, (found.st_mode & S_IFMT) == S_IFREG {
          files.append(
            PostFile(
              path: real,
              source: Post.Source(displayPath: join(displayPath, entryRelative), relativePath: entryRelative),
              signature: FileSignature(found)))
        }
      }
      pending.append(contentsOf: subfolders.reversed())
    }
    let inOrder = zip(files, files.dropFirst()).allSatisfy {
      precedes($0.source.relativePath, $1.source.relativePath)
    }
    return (
      inOrder ? files : files.sorted { precedes($0.source.relativePath, $1.source.relativePath) }, diagnostics
    )
  }

  /// The visible entries of `directory`, sorted by name, each with what `lstat` says of it.
  /// `readdir`, then `fstatat` on the open folder from all cores, rather than Foundation and
  /// whole paths: for a large archive, these calls are most of what a run with nothing to do
  /// costs.
  private static func entries(of directory: String) -> [(name: String, status: stat)]? {
    guard let stream = opendir(directory) else { return nil }
    defer { closedir(stream) }
    // Names as bytes (NUL-terminated for `fstatat`): sorting thousands of short Strings
    // costs more than reading the folder.
    var names: [[CChar]] = []
    while let entry = readdir(stream) {
      let name = withUnsafeBytes(of: entry.pointee.d_name) { bytes in
        Array(bytes.prefix { $0 != 0 }.map { CChar(bitPattern: $0) }) + [0]
      }
      if name[0] != CChar(UInt8(ascii: ".")) { names.append(name) }
    }
    names.sort { a, b in
      a.withUnsafeBufferPointer { x in
        b.withUnsafeBufferPointer { y in strcmp(x.baseAddress!, y.baseAddress!) < 0 }
      }
    }

    let descriptor = dirfd(stream)
    let found = names
    let statuses = Mutex<[stat?]>(Array(repeating: Optional<stat>.none, count: found.count))
    let chunk = 512
    DispatchQueue.concurrentPerform(iterations: (found.count + chunk - 1) / chunk) { part in
      var results: [(Int, stat)] = []
      for index in part * chunk..<min(found.count, (part + 1) * chunk) {
        var status = stat()
        if fstatat(descriptor, found[index], &status, AT_SYMLINK_NOFOLLOW) == 0 {
          results.append((index, status))
        }
      }
      statuses.withLock { all in
        for (index, status) in results { all[index] = status }
      }
    }
    return statuses.withLock { all in
      zip(found, all).compactMap { name, status in
        status.map { (String(decoding: name.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self), $0) }
      }
    }
  }

  /// Byte order, which is code point order: much cheaper than String's `<` over thousands of
  /// names.
  private static func precedes(_ a: String, _ b: String) -> Bool {
    var (a, b) = (a, b)
    return a.withUTF8 { x in
      b.withUTF8 { y in
        let common = min(x.count, y.count)
        let order = common == 0 ? 0 : memcmp(x.baseAddress!, y.baseAddress!, common)
        return order != 0 ? order < 0 : x.count < y.count
      }
    }
  }

  private static func hasPostExtension(_ name: String) -> Bool {
    guard let dot = name.utf8.lastIndex(of: UInt8(ascii: ".")) else { return false }
    return extensions.contains(String(name[name.index(after: dot)...]).lowercased())
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

  private static func isDirectory(_ status: stat) -> Bool {
    (status.st_mode & S_IFMT) == S_IFDIR
  }
}
