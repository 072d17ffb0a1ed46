"""MkDocs hooks: pages generated from the library's own data at build time, so they cannot drift.

- ``authorities/<id>.md``: each bundled authority's matrix, with a continuum diagram;
- ``authorities/index.md``: the list and a crosswalk diagram between the authorities;
- ``vocabulary.md``: every factor by domain and dimension;
- ``rules/index.md`` and ``rules/<CODE>.md``: every validation rule, whose failing example
  the build runs and checks produces that code (the build fails otherwise);
- ``reference/config.md``: the authority config reference, from the JSON Schema;
- ``reference/cli.md``: the command line reference, from the argument parser.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from mkdocs.structure.files import File, Files

import earlyhelp_core as eh

ROOT = Path(__file__).resolve().parents[1]


def _cell(text: Any) -> str:
    return " ".join(str(text).split()).replace("|", "\\|")


# --------------------------------------------------------------------------- authorities


def _continuum(authority: eh.Authority) -> str:
    lines = ["```mermaid", "flowchart LR"]
    for lv in authority.levels:
        lines.append(
            f'    {lv.id.replace("-", "_")}["{lv.rank}. {_cell(lv.title)}<br/>'
            f'{lv.prevention.value} prevention<br/>{lv.response.value}"]'
        )
    for a, b in zip(authority.levels, authority.levels[1:], strict=False):
        lines.append(f"    {a.id.replace('-', '_')} --> {b.id.replace('-', '_')}")
    lines.append("```")
    return "\n".join(lines)


def _cells_section(config: Any, order: dict[str, int]) -> list[str]:
    """The indicator cells of a config's factors, as a table (none: nothing)."""
    out: list[str] = []
    with_cells = {f: m for f, m in sorted(config.factors.items()) if m.cells}
    if with_cells:
        out += [
            "### Indicator cells",
            "",
            "What a need looks like at each level, in the threshold document's terms. An "
            "assessment names the cell that fits (`cell: <level>`); without one, the factor's "
            "level above is the default and validation asks for a choice (EH035).",
            "",
            "| factor | level | cell | basis | source |",
            "|---|---|---|---|---|",
        ]
        for fid, m in with_cells.items():
            for c in sorted(m.cells, key=lambda c: order[c.level]):
                default = " (default)" if c.level == m.level else ""
                out.append(
                    f"| {fid} | {c.level}{default} | {_cell(c.text)} | {c.source.basis} | "
                    f"{_cell(c.source.ref)}: {_cell(c.source.section)} |"
                )
        out.append("")
    return out


def _considerations_section(config: Any) -> list[str]:
    """A config's considerations, as a table."""
    out: list[str] = []
    out += ["", "## Considerations", ""]
    if config.considerations:
        out += [
            "Advisories for needs that come together as the authority's documents describe; "
            "they are shown on the decision and as EH036 warnings, and never change the level.",
            "",
            "| id | when | below | consider | basis | source |",
            "|---|---|---|---|---|---|",
        ]
        for item in config.considerations:
            w = item.when
            out.append(
                f"| {item.id} | {w.at_least}+ needs at {w.at_level} or above across "
                f"{w.across_domains}+ domains | {item.below} | {_cell(item.consider)} | "
                f"{item.source.basis} | {_cell(item.source.ref)}: {_cell(item.source.section)} |"
            )
    else:
        out.append("None.")
    return out


