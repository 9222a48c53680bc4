"""The results as a terminal table and a short markdown report, each figure against its target
(issue 9): at the largest scale, p95 under 100 ms with 20 people and throughput at least 40% of
the baseline's; query counts the same at every scale; a 25 MB upload growing the worker by
under 30 MB at 80% or more of boto3's speed."""

from __future__ import annotations

P95_MS = 100
THROUGHPUT_SHARE = 0.40
RSS_GROWTH_MB = 30
UPLOAD_SHARE = 0.80


def _largest_loaded(results: dict) -> dict | None:
    loaded = [s for s in results["scales"].values() if "load" in s]
    return max(loaded, key=lambda s: s["scale"]) if loaded else None


def rows(results: dict) -> list[dict]:
    """One row per page: query counts per scale, and load figures at each loaded scale."""
    labels = list(results["scales"])
    out = []
    for page in results["pages"]:
        name = page["name"]
        row = {"name": name, "role": page["role"], "method": page["method"], "loads": {}}
        if name in results["not_built"]:
            row["not_built"] = True
            row["similar"] = results["not_built"][name]
            out.append(row)
            continue
        for key in ("queries", "rows", "ms", "sql_ms", "template_ms"):
            row[key] = {
                label: results["scales"][label]["queries"].get(name, {}).get(key)
                for label in labels
                if "queries" in results["scales"][label]
            }
        for label in labels:
            scale = results["scales"][label]
            if "load" in scale and name in scale["load"]:
                figures, base = scale["load"][name], scale["baseline"]
                row["loads"][label] = {
                    **figures,
                    "rps_ratio": figures["rps"] / base["rps"] if base["rps"] else None,
                    "p50_ratio": figures["p50_ms"] / base["p50_ms"] if base["p50_ms"] else None,
                    "p95_ratio": figures["p95_ms"] / base["p95_ms"] if base["p95_ms"] else None,
                }
        out.append(row)
    return out


def verdicts(results: dict) -> list[tuple[str, str, bool | None]]:
    """(what, figure, met) for every target; met is None when it could not be measured."""
    found: list[tuple[str, str, bool | None]] = []
    largest = _largest_loaded(results)
    for row in rows(results):
        if row.get("not_built"):
            continue
        counts = [c for c in row["queries"].values() if c is not None]
        if len(counts) > 1:
            same = len(set(counts)) == 1
            shown = " vs ".join(f"{c} ({label})" for label, c in row["queries"].items())
            found.append((f"{row['name']}: queries equal at every scale", shown, same))
        rows_read = [c for c in row["rows"].values() if c is not None]
        if len(rows_read) > 1:
            shown = " vs ".join(f"{c} ({label})" for label, c in row["rows"].items())
            found.append(
                (
                    f"{row['name']}: rows read equal at every scale (harness check)",
                    shown,
                    len(set(rows_read)) == 1,
                )
            )
        if largest and largest["label"] in row["loads"]:
            figures = row["loads"][largest["label"]]
            label = largest["label"]
            if not figures["valid"]:
                found.append(
                    (
                        f"{row['name']}: answered correctly under load",
                        figures["problem"],
                        False,
                    )
                )
                continue
            found.append(
                (
                    f"{row['name']}: p95 < {P95_MS} ms at {label}",
                    f"{figures['p95_ms']:.1f} ms",
                    figures["p95_ms"] < P95_MS,
                )
            )
            found.append(
                (
                    f"{row['name']}: throughput >= {THROUGHPUT_SHARE:.0%} of baseline at {label}",
                    f"{figures['rps_ratio']:.0%} ({figures['rps']:.0f} req/s)",
                    figures["rps_ratio"] >= THROUGHPUT_SHARE,
                )
            )
    for size, figures in (results.get("uploads") or {}).items():
        if figures["mb"] >= 25:
            found.append(
                (
                    f"Upload {size}: worker RSS grows < {RSS_GROWTH_MB} MB",
                    f"+{figures['rss_growth_mb']} MB",
                    figures["rss_growth_mb"] < RSS_GROWTH_MB,
                )
            )
        found.append(
            (
                f"Upload {size}: throughput >= {UPLOAD_SHARE:.0%} of boto3 alone",
                f"{figures['portal_over_boto3']:.0%} ({figures['portal_mb_per_s']} vs "
                f"{figures['boto3_mb_per_s']} MB/s)",
                figures["portal_over_boto3"] >= UPLOAD_SHARE,
            )
        )
    return found


