#!/usr/bin/python3
"""Generates proto/EVENTS.md, the catalogue of the events on the sfa.*.events.* topics, from proto/.

Events are the top-level messages of proto/sfa/<svc>/v<N>/<svc>_events.proto that no other message of
that file uses as a field type (those are helper types). When the file's leading comment has a
"Streams (EventEnvelope.aggregate_type -> events):" block, it names each event's aggregate type and must
list exactly the file's events. Meanings are the proto comments. Every type an event reaches is
catalogued too, so the page is complete for a consumer.

"Since": since.txt (beside this script) records the catalogue revision in which every event, field,
type and enum value first appeared. Regenerating appends whatever is new as the next revision, dated
today (or $SOURCE_DATE_EPOCH); --check changes nothing and fails when proto/EVENTS.md or since.txt is
behind proto/.

Usage: event_catalogue.py [--protoc PROTOC] [--proto-root DIR] [--since FILE] [--out FILE] [--check]
"""

import argparse
import datetime
import difflib
import os
import re
import subprocess
import sys
import tempfile

from google.protobuf import descriptor_pb2

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
REGENERATE = "/usr/bin/python3 tools/event_catalogue/event_catalogue.py"
ENVELOPE = "sfa.common.v1.EventEnvelope"
STREAMS_HEADER = re.compile(r"^\s*Streams \(EventEnvelope\.aggregate_type -> events\):\s*$")
EVENTS_FILE = re.compile(r"^sfa/([a-z][a-z0-9_]*)/(v[0-9]+)/\1_events\.proto$")

F = descriptor_pb2.FieldDescriptorProto
SCALARS = {
    F.TYPE_DOUBLE: "double", F.TYPE_FLOAT: "float", F.TYPE_INT64: "int64", F.TYPE_UINT64: "uint64",
    F.TYPE_INT32: "int32", F.TYPE_FIXED64: "fixed64", F.TYPE_FIXED32: "fixed32", F.TYPE_BOOL: "bool",
    F.TYPE_STRING: "string", F.TYPE_BYTES: "bytes", F.TYPE_UINT32: "uint32", F.TYPE_SFIXED32: "sfixed32",
    F.TYPE_SFIXED64: "sfixed64", F.TYPE_SINT32: "sint32", F.TYPE_SINT64: "sint64",
}


class CatalogueError(Exception):
    pass


# ------------------------------------------------------------------------------------------------------
# Reading proto/


def load_descriptors(protoc, root):
    """All .proto files under root, with their imports and comments."""
    files = sorted(
        os.path.relpath(os.path.join(d, f), root)
        for d, _, fs in os.walk(root) for f in fs if f.endswith(".proto"))
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "set.pb")
        subprocess.run([protoc, f"--proto_path={root}", "--include_imports", "--include_source_info",
                        f"--descriptor_set_out={out}", *files], check=True)
        fds = descriptor_pb2.FileDescriptorSet()
        with open(out, "rb") as f:
            fds.ParseFromString(f.read())
    return fds


def clean_comment(text):
    """A proto comment without the one space after //, trailing blanks or surrounding empty lines."""
    lines = [line[1:] if line.startswith(" ") else line for line in text.rstrip().split("\n")]
    return "\n".join(line.rstrip() for line in lines).strip("\n")


class Element:
    """A message, enum, field or enum value, with what the catalogue says about it."""

    def __init__(self, key, comment=""):
        self.key = key  # fully-qualified name; fields and values append ".<name>"
        self.comment = comment
        self.since = None


class Message(Element):
    def __init__(self, key, file, proto, comment, section):
        super().__init__(key, comment)
        self.file = file
        self.order = 0  # declaration order in its file
        self.proto = proto
        self.section = section  # the proto's "// ----" heading above it, if any
        self.fields = []  # (Element, FieldDescriptorProto)
        self.aggregate_type = None


class Enum(Element):
    def __init__(self, key, file, comment):
        super().__init__(key, comment)
        self.file = file
        self.order = 0
        self.values = []  # (Element, EnumValueDescriptorProto)


