#!/usr/bin/env python3
"""What one runner delivers: `make bench-delivery`.

Queues JOBS due posts for one Mastodon account (mastodon-mock on loopback, `max_per_run: 0`,
`min_interval: 0s`) and times the `herald publish` that sends them all, with the state in
SQLite, then in PostgreSQL (a server this script starts in a temporary folder, as the tests
do). Then SITES sites, each in a folder of its own, share that database, each publishing its
own posts, one after the other as their cron jobs would. Each line gives the wall time, the
jobs per minute and the peak memory. Nothing here is a test: timings vary with the machine,
and mastodon-mock (Python) is most of the time a post takes.
"""

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(check, what, seconds=30):
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            if check():
                return
        except Exception:
            pass
        time.sleep(0.1)
    sys.exit(f"{what} did not start")


def as_postgres(command):
    """Runs as the `postgres` user when root: the server refuses to run as root."""
    if os.getuid() == 0:
        return ["setpriv", "--reuid=postgres", "--regid=postgres", "--init-groups"] + command
    return command


class Postgres:
    def __init__(self, folder):
        versions = sorted(os.listdir("/usr/lib/postgresql"), key=int, reverse=True)
        self.bin = f"/usr/lib/postgresql/{versions[0]}/bin"
        self.folder = folder
        os.makedirs(folder)
        if os.getuid() == 0:
            shutil.chown(folder, "postgres")
        subprocess.run(as_postgres([f"{self.bin}/initdb", "-D", f"{folder}/data", "-A", "trust", "-U", "postgres"]),
                       check=True, capture_output=True)
        self.port = free_port()
        self.server = subprocess.Popen(
            as_postgres([f"{self.bin}/postgres", "-D", f"{folder}/data", "-p", str(self.port), "-k", folder,
                         "-c", "listen_addresses=127.0.0.1"]),
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_for(lambda: self.psql("SELECT 1", "postgres").returncode == 0, "PostgreSQL")

    def psql(self, sql, database):
        return subprocess.run(["psql", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "-d", database,
                               "-At", "-c", sql], capture_output=True, text=True)

    def database(self, name):
        self.psql(f"CREATE DATABASE {name}", "postgres")
        return f"postgresql://postgres@127.0.0.1:{self.port}/{name}"

    def stop(self):
        self.server.terminate()
        self.server.wait()


class Mastodon:
    def __init__(self):
        self.port = free_port()
        self.server = subprocess.Popen(
            [sys.executable, "-m", "mastodon_mock", "serve", "--host", "127.0.0.1", "--port", str(self.port),
             "--in-memory"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.url = f"http://127.0.0.1:{self.port}"
        wait_for(lambda: urllib.request.urlopen(self.url + "/api/v1/instance").status == 200, "mastodon-mock")
        request = urllib.request.Request(self.url + "/api/v1/_mock/dev_user", data=b'{"username": "herald"}',
                                         headers={"Content-Type": "application/json"}, method="POST")
        self.token = json.load(urllib.request.urlopen(request))["access_token"]

    def stop(self):
        self.server.terminate()
        self.server.wait()


def site(folder, jobs, mastodon, host):
    os.makedirs(f"{folder}/posts")
    with open(f"{folder}/herald.yml", "w") as f:
        f.write(f"""site:
  title: Bench
  url: https://{host}
  blog_path: /blog/
  timezone: UTC
  author: Bench
posts: posts
output: public
state: state
feeds:
  url: https://{host}/feeds/
social:
  hashtag: "#WeAreOpenInfra"
  announce_since: 2025-01-01T00:00:00Z
  max_age: 30d
  max_per_run: 0
  min_interval: 0s
""")
    for number in range(jobs):
        with open(f"{folder}/posts/post-{number}.md", "w") as f:
            f.write(f"---\ntitle: \"Post {number} of the bench\"\ndate: 2025-06-10T{number // 60 % 24:02}:{number % 60:02}:00Z\n"
                    f"categories: [Bench]\n---\nBody of post {number}.\n")
    with open(f"{folder}/credentials", "w") as f:
        f.write(f"MASTODON_URL={mastodon.url}\nMASTODON_TOKEN={mastodon.token}\n")
    os.chmod(f"{folder}/credentials", 0o600)


def publish(herald, folder, state_url):
    environment = dict(os.environ, HERALD_STATE_URL=state_url or "", NO_COLOR="1")
    start = time.perf_counter()
    result = subprocess.run(["/usr/bin/time", "-f", "%M", herald, "publish", "--config", "herald.yml",
                             "--credentials", "credentials", "--now", "2025-06-11T00:00:00Z"],
                            cwd=folder, env=environment, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if result.returncode != 0:
        sys.exit(f"publish failed in {folder}:\n{result.stderr[-2000:]}")
    return seconds, int(result.stderr.strip().splitlines()[-1]) / 1024, result.stdout.strip()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--herald", required=True)
    parser.add_argument("--jobs", type=int, default=200)
    parser.add_argument("--sites", type=int, default=10)
    parser.add_argument("--work", default=".build/bench-delivery")
    options = parser.parse_args()
    herald = os.path.abspath(options.herald)
    shutil.rmtree(options.work, ignore_errors=True)
    os.makedirs(options.work)
    # Not mkdtemp: the postgres user must be able to reach the folder.
    postgres = Postgres(f"{tempfile.gettempdir()}/herald-bench-postgres-{os.getpid()}")
    rows = []
    try:
        for engine in ["sqlite", "postgresql"]:
            mastodon = Mastodon()
            folder = f"{options.work}/{engine}"
            site(folder, options.jobs, mastodon, "one.example")
            url = postgres.database(f"one_{engine}") if engine == "postgresql" else None
            seconds, memory, summary = publish(herald, folder, url)
            if f"{options.jobs} sent" not in summary:
                sys.exit(f"not every job was sent: {summary}")
            rows.append((f"{options.jobs} jobs, one site, {engine}", seconds, options.jobs / seconds * 60, memory))
            mastodon.stop()
        mastodon = Mastodon()
        shared = postgres.database("shared")
        per_site = max(1, options.jobs // options.sites)
        start = time.perf_counter()
        worst = 0
        for number in range(options.sites):
            folder = f"{options.work}/site-{number}"
            site(folder, per_site, mastodon, f"site{number}.example")
            worst = max(worst, publish(herald, folder, shared)[1])
        seconds = time.perf_counter() - start
        total = per_site * options.sites
        rows.append((f"{options.sites} sites x {per_site} jobs, one database", seconds, total / seconds * 60, worst))
        mastodon.stop()
    finally:
        postgres.stop()
        shutil.rmtree(postgres.folder, ignore_errors=True)
    print(f"{'case':<44} {'time':>8} {'jobs/min':>9} {'peak':>9}")
    for name, seconds, rate, memory in rows:
        print(f"{name:<44} {seconds:>7.2f}s {rate:>9.0f} {memory:>6.0f} MiB")


if __name__ == "__main__":
    main()
