public import Foundation
internal import Locking

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
  /// The files, in path order (`precedes`).
  public var files: [PostFile]
  /// Folders that could not be listed, links that lead outside.
  public var diagnostics: [Diagnostic]

  /// Byte order, which is code point order (and SQLite's): much cheaper than String's `<`
  /// over thousands of names. Listings are in this order.
  public static func precedes(_ a: String, _ b: String) -> Bool {
    var (a, b) = (a, b)
    return a.withUTF8 { x in
      b.withUTF8 { y in
        let common = min(x.count, y.count)
        let order = common == 0 ? 0 : memcmp(x.baseAddress!, y.baseAddress!, common)
        return order != 0 ? order < 0 : x.count < y.count
      }
    }
  }
}

/// One post file found in the posts folder. Made for every file on every run, so it holds
/// little: its paths are put together when asked for.
public struct PostFile: Sendable {
  /// The real folder it is in (links resolved).
  let folder: String
  /// Its name in `folder`.
  let name: String
  /// How diagnostics name the posts folder.
  let displayFolder: String
  /// The path below the posts folder, with `/` separators.
  public let relativePath: String
  /// What `stat` said of it when the folder was listed.
  public let signature: FileSignature

  /// Where it is (links resolved).
  public var path: String { folder + "/" + name }
  /// `path` as a URL. It is a file (the listing said so): without saying so, Foundation
  /// would `stat` it again to find out, once per file read.
  public var url: URL { URL(fileURLWithPath: path, isDirectory: false) }
  /// How it is named.
  public var source: Post.Source {
    Post.Source(displayPath: PostFolder.join(displayFolder, relativePath), relativePath: relativePath)
  }
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
    let results = Locked(
      [(post: Post?, diagnostics: [Diagnostic])?](repeating: nil, count: found.files.count))
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
    var listedSubfolders = false
    while let (directory, relative) = pending.popLast() {
      guard let entries = scan(directory, relative: relative, root: root, displayPath: displayPath) else {
        diagnostics.append(
          Diagnostic(.error, path: join(displayPath, relative), "cannot list the folder"))
        continue
      }
      var subfolders: [(String, String)] = []
      files.reserveCapacity(files.count + entries.reduce(0) { $0 + $1.count })
      for entry in entries.joined() {
        switch entry {
        case .post(let file): files.append(file)
        case .folder(let real, let entryRelative):
          if visited.insert(real).inserted { subfolders.append((real, entryRelative)) }
        case .outside(let entryRelative):
          diagnostics.append(
            Diagnostic(
              .warning, path: join(displayPath, entryRelative),
              "is a link to something outside the posts folder; it is skipped"))
        }
      }
      pending.append(contentsOf: subfolders.reversed())
      listedSubfolders = listedSubfolders || !subfolders.isEmpty
    }
    // One folder's files are in order already; with subfolders, `b.md` comes before `b/a.md`
    // in byte order, though `b/` was listed after the files beside it.
    let inOrder =
      !listedSubfolders
      || zip(files, files.dropFirst()).allSatisfy { PostListing.precedes($0.relativePath, $1.relativePath) }
    return (
      inOrder ? files : files.sorted { PostListing.precedes($0.relativePath, $1.relativePath) }, diagnostics
    )
  }

  /// What an entry of a folder turned out to be; anything else is passed over.
  private enum Entry {
    case post(PostFile)
    case folder(real: String, relative: String)
    /// A link that leads out of the posts folder.
    case outside(relative: String)
  }

  /// The entries of `directory` (at `relative` below the posts folder), in name order.
  /// `readdir`, then `fstatat` on the open folder and the rest of the work on all cores, in
  /// chunks of names: for a large archive, listing is most of what a run with nothing to do
  /// costs.
  private static func scan(_ directory: String, relative: String, root: String, displayPath: String)
    -> [[Entry]]?
  {
    guard let stream = opendir(directory) else { return nil }
    defer { closedir(stream) }
    // Every name in one buffer, NUL-terminated for `fstatat`, sorted by offset: thousands of
    // short Strings or arrays cost more than reading the folder.
    var buffer: [CChar] = []
    var offsets: [Int] = []
    while let entry = readdir(stream) {
      withUnsafeBytes(of: &entry.pointee.d_name) { raw in
        let name = raw.bindMemory(to: CChar.self)
        guard let first = name.first, first != CChar(UInt8(ascii: ".")), first != 0 else { return }
        offsets.append(buffer.count)
        buffer.append(contentsOf: UnsafeBufferPointer(rebasing: name[...strlen(name.baseAddress!)]))
      }
    }
    let names = buffer
    offsets = names.withUnsafeBufferPointer { inByteOrder(offsets, of: $0) }

    let descriptor = dirfd(stream)
    let found = offsets
    let chunk = 256
    let chunks = (found.count + chunk - 1) / chunk
    let results = Locked([[Entry]](repeating: [], count: chunks))
    DispatchQueue.concurrentPerform(iterations: chunks) { part in
      var entries: [Entry] = []
      for index in part * chunk..<min(found.count, (part + 1) * chunk) {
        var status = stat()
        var isPost = false
        let name = names.withUnsafeBufferPointer { all -> String? in
          let pointer = all.baseAddress! + found[index]
          guard fstatat(descriptor, pointer, &status, AT_SYMLINK_NOFOLLOW) == 0 else { return nil }
          isPost = hasPostExtension(UnsafeRawBufferPointer(start: pointer, count: strlen(pointer)))
          return String(cString: pointer)
        }
        guard let name else { continue }
        if let entry = entry(
          name, isPost: isPost, status, in: directory, relative: relative, root: root,
          displayPath: displayPath)
        {
          entries.append(entry)
        }
      }
      results.withLock { $0[part] = entries }
    }
    return results.withLock { $0 }
  }

  /// `offsets` of NUL-terminated names in `names`, sorted as the names' bytes are: by their
  /// first sixteen bytes as two integers, and only names alike that far by the rest. Comparing
  /// the names throughout took 2 ms for every ten thousand.
  private static func inByteOrder(_ offsets: [Int], of names: UnsafeBufferPointer<CChar>) -> [Int] {
    var keyed = offsets.map { offset in
      var key: (UInt64, UInt64) = (0, 0)
      var ended = false
      for index in 0..<16 {
        if !ended, names[offset + index] == 0 { ended = true }
        let byte = ended ? 0 : UInt64(UInt8(bitPattern: names[offset + index]))
        if index < 8 { key.0 = key.0 << 8 | byte } else { key.1 = key.1 << 8 | byte }
      }
      return (key: key, offset: offset)
    }
    let base = names.baseAddress!
    keyed.sort { a, b in
      a.key != b.key ? a.key < b.key : strcmp(base + a.offset, base + b.offset) < 0
    }
    return keyed.map(\.offset)
  }

  /// What the entry `name` of `directory`, of which `lstat` said `status`, is; `isPost` when
  /// its name ends as a post's does.
  private static func entry(
    _ name: String, isPost: Bool, _ status: stat, in directory: String, relative: String, root: String,
    displayPath: String
  ) -> Entry? {
    var kind = status.st_mode & S_IFMT
    // Most entries are posts or folders; anything else needs no more work.
    guard isPost || kind == S_IFDIR || kind == S_IFLNK else { return nil }
    let entryRelative = relative.isEmpty ? name : relative + "/" + name
    var (folder, realName) = (directory, name)
    var found = status
    if kind == S_IFLNK {
      // Follow links only to places inside the posts folder: a post must not be a way to
      // publish /etc/passwd.
      guard let target = realPath(directory + "/" + name), let targetStatus = Self.status(target) else {
        return nil
      }
      guard target == root || target.hasPrefix(root + "/") else { return .outside(relative: entryRelative) }
      let slash = target.lastIndex(of: "/")!
      (folder, realName) = (String(target[..<slash]), String(target[target.index(after: slash)...]))
      found = targetStatus
      kind = found.st_mode & S_IFMT
    }
    if kind == S_IFDIR { return .folder(real: folder + "/" + realName, relative: entryRelative) }
    guard isPost, kind == S_IFREG else { return nil }
    return .post(
      PostFile(
        folder: folder, name: realName, displayFolder: displayPath, relativePath: entryRelative,
        signature: FileSignature(found)))
  }

  /// Whether the name `bytes` ends in `.md` or `.markdown`, in any case; compared as bytes,
  /// since it runs for every name in the folder.
  private static func hasPostExtension(_ bytes: UnsafeRawBufferPointer) -> Bool {
    extensionSuffixes.contains { suffix in
      guard bytes.count > suffix.count else { return false }
      let start = bytes.count - suffix.count
      for (offset, expected) in suffix.enumerated() {
        let byte = bytes[start + offset]
        guard ((0x41...0x5A).contains(byte) ? byte | 0x20 : byte) == expected else { return false }
      }
      return true
    }
  }

  /// `.md` and `.markdown` as lowercase bytes.
  private static let extensionSuffixes = extensions.map { Array(("." + $0).utf8) }

  static func join(_ base: String, _ relative: String) -> String {
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
