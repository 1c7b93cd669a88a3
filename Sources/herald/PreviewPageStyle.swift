/// The review page's stylesheet, inlined so the page needs nothing else: light and dark
/// from the reader's setting, one column on a phone, and a card per network drawn in that
/// network's manner (its accent colour, avatar shape and link card).
enum PreviewPageStyle {
  static let css = """
    :root {
      color-scheme: light dark;
      --bg: #f4f4f6; --fg: #1c1c21; --muted: #5f6170; --line: #d9dae0; --panel: #ffffff;
      --ok: #1a7f37; --near: #9a6700; --over: #cf222e; --tag-bg: rgba(99, 99, 255, .1);
      font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif;
    }
    @media (prefers-color-scheme: dark) {
      :root {
        --bg: #15161a; --fg: #e8e8ec; --muted: #a0a3b1; --line: #33353d; --panel: #1f2026;
        --ok: #4ac26b; --near: #d4a72c; --over: #ff7b72; --tag-bg: rgba(140, 140, 255, .18);
      }
    }
    * { box-sizing: border-box; }
    body { margin: 0; background: var(--bg); color: var(--fg); }
    main, .page-head { max-width: 76rem; margin: 0 auto; padding: 1rem; }
    h1 { font-size: 1.5rem; margin: .5rem 0 .25rem; }
    h2 { font-size: 1.25rem; margin: .25rem 0; }
    a { color: inherit; }
    time { white-space: nowrap; }
    .muted, .source, .page-head p { color: var(--muted); font-size: .875rem; }
    .timeline, .post { background: var(--panel); border: 1px solid var(--line); border-radius: 12px;
      padding: 1rem; margin: 0 0 1.5rem; }
    .timeline ol { list-style: none; margin: 0; padding: 0; }
    .timeline li { display: flex; flex-wrap: wrap; gap: .25rem .75rem; align-items: baseline;
      padding: .4rem 0; border-top: 1px solid var(--line); }
    .timeline li:first-child { border-top: 0; }
    .timeline .title { flex: 1 1 12rem; min-width: 0; overflow-wrap: anywhere; }
    .badge { display: inline-block; font-size: .75rem; font-weight: 600; padding: .05rem .5rem;
      border-radius: 999px; border: 1px solid currentColor; }
    .status-published { color: var(--ok); }
    .status-scheduled { color: #0969da; }
    .status-draft, .status-excluded { color: var(--near); }
    .entry h2 a { text-decoration: none; }
    .entry h2 a:hover { text-decoration: underline; }
    .summary { font-style: italic; }
    .entry p, .entry h2 { overflow-wrap: anywhere; }
    figure.picture { margin: .75rem 0; max-width: 24rem; }
    figure.picture figcaption { color: var(--muted); font-size: .8rem; overflow-wrap: anywhere; }
    .thumb { display: block; width: 100%; background: var(--line) center / cover no-repeat; }
    figure.picture .thumb { border-radius: 8px; background-size: contain; }
    .missing { display: flex; align-items: center; justify-content: center; padding: 1rem;
      min-height: 6rem; color: var(--muted); font-size: .8rem; text-align: center;
      border: 2px dashed var(--line); background: transparent; overflow-wrap: anywhere; }
    .cards { display: grid; gap: 1rem; margin-top: 1rem;
      grid-template-columns: repeat(auto-fill, minmax(min(100%, 22rem), 1fr)); }
    .card { --accent: #555; --card-radius: 12px; border: 1px solid var(--line);
      border-top: 4px solid var(--accent); border-radius: var(--card-radius); padding: .75rem;
      background: var(--bg); min-width: 0; scroll-margin-top: 1rem; }
    .card:target { outline: 3px solid var(--accent); }
    .card-head { display: flex; align-items: center; gap: .5rem; margin-bottom: .5rem; }
    .avatar { width: 2.5rem; height: 2.5rem; flex: none; border-radius: 50%; display: grid;
      place-items: center; background: var(--accent); color: #fff; font-weight: 700; }
    .who { display: flex; flex-direction: column; min-width: 0; line-height: 1.2; }
    .who strong { overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
    .who span { color: var(--muted); font-size: .8rem; }
    .network { margin-left: auto; color: var(--accent); }
    .text { white-space: pre-wrap; overflow-wrap: anywhere; margin: 0 0 .75rem; }
    .text .link { color: var(--link, var(--accent)); text-decoration: none; }
    .text .link:hover { text-decoration: underline; }
    .text .tag { color: var(--accent); background: var(--tag-bg); border-radius: 4px; }
    .error { color: var(--over); overflow-wrap: anywhere; }
    .link-card { display: block; text-decoration: none; border: 1px solid var(--line);
      border-radius: var(--card-radius); overflow: hidden; margin-bottom: .75rem; background: var(--panel); }
    .link-card .thumb { aspect-ratio: 1.91 / 1; }
    .link-card .missing { aspect-ratio: auto; border-width: 0 0 2px; }
    .card-body { display: flex; flex-direction: column; padding: .5rem .75rem; gap: .15rem;
      overflow-wrap: anywhere; }
    .card-body .domain, .card-body .about { color: var(--muted); font-size: .8rem; }
    .card-body .description { font-size: .875rem; }
    .media { margin-bottom: .75rem; border-radius: var(--card-radius); overflow: hidden; }
    .media .thumb { aspect-ratio: 16 / 9; }
    .facts { display: grid; gap: .2rem; font-size: .875rem; margin: 0; padding: .5rem 0 0;
      border-top: 1px solid var(--line); }
    .facts p, .facts ul { margin: 0; overflow-wrap: anywhere; }
    .facts ul { padding-left: 1.1rem; color: var(--muted); }
    .count { font-variant-numeric: tabular-nums; font-weight: 600; }
    .count.ok { color: var(--ok); }
    .count.near { color: var(--near); }
    .count.over { color: var(--over); }
    .never { color: var(--muted); }
    .card-mastodon { --accent: #6364ff; --card-radius: 8px; }
    .card-mastodon .avatar { border-radius: 8px; }
    .card-bluesky { --accent: #1083fe; }
    .card-x { --accent: #1d9bf0; --card-radius: 16px; }
    .card-x .link-card { position: relative; }
    .card-linkedin { --accent: #0a66c2; --card-radius: 8px; }
    .card-linkedin .avatar { border-radius: 4px; }
    .card-linkedin .card-body { background: var(--bg); }
    .card-threads { --accent: #737373; --link: #0095f6; --card-radius: 14px; }
    .card-webhook { --accent: #5865f2; --card-radius: 6px; }
    .card-webhook .text { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace;
      font-size: .875rem; }
    @media (max-width: 30rem) {
      main, .page-head { padding: .5rem; }
      .timeline, .post { padding: .75rem; border-radius: 8px; }
      .card { padding: .6rem; }
    }
    """
}
