"""The results as a terminal table and a short markdown report, each figure against its target
(issue 18): every page's CPU per request within its budget (bench/pages.py) at the largest
scale, and shown at every scale; being signed in costing at most 0.5 ms more than anonymous;
p95 under 100 ms with 20 people at the largest scale (5 people shown beside it); statements the
same at every scale; a 25 MB upload growing the worker by under 30 MB, and 1 MB and 25 MB
uploads at 80% or more of boto3's speed. Throughput against the bare Flask baseline is kept as
a trend line only: a bare page has no session, database or authorisation."""

from __future__ import annotations

from bench.pages import SIGNED_IN_OVERHEAD_MS

P95_MS = 100
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
        row = {
            "name": name,
            "role": page["role"],
            "method": page["method"],
            "budget_ms": page.get("budget_ms"),
            "loads": {},
            "loads_few": {},
        }
        if name in results["not_built"]:
            row["not_built"] = True
            row["similar"] = results["not_built"][name]
            out.append(row)
            continue
        for key in (
            "queries",
            "rows",
            "ms",
            "sql_ms",
            "template_ms",
            "cpu_ms",
            "app_cpu_ms",
            "pg_cpu_ms",
            "cpu_spread",
        ):
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
            if name in scale.get("load_few", {}):
                row["loads_few"][label] = scale["load_few"][name]
        out.append(row)
    return out


