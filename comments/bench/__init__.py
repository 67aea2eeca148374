"""`make bench` (manage.py bench): how the forum holds up at size.

Each part runs in its own process on its own throwaway database, made on
the server DATABASE_URL names (or a temporary SQLite file) and dropped at
the end, so it never touches a real database:

- harness.py: the throwaway databases, the bench's settings, timing;
- data.py: realistic members, articles and threads, made fast;
- pages.py: the article page (member and anonymous, beside the floor) and
  posting a comment;
- queue.py: the moderation queue at 100,000 pending;
- throughput.py: wrk against gunicorn, as `make serve` runs it;
- indexes.py: EXPLAIN of every list query at 1,000,000 comments;
- report.py: the targets and var/bench.md.

It prints figures beside the issue's targets and never fails on time.
"""