def authority_page(authority: eh.Authority) -> str:
    config = authority.config
    out = [
        f"# {authority.name}",
        "",
        f"`{authority.id}` version {authority.version}, effective from {config.effective_from}; "
        f"fingerprint `{authority.fingerprint[:16]}…`. Generated from `configs/{authority.id}.yaml`.",
        "",
        "## Continuum of need",
        "",
        _continuum(authority),
        "",
        "| rank | level | prevention | response | source |",
        "|---|---|---|---|---|",
    ]
    for lv in config.levels:
        out.append(
            f"| {lv.rank} | **{lv.id}**: {_cell(lv.title)} | {lv.prevention.value} | "
            f"{lv.response.value} | {_cell(lv.source.ref)}, {_cell(lv.source.section)} "
            f"({lv.source.basis}) |"
        )
    out += ["", "## Levels", ""]
    for lv in config.levels:
        out += [f"### {lv.title}", "", _cell(lv.description), ""]
        if lv.family_can_expect:
            out += [f"*What the family can expect:* {_cell(lv.family_can_expect)}", ""]
        if lv.next_step:
            ns = lv.next_step.source
            out += [
                f"*Next step:* {_cell(lv.next_step.text)} ({ns.ref}: {_cell(ns.section)}; "
                f"{ns.basis})",
                "",
            ]
        if lv.mapping_source:
            ms = lv.mapping_source
            out += [f"*Prevention and response:* {_cell(ms.section)} ({ms.basis}, {ms.ref}).", ""]
        if lv.note:
            out += [f"*Note:* {_cell(lv.note)}", ""]
    out += [
        "## Factors",
        "",
        "| factor | domain | level | basis | source |",
        "|---|---|---|---|---|",
    ]
    domain = {f.id: f.domain.value for f in eh.vocabulary.factors()}
    order = {lv.id: i for i, lv in enumerate(config.levels)}
    for fid, m in sorted(config.factors.items(), key=lambda kv: (order[kv[1].level], kv[0])):
        sh = " ⚠" if eh.vocabulary.get(fid).significant_harm else ""
        out.append(
            f"| [{fid}](../vocabulary.md#{fid}){sh} | {domain[fid]} | {m.level} | "
            f"{m.source.basis} | {_cell(m.source.ref)}: {_cell(m.source.section)} |"
        )
    for lf in config.local_factors:
        out.append(
            f"| {lf.id} (local) | {lf.domain.value} | {lf.level} | {lf.source.basis} | "
            f"{_cell(lf.source.ref)}: {_cell(lf.source.section)} |"
        )
    out += ["", "⚠ a significant-harm factor: always a section-47 level (the safety floor).", ""]
    out += _cells_section(config, order)
    if config.not_applicable:
        out += ["### Not applicable", "", "| factor | reason |", "|---|---|"]
        out += [f"| {f} | {_cell(na.reason)} |" for f, na in sorted(config.not_applicable.items())]
        out.append("")
    out += ["## Escalation rules", ""]
    if config.escalation:
        out += ["| rule | when | then | source |", "|---|---|---|---|"]
        for rule in config.escalation:
            w = rule.when
            out.append(
                f"| {rule.id} | {w.at_least}+ factors at {w.at_level} or above across "
                f"{w.across_domains}+ domains | {rule.then} | {_cell(rule.source.section)} |"
            )
    else:
        out.append("None: the sources give no counts (see the note below).")
    out += _considerations_section(config)
    out += ["", "## Parameters", "", "| parameter | value | source or note |", "|---|---|---|"]
    for name in type(config.parameters).model_fields:
        p = getattr(config.parameters, name)
        where = (
            f"{_cell(p.source.ref)}: {_cell(p.source.section)} ({p.source.basis})"
            if p.source
            else ""
        )
        note = f" *{_cell(p.note)}*" if p.note else ""
        value = "—" if p.value is None else f"`{json.dumps(p.model_dump(mode='json')['value'])}`"
        out.append(f"| `{name}` | {value} | {where}{note} |")
    out += ["", "## Sources", ""]
    out += [f"- **{s.id}**: {_cell(s.title)} ({_cell(s.where)})" for s in config.sources]
    if config.note:
        out += ["", "## Note", "", _cell(config.note)]
    return "\n".join(out) + "\n"


def _node(authority_id: str, level_id: str) -> str:
    """A mermaid node id: hyphens (``city-of-london``) could be read as part of an edge."""
    return f"{authority_id}_{level_id}".replace("-", "_")


def _side_by_side(authorities: list[eh.Authority]) -> list[str]:
    """Every authority's levels in one table, a row per Munro prevention level and
    response, so levels that translate exactly sit in the same row."""
    rows = sorted(
        {(lv.prevention, lv.response) for a in authorities for lv in a.levels},
        key=lambda pr: (pr[1], pr[0]),
    )
    out = [
        "Each authority's levels by Munro prevention level and social-care response (a level "
        "whose prevention and response are a reading of its source is marked *r*).",
        "",
        "| prevention | response | " + " | ".join(a.id for a in authorities) + " |",
        "|---|---|" + "---|" * len(authorities),
    ]
    for prevention, response in rows:
        cells = []
        for a in authorities:
            here = [
                f"{lv.id}{' *r*' if lv.mapping_basis == 'reading' else ''}"
                for lv in a.levels
                if (lv.prevention, lv.response) == (prevention, response)
            ]
            cells.append(", ".join(here) or "—")
        out.append(f"| {prevention.value} | {response.value} | " + " | ".join(cells) + " |")
    return out


