"""A large synthetic data set as fixture JSON and CSV files, for import and load benchmarks.

    python benchmarks/synthetic.py --events 100000 --bases 10000 --output synthetic-data

writes N events (spread over the years 1949–2100, ranks unique per year), each with its
milestones and key figures, and M training bases in batches, as

    fixtures/1_events.json  2_milestones.json  3_key_figures.json  4_training_bases.json
    csv/1_event.csv  2_milestone.csv  3_keyfigure.csv  4_trainingbasebatch.csv  5_trainingbase.csv

The files refer to the shipped provinces, categories, kinds and sectors by natural key, so
load fixtures/01_provinces.json and fixtures/02_taxonomy.json first. Records are written
one at a time, so generating a million of them needs no memory to speak of. The data is
deterministic: the same arguments give the same files.
"""

import argparse
import csv
import json
import random
from pathlib import Path

FIRST_YEAR, LAST_YEAR = 1949, 2100
PROVINCES = [f"{code}0000" for code in (11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41)]
PROVINCES += [f"{code}0000" for code in (42, 43, 44, 45, 46, 50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 66)]
CATEGORIES = ["regulation", "competitions", "commendation", "technical-education", "regional-development"]
KINDS = [
    "national-high-skill-training-base",
    "national-skill-master-studio",
    "skill-foundation-training-base",
]
SECTORS = ["intelligent-manufacturing", "cnc-machining", "elderly-care", "digital-media-technology"]
STAMP = "2024-01-02T09:00:00+08:00"


class FixtureWriter:
    """A JSON array written record by record."""

    def __init__(self, path):
        self.stream = path.open("w", encoding="utf-8")
        self.stream.write("[")
        self.first = True

    def write(self, model, fields):
        self.stream.write("\n" if self.first else ",\n")
        self.first = False
        self.stream.write(json.dumps({"model": model, "fields": fields}, ensure_ascii=False))

    def close(self):
        self.stream.write("\n]\n")
        self.stream.close()


class CsvWriter:
    def __init__(self, path, columns):
        self.stream = path.open("w", encoding="utf-8-sig", newline="")
        self.writer = csv.writer(self.stream)
        self.writer.writerow(columns)

    def write(self, *cells):
        self.writer.writerow(["" if cell is None else cell for cell in cells])

    def close(self):
        self.stream.close()


def event_slug(number):
    return f"synthetic-event-{number}"