class Contract:
    """Every sfa message and enum by full name, plus the events of each *_events.proto file."""

    def __init__(self, fds):
        self.messages = {}
        self.enums = {}
        self.topics = []  # (topic, file descriptor, file comment, [event Message])
        for f in fds.file:
            self._index_file(f)
        for f in sorted(fds.file, key=lambda f: f.name):
            m = EVENTS_FILE.match(f.name)
            if m:
                self.topics.append(self._topic(f, f"sfa.{m.group(1)}.events.{m.group(2)}"))
        if not self.topics:
            raise CatalogueError("no sfa/<svc>/v<N>/<svc>_events.proto file found")
        if ENVELOPE not in self.messages:
            raise CatalogueError(f"{ENVELOPE} not found")
        envelope_file = self.messages[ENVELOPE].file
        self.envelope_file_comment = clean_comment(next(
            (loc.leading_comments for loc in envelope_file.source_code_info.location if list(loc.path) == [2]), ""))

    def _index_file(self, f):
        comments = {tuple(loc.path): loc for loc in f.source_code_info.location}

        def comment(path):
            loc = comments.get(tuple(path))
            if loc is None:
                return ""
            return clean_comment("\n".join(c for c in (loc.leading_comments, loc.trailing_comments) if c.strip()))

        def line(path):
            loc = comments.get(tuple(path))
            return tuple(loc.span[:2]) if loc else (0, 0)

        def section(path):
            loc = comments.get(tuple(path))
            for detached in reversed(loc.leading_detached_comments if loc else []):
                lines = clean_comment(detached).split("\n")
                if lines and re.fullmatch(r"-{10,}", lines[0].strip()):
                    return "\n".join(lines[1:]).strip()
            return None

        def add_enum(prefix, e, path):
            enum = Enum(f"{prefix}.{e.name}", f, comment(path))
            for j, v in enumerate(e.value):
                enum.values.append((Element(f"{enum.key}.{v.name}", comment(path + [2, j])), v))
            enum.order = line(path)
            self.enums[enum.key] = enum

        def add_message(prefix, m, path, current_section):
            msg = Message(f"{prefix}.{m.name}", f, m, comment(path), current_section)
            for j, fd in enumerate(m.field):
                msg.fields.append((Element(f"{msg.key}.{fd.name}", comment(path + [2, j])), fd))
            msg.order = line(path)
            self.messages[msg.key] = msg
            for k, n in enumerate(m.nested_type):
                add_message(msg.key, n, path + [3, k], None)
            for k, e in enumerate(m.enum_type):
                add_enum(msg.key, e, path + [4, k])

        current = None
        for i, m in enumerate(f.message_type):
            current = section([4, i]) or current
            add_message(f.package, m, [4, i], current)
        for i, e in enumerate(f.enum_type):
            add_enum(f.package, e, [5, i])

    def _topic(self, f, topic):
        header = next((loc.leading_comments for loc in f.source_code_info.location if list(loc.path) == [2]), "")
        header, streams = split_streams_block(clean_comment(header))
        top = [self.messages[f"{f.package}.{m.name}"] for m in f.message_type]
        used = {fd.type_name.lstrip(".") for m in top for _, fd in m.fields if fd.type_name}
        events = [m for m in top if m.key not in used]
        if streams is not None:
            names = {e.proto.name for e in events}
            listed = {name for names_of in streams.values() for name in names_of}
            problems = [f"{n} is an event of {f.name} but not in its Streams block" for n in sorted(names - listed)]
            problems += [f"its Streams block lists {n}, which is not an event of {f.name}"
                         for n in sorted(listed - names)]
            if problems:
                raise CatalogueError("; ".join(problems))
            for aggregate_type, names_of in streams.items():
                for e in events:
                    if e.proto.name in names_of:
                        e.aggregate_type = aggregate_type
        return topic, f, header, events

    def reachable_types(self):
        """Full names of the sfa messages and enums the events (and the envelope) reach, by file and position."""
        seen, order = set(), []

        def visit(name):
            if name in seen or not name.startswith("sfa."):
                return
            seen.add(name)
            order.append(name)
            if name in self.messages:
                for _, fd in self.messages[name].fields:
                    if fd.type_name:
                        visit(fd.type_name.lstrip("."))

        for _, _, _, events in self.topics:
            for e in events:
                for _, fd in e.fields:
                    if fd.type_name:
                        visit(fd.type_name.lstrip("."))
        for _, fd in self.messages[ENVELOPE].fields:
            if fd.type_name:
                visit(fd.type_name.lstrip("."))
        types = [self.messages.get(n) or self.enums[n] for n in order]
        types = [t for t in types if not (isinstance(t, Message) and t.proto.options.map_entry)]
        return [t.key for t in sorted(types, key=lambda t: (t.file.name, t.order))]


