#!/usr/bin/env python3
"""The long kill -9 walk of `herald build`: `make kill-walk`.

A synthetic archive (the posts of `make bench`) is edited at random between runs: posts
added, edited, retitled, re-dated, hidden, recategorised, removed, pinned to an id, given
another post's permalink, made drafts, broken, written again unchanged, moved into a
subfolder or out, or regrouped with their whole subfolder; the feed settings
changed; the entry ids document deleted. Most runs are killed with SIGKILL at a random
instant; some start two builds together. After every run that ends, the output folder must
equal, byte for byte and file for file (temporary files included), a build of the same posts
with no build cache and the same entry ids.

`IncrementalBuildTests` does the same on small sites in every `make test`; this walk is for
larger archives, more steps and the release binary. It exits 1 at the first difference and
leaves both folders in WORK to look at.
"""
import argparse
import filecmp
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench  # noqa: E402  (the synthetic posts)

CONFIGURATION = """\
site:
  title: Walk
  url: https://openinfra.org
  blog_path: /blog/
  description: Walk
  language: en
  timezone: UTC
  author: Walk
posts: posts
output: public
state: state
feeds:
  url: https://openinfra.org/feeds/
{feeds}"""

FEEDS = {
    "archive": "  limit: 3\n  archive: true\n  archive_size: 40\n",
    "newest": "  limit: 20\n",
}


