"""`make bench`: the article page, posting, the moderation queue, throughput
and the indexes, beside issue 6's targets, into var/bench.md.

Each part runs in a process of its own (this command with --part), on a
throwaway database of its own, so that SQLite and PostgreSQL each get the
settings they run under and a part's memory and connections end with it.
"""

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
import traceback
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from comments.bench import indexes, pages, queue, report, throughput
from comments.bench.harness import (
    LOCMEM,
    bench_settings,
    quiet_whitenoise,
    redis_cache,
    throwaway_database,
)

SCENARIOS = ("pages", "posting", "queue", "throughput", "indexes")
# Each part: its database, and the scenarios it runs on it.
PARTS = {
    "sqlite": ("pages", "posting"),
    "postgresql": ("pages", "posting", "throughput"),
    "queue": ("queue",),
    "indexes": ("indexes",),
}
REPEAT, QUICK_REPEAT = 15, 5


class Command(BaseCommand):
    help = (
        "Benchmark the forum on throwaway databases and print the figures "
        "beside issue 6's targets (also written to var/bench.md). Fails only "
        "on errors, never on time."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--quick", action="store_true", help="Small sizes and short runs."
        )
        parser.add_argument(
            "--only",
            default=",".join(SCENARIOS),
            help=f"Comma-separated scenarios, of: {', '.join(SCENARIOS)}.",
        )
        parser.add_argument("--repeat", type=int)
        parser.add_argument(
            "--redis-url",
            default=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/13"),
            help="A Redis database the bench may empty (BENCH_REDIS_URL).",
        )
        parser.add_argument(
            "--output", default=str(Path(settings.VAR_DIR) / "bench.md")
        )
        # Internal: run one part and write its figures as JSON.
        parser.add_argument("--part", choices=PARTS, help="(internal)")
        parser.add_argument("--json", help="(internal)")

    def handle(self, *args, **options):
        only = [s.strip() for s in options["only"].split(",") if s.strip()]
        unknown = set(only) - set(SCENARIOS)
        if unknown:
            raise CommandError(f"Unknown scenarios: {', '.join(sorted(unknown))}.")
        if options["repeat"] is None:
            options["repeat"] = QUICK_REPEAT if options["quick"] else REPEAT
        if options["part"]:
            result = run_part(options["part"], only, options, self.stdout)
            Path(options["json"]).write_text(json.dumps(result))
            return
        self._run_all(only, options)

    def _run_all(self, only: list[str], options) -> None:
        started = time.perf_counter()
        results = []
        scratch = Path(tempfile.mkdtemp(prefix="ldnforum-bench-"))
        try:
            for part, scenarios in PARTS.items():
                wanted = [s for s in scenarios if s in only]
                if wanted:
                    self.stdout.write(f"== {part}: {', '.join(wanted)}")
                    results.append(self._spawn(part, wanted, options, scratch))
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
        text = report.render(
            results,
            quick=options["quick"],
            repeat=options["repeat"],
            seconds=time.perf_counter() - started,
        )
        self.stdout.write(text)
        output = Path(options["output"])
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(text)
        self.stdout.write(f"Written to {output}")
        failed = [r["part"] for r in results if r.get("error")]
        if failed:
            raise CommandError(f"These parts failed: {', '.join(failed)}.")

    def _spawn(self, part: str, scenarios: list[str], options, scratch) -> dict:
        out = scratch / f"{part}.json"
        env = dict(os.environ)
        if part == "sqlite":
            # The part's settings are SQLite's; its throwaway database is a
            # file beside this one.
            env["DATABASE_URL"] = f"sqlite:///{scratch / 'forum.sqlite3'}"
        command = [
            sys.executable,
            str(Path(settings.BASE_DIR) / "manage.py"),
            "bench",
            "--part",
            part,
            "--json",
            str(out),
            "--only",
            ",".join(scenarios),
            "--repeat",
            str(options["repeat"]),
            "--redis-url",
            options["redis_url"],
            *(["--quick"] if options["quick"] else []),
        ]
        done = subprocess.run(command, env=env, check=False)
        if done.returncode != 0 or not out.exists():
            return {"part": part, "error": f"exited with {done.returncode}"}
        return json.loads(out.read_text())


def _throwaway_name(part: str) -> str:
    if connection.vendor == "sqlite":
        return str(Path(connection.settings_dict["NAME"]).with_name("bench.sqlite3"))
    if connection.vendor != "postgresql":
        raise CommandError("The bench runs on PostgreSQL (DATABASE_URL) and SQLite.")
    return f"{connection.settings_dict['NAME']}_bench_{part}"


def _engine() -> tuple[str, str]:
    if connection.vendor == "sqlite":
        return "SQLite", f"SQLite {sqlite3.sqlite_version}"
    major = connection.pg_version // 10000
    minor = connection.pg_version % 10000
    return "PostgreSQL", f"PostgreSQL {major}.{minor}"


def run_part(part: str, only: list[str], options, stdout) -> dict:
    quiet_whitenoise()
    quick, repeat = options["quick"], options["repeat"]
    if part != "sqlite" and connection.vendor != "postgresql":
        raise CommandError(
            f"The {part} part runs on PostgreSQL: set DATABASE_URL to a "
            "PostgreSQL server (make bench does)."
        )
    result: dict = {"part": part}
    caches = redis_cache(options["redis_url"]) if part == "postgresql" else LOCMEM
    try:
        with throwaway_database(_throwaway_name(part)):
            engine, version = _engine()
            cache_name = "Redis" if part == "postgresql" else "locmem"
            result |= {"engine": f"{engine}, {cache_name}", "engine_version": version}
            with bench_settings(caches=caches):
                _run_scenarios(part, only, quick, repeat, options, result, stdout)
    except Exception as exc:
        traceback.print_exc()
        result["error"] = f"{type(exc).__name__}: {exc}"
    return result


def _run_scenarios(part, only, quick, repeat, options, result, stdout) -> None:
    t0 = time.perf_counter()

    def done(what: str) -> None:
        stdout.write(f"   {what} ({time.perf_counter() - t0:.0f} s)")

    if part in ("sqlite", "postgresql"):
        sizes = pages.QUICK_SIZES if quick else pages.SIZES
        scene = pages.fill(sizes)
        done(f"threads of {', '.join(f'{n:,}' for n in sizes)} comments made")
        if "pages" in only:
            result["pages"] = pages.measure_pages(scene, repeat=repeat)
            done("article pages measured")
        if "throughput" in only:
            # The 1,000-comment article (the middle size), before any post.
            article = scene.articles[sizes[len(sizes) // 2]]
            result["throughput"] = throughput.measure(
                article.get_absolute_url(),
                redis_url=options["redis_url"],
                duration=throughput.QUICK_DURATION_S
                if quick
                else throughput.DURATION_S,
            )
            done("throughput measured")
        if "posting" in only:
            result["posting"] = pages.measure_posting(scene, repeat=repeat)
            done("posting measured")
    elif part == "queue":
        scene = queue.fill(**(queue.QUICK if quick else queue.SIZES))
        done(f"{scene['pending']:,} pending comments made")
        result["queue"] = queue.measure(scene, repeat=repeat)
        result["queue_pending"] = scene["pending"]
        done("queue measured")
    elif part == "indexes":
        scene = indexes.fill(**(indexes.QUICK if quick else indexes.SIZES))
        done(f"{scene['total']:,} comments made")
        result["indexes_scene"] = indexes.describe(scene)
        result["indexes"] = indexes.measure(scene)
        done("plans explained")
