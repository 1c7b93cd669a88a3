#!/usr/bin/env python3
"""Herald's benchmark: `make bench`.

Generates synthetic archives like the real blog (front matter as the seed post, about 7 KB
of Markdown each, with headings, links, lists and images), then times, side by side in one
run and pair by pair:
  - `herald build` with `limit: 0` against Hugo rendering the same posts into one
    full-content RSS feed;
  - a second `herald build` with nothing changed;
  - `herald publish` with nothing due.
Each command runs REPEAT times; the table shows medians and the peak memory of the worst
run (as `/usr/bin/time -v` reports it). Nothing here is a test: timings vary with the machine.
"""
import argparse
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import time

WORDS = (
    "open infrastructure cloud community release summit project contributors kubernetes "
    "openstack zuul kata containers edge network storage compute security upstream developers "
    "operators gating virtual machines bare metal sovereignty foundation members ecosystem"
).split()


def sentence(rng, n):
    return " ".join(rng.choice(WORDS) for _ in range(n)).capitalize() + "."


def post(rng, i):
    body = []
    for s in range(5):
        body.append(f"## {sentence(rng, 5)}\n")
        body.append(f"{sentence(rng, 45)} Read [the guide](/docs/{i}/{s}) or https://openinfra.org/x{s}.\n")
        body.append(f"* {sentence(rng, 8)}\n* **{sentence(rng, 6)}**\n* [{sentence(rng, 3)}](https://example.org/{i})\n")
        body.append(f"![figure {s}](/img/p{i}-{s}.png)\n")
        body.append(f"{sentence(rng, 60)}\n")
    year, month, day = 2012 + i % 14, 1 + i % 12, 1 + i % 28
    return f"""---
templateKey: blog-post
title: "{sentence(rng, 7)[:-1]}"
author: Author {i % 41}
date: {year}-{month:02d}-{day:02d}T{i % 24:02d}:{i % 60:02d}:{i % 59:02d}.000Z
category:
  - value: category-{i % 7}
    label: Category {i % 7}
hidePost: false
seo:
  title: Post {i}
  description: {sentence(rng, 24)}
  url: https://openinfra.org/blog/post-{i}
  twitterUsername: "@openinfradev"
---
""" + "\n".join(body)


def archive(root, size):
    folder = os.path.join(root, f"archive-{size}")
    posts = os.path.join(folder, "posts")
    # The posts are kept from an earlier run (they are the same every time); the rest is
    # written anew.
    if not (os.path.isdir(posts) and len(os.listdir(posts)) == size):
        shutil.rmtree(folder, ignore_errors=True)
        os.makedirs(posts)
        rng = random.Random(size)
        for i in range(size):
            with open(os.path.join(posts, f"post-{i}.md"), "w", encoding="utf-8") as f:
                f.write(post(rng, i))
    with open(os.path.join(folder, "herald.yml"), "w", encoding="utf-8") as f:
        f.write(
            "site:\n  title: Bench\n  url: https://openinfra.org\n  blog_path: /blog/\n  description: Bench\n"
            "  language: en\n  timezone: UTC\n  author: Bench\nposts: posts\noutput: public\nstate: state\n"
            "feeds:\n  url: https://openinfra.org/feeds/\n  limit: 0\n"
            "social:\n  announce_since: 2099-01-01T00:00:00Z\n"
        )
    # Hugo reads the same files as its content; its RSS template carries the full content.
    site = os.path.join(folder, "hugo")
    shutil.rmtree(site, ignore_errors=True)
    os.makedirs(os.path.join(site, "layouts", "_default"))
    os.symlink("../posts", os.path.join(site, "content"))
    with open(os.path.join(site, "hugo.toml"), "w") as f:
        f.write('baseURL = "https://openinfra.org/"\ntitle = "Bench"\ndisableKinds = ["taxonomy", "term"]\n'
                '[outputs]\nhome = ["RSS"]\nsection = []\npage = []\n[services.rss]\nlimit = -1\n')
    with open(os.path.join(site, "layouts", "_default", "rss.xml"), "w") as f:
        f.write('{{ printf "<?xml version=\\"1.0\\" encoding=\\"utf-8\\"?>" | safeHTML }}<rss version="2.0"><channel><title>{{ .Site.Title }}</title>'
                '<link>{{ .Permalink }}</link><description>Bench</description>'
                '{{ range .Site.RegularPages }}<item><title>{{ .Title }}</title><link>{{ .Permalink }}</link>'
                '<pubDate>{{ .Date.Format "Mon, 02 Jan 2006 15:04:05 -0700" }}</pubDate><guid>{{ .Permalink }}</guid>'
                '<description>{{ .Content | html }}</description></item>{{ end }}</channel></rss>\n')
    return folder