def split_streams_block(comment):
    """(comment without the Streams block, {aggregate_type: [event names]} or None when there is none)."""
    lines = comment.split("\n")
    start = next((i for i, line in enumerate(lines) if STREAMS_HEADER.match(line)), None)
    if start is None:
        return comment, None
    end = start + 1
    while end < len(lines) and lines[end].strip():
        end += 1
    entries = []  # [aggregate_type, text]
    for line in lines[start + 1:end]:
        m = re.match(r"^\s*([a-z][a-z0-9_]*)\s+(.*)$", line)
        if m:
            entries.append([m.group(1), m.group(2)])
        elif entries:
            entries[-1][1] += " " + line.strip()
        else:
            raise CatalogueError(f"cannot read the Streams block line: {line.strip()}")
    streams = {}
    for aggregate_type, text in entries:
        text = re.sub(r"\([^)]*\)", "", text)  # "(one stream per tenant, id "default")", "(survivor)"
        streams[aggregate_type] = re.findall(r"\b[A-Z][A-Za-z0-9]*\b", text)
    rest = "\n".join(lines[:start] + lines[end:])
    return re.sub(r"\n{3,}", "\n\n", rest).strip(), streams


# ------------------------------------------------------------------------------------------------------
# since.txt: the revision in which each element first appeared


def read_since(path):
    """([(revision, date)], {key: revision}) from since.txt; empty when the file does not exist."""
    revisions, since, current = [], {}, None
    if not os.path.exists(path):
        return revisions, since
    with open(path) as f:
        for n, raw in enumerate(f, 1):
            line = raw.strip()
            if not line or line.startswith("#"):
                continue
            m = re.fullmatch(r"revision ([0-9]+) ([0-9]{4}-[0-9]{2}-[0-9]{2})", line)
            if m:
                current = int(m.group(1))
                if revisions and current != revisions[-1][0] + 1:
                    raise CatalogueError(f"{path}:{n}: revision {current} does not follow {revisions[-1][0]}")
                revisions.append((current, m.group(2)))
            elif current is None:
                raise CatalogueError(f"{path}:{n}: an entry before the first 'revision N YYYY-MM-DD' line")
            else:
                since.setdefault(line, current)
    return revisions, since


def elements(contract):
    """Every element the catalogue shows, in catalogue order."""
    out = []

    def message(m):
        out.append(m)
        out.extend(e for e, _ in m.fields)

    message(contract.messages[ENVELOPE])
    for _, _, _, events in contract.topics:
        for e in events:
            message(e)
    for name in contract.reachable_types():
        if name in contract.messages:
            message(contract.messages[name])
        else:
            out.append(contract.enums[name])
            out.extend(v for v, _ in contract.enums[name].values)
    return out


def today():
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    now = datetime.datetime.fromtimestamp(int(epoch), datetime.timezone.utc) if epoch else datetime.datetime.now(
        datetime.timezone.utc)
    return now.date().isoformat()


def new_revision_text(revisions, new_keys):
    number = revisions[-1][0] + 1 if revisions else 1
    header = ""
    if not revisions:
        header = ("# The catalogue revision in which each event, field, type and enum value of proto/EVENTS.md\n"
                  "# first appeared. Appended by tools/event_catalogue/event_catalogue.py; never edit an entry.\n")
    return number, header + f"\nrevision {number} {today()}\n" + "".join(f"{k}\n" for k in sorted(new_keys))


# ------------------------------------------------------------------------------------------------------
# Markdown


def anchor(full_name):
    """GitHub's heading anchor for a heading that is exactly `full_name` in backquotes."""
    return re.sub(r"[^a-z0-9_ -]", "", full_name.lower()).replace(" ", "-")


def link(full_name):
    return f"[`{full_name}`](#{anchor(full_name)})"


