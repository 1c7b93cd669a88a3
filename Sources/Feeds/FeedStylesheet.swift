/// The CSS stylesheet browsers apply to the Atom and RSS feeds (`feed.css`): a readable page
/// that says what a feed is and how to subscribe, without XSLT, which browsers are removing.
/// CSS can only show what the XML holds, so the note is generated content, the feed's own
/// address comes from its `rel=self` link, and no post HTML is ever run.
enum FeedStylesheet {
  static let css = #"""
    /* Herald's feed stylesheet: shows an Atom or RSS feed as a page (no XSLT, no script). */
    @namespace atom url(http://www.w3.org/2005/Atom);
    @namespace fh url(http://purl.org/syndication/history/1.0);

    :root {
      color-scheme: light dark;
      --bg: #f5f6f8; --card: #fff; --fg: #1d2330; --muted: #5d6677; --line: #e2e5eb;
      --accent: #c2410c; --chip: #eef1f6; --note: #fff7ed; --note-line: #fdba74; --code: #fff;
      background: var(--bg); color: var(--fg);
      font: 16px/1.6 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", Arial, sans-serif;
      overflow-wrap: anywhere;
    }
    @media (prefers-color-scheme: dark) {
      :root {
        --bg: #11141a; --card: #1a1e26; --fg: #e6e9ef; --muted: #9aa3b2; --line: #2b313c;
        --accent: #fb923c; --chip: #252b36; --note: #2a1f16; --note-line: #9a4a12; --code: #11141a;
      }
    }

    /* The page: the feed (Atom) or its channel (RSS), one column. */
    rss { display: block; }
    atom|feed, channel {
      display: flex; flex-direction: column; box-sizing: border-box;
      max-width: 46rem; margin: 0 auto; padding: 1.5rem 1rem 3rem;
    }
    atom|feed > *, channel > *, atom|entry > *, item > * { display: none; }

    /* The note: what a feed is, and the address to copy. */
    atom|feed > atom|link[rel="self"], channel > atom|link[rel="self"],
    atom|feed > atom|link[rel="current"], channel > atom|link[rel="current"] {
      display: block; order: -2; margin: 0 0 2rem; padding: 1rem 1.1rem;
      background: var(--note); border: 1px solid var(--note-line); border-radius: 12px;
    }
    atom|feed > atom|link[rel="self"]::before, channel > atom|link[rel="self"]::before {
      display: block; margin-bottom: .5rem;
      content: "This is a web feed. Subscribe by copying its address into your feed reader app, "
        "and new posts come to you as they are published: no account, no email. "
        "The address to copy:";
    }
    atom|feed > atom|link[rel="current"]::before, channel > atom|link[rel="current"]::before {
      display: block; margin-bottom: .5rem;
      content: "This page is an archive of older posts of a web feed, kept for feed readers. "
        "To follow new posts, subscribe by copying this address into your feed reader app:";
    }
    atom|link[rel="self"]::after, atom|link[rel="current"]::after {
      content: attr(href); display: block; padding: .5rem .65rem;
      font: .88rem/1.4 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
      background: var(--code); border: 1px solid var(--line); border-radius: 8px;
      user-select: all; -webkit-user-select: all;
    }
    /* An archive is not what one subscribes to: only its current feed is offered. */
    atom|feed:has(> fh|archive) > atom|link[rel="self"],
    channel:has(> fh|archive) > atom|link[rel="self"] { display: none; }

    /* The feed's header. */
    atom|feed > atom|title, channel > title {
      display: block; order: -1; margin: .2rem 0 .5rem;
      font-size: 2rem; font-weight: 700; line-height: 1.2;
    }
    atom|feed > atom|subtitle, channel > description {
      display: block; order: -1; margin: 0 0 1.5rem; color: var(--muted); font-size: 1.05rem;
    }
    atom|feed > atom|link[rel="prev-archive"], channel > atom|link[rel="prev-archive"],
    atom|feed > atom|link[rel="next-archive"], channel > atom|link[rel="next-archive"] {
      display: block; order: 1; color: var(--muted); font-size: .9rem;
    }
    atom|link[rel="prev-archive"]::before { content: "Older posts: " attr(href); }
    atom|link[rel="next-archive"]::before { content: "Newer posts: " attr(href); }

    /* One card per post: the title, then the date, author and categories, the summary, the link. */
    atom|entry, item {
      display: flex; flex-wrap: wrap; align-items: baseline; margin: 0 0 1rem; padding: 1.1rem 1.25rem;
      background: var(--card); border: 1px solid var(--line); border-radius: 12px;
    }
    atom|entry > atom|title, item > title {
      display: block; order: -1; width: 100%; font-size: 1.2rem; font-weight: 650; line-height: 1.35;
    }
    /* The date only: the first characters of the timestamp, in a fixed-width font. */
    atom|entry > atom|published, item > pubDate {
      display: inline-block; overflow: hidden; white-space: nowrap; vertical-align: top;
      width: 10ch; margin: .25rem .75rem 0 0; color: var(--muted);
      font: .88rem/1.5 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
    }
    item > pubDate { width: 16ch; }
    atom|entry > atom|author, item > *|creator {
      display: inline-block; margin: .25rem .75rem 0 0; color: var(--muted); font-size: .9rem;
    }
    atom|entry > atom|author > atom|name { display: inline; }
    atom|entry > atom|author > :not(atom|name) { display: none; }
    atom|entry > atom|category, item > category {
      display: inline-block; margin: .25rem .35rem 0 0; padding: 0 .55rem;
      background: var(--chip); border-radius: 999px; font-size: .8rem;
    }
    atom|entry > atom|category::before { content: attr(term); }
    /* RSS's description is HTML escaped as text, which CSS would show with its entities: the
       summary is shown from Atom only. */
    atom|entry > atom|summary { display: block; order: 1; width: 100%; margin: .6rem 0 0; }
    atom|entry > atom|link[rel="alternate"], item > link {
      display: block; order: 2; width: 100%; margin: .6rem 0 0; color: var(--accent); font-size: .85rem;
    }
    atom|entry > atom|link[rel="alternate"]::before { content: "Read it at " attr(href); }
    item > link::before { content: "Read it at "; }
    """#
}