def authorities_index(authorities: list[eh.Authority]) -> str:
    out = [
        "# Bundled authorities",
        "",
        "Each page is generated from the config file when the site is built.",
        "",
        "| id | name | levels | version |",
        "|---|---|---|---|",
    ]
    out += [
        f"| [{a.id}]({a.id}.md) | {a.name} | {', '.join(lv.id for lv in a.levels)} | {a.version} |"
        for a in authorities
    ]
    out += ["", "## Side by side", ""]
    out += _side_by_side(authorities)
    out += ["", "## Crosswalk", ""]
    for a in authorities:
        for b in authorities:
            if a.id >= b.id:
                continue
            out += [
                f"Levels of **{a.id}** and the {b.id} levels with the same prevention level and "
                "response (a dashed line: no exact match, the nearest that never lowers the "
                "response).",
                "",
                "```mermaid",
                "flowchart LR",
            ]
            for lv in a.levels:
                out.append(f'    {_node(a.id, lv.id)}["{a.id} {lv.id}"]')
            for lv in b.levels:
                out.append(f'    {_node(b.id, lv.id)}["{b.id} {lv.id}"]')
            for lv in a.levels:
                t = a.translate(lv.id, to=b)
                arrow = "-->" if t.exact or t.ambiguous else "-.->"
                for target in t.targets:
                    out.append(f"    {_node(a.id, lv.id)} {arrow} {_node(b.id, target.id)}")
            out += ["```", ""]
    return "\n".join(out) + "\n"


# --------------------------------------------------------------------------- vocabulary


def vocabulary_page() -> str:
    out = [
        "# National needs vocabulary",
        "",
        f"{len(eh.vocabulary.factors())} factors, version {eh.vocabulary.catalogue().version}, "
        "grouped by the Assessment Framework's domains and dimensions. ⚠ marks a "
        "significant-harm factor (section 47). *Supporting Families* lists the 2022-25 "
        "headline outcomes a factor bears on, *Troubled Families* the phase 2 (2015-20) "
        "headline problems; both are the vocabulary's reading unless the factor cites the "
        "framework itself.",
        "",
    ]
    for domain, dims in eh.vocabulary.DIMENSIONS.items():
        out += [f"## {domain.value}", ""]
        for dim in dims:
            factors = [f for f in eh.vocabulary.factors() if f.dimension is dim]
            if not factors:
                continue
            out += [
                f"### {dim.value}",
                "",
                "| factor | CIN codes | Supporting Families | Troubled Families | description |",
                "|---|---|---|---|---|",
            ]
            for f in factors:
                sh = " ⚠" if f.significant_harm else ""
                out.append(
                    f'| <a id="{f.id}"></a>**{f.id}**{sh}: {_cell(f.title)} | '
                    f"{', '.join(f.cin_codes) or '—'} | "
                    f"{', '.join(o.value for o in f.supporting_families) or '—'} | "
                    f"{', '.join(p.value for p in f.troubled_families) or '—'} | "
                    f"{_cell(f.description)}{' *' + _cell(f.note) + '*' if f.note else ''} |"
                )
            out.append("")
    out += ["## Sources", ""]
    out += [
        f"- **{s.id}**: {_cell(s.title)} ({_cell(s.where)})"
        for s in eh.vocabulary.catalogue().sources
    ]
    return "\n".join(out) + "\n"


# --------------------------------------------------------------------------- rules