def prose(text):
    """Proto comment text made safe for Markdown: "<component>" would be read as an HTML tag, "*" as emphasis."""
    parts = text.split("`")
    for i in range(0, len(parts), 2):  # outside `code` spans
        parts[i] = re.sub(r"<(?=[A-Za-z/!?])", "&lt;", parts[i]).replace("*", "\\*")
    return "`".join(parts)


def cell(text):
    return prose(re.sub(r"\s*\n\s*", " ", text)).replace("|", "\\|") if text else ""


def paragraph(text):
    return prose(text.strip())


def first_sentence(text):
    """Up to the first full stop that ends a sentence (not the one in "e.g.")."""
    text = re.sub(r"\s*\n\s*", " ", text).strip()
    m = re.match(r"^(.+?(?<!e\.g)(?<!i\.e)\.)(\s|$)", text)
    return m.group(1) if m else text


def section_heading(section):
    """("Opportunities", "Fields 1-5 of ...") from a proto section comment's text."""
    first, _, rest = section.partition("\n")
    m = re.match(r"^(.+?)[.:]\s+(\S.*)$", first.strip())
    if m:
        rest = (m.group(2)[0].upper() + m.group(2)[1:] + "\n" + rest).strip()
        first = m.group(1)
    return first.strip(), rest.strip()


def field_type(contract, fd):
    if fd.type_name:
        name = fd.type_name.lstrip(".")
        entry = contract.messages.get(name)
        if entry is not None and entry.proto.options.map_entry:
            key, value = (field_type(contract, f) for _, f in entry.fields)
            return f"map<{key}, {value}>"
        base = link(name) if name.startswith("sfa.") else f"`{name}`"
    else:
        base = f"`{SCALARS[fd.type]}`"
    if fd.label == F.LABEL_REPEATED:
        return f"repeated {base}"
    if fd.proto3_optional:
        return f"optional {base}"
    return base


def since_note(element, container):
    return f"r{element.since}" if element.since != container.since else ""


def fields_table(contract, msg):
    if not msg.fields:
        return ["No fields."]
    rows = ["| # | field | type | added | meaning |", "|---|---|---|---|---|"]
    oneofs = msg.proto.oneof_decl
    for element, fd in msg.fields:
        meaning = element.comment
        if fd.HasField("oneof_index") and not fd.proto3_optional:
            meaning = f"One of `{oneofs[fd.oneof_index].name}`. {meaning}".strip()
        rows.append(f"| {fd.number} | `{fd.name}` | {cell(field_type(contract, fd))} | {since_note(element, msg)} "
                    f"| {cell(meaning)} |")
    return rows


def event_key(e):
    if e.aggregate_type:
        return f"`{e.aggregate_type}` id"
    return "aggregate id"


