#!/usr/bin/python3
"""Lints proto/ — the public contract — for style and for backward compatibility.

Style (STYLE.md): packages sfa.<name>.v<N> matching the directory, UpperCamel messages and enums,
lower_snake_case fields, UPPER_SNAKE enum values prefixed with the enum's name, first enum value
<ENUM>_UNSPECIFIED = 0, every RPC request/response a message of the file's own package (or Empty).

Compatibility: compared with the committed baseline (proto/compat_baseline.txtpb), no message, field,
enum value, service or method may disappear, and no field may change number, type, label or name.
Additions are always fine. `--update-baseline` rewrites the baseline after a deliberate review.

Usage: proto_lint.py --protoc PROTOC --proto-root DIR [--update-baseline]
"""

import argparse
import os
import re
import subprocess
import sys
import tempfile

from google.protobuf import descriptor_pb2, text_format

UPPER_CAMEL = re.compile(r"^[A-Z][A-Za-z0-9]*$")
LOWER_SNAKE = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$")
UPPER_SNAKE = re.compile(r"^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$")
PACKAGE = re.compile(r"^sfa\.[a-z][a-z0-9_]*\.v[0-9]+$")


def camel_to_upper_snake(name):
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).upper()


def load(protoc, root):
    files = sorted(
        os.path.relpath(os.path.join(d, f), root)
        for d, _, fs in os.walk(root) for f in fs if f.endswith(".proto"))
    with tempfile.NamedTemporaryFile(suffix=".pb") as out:
        subprocess.run([protoc, f"--proto_path={root}", f"--descriptor_set_out={out.name}", *files], check=True)
        fds = descriptor_pb2.FileDescriptorSet()
        fds.ParseFromString(open(out.name, "rb").read())
    return fds


def lint_enum(errors, where, enum):
    if not UPPER_CAMEL.match(enum.name):
        errors.append(f"{where}: enum {enum.name} is not UpperCamel")
    prefix = camel_to_upper_snake(enum.name) + "_"
    if not enum.value or enum.value[0].number != 0 or not enum.value[0].name.endswith("_UNSPECIFIED"):
        errors.append(f"{where}: enum {enum.name} must start with {prefix}UNSPECIFIED = 0")
    for v in enum.value:
        if not UPPER_SNAKE.match(v.name) or not v.name.startswith(prefix):
            errors.append(f"{where}: enum value {v.name} must be UPPER_SNAKE and start with {prefix}")


def lint_message(errors, where, msg):
    if not UPPER_CAMEL.match(msg.name):
        errors.append(f"{where}: message {msg.name} is not UpperCamel")
    for f in msg.field:
        if not LOWER_SNAKE.match(f.name):
            errors.append(f"{where}: field {msg.name}.{f.name} is not lower_snake_case")
    for e in msg.enum_type:
        lint_enum(errors, where, e)
    for nested in msg.nested_type:
        if nested.options.map_entry:
            continue
        lint_message(errors, where, nested)


def lint_style(fds):
    errors = []
    for f in fds.file:
        where = f.name
        if not PACKAGE.match(f.package):
            errors.append(f"{where}: package {f.package} must look like sfa.<name>.v<N>")
        expected_dir = f.package.replace(".", "/")
        if os.path.dirname(f.name) != expected_dir:
            errors.append(f"{where}: file of package {f.package} must live in {expected_dir}/")
        for m in f.message_type:
            lint_message(errors, where, m)
        for e in f.enum_type:
            lint_enum(errors, where, e)
        for s in f.service:
            if not UPPER_CAMEL.match(s.name):
                errors.append(f"{where}: service {s.name} is not UpperCamel")
            for m in s.method:
                if not UPPER_CAMEL.match(m.name):
                    errors.append(f"{where}: rpc {s.name}.{m.name} is not UpperCamel")
    return errors


def index(fds):
    """Flattens a descriptor set into {qualified name: description} for comparison."""
    out = {}

    def message(prefix, m):
        name = f"{prefix}.{m.name}"
        out[f"message {name}"] = ""
        for f in m.field:
            out[f"field {name}.{f.number}"] = f"{f.name} {f.label} {f.type} {f.type_name}"
        for e in m.enum_type:
            enum(name, e)
        for n in m.nested_type:
            message(name, n)

    def enum(prefix, e):
        name = f"{prefix}.{e.name}"
        out[f"enum {name}"] = ""
        for v in e.value:
            out[f"enum value {name}.{v.number}"] = v.name

    for f in fds.file:
        if not f.package.startswith("sfa."):
            continue
        for m in f.message_type:
            message(f.package, m)
        for e in f.enum_type:
            enum(f.package, e)
        for s in f.service:
            for m in s.method:
                out[f"rpc {f.package}.{s.name}.{m.name}"] = (
                    f"{m.input_type} -> {m.output_type} {m.client_streaming} {m.server_streaming}")
    return out


def lint_compat(baseline, current):
    old, new = index(baseline), index(current)
    errors = []
    for key, desc in sorted(old.items()):
        if key not in new:
            errors.append(f"breaking: {key} ({desc}) was removed or renumbered")
        elif new[key] != desc:
            errors.append(f"breaking: {key} changed from '{desc}' to '{new[key]}'")
    return errors


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--protoc", required=True)
    ap.add_argument("--proto-root", required=True)
    ap.add_argument("--update-baseline", action="store_true")
    args = ap.parse_args()

    current = load(args.protoc, args.proto_root)
    current_sfa = descriptor_pb2.FileDescriptorSet(file=[f for f in current.file if f.package.startswith("sfa.")])
    for f in current_sfa.file:
        f.ClearField("source_code_info")
    baseline_path = os.path.join(args.proto_root, "compat_baseline.txtpb")
    if args.update_baseline:
        with open(baseline_path, "w") as out:
            out.write("# Generated by tools/proto_lint/proto_lint.py --update-baseline; the contract proto/ must keep.\n")
            out.write(text_format.MessageToString(current_sfa))
        print(f"baseline written: {baseline_path}")
        return 0

    errors = lint_style(current_sfa)
    if os.path.exists(baseline_path):
        baseline = text_format.Parse(open(baseline_path).read(), descriptor_pb2.FileDescriptorSet())
        errors += lint_compat(baseline, current_sfa)
    else:
        errors.append(f"{baseline_path} is missing: run with --update-baseline")
    for e in errors:
        print(e)
    print(f"proto lint: {len(current_sfa.file)} files, {len(errors)} problems")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