def rule_page(rule: Any, authority: eh.Authority) -> str:
    from tests.assessment.conftest import document

    findings = []
    listed = []
    for kind in rule.kinds:
        followed = document("early-help-assessment") if kind == "plan" else None
        report = eh.validate(authority, document(kind, rule.example), assessment=followed)
        findings += [f for f in report.findings if f.code == rule.code]
        listed += [n for n in report.not_checked if n.code == rule.code]
    if rule.cannot_tell is None and not findings:
        raise RuntimeError(f"docs: the example of {rule.code} does not produce {rule.code}")
    if rule.cannot_tell is not None and (
        findings or [n.reason for n in listed] != [rule.cannot_tell] * len(rule.kinds)
    ):
        raise RuntimeError(
            f"docs: {rule.code} cannot tell which documents it covers, yet its example is "
            "not listed under not_checked with that reason"
        )
    kinds = ", ".join(rule.kinds)
    reads = ", ".join(f"`{r}`" for r in rule.reads) or "none"
    needs = [
        "the assessment the plan follows" if r == "assessment" else f"`{r}` set"
        for r in rule.requires
    ]
    out = [
        f"# {rule.code}: {rule.title}",
        "",
        f"**{rule.severity.value}** · documents: {kinds} · parameters read: {reads}",
        "",
        *(
            [
                f"Runs only with {' and '.join(needs)}; otherwise the report lists it under "
                "`not_checked`.",
                "",
            ]
            if needs
            else []
        ),
        *(
            [
                f"**Does not run:** {_cell(rule.cannot_tell)}. Every report lists it under "
                "`not_checked` with this reason.",
                "",
            ]
            if rule.cannot_tell is not None
            else []
        ),
        *(
            [
                "**Counts working days**: Monday to Friday, less the England and Wales bank "
                "holidays (with their substitute days, from the `holidays` package) and the "
                "authority's closure days (`closure_days`). Each finding names the calendar it "
                f"counted in (`calendar`); under the test authority: *{authority.calendar.name}*.",
                "",
            ]
            if rule.counts_working_days
            else []
        ),
        f"*{_cell(rule.summary)}.*",
        "",
        "## What it checks",
        "",
        rule.what,
        "",
        "## Why it matters",
        "",
        rule.why,
        "",
        "## An example that fails"
        if rule.cannot_tell is None
        else "## An example it would check, and does not",
        "",
        "Merged onto the bundled example document of that kind "
        "(`examples/assessment-multi-agency.yaml`, `examples/plan-team-around-the-family.yaml` or "
        "`examples/referral-mash.json`):",
        "",
        "```yaml",
        rule.example,
        "```",
        "",
        "The documentation build runs it (under the test authority, whose parameters are all "
        "set) and gets:",
        "",
        "```text",
        *[str(f) for f in findings],
        *[str(n) for n in listed],
        "```",
        "",
        "## The fix",
        "",
        *(
            sorted({f.hint for f in findings if f.hint})
            or (
                ["See the message."]
                if rule.cannot_tell is None
                else ["None while the rule does not run (see above)."]
            )
        ),
        "",
        "## Source",
        "",
        _cell(rule.citation),
        "",
    ]
    return "\n".join(out)


def rules_index(rules: Any) -> str:
    out = [
        "# Validation rules",
        "",
        "Rules marked *working days* count them in the authority's calendar: Monday to Friday, "
        "less the England and Wales bank holidays and the authority's closure days "
        f"({eh.ENGLAND.name} with no closure days).",
        "",
        "| code | severity | documents | rule |",
        "|---|---|---|---|",
    ]
    out += [
        f"| [{r.code}]({r.code}.md) | {r.severity.value} | {', '.join(r.kinds)} | "
        f"{r.title}: {_cell(r.summary)}{' *working days*' if r.counts_working_days else ''} |"
        for r in rules
    ]
    return "\n".join(out) + "\n"


# --------------------------------------------------------------------------- references


def config_reference() -> str:
    from earlyhelp_core._schemas import schema

    s = schema("authority")
    out = [
        "# Authority config reference",
        "",
        "Generated from `schemas/authority.schema.json` (itself generated from the model). "
        "Editors check a config against it with the first line "
        "`# yaml-language-server: $schema=../schemas/authority.schema.json`.",
        "",
    ]

    def table(title: str, body: dict[str, Any]) -> None:
        required = set(body.get("required", []))
        out.extend(
            [
                f"## {title}",
                "",
                _cell(body.get("description", "")),
                "",
                "| key | type | required | description |",
                "|---|---|---|---|",
            ]
        )
        for key, prop in body.get("properties", {}).items():
            out.append(
                f"| `{key}` | {_type(prop)} | {'yes' if key in required else ''} | "
                f"{_cell(prop.get('description', ''))} |"
            )
        out.append("")

    table("Top level", s)
    for name, body in sorted(s.get("$defs", {}).items()):
        if body.get("type") == "object":
            table(name, body)
        elif "enum" in body:
            out += [
                f"## {name}",
                "",
                _cell(body.get("description", "")),
                "",
                "One of: " + ", ".join(f"`{v}`" for v in body["enum"]),
                "",
            ]
    return "\n".join(out)


def _type(prop: dict[str, Any]) -> str:
    if "$ref" in prop:
        name = prop["$ref"].rsplit("/", 1)[-1]
        return f"[{name}](#{name.lower()})"
    if "anyOf" in prop:
        return " or ".join(_type(p) for p in prop["anyOf"])
    kind = prop.get("type", "")
    if kind == "array":
        return f"list of {_type(prop.get('items', {}))}"
    if kind == "object" and "additionalProperties" in prop:
        return f"map of {_type(prop['additionalProperties'])}"
    if kind == "object" and "patternProperties" in prop:
        inner = next(iter(prop["patternProperties"].values()))
        return f"map of {_type(inner)}"
    if "enum" in prop:
        return " / ".join(f"`{v}`" for v in prop["enum"])
    if prop.get("format"):
        return f"{kind} ({prop['format']})"
    return str(kind or "any")