def render(contract, revisions, since_counts):
    current, current_date = revisions[-1]
    out = [
        "# Event catalogue",
        "",
        "<!-- Generated by tools/event_catalogue/event_catalogue.py from proto/; do not edit. Regenerate with",
        f"     {REGENERATE} -->",
        "",
        "Every event the services publish to Kafka, for the teams that consume them (ERP integrations first):",
        "its topic, its key, what it means and its fields, and the catalogue revision it appeared in. It is",
        "generated from the proto files, which are the contract, and a unit test (`event_catalogue_up_to_date`)",
        "fails when this page is behind them. A runnable consumer to start from is",
        "[tools/erp_consumer](../tools/erp_consumer/README.md).",
        "",
        f"**Catalogue revision {current}** ({current_date}).",
        "",
        "## Versions",
        "",
        "Two numbers version an event:",
        "",
        "- **The contract version** in its package and topic, `v1` in `sfa.quote.v1.OrderPlaced` on",
        "  `sfa.quote.events.v1`. Within a version the contract only grows: fields and events are added, never",
        "  removed, renumbered or retyped (`proto_lint` checks every build against `proto/compat_baseline.txtpb`).",
        "  A breaking change would be a new package `sfa.<svc>.v2` on a new topic `sfa.<svc>.events.v2`.",
        "- **The catalogue revision** in which it appeared (column *since*; *added* on a field, enum value or",
        "  type that came later than what holds it). A revision is one growth of the contract in this",
        "  repository: whenever the catalogue is regenerated with something new in the events, everything new is",
        "  recorded, dated, as the next revision in `tools/event_catalogue/since.txt`, which is append-only and",
        "  reviewed with the proto change. A build whose catalogue says *revision N* publishes everything marked",
        "  *since* N or earlier. Revision 1 is the contract as it stood when the catalogue was introduced;",
        "  events from before then show 1, not their true age.",
        "",
        "A consumer built against revision N reads events of any later revision: unknown fields are skipped by",
        "protobuf, and an unknown `payload_type` is a new event type it may ignore.",
        "",
        "## On the wire",
        "",
        "- **Topics**: one per service, `sfa.<service>.events.<contract version>` (the services' defaults; a",
        "  deployment may rename them with `--kafka_topic`).",
        "- **Key**: the aggregate id (`EventEnvelope.aggregate_id`: the order id for an order's events, the",
        "  opportunity id for an opportunity's). Producers use the murmur2 partitioner of the Java client, so",
        "  every event of one aggregate is on one partition, in order.",
        f"- **Value**: a serialized [`{ENVELOPE}`](#{anchor(ENVELOPE)}) whose `payload` is the event message",
        "  named by `payload_type` (the headings below).",
        "- **Headers** (CloudEvents 1.0 Kafka binding, binary mode; written by `libs/messaging/cloudevents.cc`), so",
        "  a consumer can route and de-duplicate without parsing the value:",
        "",
        "| header | value |",
        "|---|---|",
        "| `ce_specversion` | `1.0` |",
        "| `ce_id` | `event_id` |",
        "| `ce_source` | `/sfa/<service>`, e.g. `/sfa/quote` |",
        "| `ce_type` | `payload_type`, e.g. `sfa.quote.v1.OrderPlaced` |",
        "| `ce_time` | `occurred_at`, RFC 3339 UTC (absent when unset) |",
        "| `ce_subject` | `<aggregate_type>/<aggregate_id>`, e.g. `order/ord-42` |",
        "| `ce_tenant` | `tenant` |",
        "| `ce_sequence` | `aggregate_version`, zero-padded to 20 digits |",
        "| `content-type` | `application/protobuf` |",
        "",
        "- **Delivery** is at least once: after a producer failure an event may arrive again, with the same",
        "  `event_id`. Use `event_id` (or `aggregate_id` + `aggregate_version`, which is gapless per aggregate) to",
        "  apply each event once.",
        "- **Times**: `occurred_at` is the business time (an import or a back-dated command sets it in the past);",
        "  `recorded_at` is when the service stored it. Money is always integer minor units plus an ISO 4217 code.",
        "",
        f"### `{ENVELOPE}`",
        "",
        paragraph(contract.messages[ENVELOPE].comment or contract.envelope_file_comment),
        "",
        *fields_table(contract, contract.messages[ENVELOPE]),
        "",
        "## Index",
        "",
        "| event (`payload_type`, `ce_type`) | topic | key | since | meaning |",
        "|---|---|---|---|---|",
    ]
    for topic, _, _, events in contract.topics:
        for e in events:
            meaning = first_sentence(e.comment) if e.comment else ""
            out.append(f"| {link(e.key)} | `{topic}` | {event_key(e)} | {e.since} | {cell(meaning)} |")
    for topic, f, header, events in contract.topics:
        out += ["", f"## `{topic}`", "", f"From `proto/{f.name}`.", ""]
        if header:
            out += [paragraph(header), ""]
        section = None
        for e in events:
            if e.section and e.section != section:
                section = e.section
                title, rest = section_heading(section)
                out += [f"### {title}", ""]
                if rest.strip():
                    out += [paragraph(rest), ""]
            out += [f"#### `{e.key}`", ""]
            out += [paragraph(e.comment) if e.comment else "*Not described in the proto.*", ""]
            key = f"the `{e.aggregate_type}` id (`aggregate_type` \"{e.aggregate_type}\")" if e.aggregate_type else (
                "the aggregate id")
            out += [f"Topic `{topic}`; key: {key}; since revision {e.since}.", ""]
            out += fields_table(contract, e)
            out.append("")
    out += ["## Types used by events", "",
            "Messages and enums that the events (and the envelope) carry, by file and in the order declared.", ""]
    for name in contract.reachable_types():
        if name in contract.messages:
            m = contract.messages[name]
            out += [f"### `{name}`", "", *([paragraph(m.comment), ""] if m.comment else [])]
            out += [f"From `proto/{m.file.name}`; since revision {m.since}.", "", *fields_table(contract, m), ""]
        else:
            e = contract.enums[name]
            out += [f"### `{name}`", "", *([paragraph(e.comment), ""] if e.comment else [])]
            out += [f"Enum from `proto/{e.file.name}`; since revision {e.since}.", "",
                    "| number | value | added | meaning |", "|---|---|---|---|"]
            for element, v in e.values:
                out.append(f"| {v.number} | `{v.name}` | {since_note(element, e)} | {cell(element.comment)} |")
            out.append("")
    out += ["## Revisions", "", "| revision | date | what appeared |", "|---|---|---|"]
    for number, date in revisions:
        out.append(f"| {number} | {date} | {since_counts.get(number, '')} |")
    return "\n".join(out).rstrip() + "\n"


