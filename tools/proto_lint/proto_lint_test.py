#!/usr/bin/python3
"""Shows that proto_lint.py catches what it is meant to: style slips and breaking changes."""

import os
import subprocess
import sys
import tempfile
import unittest

LINT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "proto_lint.py")
PROTOC = os.environ.get("PROTOC", "protoc")

GOOD = """syntax = "proto3";
package sfa.demo.v1;
enum Stage { STAGE_UNSPECIFIED = 0; STAGE_OPEN = 1; }
message Deal { string deal_id = 1; int64 amount_minor = 2; Stage stage = 3; }
"""


class ProtoLintTest(unittest.TestCase):
    def run_lint(self, root, *extra):
        return subprocess.run([sys.executable, LINT, "--protoc", PROTOC, "--proto-root", root, *extra],
                              capture_output=True, text=True)

    def write(self, root, text):
        os.makedirs(os.path.join(root, "sfa/demo/v1"), exist_ok=True)
        with open(os.path.join(root, "sfa/demo/v1/demo.proto"), "w") as f:
            f.write(text)

    def test_clean_file_passes_and_additions_are_compatible(self):
        with tempfile.TemporaryDirectory() as root:
            self.write(root, GOOD)
            self.assertEqual(self.run_lint(root, "--update-baseline").returncode, 0)
            self.write(root, GOOD.replace("Stage stage = 3;", "Stage stage = 3; string note = 4;"))
            r = self.run_lint(root)
            self.assertEqual(r.returncode, 0, r.stdout)

    def test_style_problems_are_reported(self):
        with tempfile.TemporaryDirectory() as root:
            self.write(root, GOOD.replace("STAGE_UNSPECIFIED = 0; STAGE_OPEN = 1;", "OPEN = 0;")
                       .replace("deal_id", "dealId"))
            self.run_lint(root, "--update-baseline")
            r = self.run_lint(root)
            self.assertNotEqual(r.returncode, 0)
            self.assertIn("must start with STAGE_UNSPECIFIED = 0", r.stdout)
            self.assertIn("field Deal.dealId is not lower_snake_case", r.stdout)

    def test_removed_or_renumbered_field_is_breaking(self):
        with tempfile.TemporaryDirectory() as root:
            self.write(root, GOOD)
            self.run_lint(root, "--update-baseline")
            self.write(root, GOOD.replace("int64 amount_minor = 2;", "int64 amount_minor = 5;"))
            r = self.run_lint(root)
            self.assertNotEqual(r.returncode, 0)
            self.assertIn("breaking: field sfa.demo.v1.Deal.2", r.stdout)

    def test_changed_field_type_is_breaking(self):
        with tempfile.TemporaryDirectory() as root:
            self.write(root, GOOD)
            self.run_lint(root, "--update-baseline")
            self.write(root, GOOD.replace("int64 amount_minor", "string amount_minor"))
            r = self.run_lint(root)
            self.assertNotEqual(r.returncode, 0)
            self.assertIn("changed from", r.stdout)


if __name__ == "__main__":
    unittest.main()