class Walk:
    def __init__(self, herald, root, seed, size, feeds):
        self.herald, self.root, self.size = herald, root, size
        self.rng = random.Random(seed)
        self.posts = os.path.join(root, "posts")
        self.next = size
        shutil.rmtree(root, ignore_errors=True)
        os.makedirs(self.posts)
        with open(os.path.join(root, "herald.yml"), "w", encoding="utf-8") as f:
            f.write(CONFIGURATION.format(feeds=FEEDS[feeds]))
        for i in range(size):
            self.write(f"post-{i}.md", bench.post(self.rng, i))

    def files(self):
        """Every post file, as a path below the posts folder."""
        found = []
        for folder, _, names in os.walk(self.posts):
            found += [os.path.relpath(os.path.join(folder, name), self.posts) for name in names]
        return sorted(found)

    def write(self, name, text):
        with open(os.path.join(self.posts, name), "w", encoding="utf-8") as f:
            f.write(text)

    def edit(self):
        """One change a blog's owner (or its deploy) might make between two cron runs."""
        rng = self.rng
        kind = rng.choice(["add", "add", "body", "title", "date", "hide", "category", "remove", "pin",
                           "draft", "same", "broken", "permalink", "settings", "ids", "move", "folder"])
        if kind == "add":
            self.write(f"new-{self.next}.md", bench.post(rng, self.next))
            self.next += 1
            return
        if kind == "settings":
            path = os.path.join(self.root, "herald.yml")
            with open(path, encoding="utf-8") as f:
                text = f.read()
            text = re.sub(r"limit: \d+", f"limit: {rng.choice([3, 5, 20])}", text)
            text = re.sub(r"archive_size: \d+", f"archive_size: {rng.choice([30, 40])}", text)
            with open(path, "w", encoding="utf-8") as f:
                f.write(text)
            return
        if kind == "ids":
            ids = os.path.join(self.root, "state", "entry-ids.json")
            if os.path.exists(ids) and rng.random() < 0.5:
                os.remove(ids)
            return
        if kind == "folder":
            # A whole subfolder renamed (a year's posts regrouped): every path in it changes.
            folders = sorted(e.name for e in os.scandir(self.posts) if e.is_dir())
            target = os.path.join(self.posts, f"year-{rng.randint(0, 99)}")
            if folders and not os.path.exists(target):
                os.rename(os.path.join(self.posts, rng.choice(folders)), target)
            return
        name = rng.choice(self.files())
        path = os.path.join(self.posts, name)
        if kind == "move":
            # Into a subfolder or back out: the same post under another path.
            target = os.path.basename(name) if "/" in name else f"year-{rng.randint(0, 3)}/{name}"
            os.makedirs(os.path.dirname(os.path.join(self.posts, target)), exist_ok=True)
            if not os.path.exists(os.path.join(self.posts, target)):
                os.rename(path, os.path.join(self.posts, target))
            return
        if kind == "remove":
            os.remove(path)
            return
        with open(path, encoding="utf-8") as f:
            text = f.read()
        if kind == "body":
            text += f"\nEdited {rng.random()}\n"
        elif kind == "title":
            text = re.sub(r'^title: "', f'title: "T{rng.randint(0, 99)} ', text, count=1, flags=re.M)
        elif kind == "date":
            date = f"{rng.randint(2012, 2026)}-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}T00:00:00.000Z"
            text = re.sub(r"^date: .*$", f"date: {date}", text, count=1, flags=re.M)
        elif kind == "hide":
            text = re.sub(r"^hidePost: .*$", f"hidePost: {rng.choice(['true', 'false'])}", text, count=1,
                          flags=re.M)
        elif kind == "category":
            text = re.sub(r"category-\d", f"category-{rng.randint(0, 9)}", text, count=1)
        elif kind == "pin":
            if "\nid:" in text:
                text = re.sub(r"^id: .*\n", "", text, flags=re.M)
            else:
                text = text.replace("hidePost:", f"id: tag:openinfra.org,2024:pinned-{rng.randint(0, 5)}\n"
                                    "hidePost:", 1)
        elif kind == "draft":
            if "draft:" in text:
                text = re.sub(r"^draft: .*\n", "", text, flags=re.M)
            else:
                text = text.replace("hidePost:", "draft: true\nhidePost:", 1)
        elif kind == "broken":
            text = "---\ntitle: [unclosed\n---\n" if rng.random() < 0.5 else bench.post(rng, self.next)
        elif kind == "permalink":
            text = re.sub(r"url: https://openinfra.org/blog/post-\d+",
                          f"url: https://openinfra.org/blog/post-{rng.randint(0, self.size)}", text, count=1)
        self.write(name, text)

    def start(self, folder=None):
        return subprocess.Popen([self.herald, "build", "--quiet", "--config", "herald.yml"],
                                cwd=folder or self.root, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

    def run(self):
        process = self.start()
        _, errors = process.communicate()
        # 1: some posts are broken (the walk breaks some); anything else is a failure.
        if process.returncode not in (0, 1):
            sys.exit(f"build exited {process.returncode}: {errors.decode()[-500:]}")

    def killed(self, within):
        process = self.start()
        time.sleep(self.rng.uniform(0, within))
        process.send_signal(signal.SIGKILL)
        process.wait()

    def together(self):
        first, second = self.start(), self.start()
        codes = sorted([first.wait(), second.wait()])
        # Both ran one after the other, or the second found the first running (75).
        if codes[0] not in (0, 1) or codes[1] not in (0, 1, 75):
            sys.exit(f"two builds together exited {codes}")

    def differences(self):
        """The output's differences from a build with no cache and the same entry ids."""
        cold = self.root + "-cold"
        shutil.rmtree(cold, ignore_errors=True)
        os.makedirs(os.path.join(cold, "state"))
        os.symlink(self.posts, os.path.join(cold, "posts"))
        shutil.copy(os.path.join(self.root, "herald.yml"), cold)
        ids = os.path.join(self.root, "state", "entry-ids.json")
        if os.path.exists(ids):
            shutil.copy(ids, os.path.join(cold, "state"))
        self.start(cold).wait()
        return compare(os.path.join(self.root, "public"), os.path.join(cold, "public"))


def compare(left, right, relative=""):
    """Paths that differ between two folders, hidden files included."""
    listing = filecmp.dircmp(left, right, ignore=[])
    found = [relative + name for name in listing.left_only + listing.right_only + listing.common_funny]
    _, mismatch, errors = filecmp.cmpfiles(left, right, listing.common_files, shallow=False)
    found += [relative + name for name in mismatch + errors]
    for name in listing.common_dirs:
        found += compare(os.path.join(left, name), os.path.join(right, name), relative + name + "/")
    return found


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--herald", required=True)
    parser.add_argument("--work", default=".build/kill-walk")
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--steps", type=int, default=30)
    parser.add_argument("--posts", type=int, default=2500)
    arguments = parser.parse_args()
    herald = os.path.abspath(arguments.herald)
    for seed in arguments.seeds:
        for feeds in FEEDS:
            walk = Walk(herald, os.path.abspath(os.path.join(arguments.work, f"{feeds}-{seed}")), seed,
                        arguments.posts, feeds)
            # The first build killed too: a cold build is the longest run there is.
            walk.killed(1.0)
            walk.run()
            walk.edit()
            started = time.monotonic()
            walk.run()
            span = time.monotonic() - started
            kills = checks = 0
            for step in range(arguments.steps):
                for _ in range(walk.rng.randint(1, 4)):
                    walk.edit()
                choice = walk.rng.random()
                if choice < 0.2:
                    walk.together()
                elif choice < 0.8:
                    walk.killed(span * 1.2)
                    kills += 1
                    walk.run()
                else:
                    walk.run()
                checks += 1
                found = walk.differences()
                if found:
                    sys.exit(f"{feeds} seed {seed} step {step}: differs from a build with no cache: {found[:8]}")
            print(f"{feeds} seed {seed}: {arguments.steps} steps, {kills} runs killed, {checks} checks, "
                  f"a run took {span:.2f} s: every output equals a build with no cache", flush=True)


if __name__ == "__main__":
    main()