def verdicts(results: dict) -> list[tuple[str, str, bool | None]]:
    """(what, figure, met) for every target; met is None when it could not be measured."""
    found: list[tuple[str, str, bool | None]] = []
    largest = _largest_loaded(results)
    labels = list(results["scales"])
    top = max(labels, key=lambda label: results["scales"][label]["scale"]) if labels else None
    for row in rows(results):
        if row.get("not_built"):
            continue
        cpu = {label: ms for label, ms in row.get("cpu_ms", {}).items() if ms is not None}
        if top in cpu and row["budget_ms"] is not None:
            shown = ", ".join(f"{ms:.2f} ms ({label})" for label, ms in cpu.items())
            found.append(
                (
                    f"{row['name']}: CPU per request <= {row['budget_ms']:g} ms at {top}",
                    shown,
                    cpu[top] <= row["budget_ms"],
                )
            )
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
    for label, scale in results["scales"].items():
        overhead = scale.get("overhead")
        if overhead and label == top:
            found.append(
                (
                    f"Signed-in overhead <= {SIGNED_IN_OVERHEAD_MS:g} ms at {label}",
                    f"{overhead['overhead_ms']:.2f} ms CPU, "
                    f"{overhead['extra_statements']} more statements",
                    overhead["overhead_ms"] <= SIGNED_IN_OVERHEAD_MS,
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


def _ms(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def table(results: dict) -> str:
    labels = list(results["scales"])
    loaded = [label for label in labels if "load" in results["scales"][label]]
    head = f"{'page':<42}{'budget':>7}" + "".join(f"{'q ' + label:>6}" for label in labels)
    head += "".join(f"{'CPU ' + label:>9}" for label in labels)
    for label in loaded:
        head += f" | {label + ' req/s':>10} {'x base':>6} {'p95@20':>7} {'p95@5':>7}"
    lines = [head, "-" * len(head)]
    for row in rows(results):
        line = f"{row['name'][:41]:<42}"
        if row.get("not_built"):
            hint = f" (routes there now: {', '.join(row['similar'])})" if row["similar"] else ""
            lines.append(line + "not built yet" + hint)
            continue
        line += f"{row['budget_ms'] or 0:7g}"
        line += "".join(f"{str(row['queries'].get(label, '-')):>6}" for label in labels)
        for label in labels:
            ms = row["cpu_ms"].get(label)
            over = ms is not None and row["budget_ms"] is not None and ms > row["budget_ms"]
            line += f"{_ms(ms) + ('!' if over else ' '):>9}"
        for label in loaded:
            f = row["loads"].get(label)
            if f is None:
                line += " | " + "-".rjust(10)
                continue
            if not f["requests"]:
                line += f" | {f['problem']}"
                continue
            mark = "" if f["valid"] else " !"
            few = row["loads_few"].get(label)
            few_p95 = f"{few['p95_ms']:7.1f}" if few and few["requests"] else "-".rjust(7)
            line += (
                f" | {f['rps']:10.1f} {_ratio(f['rps_ratio']):>6} {f['p95_ms']:7.1f} "
                f"{few_p95}{mark}"
            )
        lines.append(line)
    for label in loaded:
        base = results["scales"][label]["baseline"]
        lines.append(
            f"baseline at {label} ({base['bytes']} bytes): {base['rps']:.1f} req/s, "
            f"p95 {base['p95_ms']:.1f} ms (runs before and after differed by "
            f"{base['spread']:.0%})"
        )
    for label, scale in results["scales"].items():
        overhead = scale.get("overhead")
        if overhead:
            lines.append(
                f"signed-in overhead at {label}: {overhead['overhead_ms']:.2f} ms CPU "
                f"({_ms(overhead['anonymous']['cpu_ms'])} anonymous, "
                f"{_ms(overhead['signed_in']['cpu_ms'])} signed in), "
                f"{overhead['extra_statements']} more statements"
            )
    lines.append(steadiness(results))
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


def steadiness(results: dict) -> str:
    """How steady the machine was: its load average through the run, and how much each page's
    CPU figure varied between the passes that measured it."""
    cores = results["machine"]["cores"]
    seen = [results.get("load_average_start")]
    for scale in results["scales"].values():
        seen += scale.get("load_average_in_process", [])
        seen += [scale.get("load_average_before"), scale.get("load_average_after")]
    seen.append(results.get("load_average_end"))
    ones = [x[0] for x in seen if x]
    spreads = sorted(
        q["cpu_spread"]
        for scale in results["scales"].values()
        for q in scale.get("queries", {}).values()
        if q.get("cpu_spread") is not None
    )
    median_spread = spreads[len(spreads) // 2] if spreads else None
    text = (
        f"Machine: 1-minute load average {min(ones):.1f} to {max(ones):.1f} on {cores} cores"
        if ones
        else "Machine: load average not read"
    )
    if median_spread is not None:
        text += (
            f"; CPU per request varied by {median_spread:.0%} (max - min over median) on the "
            f"middle page, {spreads[-1]:.0%} at worst"
        )
    return (
        text + ". CPU figures are the ones to compare between runs; wall-clock ones move with load."
    )


def markdown(results: dict) -> str:
    machine = results["machine"]
    labels = list(results["scales"])
    loaded = [label for label in labels if "load" in results["scales"][label]]
    out = [
        "# Benchmark results",
        "",
        f"Run {results['started_at']}{' (quick)' if results['quick'] else ''}, "
        f"{results['seconds']} s in all.",
        "",
        f"Machine: {machine['cpu']}, {machine['cores']} cores, {machine['memory_gb']} GB memory, "
        f"{machine['os']}; Python {machine['python']}; {machine['postgresql']}; {machine['wrk']}.",
        "",
        steadiness(results),
        "",
        "## CPU per request, in-process",
        "",
        "The portal's Python (`time.process_time()` around the request, in the same process) "
        "plus PostgreSQL's backends (their CPU from /proc/<pid>/schedstat over the request: "
        "pg_stat_statements is not preloaded on this server), median of the measured passes; "
        "statements and rows read per request. Budgets are for the largest scale.",
        "",
        "| page | budget ms | "
        + " | ".join(
            f"statements {label} | rows {label} | CPU ms {label} (app + PostgreSQL)"
            for label in labels
        )
        + " |",
        "|---|---:|" + "---:|" * (3 * len(labels)),
    ]
    for row in rows(results):
        if row.get("not_built"):
            out.append(f"| {row['name']} | not built yet |" + " |" * (3 * len(labels)))
            continue
        cells = [f"{row['budget_ms']:g}"]
        for label in labels:
            ms, app, pg = (row[k].get(label) for k in ("cpu_ms", "app_cpu_ms", "pg_cpu_ms"))
            over = ms is not None and ms > row["budget_ms"]
            shown = "-" if ms is None else f"{'**' if over else ''}{ms:.2f}{'**' if over else ''}"
            if ms is not None:
                shown += f" ({app:.2f} + {_ms(pg)})"
            cells += [str(row["queries"].get(label, "-")), str(row["rows"].get(label, "-")), shown]
        out.append(f"| {row['name']} | " + " | ".join(cells) + " |")
    for label, scale in results["scales"].items():
        overhead = scale.get("overhead")
        if overhead:
            anonymous, signed = overhead["anonymous"], overhead["signed_in"]
            out.append(
                f"\nSigned-in overhead at {label} (the trivial page "
                f"/providers/how-call-offs-are-made): {overhead['overhead_ms']:.2f} ms CPU; "
                f"anonymous {anonymous['cpu_ms']:.2f} ms ({anonymous['queries']} statements), "
                f"signed in {signed['cpu_ms']:.2f} ms ({signed['queries']} statements: "
                + "; ".join(f"`{x[:70]}`" for x in signed["statements"])
                + ")."
            )
    if loaded:
        out += [
            "",
            "## Under load",
            "",
            f"gunicorn (production settings), wrk with {results['users']} and then 5 signed-in "
            "people at once (one connection each, no pause between requests), "
            f"{results['seconds_per_page']} s per page after a warm-up. The bare Flask baseline "
            "is a trend line, not a target.",
            "",
            "| page | "
            + " | ".join(
                f"{label} p95 ms, 20 people | {label} p95 ms, 5 people | {label} req/s (x baseline)"
                for label in loaded
            )
            + " |",
            "|---|" + "---:|" * (3 * len(loaded)),
        ]
        for row in rows(results):
            if row.get("not_built"):
                continue
            cells = []
            for label in loaded:
                f, few = row["loads"].get(label), row["loads_few"].get(label)
                if f is None or not f["requests"]:
                    cells += [f["problem"] if f else "-", "-", "-"]
                    continue
                flag = "" if f["valid"] else f" (invalid: {f['problem']})"
                few_cell = "-"
                if few and few["requests"]:
                    few_cell = f"{few['p95_ms']:.1f}" + (
                        "" if few["valid"] else f" (invalid: {few['problem']})"
                    )
                cells += [
                    f"{f['p95_ms']:.1f}{flag}",
                    few_cell,
                    f"{f['rps']:.0f} ({_ratio(f['rps_ratio'])})",
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