def generate(output, *, events=100_000, milestones_per_event=2, figures_per_event=2, bases=10_000, seed=2023):
    """Write the data set under output/; returns {"fixtures": [...], "csv": [...], "counts": {...}}."""
    output = Path(output)
    (output / "fixtures").mkdir(parents=True, exist_ok=True)
    (output / "csv").mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    years = LAST_YEAR - FIRST_YEAR + 1

    event_json = FixtureWriter(output / "fixtures" / "1_events.json")
    milestone_json = FixtureWriter(output / "fixtures" / "2_milestones.json")
    figure_json = FixtureWriter(output / "fixtures" / "3_key_figures.json")
    event_csv = CsvWriter(
        output / "csv" / "1_event.csv",
        ["slug", "year", "rank", "title", "short_title", "summary", "body", "category", "regions", "status"],
    )
    milestone_csv = CsvWriter(
        output / "csv" / "2_milestone.csv",
        ["slug", "event", "title", "description", "date", "end_date", "precision", "venue", "regions"],
    )
    figure_csv = CsvWriter(
        output / "csv" / "3_keyfigure.csv",
        [
            "event",
            "key",
            "label",
            "value",
            "magnitude",
            "unit",
            "qualifier",
            "qualifier_position",
            "sort_order",
        ],
    )
    for number in range(1, events + 1):
        year = FIRST_YEAR + (number - 1) % years
        rank = (number - 1) // years + 1
        slug = event_slug(number)
        regions = sorted(rng.sample(PROVINCES, rng.randint(0, 3)))
        status = "published" if number % 10 else "draft"
        fields = {
            "year": year,
            "rank": rank,
            "title": f"{year}年第{rank}件职业能力建设大事：技能人才培养与评价工作的新进展",
            "short_title": f"{year}年大事{rank}",
            "slug": slug,
            "summary": "各地持续推进职业技能培训和评价，技能人才队伍不断壮大。",
            "body": "第一段：背景与部署。\n\n第二段：进展与成效。\n\n第三段：下一步工作安排。",
            "category": [rng.choice(CATEGORIES)],
            "regions": [[code] for code in regions],
            "status": status,
            "published_at": STAMP,
            "created_at": STAMP,
            "updated_at": STAMP,
        }
        event_json.write("events.event", fields)
        event_csv.write(
            slug, year, rank, fields["title"], fields["short_title"], fields["summary"], fields["body"],
            fields["category"][0], ";".join(regions), status,
        )  # fmt: skip
        for step in range(1, milestones_per_event + 1):
            month = rng.randint(1, 12)
            date = f"{year}-{month:02d}-{rng.randint(1, 28):02d}"
            milestone = {
                "event": [slug],
                "slug": f"{slug}-step-{step}",
                "title": f"第{step}个节点",
                "description": "召开会议，部署相关工作。",
                "date": date,
                "end_date": None,
                "precision": "day",
                "regions": [[code] for code in regions[:1]],
                "venue": "北京",
                "created_at": STAMP,
                "updated_at": STAMP,
            }
            milestone_json.write("events.milestone", milestone)
            milestone_csv.write(
                milestone["slug"], slug, milestone["title"], milestone["description"], date, "", "day",
                "北京", ";".join(regions[:1]),
            )  # fmt: skip
        for position in range(1, figures_per_event + 1):
            value = rng.randint(1, 5000)
            figure = {
                "event": [slug],
                "key": f"figure-{position}",
                "label": f"第{position}项数字",
                "value": str(value),
                "magnitude": "万" if position % 2 else "",
                "unit": "人次",
                "qualifier": "近" if position % 2 else "",
                "qualifier_position": "before_number" if position % 2 else "",
                "as_of": None,
                "note": "",
                "is_headline": position == 1,
                "sort_order": position,
            }
            figure_json.write("events.keyfigure", figure)
            figure_csv.write(
                slug, figure["key"], figure["label"], value, figure["magnitude"], "人次", figure["qualifier"],
                figure["qualifier_position"], position,
            )  # fmt: skip
    for writer in (event_json, milestone_json, figure_json, event_csv, milestone_csv, figure_csv):
        writer.close()

    batch_count = max(1, bases // 100)
    base_json = FixtureWriter(output / "fixtures" / "4_training_bases.json")
    batch_csv = CsvWriter(
        output / "csv" / "4_trainingbasebatch.csv",
        ["slug", "kind", "year", "name", "announced_total", "sectors"],
    )
    base_csv = CsvWriter(
        output / "csv" / "5_trainingbase.csv",
        ["slug", "batch", "name", "province", "host_type", "host_organization", "sectors", "status"],
    )
    for number in range(1, batch_count + 1):
        year = FIRST_YEAR + number % years
        fields = {
            "kind": [KINDS[number % len(KINDS)]],
            "year": year,
            "name": f"第{number}批合成培训载体",
            "slug": f"synthetic-batch-{number}",
            "announced_total": 100,
            "sectors": [[SECTORS[number % len(SECTORS)]]],
        }
        base_json.write("events.trainingbasebatch", fields)
        batch_csv.write(
            fields["slug"], KINDS[number % len(KINDS)], year, fields["name"], 100, SECTORS[number % 4]
        )
    for number in range(1, bases + 1):
        province = rng.choice(PROVINCES)
        sectors = sorted(rng.sample(SECTORS, 2))
        fields = {
            "batch": [f"synthetic-batch-{(number - 1) % batch_count + 1}"],
            "name": f"合成技师学院{number}",
            "slug": f"synthetic-base-{number}",
            "province": [province],
            "host_type": "institution",
            "host_organization": f"合成技师学院{number}",
            "sectors": [[sector] for sector in sectors],
            "status": "published",
            "published_at": STAMP,
            "created_at": STAMP,
            "updated_at": STAMP,
        }
        base_json.write("events.trainingbase", fields)
        base_csv.write(
            fields["slug"], fields["batch"][0], fields["name"], province, "院校", fields["host_organization"],
            ";".join(sectors), "published",
        )  # fmt: skip
    base_json.close()
    batch_csv.close()
    base_csv.close()

    counts = {
        "events.event": events,
        "events.milestone": events * milestones_per_event,
        "events.keyfigure": events * figures_per_event,
        "events.trainingbasebatch": batch_count,
        "events.trainingbase": bases,
    }
    return {
        "fixtures": sorted(str(path) for path in (output / "fixtures").glob("*.json")),
        "csv": sorted(str(path) for path in (output / "csv").glob("*.csv")),
        "counts": counts,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--milestones-per-event", type=int, default=2)
    parser.add_argument("--figures-per-event", type=int, default=2)
    parser.add_argument("--bases", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=2023)
    parser.add_argument("--output", required=True, help="folder to write fixtures/ and csv/ into")
    args = parser.parse_args()
    result = generate(
        args.output,
        events=args.events,
        milestones_per_event=args.milestones_per_event,
        figures_per_event=args.figures_per_event,
        bases=args.bases,
        seed=args.seed,
    )
    print(json.dumps(result, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