def cli_reference() -> str:
    import argparse

    from earlyhelp_core.cli import build_parser

    parser = build_parser()
    out = [
        "# Command line",
        "",
        "Generated from the argument parser. Exit status: `0` when everything checked is valid, "
        "`1` when an input has a problem (each printed located, never a traceback), `2` for a "
        "usage error.",
        "",
        "With `--format json`, every command's output is one JSON document, and an error that "
        'stops a command is printed on stdout as `{"ok": false, "problems": [...]}`, each '
        "problem with its `source`, `line`, `col`, `path`, `kind` and `message`, whatever the "
        "command. The limits on what a command reads are on the [Limits](limits.md) page.",
        "",
        "```text",
        parser.format_usage().strip(),
        "```",
        "",
    ]
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    for name, command in sub.choices.items():
        out += [
            f"## `earlyhelp {name}`",
            "",
            _cell(command.description or ""),
            "",
            "```text",
            command.format_usage().strip(),
            "```",
            "",
            "| argument | meaning |",
            "|---|---|",
        ]
        for action in command._actions:
            if isinstance(action, argparse._HelpAction):
                continue
            flag = ", ".join(action.option_strings) or action.metavar or action.dest
            choices = f" (one of: {', '.join(map(str, action.choices))})" if action.choices else ""
            out.append(f"| `{flag}` | {_cell(action.help or '')}{choices} |")
        out.append("")
        if name == "assess":
            out += _fields_reference()
    return "\n".join(out)


def _fields_reference() -> list[str]:
    """What ``earlyhelp assess --format jsonl --fields`` can write, from its table."""
    from earlyhelp_core.cli._jsonl import FIELDS

    out = [
        "### Compact JSON Lines: `--fields`",
        "",
        "With `--format jsonl`, each line holds a record's whole result (its decision with "
        "every level described in full, or its problems). For analysis, "
        "`--fields NAME,...` writes only the named fields of each record, as one flat JSON "
        "object per line that starts with the record's `index` and `id`. A field of the "
        "decision is `null` for a record that could not be read (its `problems` say why, "
        "and the summary on standard error counts it). A name not in this table is a usage "
        "error (exit status `2`) that lists the names.",
        "",
        "```sh",
        "earlyhelp assess cohort.jsonl --authority bromley --format jsonl --fields level,reasons",
        "```",
        "",
        "| field | holds |",
        "|---|---|",
    ]
    out += [f"| `{name}` | {_cell(what)} |" for name, (what, _) in FIELDS.items()]
    out.append("")
    return out


# --------------------------------------------------------------------------- the hook


def on_files(files: Files, config: Any) -> Files:
    if str(ROOT) not in sys.path:  # the rule examples run under the test authority (tests/)
        sys.path.insert(0, str(ROOT))

    def add(uri: str, content: str) -> None:
        existing = files.get_file_from_path(uri)
        if existing is not None:
            files.remove(existing)
        files.append(File.generated(config, uri, content=content))

    from tests.thresholds.conftest import make_config

    from earlyhelp_core.thresholds import compile_config
    from earlyhelp_core.thresholds._config import AuthorityConfig

    authorities = [eh.load_authority(a) for a in eh.list_authorities()]
    for authority in authorities:
        add(f"authorities/{authority.id}.md", authority_page(authority))
    add("authorities/index.md", authorities_index(authorities))
    add("vocabulary.md", vocabulary_page())
    testshire = compile_config(AuthorityConfig.model_validate(make_config()))
    rules = eh.rules()
    add("rules/index.md", rules_index(rules))
    for rule in rules:
        add(f"rules/{rule.code}.md", rule_page(rule, testshire))
    add("reference/config.md", config_reference())
    add("reference/cli.md", cli_reference())
    return files


def on_config(config: Any) -> Any:
    """Put every generated page in the navigation."""
    rules_nav = [{r.code: f"rules/{r.code}.md"} for r in eh.rules()]
    authorities_nav = [{"Overview": "authorities/index.md"}] + [
        {a: f"authorities/{a}.md"} for a in eh.list_authorities()
    ]
    for item in config["nav"]:
        if isinstance(item, dict) and "Authorities" in item:
            item["Authorities"] = authorities_nav
        if isinstance(item, dict) and "Rules" in item:
            item["Rules"] = [{"All rules": "rules/index.md"}, *rules_nav]
    return config


__all__ = ["on_config", "on_files"]
