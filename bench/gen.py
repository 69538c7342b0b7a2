#!/usr/bin/env python3
"""Deterministic generator of a synthetic factline dataset, for benchmarks.

N events (default 1,000,000), 20,000 actors with Zipf-like frequency, 2-4
actors per event, 200 sources, dates over 35 years in random file order,
titles of 50-70 characters with commas and quotes.

    python3 bench/gen.py --events 100000 --format ndjson > /tmp/events.ndjson

For comparisons with SQLite (bench/run.sh), --sqlite-events and --sqlite-actors
also write the same events as a user's script would load them into SQL tables:
each event with its earliest and latest possible day (YYYY-MM-DD), and one
event_id,actor row per participant. They do not change the main output.
"""
import argparse
import calendar
import csv
import datetime
import json
import random
import sys

WORDS = ("talks summit envoy ceasefire briefing sanctions statement report "
         "meeting call strike convoy minister delegation proposal plan "
         "guarantees exchange prisoners border region council vote").split()
KINDS = ["meeting", "talks", "call", "statement", "announcement", "report", "military", "other"]
STATUSES = ["occurred"] * 8 + ["scheduled", "postponed", "cancelled", "reported"]


def title(rng):
    words = []
    while len(", ".join(words)) < 50:
        words.append(rng.choice(WORDS))
    text = " ".join(words[:-1]) + ', "' + words[-1] + '"'
    return text[:70]


def zipf_actor(rng, actors):
    # Inverse-CDF of a continuous 1/x law: a few actors are very busy.
    index = int(actors ** rng.random()) - 1
    return min(index, actors - 1)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--events", type=int, default=1_000_000)
    p.add_argument("--actors", type=int, default=20_000)
    p.add_argument("--sources", type=int, default=200)
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--format", choices=["ndjson", "csv"], default="ndjson")
    p.add_argument("--sqlite-events", metavar="FILE",
                   help="also write the events as CSV for SQLite: id,date,earliest,latest,title,"
                        "kind,status,place,actors,sources,tags,description")
    p.add_argument("--sqlite-actors", metavar="FILE",
                   help="also write event_id,actor pairs (one per participant) as CSV for SQLite")
    a = p.parse_args()
    sql_events = sql_actors = None
    if a.sqlite_events:
        sql_events_file = open(a.sqlite_events, "w", newline="", encoding="utf-8")
        sql_events = csv.writer(sql_events_file, lineterminator="\n")
        sql_events.writerow(["id", "date", "earliest", "latest", "title", "kind", "status", "place",
                             "actors", "sources", "tags", "description"])
    if a.sqlite_actors:
        sql_actors_file = open(a.sqlite_actors, "w", newline="", encoding="utf-8")
        sql_actors = csv.writer(sql_actors_file, lineterminator="\n")
        sql_actors.writerow(["event_id", "actor"])
    rng = random.Random(a.seed)
    out = sys.stdout
    stamp = "2025-11-20T12:00:00Z"
    meta = {"version": 1, "recorded_at": stamp}
    start = datetime.date(1990, 1, 1).toordinal()
    span = 35 * 365
    if a.format == "ndjson":
        out.write(json.dumps({"type": "header", "format": "factline-ndjson", "version": 1}) + "\n")
        for i in sorted(range(a.actors), key=lambda i: f"actor-{i:05d}"):
            out.write(json.dumps({"type": "actor", "id": f"actor-{i:05d}", "name": f"Actor {i:05d}",
                                  "kind": "person", "aliases": [], "description": "", "roles": [],
                                  "meta": meta}, ensure_ascii=False) + "\n")
        for i in range(a.sources):
            out.write(json.dumps({"type": "source", "id": f"source-{i:03d}", "name": f"Source {i:03d}",
                                  "url": None, "meta": meta}) + "\n")
    else:
        w = csv.writer(out, lineterminator="\n")
        w.writerow(["id", "date", "title", "kind", "status", "place", "actors", "sources", "tags", "description"])
    for n in range(a.events):
        day = datetime.date.fromordinal(start + rng.randrange(span))
        precision = rng.random()
        if precision < 0.7:
            date = day.isoformat()
            earliest = latest = day
        elif precision < 0.9:
            date = day.strftime("%Y-%m")
            earliest = day.replace(day=1)
            latest = day.replace(day=calendar.monthrange(day.year, day.month)[1])
        elif precision < 0.97:
            end = datetime.date.fromordinal(day.toordinal() + rng.randrange(1, 5))
            date = f"{day.isoformat()}/{end.isoformat()}"
            earliest, latest = day, end
        else:
            date = day.strftime("%Y")
            earliest, latest = datetime.date(day.year, 1, 1), datetime.date(day.year, 12, 31)
        actors = sorted({zipf_actor(rng, a.actors) for _ in range(rng.randrange(2, 5))})
        record = {
            "id": f"event-{n:07d}",
            "title": title(rng),
            "date": date,
            "kind": rng.choice(KINDS),
            "status": rng.choice(STATUSES),
            "place": None,
            "actors": [f"actor-{i:05d}" for i in actors],
            "sources": [f"source-{rng.randrange(a.sources):03d}"],
            "tags": [],
            "description": "",
        }
        names = [f"Actor {i:05d}" for i in actors]
        source = f"Source {record['sources'][0][7:]}"
        if a.format == "ndjson":
            out.write(json.dumps({"type": "event", **record, "meta": meta}) + "\n")
        else:
            w.writerow([record["id"], date, record["title"], record["kind"], record["status"], "",
                        "; ".join(names), source, "", ""])
        if sql_events:
            sql_events.writerow([record["id"], date, earliest.isoformat(), latest.isoformat(),
                                 record["title"], record["kind"], record["status"], "",
                                 "; ".join(names), source, "", ""])
        if sql_actors:
            for name in names:
                sql_actors.writerow([record["id"], name])
    if sql_events:
        sql_events_file.close()
    if sql_actors:
        sql_actors_file.close()


if __name__ == "__main__":
    main()