def timed(command, cwd):
    """Wall seconds (to the microsecond: `time` rounds to 10 ms) and peak RSS in MiB (as
    `/usr/bin/time -v` reports it) of one run."""
    start = time.perf_counter()
    result = subprocess.run(["/usr/bin/time", "-f", "%M"] + command, cwd=cwd, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if result.returncode != 0:
        sys.exit(f"{' '.join(command)} failed:\n{result.stderr[-2000:]}")
    kilobytes = result.stderr.strip().splitlines()[-1]
    return seconds, int(kilobytes) / 1024


def expect_items(path, marker, count):
    """Stops the benchmark when a feed does not hold every post: a fast run that did nothing
    must never pass for a fast run."""
    with open(path, encoding="utf-8") as f:
        found = f.read().count(marker)
    if found != count:
        sys.exit(f"{path} holds {found} items, not {count}")


def measure(name, command, cwd, repeat, before=None, warm_up=False):
    """The median time and the worst peak memory of `repeat` runs; `warm_up` runs the command
    once first, unmeasured (the steady state of a cron job is what counts)."""
    if warm_up:
        timed(command, cwd)
    runs = []
    for _ in range(repeat):
        if before:
            before()
        runs.append(timed(command, cwd))
    return name, statistics.median(r[0] for r in runs), max(r[1] for r in runs)


def cron_cases(herald, folder, size, repeat):
    """The cron job's cases with subscription feeds of 20 (`cron.yml`, its own output and
    state): a cold build, then nothing changed, one new post, one edited old post, one removed
    post. Each change is made before its run and checked after it, so a run that skipped the
    work can never pass for a fast one; the archive is put back as it was at the end."""
    with open(os.path.join(folder, "herald.yml"), encoding="utf-8") as f:
        config = f.read().replace("output: public", "output: public-cron").replace("state: state", "state: state-cron")
    with open(os.path.join(folder, "cron.yml"), "w", encoding="utf-8") as f:
        f.write(config.replace("limit: 0", "limit: 20"))
    for sub in ("public-cron", "state-cron"):
        shutil.rmtree(os.path.join(folder, sub), ignore_errors=True)
    build = [herald, "build", "--quiet", "--config", "cron.yml"]
    rss = os.path.join(folder, "public-cron", "rss.xml")
    posts = os.path.join(folder, "posts")
    rows = [(size, "cron: cold build, limit 20", *timed(build, folder))]
    expect_items(rss, "<item>", 20)
    rows.append((size, *measure("cron: nothing changed", build, folder, repeat)))

    def check(marker, present=True):
        with open(rss, encoding="utf-8") as f:
            if (marker in f.read()) != present:
                sys.exit(f"{rss}: {marker!r} should {'' if present else 'not '}be there")

    rng = random.Random(0)
    counter = iter(range(10**6))

    def new_post():
        i = size + next(counter)
        # Newer than any post of the archive (the latest are of 2025), each newer than the one
        # before, and already past.
        text = re.sub(r"^date: .*$", f"date: 2026-01-01T{i % 1440 // 60:02d}:{i % 60:02d}:00.000Z", post(rng, i),
                      count=1, flags=re.M)
        with open(os.path.join(posts, f"new-{i}.md"), "w", encoding="utf-8") as f:
            f.write(text.replace("title: \"", f"title: \"New {i} ", 1))
        return f"New {i} "

    added, edited, removed = [], [], []
    rows.append((size, *cron_change("cron: one new post", build, folder, repeat,
                                    lambda: added.append(new_post()), lambda: check(added[-1]))))
    # The newest post of the synthetic archive is edited (it is in the feeds), then one of the
    # oldest (in no subscription feed: only the build cache notices).
    newest = os.path.join(posts, f"new-{size}.md")
    oldest = min(name for name in os.listdir(posts) if name.startswith("post-"))
    rows.append((size, *cron_change("cron: one edited post (in the feeds)", build, folder, repeat,
                                    lambda: edited.append(edit(newest, next(counter))),
                                    lambda: check(edited[-1]))))
    rows.append((size, *cron_change("cron: one edited old post", build, folder, repeat,
                                    lambda: edit(os.path.join(posts, oldest), next(counter)), None)))
    # The posts added above are removed again, newest first: each leaves the feeds.
    def remove():
        i = size + len(added) - 1 - len(removed)
        os.remove(os.path.join(posts, f"new-{i}.md"))
        removed.append(f"New {i} ")
    rows.append((size, *cron_change("cron: one removed post", build, folder, repeat, remove,
                                    lambda: check(removed[-1], present=False))))
    for name in os.listdir(posts):
        if name.startswith("new-"):
            os.remove(os.path.join(posts, name))
    return rows


def edit(path, n):
    """Edits the body of a post; returns words the feeds will hold."""
    words = f"Edited {n} times over"
    with open(path, "a", encoding="utf-8") as f:
        f.write(f"\n{words}.\n")
    return words


def cron_change(name, command, cwd, repeat, change, check):
    """Like `measure`, with `change` made before each run and `check` after it."""
    runs = []
    for _ in range(repeat):
        change()
        runs.append(timed(command, cwd))
        if check:
            check()
    return name, statistics.median(r[0] for r in runs), max(r[1] for r in runs)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--herald", required=True)
    parser.add_argument("--sizes", default="1000,10000")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each full build")
    parser.add_argument("--quick-repeat", type=int, default=11, help="runs of each run with nothing to do")
    parser.add_argument("--hugo-max", type=int, default=10000, help="largest archive Hugo is run on")
    parser.add_argument("--work", default=".bench")
    args = parser.parse_args()
    herald = os.path.abspath(args.herald)
    hugo = shutil.which("hugo")
    rows = []
    for size in [int(s) for s in args.sizes.split(",")]:
        folder = archive(args.work, size)

        def clean():
            for sub in ("public", "state"):
                shutil.rmtree(os.path.join(folder, sub), ignore_errors=True)

        build = [herald, "build", "--quiet", "--config", "herald.yml"]
        hugo_build = [hugo, "--quiet", "-s", "hugo", "-d", "hugo-out"] if hugo and size <= args.hugo_max else None
        # Full builds pair by pair, Herald then Hugo, so a noisy moment weighs on both.
        herald_runs, hugo_runs = [], []
        for _ in range(args.repeat):
            clean()
            herald_runs.append(timed(build, folder))
            if hugo_build:
                shutil.rmtree(os.path.join(folder, "hugo", "hugo-out"), ignore_errors=True)
                hugo_runs.append(timed(hugo_build, folder))
                expect_items(os.path.join(folder, "hugo", "hugo-out", "index.xml"), "<item>", size)
            expect_items(os.path.join(folder, "public", "rss.xml"), "<item>", size)
        summary = lambda runs: (statistics.median(r[0] for r in runs), max(r[1] for r in runs))
        rows.append((size, "herald build (full, empty state)", *summary(herald_runs)))
        if hugo_runs:
            rows.append((size, "hugo (one full-content RSS)", *summary(hugo_runs)))
            ratios = [h[0] / g[0] for h, g in zip(herald_runs, hugo_runs)]
            rows.append((size, "ratio herald/hugo (full build, median of pairs)", statistics.median(ratios), None))
        for name, seconds, memory in [
            measure("herald build (nothing changed)", build, folder, args.quick_repeat),
            measure(
                "herald publish (nothing due)", [herald, "publish", "--quiet", "--config", "herald.yml"], folder,
                args.quick_repeat, warm_up=True),
        ]:
            rows.append((size, name, seconds, memory))
        rows += cron_cases(herald, folder, size, args.quick_repeat)
    print(f"Herald: {herald}; Hugo: {hugo or 'not installed'}; {args.repeat} full builds, "
          f"{args.quick_repeat} runs with nothing to do (after one unmeasured publish).")
    print()
    print("| posts | what | median seconds | peak MiB |")
    print("|---:|---|---:|---:|")
    for size, name, seconds, memory in rows:
        print(f"| {size} | {name} | {seconds:.3f} | {'' if memory is None else f'{memory:.0f}'} |")


if __name__ == "__main__":
    main()