def _ratio(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def table(results: dict) -> str:
    labels = list(results["scales"])
    loaded = [label for label in labels if "load" in results["scales"][label]]
    head = f"{'page':<42}" + "".join(f"{'q ' + label:>7}" for label in labels)
    head += "".join(f"{'rows ' + label:>10}" for label in labels)
    for label in loaded:
        head += f" | {label + ' req/s':>11} {'x base':>6} {'p50 ms':>7} {'x base':>6}"
        head += f" {'p95 ms':>7} {'x base':>6}"
    lines = [head, "-" * len(head)]
    for row in rows(results):
        line = f"{row['name'][:41]:<42}"
        if row.get("not_built"):
            hint = f" (routes there now: {', '.join(row['similar'])})" if row["similar"] else ""
            lines.append(line + "not built yet" + hint)
            continue
        line += "".join(f"{str(row['queries'].get(label, '-')):>7}" for label in labels)
        line += "".join(f"{str(row['rows'].get(label, '-')):>10}" for label in labels)
        for label in loaded:
            f = row["loads"].get(label)
            if f is None:
                line += " | " + "-".rjust(11)
                continue
            if not f["requests"]:
                line += f" | {f['problem']}"
                continue
            mark = "" if f["valid"] else " !"
            line += (
                f" | {f['rps']:11.1f} {_ratio(f['rps_ratio']):>6} {f['p50_ms']:7.1f}"
                f" {_ratio(f['p50_ratio']):>6} {f['p95_ms']:7.1f} {_ratio(f['p95_ratio']):>6}{mark}"
            )
        lines.append(line)
    for label in loaded:
        base = results["scales"][label]["baseline"]
        lines.append(
            f"{'baseline at ' + label + ' (' + str(base['bytes']) + ' bytes)':<42}"
            + " " * (17 * len(labels))
            + f" | {base['rps']:11.1f} {'1.00':>6} {base['p50_ms']:7.1f} {'1.00':>6}"
            f" {base['p95_ms']:7.1f} {'1.00':>6}"
        )
    for label, scale in results["scales"].items():
        lines.append(
            f"seed {label}: {scale['seed']['seconds']} s "
            f"({scale['seed']['counts'].get('applications')} applications, "
            f"{scale['seed']['counts'].get('documents')} documents, "
            f"{scale['seed']['counts'].get('organisations')} organisations)"
        )
    for size, f in (results.get("uploads") or {}).items():
        lines.append(
            f"upload {size}: worker RSS +{f['rss_growth_mb']} MB; portal {f['portal_mb_per_s']} "
            f"MB/s vs boto3 {f['boto3_mb_per_s']} MB/s ({f['portal_over_boto3']:.2f})"
        )
    lines.append("")
    lines.append("Targets:")
    for what, figure, met in verdicts(results):
        mark = {True: "met   ", False: "MISSED", None: "  ?   "}[met]
        lines.append(f"  {mark} {what}: {figure}")
    return "\n".join(lines)


def markdown(results: dict) -> str:
    machine = results["machine"]
    labels = list(results["scales"])
    loaded = [label for label in labels if "load" in results["scales"][label]]
    out = [
        "# Benchmark results",
        "",
        f"Run {results['started_at']}{' (quick)' if results['quick'] else ''}, "
        f"{results['seconds']} s in all. Each page driven by wrk with {results['users']} "
        f"signed-in people at once (one connection each, no pause between requests) for "
        f"{results['seconds_per_page']} s after a warm-up; ratios are to the bare Flask baseline "
        "measured straight after, on the same machine and gunicorn settings.",
        "",
        f"Machine: {machine['cpu']}, {machine['cores']} cores, {machine['memory_gb']} GB memory, "
        f"{machine['os']}; Python {machine['python']}; {machine['postgresql']}; {machine['wrk']}.",
        "",
        "| page | "
        + " | ".join(f"queries {label} | rows {label} | ms in-process {label}" for label in labels)
        + " | "
        + " | ".join(
            f"{label} req/s (x base) | {label} p50 ms (x base) | {label} p95 ms (x base)"
            for label in loaded
        )
        + " |",
        "|---|" + "---:|" * (3 * len(labels) + 3 * len(loaded)),
    ]
    for row in rows(results):
        if row.get("not_built"):
            blanks = " |" * (3 * len(labels) + 3 * len(loaded) - 1)
            out.append(f"| {row['name']} | not built yet |{blanks}")
            continue
        cells = []
        for label in labels:
            ms, sql, tpl = (row[k].get(label) for k in ("ms", "sql_ms", "template_ms"))
            cells += [
                str(row["queries"].get(label, "-")),
                str(row["rows"].get(label, "-")),
                f"{ms:.0f} (SQL {sql:.0f}, templates {tpl:.0f})" if ms is not None else "-",
            ]
        for label in loaded:
            f = row["loads"].get(label)
            if f is None:
                cells += ["-", "-", "-"]
                continue
            if not f["requests"]:
                cells += [f["problem"], "-", "-"]
                continue
            flag = "" if f["valid"] else f" (invalid: {f['problem']})"
            cells += [
                f"{f['rps']:.0f} ({_ratio(f['rps_ratio'])}){flag}",
                f"{f['p50_ms']:.1f} ({_ratio(f['p50_ratio'])})",
                f"{f['p95_ms']:.1f} ({_ratio(f['p95_ratio'])})",
            ]
        out.append(f"| {row['name']} | " + " | ".join(cells) + " |")
    for label in loaded:
        scale = results["scales"][label]
        base = scale["baseline"]
        out.append(
            f"\nBaseline at {label}: {base['bytes']} bytes, {base['rps']:.0f} req/s, "
            f"p50 {base['p50_ms']:.1f} ms, p95 {base['p95_ms']:.1f} ms (mean of a run before "
            f"and one after the portal's pages; they differed by {base['spread']:.0%}). "
            "Machine load average (1 minute) before and after the portal's pages: "
            f"{scale['load_average_before'][0]:.1f} and {scale['load_average_after'][0]:.1f} "
            f"on {machine['cores']} cores."
        )
    out += ["", "## Seeding", ""]
    for label, scale in results["scales"].items():
        counts = scale["seed"]["counts"]
        main = ", ".join(
            f"{counts.get(t, 0):,} {t}"
            for t in (
                "organisations",
                "applications",
                "application_submissions",
                "documents",
                "staff_checks",
            )
        )
        out.append(f"- {label}: {scale['seed']['seconds']} s ({main}).")
    notes = next(iter(results["scales"].values()), {}).get("seed", {}).get("notes", [])
    out += [f"- {note}" for note in notes]
    if results.get("uploads"):
        out += ["", "## Uploads", ""]
        for size, f in results["uploads"].items():
            out.append(
                f"- {size}: worker RSS {f['rss_before_mb']} MB before, peak {f['rss_peak_mb']} MB "
                f"(+{f['rss_growth_mb']} MB); through the portal {f['portal_mb_per_s']} MB/s, "
                f"boto3 alone {f['boto3_mb_per_s']} MB/s (ratio {f['portal_over_boto3']})."
            )
    out += ["", "## Targets", ""]
    for what, figure, met in verdicts(results):
        mark = {True: "met", False: "**missed**", None: "not measured"}[met]
        out.append(f"- {mark}: {what}: {figure}")
    if results["not_built"]:
        out += ["", "Not built yet (no figure): " + ", ".join(results["not_built"]) + "."]
    return "\n".join(out) + "\n"