def revision_summaries(contract, all_elements):
    """{revision: what appeared in it}, the last column of the Revisions table."""
    event_keys = {e.key for _, _, _, events in contract.topics for e in events}
    by_rev = {}
    for el in all_elements:
        by_rev.setdefault(el.since, []).append(el)
    out = {}
    for rev, els in by_rev.items():
        events = [el.key for el in els if el.key in event_keys]
        others = [el.key for el in els if el.key not in events]
        if rev == 1:
            out[rev] = (f"the contract as it stood: {len(events)} events and {len(others)} fields, types and "
                        "enum values")
            continue
        parts = []
        if events:
            parts.append("events " + ", ".join(f"`{k}`" for k in events))
        if others:
            parts.append(", ".join(f"`{k}`" for k in others))
        out[rev] = "; ".join(parts)
    return out


# ------------------------------------------------------------------------------------------------------


def generate(args, check):
    contract = Contract(load_descriptors(args.protoc, args.proto_root))
    all_elements = elements(contract)
    revisions, since = read_since(args.since)
    new_keys = sorted({el.key for el in all_elements if el.key not in since})
    if new_keys:
        if check:
            shown = "\n  ".join(new_keys[:20]) + ("\n  ..." if len(new_keys) > 20 else "")
            raise CatalogueError(f"{len(new_keys)} new events/fields/values have no revision in {args.since}:\n  "
                                 f"{shown}\nregenerate with: {REGENERATE}")
        number, text = new_revision_text(revisions, new_keys)
        with open(args.since, "a") as f:
            f.write(text)
        revisions, since = read_since(args.since)
        print(f"revision {number}: recorded {len(new_keys)} new elements in {args.since}")
    for el in all_elements:
        el.since = since[el.key]
    return render(contract, revisions, revision_summaries(contract, all_elements))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--protoc", default=os.environ.get("PROTOC", "protoc"))
    ap.add_argument("--proto-root", default=os.path.join(REPO, "proto"))
    ap.add_argument("--since", default=os.path.join(HERE, "since.txt"))
    ap.add_argument("--out", default=os.path.join(REPO, "proto", "EVENTS.md"))
    ap.add_argument("--check", action="store_true", help="fail if --out or --since is behind proto/; write nothing")
    args = ap.parse_args()
    try:
        text = generate(args, args.check)
    except CatalogueError as e:
        print(f"event catalogue: {e}", file=sys.stderr)
        return 1
    if not args.check:
        with open(args.out, "w") as f:
            f.write(text)
        print(f"written: {args.out}")
        return 0
    # Regenerate into a temporary file and compare, so the check reads exactly what a regeneration writes.
    with tempfile.NamedTemporaryFile("w", suffix=".md", delete=False) as tmp:
        tmp.write(text)
    try:
        with open(tmp.name) as f:
            fresh = f.read()
        committed = open(args.out).read() if os.path.exists(args.out) else ""
        if fresh == committed:
            print(f"event catalogue: {args.out} is up to date")
            return 0
        diff = list(difflib.unified_diff(committed.splitlines(), fresh.splitlines(), args.out, "regenerated",
                                         lineterm=""))
        print("\n".join(diff[:80] + (["..."] if len(diff) > 80 else [])))
        print(f"event catalogue: {args.out} is behind proto/; regenerate with: {REGENERATE}", file=sys.stderr)
        return 1
    finally:
        os.unlink(tmp.name)


if __name__ == "__main__":
    sys.exit(main())
