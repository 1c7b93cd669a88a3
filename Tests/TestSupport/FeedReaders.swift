internal import Foundation

/// Real feed readers, run on the feeds the tests write.
public enum FeedReaders {
  /// One entry as Python's feedparser sees it.
  public struct Entry: Decodable, Sendable {
    /// The entry id.
    public var id: String
    /// The title.
    public var title: String
    /// The alternate link.
    public var link: String
    /// The publication date, as feedparser normalises it (UTC, `YYYY-MM-DDTHH:MM:SS`).
    public var published: String?
    /// The category labels.
    public var tags: [String]
    /// The full content's HTML.
    public var content: String
    /// The summary.
    public var summary: String?
    /// The author's name.
    public var author: String?
  }

  /// A feed as feedparser sees it.
  public struct Feed: Decodable, Sendable {
    /// 0 when the feed parsed cleanly; anything else means a reader had to guess.
    public var bozo: Int
    /// Why feedparser set `bozo`.
    public var bozoException: String?
    /// The feed's version, e.g. `atom10`, `rss20`, `json11`.
    public var version: String
    /// The feed's title.
    public var title: String
    /// The rel=self link.
    public var selfLink: String?
    /// The entries in document order.
    public var entries: [Entry]
  }

  private static let feedparserScript = """
    import json, sys, time, feedparser, feedparser_rs
    out = []
    for path in sys.argv[1:]:
        # feedparser has no JSON Feed support; feedparser-rs mirrors its API and has.
        if path.endswith('.json'):
            with open(path, 'rb') as f:
                d = feedparser_rs.parse(f.read())
        else:
            d = feedparser.parse(path)
        def when(e):
            t = e.get('published_parsed')
            if t and not isinstance(t, time.struct_time):
                t = time.struct_time(tuple(t))
            return time.strftime('%Y-%m-%dT%H:%M:%S', t) if t else None
        def content(e):
            c = e.get('content')
            return c[0]['value'] if c else ''
        self_link = next((l['href'] for l in d.feed.get('links', []) if l.get('rel') == 'self'), None)
        out.append({
            'bozo': int(bool(d.bozo)),
            'bozoException': str(d.get('bozo_exception')) if d.bozo else None,
            'version': d.version or '',
            'title': d.feed.get('title', ''),
            'selfLink': self_link,
            'entries': [{
                'id': e.get('id', ''), 'title': e.get('title', ''), 'link': e.get('link', ''),
                'published': when(e), 'tags': [t['term'] for t in e.get('tags', [])],
                'content': content(e), 'summary': e.get('summary'), 'author': e.get('author'),
            } for e in d.entries],
        })
    json.dump(out, sys.stdout)
    """

  /// Parses each file with Python's feedparser, or feedparser-rs for JSON Feed (both
  /// installed by `make test-deps`).
  public static func feedparser(_ paths: [String]) throws -> [Feed] {
    let result = try Program.run("/usr/bin/env", ["python3", "-c", feedparserScript] + paths)
    guard result.status == 0 else {
      throw ReaderFailure(message: "feedparser failed (is it installed? make test-deps): \(result.errors)")
    }
    return try JSONDecoder().decode([Feed].self, from: Data(result.output.utf8))
  }

  /// Checks an Atom file against RFC 4287's RELAX NG schema with jing; returns its complaints.
  public static func jing(_ path: String) throws -> String {
    guard let schema = SharedData.folder?.appendingPathComponent("schemas/atom.rnc").path else {
      throw ReaderFailure(message: "../shared/schemas/atom.rnc is needed")
    }
    let result = try Program.run("/usr/bin/env", ["jing", "-c", schema, path])
    // jing's launcher warns about optional jars on standard error; only its output matters.
    return result.status == 0 ? "" : result.output + result.errors
  }

  /// A reader that could not run.
  public struct ReaderFailure: Error, CustomStringConvertible {
    /// What happened.
    public var message: String
    /// The message.
    public var description: String { message }
  }
}
